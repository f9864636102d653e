import { dateOf } from './freshness.ts';
import { parseVary, splitList } from './header-values.ts';
import { getHeader } from './headers.ts';
import type { HeaderPairs, HeaderReader, StoredResponse } from './types.ts';

/**
 * Secondary keys: RFC 9111 §4.1, calculating cache keys with the `Vary` header field.
 *
 * @module
 */

/** Fields whose values are case-insensitive lists, so they are compared lower-cased. */
const CASE_INSENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
]);

/**
 * RFC 9111 §4.1: a header field value normalised so that values with identical semantics compare
 * equal: whitespace around list members removed, several field lines combined, and case folded
 * where the field is case-insensitive.
 */
export function normalizeFieldValue(name: string, value: string | null): string | null {
  if (value === null) return null;
  const joined = splitList(value).join(',');
  return CASE_INSENSITIVE_FIELDS.has(name) ? joined.toLowerCase() : joined;
}

/**
 * The request's normalised values of the fields a response's `Vary` names, to be stored with the
 * response; `undefined` for `Vary: *`, which RFC 9111 §4.1 says "always fails to match".
 */
export function varyValues(
  responseHeaders: HeaderPairs,
  request: HeaderReader,
): Record<string, string | null> | undefined {
  const vary = parseVary(getHeader(responseHeaders, 'vary'));
  if (vary === '*') return undefined;
  const values: Record<string, string | null> = {};
  for (const name of vary) values[name] = normalizeFieldValue(name, request.get(name));
  return values;
}

/**
 * A canonical string of stored {@link varyValues}: two entries under one primary key with equal
 * variant ids answer the same requests, so a newer one replaces the older.
 */
export function variantId(values: Readonly<Record<string, string | null>>): string {
  const names = Object.keys(values);
  if (names.length === 0) return '';
  names.sort();
  return JSON.stringify(names.map((n) => [n, values[n] ?? null]));
}

/** RFC 9111 §4.1: whether the request matches the selecting fields of a stored response. */
export function matchesVariant(stored: StoredResponse, request: HeaderReader): boolean {
  for (const name in stored.vary) {
    if (name === '*') return false;
    if (normalizeFieldValue(name, request.get(name)) !== stored.vary[name]) return false;
  }
  return true;
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
): T[] {
  const matching = variants.filter((v) => matchesVariant(v, request));
  if (matching.length > 1) matching.sort(newestFirst);
  return matching;
}
