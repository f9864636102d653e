import { dateOf } from './freshness.ts';
import { parseEntityTags, weakEtagMatch } from './header-values.ts';
import { getHeader } from './headers.ts';
import { parseHttpDate } from './http-date.ts';
import type { HeaderReader, StoredResponse } from './types.ts';

/**
 * Validation: RFC 9111 §4.3.
 *
 * @module
 */

/** Request fields that make a request conditional (RFC 9110 §13.1). */
export const CONDITIONAL_FIELDS: readonly string[] = [
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
];

/** Whether the caller's request is conditional. */
export function isConditional(headers: HeaderReader): boolean {
  return CONDITIONAL_FIELDS.some((name) => headers.get(name) !== null);
}

/**
 * RFC 9111 §4.3.1: the validators to send when revalidating. `If-None-Match` carries the entity
 * tags of all stored responses for the target URI, so that a 304 can select any of them;
 * `If-Modified-Since` the `Last-Modified` of the response being revalidated. `undefined` when
 * there is nothing to validate with.
 */
export function conditionalHeaders(
  selected: StoredResponse | undefined,
  variants: readonly StoredResponse[],
): Record<string, string> | undefined {
  const etags: string[] = [];
  const ordered =
    selected === undefined ? variants : [selected, ...variants.filter((v) => v !== selected)];
  for (const variant of ordered) {
    const etag = getHeader(variant.headers, 'etag');
    if (etag !== null && !etags.includes(etag)) etags.push(etag);
  }
  const headers: Record<string, string> = {};
  if (etags.length > 0) headers['if-none-match'] = etags.join(', ');
  const lastModified = selected === undefined ? null : getHeader(selected.headers, 'last-modified');
  // RFC 9111 §4.3.1: a Last-Modified that is a valid date is sent back as If-Modified-Since.
  if (lastModified !== null && parseHttpDate(lastModified) !== undefined) {
    headers['if-modified-since'] = lastModified;
  }
  return etags.length > 0 || 'if-modified-since' in headers ? headers : undefined;
}

/**
 * RFC 9111 §4.3.2: whether the caller's own `If-None-Match` or `If-Modified-Since` is satisfied by
 * a fresh stored response, so the cache answers 304 itself.
 */
export function satisfiesConditional(request: HeaderReader, stored: StoredResponse): boolean {
  const ifNoneMatch = request.get('if-none-match');
  if (ifNoneMatch !== null) {
    // RFC 9110 §13.1.2: If-None-Match uses weak comparison; "*" matches any current representation.
    const tags = parseEntityTags(ifNoneMatch);
    if (tags === '*') return true;
    const etag = getHeader(stored.headers, 'etag');
    return etag !== null && tags.some((tag) => weakEtagMatch(tag, etag));
  }
  const since = parseHttpDate(request.get('if-modified-since'));
  if (since === undefined) return false;
  // RFC 9111 §4.3.2: Last-Modified, else Date, else the time the response was received.
  const modified = parseHttpDate(getHeader(stored.headers, 'last-modified')) ?? dateOf(stored);
  return modified <= since;
}

/**
 * RFC 9111 §4.3.4: the stored responses a 304 (or, per §4.3.5, a HEAD response) identifies for
 * update. A strong entity tag selects every stored response that has it; a weak one, or a
 * `Last-Modified` date, the most recent matching one. A 304 with no validator at all answers the
 * conditional request the cache made for `revalidated` (many servers omit validators from 304s);
 * without one, RFC 9111's rule applies: the only stored response, when it has no validator either.
 * `newestFirst` must be ordered newest first.
 */
export function responsesToUpdate<T extends StoredResponse>(
  newestFirst: readonly T[],
  response: HeaderReader,
  revalidated: T | undefined,
): T[] {
  const etag = response.get('etag');
  if (etag !== null) {
    const matching = newestFirst.filter((s) => {
      const stored = getHeader(s.headers, 'etag');
      return stored !== null && weakEtagMatch(stored, etag);
    });
    const strong = !etag.trimStart().startsWith('W/');
    return strong
      ? matching.filter((s) => getHeader(s.headers, 'etag') === etag)
      : matching.slice(0, 1);
  }
  const lastModified = response.get('last-modified');
  if (lastModified !== null) {
    const match = newestFirst.find((s) => getHeader(s.headers, 'last-modified') === lastModified);
    return match === undefined ? [] : [match];
  }
  if (revalidated !== undefined) return [revalidated];
  const only = newestFirst.length === 1 ? newestFirst[0] : undefined;
  if (
    only !== undefined &&
    getHeader(only.headers, 'etag') === null &&
    getHeader(only.headers, 'last-modified') === null
  ) {
    return [only];
  }
  return [];
}
