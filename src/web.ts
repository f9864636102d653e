/**
 * `httpcache/web`: storages for the web platform (browsers, service workers, Deno, workerd).
 *
 * @module
 */

export {
  CacheStorageStorage,
  type CacheStorageStorageOptions,
} from './storage/web/cache-storage.ts';
export { IndexedDBStorage, type IndexedDBStorageOptions } from './storage/web/indexeddb.ts';
export { UnsupportedOperationError } from './storage/web/unsupported.ts';
