import type { CacheControl } from './cache-control.ts';
import { mustRevalidate } from './decision.ts';
import type { Freshness } from './freshness.ts';

/**
 * Serving stale responses when the origin fails: RFC 9111 §4.2.4 and RFC 5861 §4.
 *
 * @module
 */

/** RFC 5861 §4: the origin errors that `stale-if-error` covers (and unreachable origins). */
export const STALE_IF_ERROR_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/**
 * How many seconds past its lifetime a stored response may be served when the origin fails: the
 * larger of the response's and the request's `stale-if-error` (RFC 5861 §4) and the cache's
 * `allowStale`; `0` when directives require revalidation (RFC 9111 §4.2.4).
 */
export function staleIfErrorWindow(
  f: Freshness,
  requestCc: CacheControl,
  allowStale: number,
  shared: boolean,
): number {
  if (mustRevalidate(f.cc, shared)) return 0;
  return Math.max(f.cc.staleIfError ?? 0, requestCc.staleIfError ?? 0, allowStale);
}

/** Whether a stored response may stand in for a failed origin response now. */
export function canServeStaleOnError(
  f: Freshness,
  requestCc: CacheControl,
  allowStale: number,
  shared: boolean,
): boolean {
  // RFC 9111 §5.2.2.4: a no-cache response is never used without a successful validation,
  // fresh or not. (must-revalidate and the like only forbid stale use: the window below is 0.)
  if (f.cc.noCache === true) return false;
  return f.age - f.lifetime <= staleIfErrorWindow(f, requestCc, allowStale, shared);
}
