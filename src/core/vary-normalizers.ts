import { splitList } from './header-values.ts';

/**
 * How the values of a request header field that a response's `Vary` names are compared.
 *
 * RFC 9111 §4.1: two requests' selecting fields match when one can be turned into the other by
 * "adding or removing whitespace", "combining multiple header field lines with the same field
 * name", and "normalizing both header field values in a way that is known to have identical
 * semantics, according to the header field's specification (e.g., reordering field values when
 * order is not significant; case-normalization, where values are defined to be
 * case-insensitive)". Which normalisation is known to be safe depends on the field, and on how
 * the origin reads it, so it is chosen per field.
 *
 * @module
 */

/**
 * How one selecting field's values are compared (RFC 9111 §4.1).
 *
 * - `'list'`: as a list: whitespace around members and empty members removed, several lines
 *   combined; case kept. The default for fields not named below.
 * - `'weighted'`: as a case-insensitive list with quality values (RFC 9110 §12.4.2), like
 *   `Accept-Language: en-GB, fr;q=0.5`: case folded, whitespace removed, `q` written canonically
 *   (`q=1`, `q=1.000` and none are the same weight; `q=0.50` is `q=0.5`), and members ordered by
 *   weight, members of equal weight keeping their order. RFC 9110 §12.5.4 notes that "some
 *   recipients treat the order in which language tags are listed as an indication of descending
 *   priority, particularly for tags that are assigned equal quality values", and most server
 *   frameworks do, so `en, de` and `de, en` stay different requests; `de, en;q=0.5` and
 *   `en;q=0.5, de` are the same. The default for `Accept`, `Accept-Charset`, `Accept-Encoding`
 *   and `Accept-Language`.
 * - `'unordered'`: as `'weighted'`, and members of equal weight in any order: `en, de` and
 *   `de, en` are the same request. RFC 9110 §12.4.2 gives order no meaning; choose it for an
 *   origin known to rank by quality value alone.
 * - `'language'`: for `Accept-Language`: as `'unordered'`, and a stored response with one
 *   `Content-Language` also answers every request whose single most preferred language range is
 *   exactly that language (`fr;q=0.5, de` is answered by a stored `Content-Language: de`, whatever
 *   the request that stored it sent). This assumes the origin picks the language by the ranking
 *   of quality values alone (so the order of equal weights means nothing to it) and that the rest
 *   of the field changes nothing in its answer; RFC 9111 §4.1 does not count such requests as
 *   matching, so it is a choice for an origin known to negotiate so.
 * - a function: the canonical form of a value (several lines arrive combined with `, `); two
 *   requests match when it returns the same string for both. An absent field matches only an
 *   absent field, whatever the function.
 */
export type VaryNormalizer =
  | 'list'
  | 'weighted'
  | 'unordered'
  | 'language'
  | ((value: string) => string);

/** Normalisers by lower-case field name; fields not in it are compared as `'list'`. */
export type VaryNormalizers = ReadonlyMap<string, VaryNormalizer>;

/** The normalisers of a cache that sets none: the content negotiation fields as weighted lists. */
export const DEFAULT_VARY_NORMALIZERS: VaryNormalizers = new Map<string, VaryNormalizer>([
  ['accept', 'weighted'],
  ['accept-charset', 'weighted'],
  ['accept-encoding', 'weighted'],
  ['accept-language', 'weighted'],
]);

/** The names of the built-in normalisers. */
export const VARY_NORMALIZER_NAMES: readonly string[] = [
  'list',
  'weighted',
  'unordered',
  'language',
];

/** One member of a weighted list: the member without its `q`, and its weight. */
interface Weighted {
  readonly member: string;
  readonly weight: number;
}

/** RFC 9110 §12.4.2: `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * RFC 9110 §12.4.2: the members of a lower-case weighted list, with their weights ("If no "q"
 * parameter is present, the default weight is 1"); `undefined` when a member has a quoted string
 * or an invalid or repeated `q`, which are then compared as a plain list.
 */
function weightedMembers(value: string): Weighted[] | undefined {
  if (value.includes('"')) return undefined;
  const members: Weighted[] = [];
  for (const raw of splitList(value)) {
    const [first = '', ...params] = raw.split(';').map((part) => part.trim());
    const kept = [first];
    let weight: number | undefined;
    for (const param of params) {
      if (param === '') continue;
      const eq = param.indexOf('=');
      const name = (eq < 0 ? param : param.slice(0, eq)).trim();
      const paramValue = eq < 0 ? '' : param.slice(eq + 1).trim();
      if (name !== 'q') kept.push(eq < 0 ? name : `${name}=${paramValue}`);
      else if (weight !== undefined || !QVALUE.test(paramValue)) return undefined;
      else weight = Number(paramValue);
    }
    members.push({ member: kept.join(';'), weight: weight ?? 1 });
  }
  return members;
}

/** RFC 9111 §4.1: whitespace and empty members removed, lines combined. */
function listForm(value: string): string {
  return splitList(value).join(',');
}

/** The canonical form of a weighted list; `ordered` keeps the order of equal weights. */
function weightedForm(value: string, ordered: boolean): string {
  const lower = value.toLowerCase();
  // No parameters: every weight is 1, so the ordered form is the list itself.
  if (ordered && !lower.includes(';')) return listForm(lower);
  const members = weightedMembers(lower);
  if (members === undefined) return listForm(lower);
  // Array sorting is stable: with `ordered`, members of equal weight keep the request's order.
  members.sort(
    (a, b) =>
      byWeight(a, b) || (ordered ? 0 : a.member < b.member ? -1 : a.member > b.member ? 1 : 0),
  );
  return members.map((m) => (m.weight === 1 ? m.member : `${m.member};q=${m.weight}`)).join(',');
}

/** The normaliser of field `name` (lower-case) under `normalizers`. */
export function normalizerOf(name: string, normalizers: VaryNormalizers): VaryNormalizer {
  return normalizers.get(name) ?? 'list';
}

/** RFC 9111 §4.1: the canonical form of a selecting field's value under `normalizer`. */
export function normalizeWith(normalizer: VaryNormalizer, value: string): string {
  if (typeof normalizer === 'function') return normalizer(value);
  if (normalizer === 'list') return listForm(value);
  return weightedForm(value, normalizer === 'weighted');
}

/**
 * For the `'language'` normaliser: whether the request's `Accept-Language` has one most preferred
 * language range (RFC 9110 §12.5.4, ranked by weight; a tie is no single choice, since recipients
 * differ on whether order breaks it), and it is exactly the one language tag of the stored
 * `Content-Language` (RFC 9110 §8.5), case aside (language tags are case-insensitive).
 */
export function firstChoiceIs(acceptLanguage: string, contentLanguage: string): boolean {
  const languages = splitList(contentLanguage.toLowerCase());
  // Array sorting is stable; a tie for the first place leaves the same weight second.
  const [top, next] = weightedMembers(acceptLanguage.toLowerCase())?.sort(byWeight) ?? [];
  return (
    languages.length === 1 &&
    top !== undefined &&
    top.weight > 0 &&
    next?.weight !== top.weight &&
    top.member === languages[0]
  );
}

/** Heaviest first. */
function byWeight(a: Weighted, b: Weighted): number {
  return b.weight - a.weight;
}
