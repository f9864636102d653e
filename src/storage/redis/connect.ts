import { StorageError } from '../../errors.ts';
import { RedisStorage } from '../redis.ts';
import type { RedisStorageOptions } from './options.ts';

/**
 * A {@link RedisStorage} on a client of its own, made from a `redis://` or `rediss://` URI with
 * `ioredis` loaded only then: what the CLI's `--store redis://…` opens.
 *
 * @module
 */

/** Client options that make a Redis that is down or slow fail commands at once, not queue them. */
const FAIL_FAST = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
  connectTimeout: 5000,
  retryStrategy: (times: number) => Math.min(times * 200, 2000),
} as const;

/**
 * Connects an ioredis client to `uri` (failing fast while Redis is down, reconnecting in the
 * background) and returns a storage on it that closes the client when it is closed. Rejects with
 * a {@link StorageError} when `ioredis` is not installed or Redis cannot be reached.
 *
 * @example
 * ```ts
 * const storage = await connectRedisStorage('redis://localhost:6379/0', { prefix: 'cli:' });
 * ```
 */
export async function connectRedisStorage(
  uri: string,
  options: Omit<RedisStorageOptions, 'client' | 'closeClient'> = {},
): Promise<RedisStorage> {
  const Redis = await loadIoredis();
  const client = new Redis(uri, { ...FAIL_FAST, lazyConnect: true });
  // Connection errors reach the cache as failed operations (reported as `error` events); kept
  // here only to say why a first connection failed, instead of ioredis logging them.
  let refused: unknown;
  client.on('error', (error: unknown) => {
    refused = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const cause = refused ?? error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new StorageError('open', `cannot connect to Redis at ${hostOf(uri)}: ${message}`, {
      cause,
    });
  }
  return new RedisStorage({ ...options, client, closeClient: true });
}

/** ioredis's `Redis` class, or a {@link StorageError} saying to install it. */
async function loadIoredis() {
  try {
    return (await import('ioredis')).Redis;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new StorageError('open', 'Redis storage needs `ioredis`: npm install ioredis', {
      cause: error,
    });
  }
}

/** The host and port of a URI, without its credentials. */
function hostOf(uri: string): string {
  try {
    return new URL(uri).host;
  } catch {
    return 'an invalid URI';
  }
}
