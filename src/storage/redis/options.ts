import { OptionsError } from '../../errors.ts';
import { count, milliseconds, positive } from '../option-checks.ts';
import type { RedisClientLike } from './client.ts';
import { RedisKeys } from './keys.ts';
import type { CoalesceSettings } from './lock.ts';
import type { TierOptions } from './tiered.ts';

/**
 * The options of {@link RedisStorage}, and their checks.
 *
 * @module
 */

/** Options of {@link RedisStorage}. */
export interface RedisStorageOptions {
  /**
   * The client: an ioredis `Redis` or `Cluster`, yours to configure. So that a Redis that is down
   * or slow sends requests to the origin at once instead of queueing them, create it with
   * `enableOfflineQueue: false`, `maxRetriesPerRequest: 1` and a `commandTimeout`. It must not
   * have a `keyPrefix`: use {@link RedisStorageOptions.prefix}.
   * @example new RedisStorage({ client: new Redis('redis://localhost:6379', { enableOfflineQueue: false }) })
   */
  readonly client: RedisClientLike;
  /**
   * What every key of this storage starts with, so that several applications (or caches) share
   * one Redis; `clear()` deletes only keys with this prefix. Not empty; no `{` or `}`.
   * @default 'httpcache:'
   * @example new RedisStorage({ client, prefix: 'myapp:http:' })
   */
  readonly prefix?: string;
  /**
   * The largest body to store, in bytes. A larger body still reaches its reader, but is not
   * stored: the write is abandoned (its stream cancelled) and its chunks removed.
   * @default 10485760 (10 MiB)
   * @example new RedisStorage({ client, maxBodySize: 50 * 1024 * 1024 })
   */
  readonly maxBodySize?: number;
  /**
   * The most variants (entries under one key, as `Vary` tells them apart) to keep per key; when a
   * new variant is stored beyond it, the least recently used (stored or served) are deleted in the
   * same atomic script, so that a `Vary` on a header every client sets differently cannot fill
   * Redis or slow lookups.
   * @default 64
   * @example new RedisStorage({ client, maxVariants: 16 })
   */
  readonly maxVariants?: number;
  /**
   * How long (ms) the body of a replaced or deleted entry stays readable for readers that were
   * already streaming it, renewed by each chunk they read: make it longer than the longest pause
   * of the slowest reader between two 256 KiB chunks.
   * @default 30000
   * @example new RedisStorage({ client, gracePeriod: 120_000 })
   */
  readonly gracePeriod?: number;
  /**
   * How long (ms) each Redis exchange may take before the operation fails with a
   * {@link StorageError} (and the cache goes to the origin), whatever the client's own settings.
   * @default 2000
   * @example new RedisStorage({ client, timeout: 500 })
   */
  readonly timeout?: number;
  /**
   * Whether {@link RedisStorage.close} also closes the client (`quit`). Leave it off when the
   * client is shared with other code.
   * @default false
   * @example new RedisStorage({ client: new Redis(), closeClient: true })
   */
  readonly closeClient?: boolean;
  /**
   * Coalescing across processes: concurrent misses on one key in every process that shares this
   * Redis and prefix make one origin request. The first takes a lock in Redis (`SET NX PX`),
   * renewed while the origin answers and the body streams in; the others wait for the entry to be
   * committed (a pub/sub message) and serve it from Redis (`Cache-Status: …; collapsed`). When the
   * lock's holder dies or stalls, its lock expires after `lockTtl` and one waiting request takes
   * over; none waits longer than `maxWait` before it goes to the origin itself. Needs a client
   * that can open a second connection (`duplicate()`, as ioredis clients can). `false` turns it
   * off.
   * @default { lockTtl: 5000, maxWait: 15000 }
   * @example new RedisStorage({ client, coalesce: { lockTtl: 2000, maxWait: 5000 } })
   */
  readonly coalesce?: false | { readonly lockTtl?: number; readonly maxWait?: number };
  /**
   * An in-process memory tier in front of Redis: the variants of recently used keys and their
   * bodies (up to one 256 KiB chunk each) are served from this process's memory, without a round
   * trip. It is kept coherent by Redis server-assisted client-side caching (`CLIENT TRACKING` in
   * broadcast mode for the prefix, on a connection of its own to each server): an entry that any
   * process changes or deletes leaves every process's tier as soon as Redis tells it. Where Redis
   * refuses tracking, the tier holds entries `fallbackTtl` ms only, and says so
   * ({@link RedisStorage.onTier}, and an `error` event). Off by default.
   * @example new RedisStorage({ client, tier: { maxBytes: 64 * 1024 * 1024 } })
   */
  readonly tier?: TierOptions;
  /**
   * The clock (ms since the epoch) against which entries expire. Redis expiries are set relative
   * to it (`deleteAt` minus now), so they hold whatever the skew between the hosts' clocks.
   * @default Date.now
   * @example new RedisStorage({ client, clock: () => fakeNow })
   */
  readonly clock?: () => number;
}

/** The options, checked, with their defaults. */
export interface RedisSettings {
  readonly client: RedisClientLike;
  readonly keys: RedisKeys;
  readonly maxBodySize: number;
  readonly maxVariants: number;
  readonly grace: number;
  readonly timeout: number;
  readonly closeClient: boolean;
  readonly clock: () => number;
  readonly coalesce: CoalesceSettings | undefined;
  readonly tier: Required<TierOptions> | undefined;
}

/** Checks the options; throws {@link OptionsError} naming a bad one. */
export function resolveOptions(options: RedisStorageOptions): RedisSettings {
  const client = options?.client;
  if (typeof client?.call !== 'function' || typeof client.callBuffer !== 'function') {
    throw new OptionsError('client', 'must be an ioredis Redis or Cluster client');
  }
  if (client.options?.keyPrefix) {
    throw new OptionsError('client', "has a keyPrefix; use RedisStorage's `prefix` instead");
  }
  return {
    client,
    keys: new RedisKeys(options.prefix ?? 'httpcache:'),
    maxBodySize: positive('maxBodySize', options.maxBodySize ?? 10 * 1024 * 1024),
    maxVariants: count('maxVariants', options.maxVariants ?? 64),
    grace: milliseconds('gracePeriod', options.gracePeriod ?? 30_000),
    timeout: milliseconds('timeout', options.timeout ?? 2000, 1),
    closeClient: options.closeClient ?? false,
    clock: options.clock ?? Date.now,
    coalesce: coalesceSettings(options.coalesce),
    tier: tierSettings(options.tier),
  };
}

function coalesceSettings(option: RedisStorageOptions['coalesce']): CoalesceSettings | undefined {
  if (option === false) return undefined;
  if (option !== undefined && (option === null || typeof option !== 'object')) {
    throw new OptionsError('coalesce', 'must be false or { lockTtl?, maxWait? }');
  }
  return {
    lockTtl: milliseconds('coalesce.lockTtl', option?.lockTtl ?? 5000, 10),
    maxWait: milliseconds('coalesce.maxWait', option?.maxWait ?? 15_000, 1),
  };
}

function tierSettings(option: TierOptions | undefined): Required<TierOptions> | undefined {
  if (option === undefined) return undefined;
  if (option === null || typeof option !== 'object') {
    throw new OptionsError('tier', 'must be { maxBytes, fallbackTtl? }');
  }
  return {
    maxBytes: positive('tier.maxBytes', option.maxBytes),
    fallbackTtl: milliseconds('tier.fallbackTtl', option.fallbackTtl ?? 1000),
  };
}
