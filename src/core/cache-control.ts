/**
 * The `Cache-Control` field (RFC 9111 §5.2), parsed by a single hand-written pass over the
 * value: no regular expressions, and no allocation for directives it does not understand.
 *
 * @module
 */

import { isToken, parseDeltaSeconds, scanList } from './header-values.ts';

/**
 * The directives of a `Cache-Control` field value that this library understands, request and
 * response directives alike (RFC 9111 §5.2.1, §5.2.2, RFC 5861, RFC 8246). Absent directives are
 * absent properties.
 */
export interface CacheControl {
  /** delta-seconds directives: undefined when absent */
  maxAge?: number;
  /** `s-maxage` (RFC 9111 §5.2.2.10), in seconds. */
  sMaxage?: number;
  /** `max-stale` (RFC 9111 §5.2.1.2), in seconds; `Infinity` when it has no argument. */
  maxStale?: number;
  /** `min-fresh` (RFC 9111 §5.2.1.3), in seconds. */
  minFresh?: number;
  /** `stale-while-revalidate` (RFC 5861 §3), in seconds. */
  staleWhileRevalidate?: number;
  /** `stale-if-error` (RFC 5861 §4), in seconds. */
  staleIfError?: number;
  /** `true` when unqualified; a list of lower-cased field names when qualified (no-cache="a, b") */
  noCache?: true | readonly string[];
  /** `private` (RFC 9111 §5.2.2.7): `true` when unqualified, else the lower-cased field names. */
  private?: true | readonly string[];
  /** `no-store` (RFC 9111 §5.2.1.5, §5.2.2.5). */
  noStore?: true;
  /** `public` (RFC 9111 §5.2.2.9). */
  public?: true;
  /** `must-revalidate` (RFC 9111 §5.2.2.2). */
  mustRevalidate?: true;
  /** `proxy-revalidate` (RFC 9111 §5.2.2.8). */
  proxyRevalidate?: true;
  /** `must-understand` (RFC 9111 §5.2.2.3). */
  mustUnderstand?: true;
  /** `no-transform` (RFC 9111 §5.2.1.6, §5.2.2.6). */
  noTransform?: true;
  /** `immutable` (RFC 8246). */
  immutable?: true;
  /** `only-if-cached` (RFC 9111 §5.2.1.7). */
  onlyIfCached?: true;
}

/** The {@link CacheControl} properties holding delta-seconds. */
type DeltaKey =
  | 'maxAge'
  | 'sMaxage'
  | 'maxStale'
  | 'minFresh'
  | 'staleWhileRevalidate'
  | 'staleIfError';

/** A qualified directive's field names while parsing: `true` once unqualified. */
type FieldState = true | Set<string> | undefined;

const HTAB = 0x09;
const SP = 0x20;
const DQUOTE = 0x22;
const EQUALS = 0x3d;

/** RFC 9110 §5.6.3: OWS (SP and HTAB) at either end. */
const OWS_AROUND = /^[ \t]+|[ \t]+$/g;

/** RFC 9110 §5.6.4: a quoted-string, its content captured, escapes kept. */
const QUOTED_STRING = /^"((?:[^"\\]|\\[\s\S])*)"$/;

/** Length of the longest directive name understood, `stale-while-revalidate`. */
const MAX_NAME_LENGTH = 22;

/** RFC 9110 §5.6.3: OWS is any run of SP and HTAB. */
function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/**
 * Reads the argument of the directive whose `=` is at `eq` and whose member ends at `end`
 * (exclusive), in token or quoted-string form (RFC 9111 §5.2). OWS around it is tolerated.
 *
 * @returns The argument, unescaped, or `undefined` when malformed: an unterminated
 *   quoted-string, or anything but OWS after the closing quote.
 */
function readArgument(value: string, eq: number, end: number): string | undefined {
  const arg = value.slice(eq + 1, end).replace(OWS_AROUND, '');
  // RFC 9111 §5.2: arguments in token form are taken as they are.
  if (!arg.startsWith('"')) return arg;
  // RFC 9110 §5.6.4: quoted-string, where "\" escapes the next character.
  return QUOTED_STRING.exec(arg)?.[1]?.replace(/\\([\s\S])/g, '$1');
}

/**
 * The delta-seconds argument of a directive; `0` when missing or invalid, so that invalid
 * freshness information reads as stale.
 */
function deltaArgument(value: string, eq: number, end: number): number {
  // RFC 9111 §4.2.1: invalid freshness information (here a missing argument) means stale.
  if (eq < 0) return 0;
  let a = eq + 1;
  while (a < end && isOws(value.charCodeAt(a))) a++;
  // RFC 9111 §4.2.1: an invalid delta-seconds (negative, decimal, empty) means stale: 0. The
  // token form is read in place, without allocating.
  if (value.charCodeAt(a) !== DQUOTE) return parseDeltaSeconds(value, a, end) ?? 0;
  // RFC 9111 §5.2: recipients accept the quoted-string form too.
  const arg = readArgument(value, eq, end);
  return arg === undefined ? 0 : (parseDeltaSeconds(arg) ?? 0);
}

/** Keeps the smaller of the stored and the new value: duplicated directives, most restrictive. */
function keepMin(cc: CacheControl, key: DeltaKey, seconds: number): void {
  const prev = cc[key];
  // RFC 9111 §4.2.1: with duplicated directives, use the most restrictive (smallest) value.
  if (prev === undefined || seconds < prev) cc[key] = seconds;
}

/**
 * Folds one occurrence of `no-cache` or `private` into the state so far: the union of the field
 * names, or `true` once any occurrence is unqualified, empty or malformed.
 */
