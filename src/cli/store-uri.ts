import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { OptionsError } from '../errors.ts';
import type { Storage } from '../storage/types.ts';

/**
 * Storage URIs: one string that names a backend and where it keeps entries, for the `--store`
 * option of the CLI, environment variables and configuration files.
 *
 * - `sqlite:PATH`: {@link SqliteStorage} in the file PATH (`sqlite:` alone: its default path)
 * - `fs:DIR`: {@link FileSystemStorage} in the directory DIR (`fs:` alone: its default directory)
 * - `memory:`: a {@link MemoryStorage}, gone when the process ends
 * - `redis://[USER:PASSWORD@]HOST[:PORT][/DB][?prefix=PREFIX]` (`rediss://` for TLS):
 *   {@link RedisStorage} on an ioredis client of its own (`ioredis` must be installed)
 *
 * PATH and DIR may be relative (to the working directory), start with `~/`, or be written after
 * `//` as in `sqlite:///var/cache/http.sqlite`.
 *
 * @module
 */

/** A parsed storage URI; `path` is absolute, or absent for the backend's default. */
export type StoreSpec =
  | { readonly type: 'sqlite'; readonly path?: string }
  | { readonly type: 'fs'; readonly path?: string }
  | { readonly type: 'memory' }
  | { readonly type: 'redis'; readonly url: string; readonly prefix?: string };

/** The storage the CLI and {@link openStore} use when no URI is given: SQLite at its default path. */
export const DEFAULT_STORE: StoreSpec = { type: 'sqlite' };

/**
 * The storage `httpcache proxy` uses when no URI is given: its own SQLite file beside the default
 * one, so that a shared cache never reads what a private one (`httpcache get` with credentials)
 * stored.
 */
export async function defaultProxyStore(): Promise<StoreSpec> {
  const { defaultSqlitePath } = await import('../sqlite.ts');
  return { type: 'sqlite', path: join(dirname(defaultSqlitePath()), 'proxy.sqlite') };
}

/** The URI forms, for error messages and help. */
export const STORE_URI_FORMS = 'sqlite:PATH, fs:DIR, memory: or redis://HOST[:PORT][/DB]';

/**
 * Parses a storage URI. Throws an {@link OptionsError} naming `option` for a URI it does not
 * understand.
 *
 * @example
 * ```ts
 * parseStoreUri('sqlite:./cache.sqlite'); // in /srv/app: { type: 'sqlite', path: '/srv/app/cache.sqlite' }
 * parseStoreUri('memory:'); // { type: 'memory' }
 * ```
 */
export function parseStoreUri(
  uri: string,
  option = 'store',
  cwd: string = process.cwd(),
  home: string = homedir(),
): StoreSpec {
  const result = readStoreUri(uri, cwd, home);
  if ('problem' in result) throw new OptionsError(option, result.problem);
  return result;
}

/** Like {@link parseStoreUri}, but returns what is wrong with a bad URI instead of throwing. */
export function readStoreUri(
  uri: string,
  cwd: string = process.cwd(),
  home: string = homedir(),
): StoreSpec | { readonly problem: string } {
  const colon = uri.indexOf(':');
  // A one-letter scheme is a Windows drive (`C:\cache`), not a URI.
  const scheme = colon > 1 ? uri.slice(0, colon).toLowerCase() : '';
  const rest = uri.slice(colon + 1);
  switch (scheme) {
    case 'sqlite':
    case 'fs': {
      const path = localPath(rest, cwd, home);
      return path === undefined ? { type: scheme } : { type: scheme, path };
    }
    case 'memory':
      if (rest !== '' && rest !== '//') return { problem: `"memory:" takes no path, got "${uri}"` };
      return { type: 'memory' };
    case 'redis':
    case 'rediss':
      return redisSpec(uri);
    default:
      return { problem: `unknown storage URI "${uri}"; expected ${STORE_URI_FORMS}` };
  }
}

/** The URI of a parsed store; `defaultPath` stands in for a path the spec leaves to the backend. */
export function formatStoreUri(spec: StoreSpec, defaultPath?: string): string {
  if (spec.type === 'memory') return 'memory:';
  if (spec.type === 'redis') return redactedRedisUri(spec);
  const path = spec.path ?? defaultPath;
  return path === undefined ? `${spec.type}:` : `${spec.type}:${path}`;
}

/**
 * Opens the storage a {@link StoreSpec} names. Backends load lazily, so `memory:` never loads
 * `node:sqlite`. The caller closes the storage.
 *
 * @example
 * ```ts
 * const storage = await openStore(parseStoreUri('fs:./.cache'));
 * const cachedFetch = createFetch({ storage });
 * ```
 */
export async function openStore(spec: StoreSpec = DEFAULT_STORE): Promise<Storage> {
  switch (spec.type) {
    case 'sqlite': {
      const { SqliteStorage } = await import('../sqlite.ts');
      return new SqliteStorage(spec.path === undefined ? {} : { path: spec.path });
    }
    case 'fs': {
      const { FileSystemStorage } = await import('../fs.ts');
      return new FileSystemStorage(spec.path === undefined ? {} : { directory: spec.path });
    }
    case 'memory': {
      const { MemoryStorage } = await import('../storage/memory.ts');
      return new MemoryStorage();
    }
    case 'redis': {
      const { connectRedisStorage } = await import('../storage/redis/connect.ts');
      return connectRedisStorage(
        spec.url,
        spec.prefix === undefined ? {} : { prefix: spec.prefix },
      );
    }
  }
}

/** The path of a store, as its backend will use it: the given one or the backend's default. */
export async function storePath(spec: StoreSpec): Promise<string | undefined> {
  switch (spec.type) {
    case 'sqlite':
      return spec.path ?? (await import('../sqlite.ts')).defaultSqlitePath();
    case 'fs':
      return spec.path ?? (await import('../fs.ts')).defaultDirectory();
    case 'memory':
    case 'redis':
      return undefined;
  }
}

function localPath(rest: string, cwd: string, home: string): string | undefined {
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') return undefined;
  if (path === '~') return home;
  if (path.startsWith('~/')) return resolve(home, path.slice(2));
  return resolve(cwd, path);
}

/** A `redis://` URI as a spec: the URI for ioredis, and the `prefix` parameter taken out of it. */
function redisSpec(uri: string): StoreSpec | { readonly problem: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { problem: `invalid Redis URI "${uri}"; expected redis://HOST[:PORT][/DB]` };
  }
  if (url.hostname === '') return { problem: `Redis URI "${uri}" names no host` };
  const prefix = url.searchParams.get('prefix');
  url.searchParams.delete('prefix');
  return prefix === null
    ? { type: 'redis', url: url.href }
    : { type: 'redis', url: url.href, prefix };
}

/** A Redis spec's URI with its password masked, for messages. */
function redactedRedisUri(spec: { readonly url: string; readonly prefix?: string }): string {
  const url = new URL(spec.url);
  if (url.password !== '') url.password = '***';
  if (spec.prefix !== undefined) url.searchParams.set('prefix', spec.prefix);
  return url.href;
}
