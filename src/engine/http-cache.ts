import { ClosedError } from '../errors.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { Storage } from '../storage/types.ts';
import { ANSWER, type Answer } from './answer.ts';
import { Flights } from './coalesce.ts';
import type { Engine } from './context.ts';
import { debugLogging } from './debug.ts';
import {
  type CacheEventCounts,
  type CacheEventListener,
  type CacheEventType,
  Emitter,
} from './events.ts';
import type { Exchange } from './exchange.ts';
import { type InvalidationTarget, invalidate, names, parseTarget } from './invalidate.ts';
import { MetricsRecorder, reportResponse } from './metrics.ts';
import { formatMetrics } from './metrics-format.ts';
import { type HttpCacheOptions, resolveOptions } from './options.ts';
import { handle, keyOf } from './pipeline.ts';
import type { CacheRequestInit } from './request.ts';
import { StorageGate } from './storage-gate.ts';
import { stripTags } from './tags.ts';

/** What {@link HttpCache.stats} returns. */
export type CacheStats = CacheEventCounts & {
  /** Hits over hits and misses, from 0 to 1. */
  readonly hitRatio: number;
};

/**
 * The cache engine: a `fetch` in front of an origin `fetch`. It asks storage, lets the RFC 9111
 * policy decide, goes to the origin when it must, stores what may be stored while the caller
 * reads it, and marks every response with `Age`, `Cache-Status` and metadata.
 *
 * @example
 * ```ts
 * const cache = new HttpCache({ storage: new MemoryStorage() });
 * const res = await cache.fetch('https://example.com/');
 * cache.on('hit', (e) => console.log('hit', e.url));
 * ```
 */
export class HttpCache {
  readonly #engine: Engine;
  readonly #events = new Emitter();
  readonly #metrics = new MetricsRecorder(this.#events);
  #closed = false;

  constructor(options: HttpCacheOptions = {}) {
    const resolved = resolveOptions(options);
    debugLogging(this.#events);
    const store = new StorageGate(
      resolved.storage ?? new MemoryStorage(),
      this.#events,
      resolved.clock,
      resolved.storageTimeout,
    );
    const engine: Engine = {
      options: resolved,
      events: this.#events,
      store,
      flights: new Flights<Exchange>(),
      revalidating: new Set(),
      keyOf: (head, request) => keyOf(engine, head, request),
      handle: resolved.tags.strip
        ? async (input, init) =>
            stripTags(await handle(engine, input, init, this.#closed), resolved.tags)
        : (input, init) => handle(engine, input, init, this.#closed),
    };
    this.#engine = engine;
  }

  /** The storage in use. */
  get storage(): Storage {
    return this.#engine.store.storage;
  }

  /** Adds an event listener; returns a function that removes it. */
  on<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): () => void {
    return this.#events.on(type, listener);
  }

  /** Removes an event listener. */
  off<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): void {
    this.#events.off(type, listener);
  }

  /**
   * Fetches through the cache: the same arguments as `fetch`, plus `init.httpcache` for
   * per-request controls.
   */
  readonly fetch = (input: RequestInfo | URL, init?: CacheRequestInit): Promise<Response> =>
    reportResponse(this.#events, input, performance.now(), this.#engine.handle(input, init));

  /**
   * For the doors (undici, axios, the proxy): {@link fetch}, except that a stored response whose
   * body is in memory comes back as its parts, to be written in the door's own shape, and an
   * answer a storage in the same process gives at once comes without a promise. Never throws.
   */
  [ANSWER](input: RequestInfo | URL, init?: CacheRequestInit): Answer | Promise<Answer> {
    const started = performance.now();
    const answer = handle(this.#engine, input, init, this.#closed, true);
    return reportResponse(this.#events, input, started, answer);
  }

  /**
   * Resolves once the cache's background work has settled: bodies being stored (which finish
   * only once their readers have read them), stale-while-revalidate revalidations, and hit
   * records. Each has also emitted its event (`store`, `revalidate`, `error`) by then. Useful in
   * tests and before a process exits without {@link close}.
   *
   * @example
   * ```ts
   * const res = await cache.fetch(url);
   * await res.text();
   * await cache.idle(); // the entry is now stored and findable
   * ```
   */
  idle(): Promise<void> {
    return this.#engine.store.idle();
  }

  /**
   * Deletes stored entries: every entry for a URL (a string, a `URL` or a `Request`: every
   * method and variant stored for it), every entry whose URL starts with `{ prefix }`, or every
   * entry stored with `{ tag }` (from the `tagHeaders` fields). URLs and prefixes are normalised
   * as stored URLs are. Returns how many entries were deleted. A response still being stored
   * that the target names is read whole by its caller and not stored. Rejects with an `InvalidationError` for a target that names nothing, and
   * with the storage's error when it fails.
   *
   * @example
   * ```ts
   * await cache.invalidate(new URL('https://example.com/products/1'));
   * await cache.invalidate({ prefix: 'https://example.com/products/' }); // 12
   * await cache.invalidate({ tag: 'product-1' });
   * ```
   */
  async invalidate(target: InvalidationTarget): Promise<number> {
    if (this.#closed) throw new ClosedError('HttpCache');
    const purge = parseTarget(target);
    // Writes that started before the purge must not bring back what it removes.
    this.#engine.store.abandon((entry) => names(purge, entry));
    return invalidate(this.#engine.store.storage, purge);
  }

  /** Deletes every stored entry (the storage's `clear()`), and stops the writes in flight. */
  async clear(): Promise<void> {
    if (this.#closed) throw new ClosedError('HttpCache');
    this.#engine.store.abandon(() => true);
    await this.#engine.store.storage.clear();
  }

  /** Stops storing bodies still being read, waits for background work, and closes storage. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#engine.store.close();
  }

  /**
   * Counters since the cache was created: how many events of each type, and the hit ratio
   * (hits over hits and misses; a miss is any request that went to the origin, a background
   * revalidation aside: a request answered stale while it revalidates counts once, as a hit).
   */
  stats(): CacheStats {
    const counts = this.#events.counts();
    const total = counts.hit + counts.miss;
    return { ...counts, hitRatio: total === 0 ? 0 : counts.hit / total };
  }

  /**
   * The cache's numbers since it was created, in the Prometheus text format: requests by result,
   * hits, misses, stale responses served, revalidations by outcome, collapsed requests, stores and
   * stored bytes, evictions, errors, origin requests and errors, and histograms of origin latency
   * and response time. The README lists the metrics.
   *
   * @example
   * ```ts
   * server.on('request', (req, res) => {
   *   if (req.url === '/metrics') res.end(cache.metrics());
   * });
   * ```
   */
  metrics(): string {
    return formatMetrics(this.#metrics.snapshot());
  }
}
