import { isNonErrorStatus, SAFE_METHODS } from './status-codes.ts';
import type { HeaderReader } from './types.ts';

/**
 * Invalidation by unsafe methods: RFC 9111 §4.4.
 *
 * @module
 */

/**
 * The URLs whose stored responses a response invalidates: for a non-error response to an unsafe
 * method (or one of unknown safety), the target URI, and the URIs in `Location` and
 * `Content-Location` when they share its origin. Empty otherwise.
 */
export function invalidatedUrls(
  method: string,
  url: string,
  status: number,
  responseHeaders: HeaderReader,
): string[] {
  // RFC 9111 §4.4: "A cache MUST invalidate the target URI when it receives a non-error status
  // code in response to an unsafe request method (including methods whose safety is unknown)."
  if (SAFE_METHODS.has(method) || !isNonErrorStatus(status)) return [];
  const target = parseUrl(url);
  if (target === undefined) return [];
  const urls = [target.href];
  for (const name of ['location', 'content-location']) {
    const value = responseHeaders.get(name);
    const other = value === null ? undefined : parseUrl(value, target.href);
    // RFC 9111 §4.4: "a cache MUST NOT invalidate a URI ... if the host part of that URI differs
    // from the host part in the target URI" (we compare the whole origin).
    if (other !== undefined && other.origin === target.origin && !urls.includes(other.href)) {
      urls.push(other.href);
    }
  }
  return urls;
}

function parseUrl(value: string, base?: string): URL | undefined {
  return URL.canParse(value, base) ? new URL(value, base) : undefined;
}