function addFields(prev: FieldState, value: string, eq: number, end: number): FieldState {
  // RFC 9111 §4.2.1 "most restrictive": unqualified wins over qualified.
  if (prev === true || eq < 0) return true;
  const arg = readArgument(value, eq, end);
  // A malformed argument (unterminated quote) reads as unqualified: the safe reading.
  if (arg === undefined) return true;
  let fields = prev;
  let named = false;
  for (const member of arg.split(',')) {
    const name = member.replace(OWS_AROUND, '');
    // RFC 9111 §5.2.2.4, §5.2.2.7: the argument is a list of field names (tokens); members
    // that are not field names name no field and are dropped.
    if (isToken(name)) {
      // RFC 9110 §5.1: field names are case-insensitive.
      fields ??= new Set();
      fields.add(name.toLowerCase());
      named = true;
    }
  }
  // An empty or degenerate argument (`private=`, `private=""`, `private=","`) is unqualified.
  return named && fields !== undefined ? fields : true;
}

/**
 * Parses a `Cache-Control` field value (RFC 9111 §5.2).
 *
 * - Directive names are case-insensitive; OWS around members and around `=` is ignored; empty
 *   members are ignored; unknown directives are ignored.
 * - Arguments may be tokens or quoted-strings (with `\` escapes); a comma inside quotes does not
 *   split, and an unbalanced quote runs to the end of the value.
 * - delta-seconds arguments above 2^31 become 2147483648; missing or invalid ones become `0`
 *   (stale), except `max-stale` without an argument, which is `Infinity`.
 * - A directive given more than once keeps its most restrictive reading: the smallest number, or
 *   for `no-cache` and `private` the union of their field names, `true` winning over any list.
 * - `no-cache` or `private` with an empty, malformed or unterminated argument is unqualified.
 * - Arguments given to directives that take none (`no-store=x`) are ignored; the directive counts.
 *
 * @param value - The field value, multiple field lines already joined with `", "`, or
 *   `null`/`undefined` when absent.
 * @returns The directives found; an empty object when none.
 */
export function parseCacheControl(value: string | null | undefined): CacheControl {
  const cc: CacheControl = {};
  if (!value) return cc;
  let noCache: FieldState;
  let priv: FieldState;
  // RFC 9111 §5.2: directives are comma-separated; commas inside quoted-strings do not split.
  scanList(value, (start, end) => {
    let eq = start;
    while (eq < end && value.charCodeAt(eq) !== EQUALS) eq++;
    if (eq === end) eq = -1;
    let nameEnd = eq < 0 ? end : eq;
    while (nameEnd > start && isOws(value.charCodeAt(nameEnd - 1))) nameEnd--;
    // Longer names are unknown: skip them without allocating.
    if (nameEnd - start > MAX_NAME_LENGTH) return;
    // RFC 9111 §5.2: directive names are case-insensitive.
    switch (value.slice(start, nameEnd).toLowerCase()) {
      case 'max-age':
        // RFC 9111 §5.2.1.1, §5.2.2.1: max-age = delta-seconds.
        keepMin(cc, 'maxAge', deltaArgument(value, eq, end));
        break;
      case 's-maxage':
        // RFC 9111 §5.2.2.10: s-maxage = delta-seconds.
        keepMin(cc, 'sMaxage', deltaArgument(value, eq, end));
        break;
      case 'max-stale':
        // RFC 9111 §5.2.1.2: max-stale without an argument accepts any staleness.
        keepMin(cc, 'maxStale', eq < 0 ? Number.POSITIVE_INFINITY : deltaArgument(value, eq, end));
        break;
      case 'min-fresh':
        // RFC 9111 §5.2.1.3: min-fresh = delta-seconds.
        keepMin(cc, 'minFresh', deltaArgument(value, eq, end));
        break;
      case 'stale-while-revalidate':
        // RFC 5861 §3: stale-while-revalidate = delta-seconds.
        keepMin(cc, 'staleWhileRevalidate', deltaArgument(value, eq, end));
        break;
      case 'stale-if-error':
        // RFC 5861 §4: stale-if-error = delta-seconds.
        keepMin(cc, 'staleIfError', deltaArgument(value, eq, end));
        break;
      case 'no-cache':
        // RFC 9111 §5.2.1.4, §5.2.2.4: no-cache, optionally qualified by field names.
        noCache = addFields(noCache, value, eq, end);
        break;
      case 'private':
        // RFC 9111 §5.2.2.7: private, optionally qualified by field names.
        priv = addFields(priv, value, eq, end);
        break;
      case 'no-store':
        // RFC 9111 §5.2.1.5, §5.2.2.5: no-store.
        cc.noStore = true;
        break;
      case 'public':
        // RFC 9111 §5.2.2.9: public.
        cc.public = true;
        break;
      case 'must-revalidate':
        // RFC 9111 §5.2.2.2: must-revalidate.
        cc.mustRevalidate = true;
        break;
      case 'proxy-revalidate':
        // RFC 9111 §5.2.2.8: proxy-revalidate.
        cc.proxyRevalidate = true;
        break;
      case 'must-understand':
        // RFC 9111 §5.2.2.3: must-understand.
        cc.mustUnderstand = true;
        break;
      case 'no-transform':
        // RFC 9111 §5.2.1.6, §5.2.2.6: no-transform.
        cc.noTransform = true;
        break;
      case 'immutable':
        // RFC 8246 §2: immutable.
        cc.immutable = true;
        break;
      case 'only-if-cached':
        // RFC 9111 §5.2.1.7: only-if-cached.
        cc.onlyIfCached = true;
        break;
      default:
      // RFC 9111 §5.2.3: unknown directives are ignored.
    }
  });
  if (noCache !== undefined) cc.noCache = noCache === true ? true : [...noCache];
  if (priv !== undefined) cc.private = priv === true ? true : [...priv];
  return cc;
}
