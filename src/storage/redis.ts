import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { ClosedError, CodecError, isHttpCacheError, StorageError } from '../errors.ts';
import { deletePrefixByListing } from './by-listing.ts';
import { encodeMeta } from './codec.ts';
import { chunkBody, chunkStream, toBuffer, toBytes } from './redis/body.ts';
import { Channels } from './redis/channels.ts';
import { withTimeout } from './redis/client.ts';
import type { RedisContext } from './redis/context.ts';
import { bodyProblem, decodeEntry } from './redis/entries.ts';
import { RedisCoalescer } from './redis/lock.ts';
import { type RedisStorageOptions, resolveOptions } from './redis/options.ts';
import {
  APPEND,
  COMMIT,
  DELETE,
  GET,
  HEAD,
  INDEX,
  READ,
  REMOVE,
  runScript,
  TOUCH,
} from './redis/scripts.ts';
import { deleteTag, indexTags, purgeIndexed } from './redis/tags.ts';
import { TierFront, type TierListener } from './redis/tiered.ts';
import { updateEntry } from './redis/update.ts';
import { clearAll, countEntries, listEntries, pruneEntries } from './redis/walk.ts';
import type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  Storage,
  StorageReporter,
  StorageStats,
  StoredBody,
} from './types.ts';

export type { RedisStorageOptions } from './redis/options.ts';
export type { TierEvent, TierListener, TierOptions } from './redis/tiered.ts';

/**
 * {@link RedisStorage}: entries in Redis or a Redis Cluster, shared by every process and machine
 * that uses the same Redis and prefix. The key layout is in `redis/keys.ts`, the atomic steps in
 * `redis/scripts.ts`, the walks over every key (list, stats, prune, clear) in `redis/walk.ts`.
 *
 * @module
 */

/** How long the chunks of a write still in progress outlive its last chunk (ms). */
const WRITE_TTL = 60 * 60 * 1000;

/** The longest expiry given to Redis (ms): about a century. */
const MAX_TTL = 100 * 365 * 24 * 60 * 60 * 1000;

/**
 * Entries in Redis (one server, Sentinel, or a Redis Cluster through an ioredis client), shared
 * by every process that uses the same Redis and prefix. Bodies are stored in 256 KiB chunks under
 * a new entry id and become visible in one Lua script, atomically replacing the previous entry;
 * that entry's body stays readable for {@link RedisStorageOptions.gracePeriod} for readers still
 * streaming it. Every key expires through Redis at the entry's `deleteAt`. A Redis that is down
 * or slow makes operations reject with a {@link StorageError} within
 * {@link RedisStorageOptions.timeout}, so the cache serves from the origin; corrupted entries are
 * misses, removed and reported.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createFetch } from 'httpcache';
 * import { RedisStorage } from 'httpcache/redis';
 *
 * const client = new Redis('redis://localhost:6379', {
 *   enableOfflineQueue: false,
 *   maxRetriesPerRequest: 1,
 *   commandTimeout: 1000,
 * });
 * const cachedFetch = createFetch({ storage: new RedisStorage({ client, prefix: 'myapp:' }) });
 * ```
 */
export class RedisStorage implements Storage {
  /** The prefix of every key of this storage. */
  readonly prefix: string;
  /** Coalescing across processes (see {@link RedisStorageOptions.coalesce}), unless off. */
  readonly coalescer: RedisCoalescer | undefined;
  readonly #channels: Channels;
  readonly #tier: TierFront | undefined;
  /** Drops a key hash from the in-process tier, if there is one. */
  readonly #forget = (hash: string): void => this.#tier?.forget(hash);
  readonly #ctx: RedisContext;
  readonly #maxBodySize: number;
  readonly #maxVariants: number;
  readonly #timeout: number;
  readonly #closeClient: boolean;
  #report: StorageReporter = () => undefined;
  #closed = false;
  /** Exchanges under way, which {@link close} lets finish (each within the timeout). */
  readonly #inFlight = new Set<Promise<unknown>>();

