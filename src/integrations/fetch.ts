import { HttpCache } from '../engine/http-cache.ts';
import type { InvalidationTarget } from '../engine/invalidate.ts';
import type { HttpCacheOptions } from '../engine/options.ts';
import type { CacheRequestInit } from '../engine/request.ts';

/** A `fetch` that goes through a cache; see {@link createFetch}. */
export interface CachedFetch {
  (input: RequestInfo | URL, init?: CacheRequestInit): Promise<Response>;
  /** The cache behind this fetch, for events and storage. */
  readonly cache: HttpCache;
  /** Resolves once background work (stores, revalidations) has settled; see {@link HttpCache.idle}. */
  idle(): Promise<void>;
  /** Deletes stored entries by URL, `Request`, `{ prefix }` or `{ tag }`; see {@link HttpCache.invalidate}. */
  invalidate(target: InvalidationTarget): Promise<number>;
  /** Deletes every stored entry; see {@link HttpCache.clear}. */
  clear(): Promise<void>;
  /** Stops background work and closes the storage. */
  close(): Promise<void>;
}

/**
 * A drop-in `fetch` with an RFC 9111 HTTP cache in front of it.
 *
 * @example
 * ```ts
 * import { createFetch } from 'httpcache';
 *
 * const cachedFetch = createFetch();
 * const res = await cachedFetch('https://example.com/data.json');
 * console.log(res.headers.get('cache-status')); // httpcache; fwd=uri-miss; fwd-status=200; stored
 * ```
 */
export function createFetch(options: HttpCacheOptions = {}): CachedFetch {
  const cache = new HttpCache(options);
  const cachedFetch = (input: RequestInfo | URL, init?: CacheRequestInit): Promise<Response> =>
    cache.fetch(input, init);
  return Object.assign(cachedFetch, {
    cache,
    idle: () => cache.idle(),
    invalidate: (target: InvalidationTarget) => cache.invalidate(target),
    clear: () => cache.clear(),
    close: () => cache.close(),
  });
}
