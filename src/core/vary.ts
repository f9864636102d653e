import { dateOf } from './freshness.ts';
import { parseVary } from './header-values.ts';
import { getHeader } from './headers.ts';
import type { HeaderPairs, HeaderReader, StoredResponse } from './types.ts';
import {
  DEFAULT_VARY_NORMALIZERS,
  firstChoiceIs,
  normalizerOf,
  normalizeWith,
  type VaryNormalizers,
} from './vary-normalizers.ts';

/**
 * Secondary keys: RFC 9111 §4.1, calculating cache keys with the `Vary` header field.
 *
 * @module
 */

/**
 * RFC 9111 §4.1: a header field value normalised so that values with identical semantics compare
 * equal, by the field's `VaryNormalizer`: at least whitespace around list members removed
 * and several field lines combined. "If (after any normalization that might take place) a header
 * field is absent from a request, it can only match another request if it is also absent there":
 * an absent field stays `null`.
 */
export function normalizeFieldValue(
  name: string,
  value: string | null,
  normalizers: VaryNormalizers = DEFAULT_VARY_NORMALIZERS,
): string | null {
  if (value === null) return null;
  const normalizer = normalizerOf(name, normalizers);
  if (typeof normalizer === 'function' || value.length > RECENT_LENGTH) {
    return normalizeWith(normalizer, value);
  }
  let recent = recentForms.get(normalizer);
  if (recent === undefined) {
    recent = new Map();
    recentForms.set(normalizer, recent);
  }
  let form = recent.get(value);
  if (form === undefined) {
    form = normalizeWith(normalizer, value);
    if (recent.size >= RECENT_FORMS) recent.clear();
    recent.set(value, form);
  }
  return form;
}

/**
 * Forms of recent values by built-in normaliser: clients repeat a few values (each sends the same
 * `Accept-Encoding` every time), so a value is normalised once, not on every lookup. Up to
 * {@link RECENT_FORMS} values each of at most {@link RECENT_LENGTH} characters.
 */
const recentForms = new Map<string, Map<string, string>>();
const RECENT_FORMS = 256;
const RECENT_LENGTH = 256;

/**
 * The request's normalised values of the fields a response's `Vary` names, to be stored with the
 * response; `undefined` for `Vary: *`, which RFC 9111 §4.1 says "always fails to match".
 */
export function varyValues(
  responseHeaders: HeaderPairs,
  request: HeaderReader,
  normalizers: VaryNormalizers = DEFAULT_VARY_NORMALIZERS,
): Record<string, string | null> | undefined {
  const vary = parseVary(getHeader(responseHeaders, 'vary'));
  if (vary === '*') return undefined;
  const values: Record<string, string | null> = {};
  for (const name of vary) values[name] = normalizeFieldValue(name, request.get(name), normalizers);
  return values;
}

/**
 * A canonical string of stored {@link varyValues}: two entries under one primary key with equal
 * variant ids answer the same requests, so a newer one replaces the older.
 */
export function variantId(values: Readonly<Record<string, string | null>>): string {
  const names = Object.keys(values);
  if (names.length === 0) return '';
  // One name (most Vary fields): the same string, without building the list to stringify.
  const [only] = names;
  if (names.length === 1 && only !== undefined) {
    return `[[${JSON.stringify(only)},${JSON.stringify(values[only] ?? null)}]]`;
  }
  names.sort();
  return JSON.stringify(names.map((n) => [n, values[n] ?? null]));
}

/**
 * RFC 9111 §4.1: whether the request matches the selecting fields of a stored response, each
 * compared by its `VaryNormalizer`.
 */
export function matchesVariant(
  stored: StoredResponse,
  request: HeaderReader,
  normalizers: VaryNormalizers = DEFAULT_VARY_NORMALIZERS,
): boolean {
  for (const name in stored.vary) {
    if (name === '*') return false;
    const value = request.get(name);
    if (normalizeFieldValue(name, value, normalizers) === stored.vary[name]) continue;
    if (!languageSelects(stored, name, value, normalizers)) return false;
  }
  return true;
}

/**
 * The `'language'` normaliser: the stored response's one `Content-Language` is the request's
 * single first choice, so an origin that negotiates by the ranking alone would answer with it.
 */
function languageSelects(
  stored: StoredResponse,
  name: string,
  value: string | null,
  normalizers: VaryNormalizers,
): boolean {
  if (name !== 'accept-language' || value === null) return false;
  if (normalizerOf(name, normalizers) !== 'language') return false;
  const contentLanguage = getHeader(stored.headers, 'content-language');
  return contentLanguage !== null && firstChoiceIs(value, contentLanguage);
}

/**
 * RFC 9111 §4.1: "If multiple selected responses are available ... the most recent response (as
 * determined by the Date header field) is used". Ties go to the one received last.
 */
export function newestFirst(a: StoredResponse, b: StoredResponse): number {
  return dateOf(b) - dateOf(a) || b.responseTime - a.responseTime;
}

/** The stored responses that match the request, newest first. */
export function selectVariants<T extends StoredResponse>(
  variants: readonly T[],
  request: HeaderReader,
  normalizers: VaryNormalizers = DEFAULT_VARY_NORMALIZERS,
): T[] {
  const matching = variants.filter((v) => matchesVariant(v, request, normalizers));
  if (matching.length > 1) matching.sort(newestFirst);
  return matching;
}
