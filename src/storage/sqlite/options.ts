import { homedir } from 'node:os';
import { join } from 'node:path';
import { OptionsError } from '../../errors.ts';
import { userCacheDirectory } from '../cache-dir.ts';

/**
 * The options of {@link SqliteStorage} and the default database file.
 *
 * @module
 */

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * The database file, created (with its directory) when missing; `':memory:'` for a database
   * private to this storage. Several processes may share one file.
   * @default `$XDG_CACHE_HOME/httpcache/cache.sqlite`, else `~/.cache/httpcache/cache.sqlite`
   * (`%LOCALAPPDATA%\httpcache\cache.sqlite` on Windows)
   * @example new SqliteStorage({ path: '/var/cache/myapp/http.sqlite' })
   */
  readonly path?: string;
  /**
   * The most bytes (bodies plus metadata) to keep; beyond it the least recently used entries (by
   * last store or hit) are deleted, down to a little below it (1/32 of it, at most 32 entries
   * more), so that most stores into a full database delete nothing. A body larger than this is
   * not stored. `Infinity`: no cap.
   * @default 1073741824 (1 GiB)
   * @example new SqliteStorage({ maxBytes: 256 * 1024 * 1024 })
   */
  readonly maxBytes?: number;
  /**
   * The most variants (entries under one key, as `Vary` tells them apart) to keep per key; beyond
   * it the least recently used variant is deleted, so that a `Vary` on a header every client sets
   * differently cannot fill storage or slow lookups.
   * @default 64
   */
  readonly maxVariants?: number;
  /**
   * How long (ms) an operation waits for another process's write to end before it fails with a
   * {@link StorageError} (SQLite's `busy_timeout`). Writes are short, so waits are too.
   * @default 5000
   * @example new SqliteStorage({ busyTimeout: 10_000 })
   */
  readonly busyTimeout?: number;
  /**
   * The clock (ms since the epoch) against which entries expire at their `deleteAt`, new entries
   * take their place in the LRU order, and abandoned writes age.
   * @default Date.now
   * @example new SqliteStorage({ clock: () => fakeNow })
   */
  readonly clock?: () => number;
}

/**
 * The default database file: `$XDG_CACHE_HOME/httpcache/cache.sqlite` when that variable holds an
 * absolute path, else `~/.cache/httpcache/cache.sqlite`; on Windows under `%LOCALAPPDATA%`.
 */
export function defaultSqlitePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  return join(userCacheDirectory(env, platform, home), 'httpcache', 'cache.sqlite');
}

/** `busyTimeout` and the like: a whole number of milliseconds a timer can take. */
export function milliseconds(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw new OptionsError(option, `must be a whole number of milliseconds, got ${value}`);
  }
  return value;
}