  /** Checks the options; throws {@link OptionsError} naming a bad one. Sends nothing yet. */
  constructor(options: RedisStorageOptions) {
    const settings = resolveOptions(options);
    this.prefix = settings.keys.prefix;
    this.#maxBodySize = settings.maxBodySize;
    this.#maxVariants = settings.maxVariants;
    this.#timeout = settings.timeout;
    this.#closeClient = settings.closeClient;
    const { client, keys, grace, clock } = settings;
    this.#ctx = {
      client,
      keys,
      grace,
      clock,
      send: (operation, exchange) => this.#send(operation, exchange),
      script: (operation, script, names, args, buffers = false) =>
        this.#send(operation, () => runScript(client, script, names, args, buffers)),
      discard: (hash, id, key, operation, problem) =>
        this.#discard(hash, id, key, operation, problem),
    };
    this.#channels = new Channels(client);
    this.#tier =
      settings.tier === undefined
        ? undefined
        : new TierFront(
            client,
            keys,
            settings.tier,
            (error) => this.#reportQuietly('tier', error, undefined),
            (entry, hits, now) =>
              this.#touch(entry, hits, now).catch((error: unknown) =>
                this.#reportQuietly('touch', error, entry.key),
              ),
          );
    this.coalescer =
      settings.coalesce === undefined || !this.#channels.available
        ? undefined
        : new RedisCoalescer(
            this.#ctx,
            settings.coalesce,
            this.#channels,
            (error, key) => this.#reportQuietly('lock', error, key),
            (hash) => this.#tier?.forget(hash),
          );
  }

  setReporter(reporter: StorageReporter): void {
    this.#report = reporter;
  }

  /**
   * Listens to the memory tier ({@link RedisStorageOptions.tier}): whether Redis tells of changes,
   * and each key another process changed that the tier dropped. Returns the function that stops
   * listening.
   */
  onTier(listener: TierListener): () => void {
    return this.#tier?.on(listener) ?? (() => undefined);
  }

  async get(key: string): Promise<EntryMeta[]> {
    this.coalescer?.warm();
    const hash = this.#ctx.keys.hash(key);
    if (this.#tier === undefined) return this.#get(key, hash);
    return this.#tier.variants(key, hash, this.#ctx.clock(), () => this.#get(key, hash));
  }

  async #get(key: string, hash: string): Promise<EntryMeta[]> {
    const { keys, script, clock } = this.#ctx;
    const reply = await script('get', GET, [keys.variants(hash)], [clock()]);
    const fields = Array.isArray(reply) ? reply : [];
    const found: EntryMeta[] = [];
    for (let i = 0; i + 3 < fields.length; i += 4) {
      const id = String(fields[i]);
      try {
        found.push(decodeEntry(keys, key, hash, id, fields.slice(i + 1, i + 4)));
      } catch (problem) {
        await this.#discard(hash, id, key, 'get', problem);
      }
    }
    return found;
  }

  async body(entry: EntryMeta): Promise<StoredBody | null> {
    const { keys, script, grace } = this.#ctx;
    const hash = keys.hash(entry.key);
    const held = this.#tier?.body(hash, entry.id);
    if (held !== undefined) return held;
    const head = await script('body', HEAD, [keys.variants(hash)], [entry.id], true);
    if (!Array.isArray(head)) return null;
    const size = Number(String(head[0]));
    const chunks = Number(String(head[1]));
    const first = toBytes(head[2]);
    const problem = bodyProblem(size, chunks, first);
    if (problem !== undefined) {
      await this.#discard(hash, entry.id, entry.key, 'body', new CodecError(problem));
      return null;
    }
    if (first === null) return new Uint8Array(0);
    if (chunks === 1) {
      this.#tier?.keepBody(hash, entry.id, first);
      return first;
    }
    const list = keys.body(hash, entry.id);
    return chunkStream({
      first,
      chunks,
      size,
      read: async (seq) => toBytes(await script('body', READ, [list], [seq, grace], true)),
      broken: (why) => this.#broken(hash, entry, why),
    });
  }

  async put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    this.#assertOpen();
    const { keys, script, client, grace } = this.#ctx;
    const hash = keys.hash(entry.key);
    const id = randomBytes(12).toString('base64url');
    const list = keys.body(hash, id);
    let written = false;
    let committed = false;
    try {
      const chunked = await chunkBody(
        body,
        this.#maxBodySize,
        (chunk) => {
          written = true;
          return script('put', APPEND, [list], [toBuffer(chunk), WRITE_TTL]);
        },
        () => this.coalescer?.progress(entry.key),
      );
      const stored: EntryMeta = { ...entry, id, size: chunked.size, hits: 0 };
      const meta = JSON.stringify(encodeMeta(stored));
      const ttl = this.#ttl(entry.deleteAt);
      const cost = chunked.size + Buffer.byteLength(meta);
      const last = chunked.last === undefined ? [] : [toBuffer(chunked.last)];
      const { variant, url, deleteAt } = entry;
      const args = [variant, id, meta, chunked.size, chunked.chunks, ttl, grace, url, cost];
      written = true;
      const result = await script(
        'put',
        COMMIT,
        [keys.variants(hash)],
        [...args, deleteAt, this.#ctx.clock(), variantsCap(this.#maxVariants), ...last],
      );
      committed = true;
      this.#tier?.forget(hash);
      if (result === 1) {
        await script('put', INDEX, [keys.url(url)], [hash, ttl]);
        await indexTags(this.#ctx, entry.tags, hash, ttl);
      }
      return stored;
    } catch (error) {
      // Left behind, the chunks of a failed write would expire on their own (WRITE_TTL).
      if (written && !committed && !this.#closed) {
        await this.#send('put', () => client.call('unlink', list)).catch(() => undefined);
      }
      throw error;
    } finally {
      // Committed or not, the requests waiting for this key may look again.
      this.coalescer?.settled(entry.key);
    }
  }

  /** A compare-and-set of the entry's metadata, tried again when another writer came first. */
  async update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    this.#tier?.forget(this.#ctx.keys.hash(entry.key));
    return updateEntry(this.#ctx, entry, patch, (deleteAt) => this.#ttl(deleteAt));
  }

  /**
   * Counts a hit (HINCRBY) and marks the entry used now; an entry that is gone is left alone. The
   * hits of entries the memory tier holds are gathered and written a moment later.
   */
  async touch(entry: EntryMeta, now: number = this.#ctx.clock()): Promise<void> {
    this.#assertOpen();
    if (this.#tier?.touch(this.#ctx.keys.hash(entry.key), entry, now) === true) return;
    await this.#touch(entry, 1, now);
  }

  async #touch(entry: EntryMeta, hits: number, now: number): Promise<void> {
    const { keys, script } = this.#ctx;
    await script('touch', TOUCH, [keys.entry(keys.hash(entry.key), entry.id)], [hits, now]);
  }

  async delete(key: string): Promise<void> {
    const { keys, script, grace } = this.#ctx;
    const hash = keys.hash(key);
    this.#tier?.forget(hash);
    await script('delete', DELETE, [keys.variants(hash)], [grace]);
  }

  async deleteUrl(url: string): Promise<number> {
    return purgeIndexed(this.#ctx, 'deleteUrl', this.#ctx.keys.url(url), DELETE, url, this.#forget);
  }

  /** Deletes the entries stored with `tag`, visiting only the keys of its set. */
  async deleteTag(tag: string): Promise<number> {
    return deleteTag(this.#ctx, tag, this.#forget);
  }

  /** Deletes the entries whose URL starts with `prefix`: a SCAN of every entry, then `deleteUrl`. */
  async deletePrefix(prefix: string): Promise<number> {
    return deletePrefixByListing(this, prefix);
  }

  /** Every live entry, by SCAN over every master: for tools, its cost grows with the entries. */
  list(): AsyncIterable<EntryMeta> {
    return listEntries(this.#ctx);
  }

  /** Counts the entries and their bytes by SCAN: for tools, its cost grows with the entries. */
  async stats(): Promise<StorageStats> {
    return countEntries(this.#ctx);
  }

  /**
   * Removes entries past their `deleteAt` by the storage's clock. Redis expires them by itself
   * too; this catches those a custom clock has moved past, and counts what is freed.
   */
  async prune(): Promise<StorageStats> {
    return pruneEntries(this.#ctx);
  }

  /** Deletes every key with this storage's prefix, and nothing else. */
  async clear(): Promise<void> {
    this.#tier?.forgetAll();
    await clearAll(this.#ctx);
  }

  /**
   * Makes the storage unusable, lets the exchanges under way finish (a hit being counted, say),
   * and with `closeClient` closes the client.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    // Released before the storage refuses exchanges: the releases are under way once it does.
    this.coalescer?.close();
    const touches = this.#tier?.flushTouches();
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight, touches]);
    this.#channels.close();
    this.#tier?.close();
    if (!this.#closeClient) return;
    try {
      await withTimeout(this.#ctx.client.quit(), this.#timeout);
    } catch (error) {
      throw this.#error('close', error);
    }
  }

  async #send<T>(operation: string, exchange: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    // Sent now (a throw becomes a rejection), so that close() finds it under way.
    const exchanging = withTimeout(new Promise<T>((resolve) => resolve(exchange())), this.#timeout);
    this.#inFlight.add(exchanging);
    try {
      return await exchanging;
    } catch (error) {
      throw this.#error(operation, error);
    } finally {
      this.#inFlight.delete(exchanging);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('RedisStorage');
  }

  #error(operation: string, error: unknown): Error {
    if (isHttpCacheError(error)) return error;
    return new StorageError(operation, `${messageOf(error)} (Redis, prefix ${this.prefix})`, {
      cause: error,
    });
  }

  /** The Redis expiry of an entry deleted at `deleteAt`: ms from now by the storage's clock. */
  #ttl(deleteAt: number): number {
    const ttl = Math.ceil(deleteAt - this.#ctx.clock());
    return Number.isNaN(ttl) ? 0 : Math.min(ttl, MAX_TTL);
  }

  /** Removes a corrupted entry and reports it; a failure to remove it is reported too. */
  async #discard(
    hash: string,
    id: string,
    key: string | undefined,
    operation: string,
    problem: unknown,
  ): Promise<void> {
    const what = `entry ${id}${key === undefined ? '' : ` of ${key}`}`;
    const error = new CodecError(`RedisStorage removed corrupted ${what}: ${messageOf(problem)}`, {
      cause: problem,
    });
    try {
      await this.#ctx.script(operation, REMOVE, [this.#ctx.keys.variants(hash)], [id, 0, '']);
    } catch (failure) {
      this.#reportQuietly(operation, failure, key);
    }
    this.#reportQuietly(operation, error, key);
  }

  /** The error ending a body stream; an entry still visible is corrupted: removed and reported. */
  async #broken(hash: string, entry: EntryMeta, problem: string): Promise<Error> {
    const name = this.#ctx.keys.entry(hash, entry.id);
    const visible = await this.#send('body', () => this.#ctx.client.call('exists', name)).catch(
      () => 0,
    );
    if (visible === 1) await this.#discard(hash, entry.id, entry.key, 'body', problem);
    const why = visible === 1 ? problem : `${problem}: replaced or deleted, its grace period over`;
    return new StorageError('body', `entry ${entry.id} of ${entry.key}: ${why}`);
  }

  #reportQuietly(operation: string, error: unknown, key: string | undefined): void {
    try {
      this.#report(operation, error, key);
    } catch {
      // A reporter that throws must not turn a handled problem into a failure.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The variants cap as {@link COMMIT} takes it: 0 for none (Infinity). */
function variantsCap(maxVariants: number): number {
  return Number.isFinite(maxVariants) ? maxVariants : 0;
}
