/**
 * `httpcache/sqlite`: {@link SqliteStorage}, the persistent storage on `node:sqlite` that several
 * processes can share.
 *
 * @module
 */

export {
  defaultSqlitePath,
  SqliteStorage,
  type SqliteStorageOptions,
} from './storage/sqlite.ts';
