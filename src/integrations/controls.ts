import type { CacheRequestInit, RequestCacheOptions } from '../engine/request.ts';

/**
 * Per-request controls for integrations whose request options are not a `RequestInit`
 * (undici's dispatch options, axios' request config).
 *
 * @module
 */

/** httpcache's per-request controls, plus the Fetch standard's cache mode. */
export interface CacheControls extends RequestCacheOptions {
  /**
   * The Fetch standard cache mode for this request, as `RequestInit.cache` sets it for
   * `createFetch()`: `default`, `no-store`, `reload`, `no-cache`, `force-cache` or
   * `only-if-cached`.
   * @default 'default'
   * @example { httpcache: { cache: 'no-cache' } }
   */
  readonly cache?: RequestCache;
}

/** The `RequestInit` members that carry `controls` to the engine. */
export function controlsInit(
  controls: CacheControls | undefined,
): Pick<CacheRequestInit, 'cache' | 'httpcache'> {
  if (controls === undefined || controls === null) return {};
  const { cache, ...httpcache } = controls;
  return cache === undefined ? { httpcache } : { cache, httpcache };
}
