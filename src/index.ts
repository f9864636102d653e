/**
 * httpcache: an RFC 9111 HTTP cache for `fetch`.
 *
 * @module
 */

export type { ForwardReason } from './core/decision.ts';
export type { UrlNormalization } from './core/key.ts';
export type { CacheMode, HeaderReader, HeuristicOptions } from './core/types.ts';
export type { VaryNormalizer } from './core/vary-normalizers.ts';
export type {
  CacheEventCounts,
  CacheEventListener,
  CacheEvents,
  CacheEventType,
  ResponseResult,
} from './engine/events.ts';
export type { CacheFilter } from './engine/filter.ts';
export { type CacheStats, HttpCache } from './engine/http-cache.ts';
export type { InvalidationTarget } from './engine/invalidate.ts';
export { type CacheMetadata, cacheStatus } from './engine/metadata.ts';
export type { HttpCacheOptions, KeyFunction, KeyRequest } from './engine/options.ts';
export type { CacheRequestInit, RequestCacheOptions } from './engine/request.ts';
export {
  ClosedError,
  CodecError,
  HttpCacheError,
  type HttpCacheErrorCode,
  InvalidationError,
  isHttpCacheError,
  OptionsError,
  RequestError,
  StorageError,
} from './errors.ts';
export { type CachedFetch, createFetch } from './integrations/fetch.ts';
export { MemoryStorage, type MemoryStorageOptions } from './storage/memory.ts';
export type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  EvictionListener,
  Storage,
  StorageReporter,
  StorageStats,
  StoredBody,
  SyncStorage,
} from './storage/types.ts';
