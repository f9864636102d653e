import type { ForwardReason } from '../core/decision.ts';

/**
 * The metadata attached to every response that passed through the cache.
 *
 * @module
 */

const METADATA = Symbol.for('httpcache.metadata');

/** What the cache did for a response; see {@link cacheStatus}. */
export interface CacheMetadata {
  /** The body came from storage (a hit, a stale response, or a revalidated one). */
  readonly fromCache: boolean;
  /** The origin confirmed the stored response with a 304 before it was served. */
  readonly revalidated: boolean;
  /** The origin's response is being stored (it is committed once its body has been read). */
  readonly stored: boolean;
  /** The request shared another request's origin response (RFC 9211 `collapsed`). */
  readonly collapsed: boolean;
  /** The primary cache key. */
  readonly key: string;
  /** When the served entry was stored (ms since epoch), for responses from storage. */
  readonly createdAt: number | undefined;
  /** How many times the entry had been served before this response, for responses from storage. */
  readonly hits: number;
  /** Remaining freshness lifetime in seconds (negative when stale); `undefined` when unknown. */
  readonly ttl: number | undefined;
  /**
   * The stored response served was stale: served within `stale-while-revalidate`, for
   * `stale-if-error` or `allowStale`, or because the request allowed it (`max-stale`,
   * `force-cache`, `only-if-cached`). `false` for a response from the origin.
   */
  readonly stale: boolean;
  /**
   * The RFC 9211 `fwd` reason when the request went to the origin: `bypass` (the `bypass` control
   * or a request filter), `method`, `uri-miss`, `vary-miss`, `request` (the request asked for
   * it), `stale`, or `partial` (a stored part was completed with the bytes it lacked).
   */
  readonly forwarded: ForwardReason | undefined;
}

/** Attaches metadata to a response (an own, non-enumerable property). */
export function attachMetadata(response: Response, metadata: CacheMetadata): Response {
  Object.defineProperty(response, METADATA, { value: metadata });
  return response;
}

/**
 * What the cache did for `response`: from cache, revalidated, stored, key, created at, hits, TTL
 * left. `undefined` for a response that did not pass through an httpcache cache.
 *
 * @example
 * ```ts
 * const res = await cachedFetch('https://example.com/');
 * cacheStatus(res)?.fromCache; // true on a hit
 * ```
 */
export function cacheStatus(response: Response): CacheMetadata | undefined {
  return (response as unknown as Record<symbol, CacheMetadata | undefined>)[METADATA];
}
