/**
 * `httpcache/server`: a shared cache in front of a server handler, and a caching reverse proxy.
 *
 * @module
 */

export {
  type CachedHandler,
  type CacheHandlerOptions,
  cacheHandler,
  type FetchHandler,
} from './handler.ts';
export { type CachingProxy, createProxy, type ProxyOptions } from './proxy.ts';
export type { ProxyErrorEvent, ProxyErrorListener } from './report.ts';
export { UpstreamTimeoutError } from './upstream.ts';
