import { StorageError } from '../../errors.ts';
import type { EntryMeta } from '../types.ts';
import type { RedisClientLike } from './client.ts';
import type { RedisKeys } from './keys.ts';
import { MemoryTier } from './tier.ts';
import { Tracking } from './tracking.ts';

/**
 * The memory tier of a RedisStorage with what keeps it coherent: reads go through it, writes of
 * this process drop what they change at once, and Redis's invalidations drop what other
 * processes change.
 *
 * @module
 */

/** Options of the memory tier ({@link RedisStorageOptions.tier}). */
export interface TierOptions {
  /**
   * The most bytes (bodies plus a rough size of their metadata) the tier holds, least recently
   * used out first. Bodies over a quarter of it, and bodies stored in several chunks, are not held.
   */
  readonly maxBytes: number;
  /**
   * Where Redis cannot tell of changes (`CLIENT TRACKING` refused), how long (ms) the tier holds
   * what it read: the longest another process's change may go unseen here.
   * @default 1000
   */
  readonly fallbackTtl?: number;
}

/** What the tier tells, through {@link RedisStorage.onTier}. */
export type TierEvent =
  /** Redis tells this process of every change: the tier holds entries until they change. */
  | { readonly type: 'tracking' }
  /** Redis cannot tell of changes: the tier holds what it reads for `ttl` ms only. */
  | { readonly type: 'fallback'; readonly ttl: number; readonly reason: string }
  /** Another process changed or deleted `key`, which the tier held: it is dropped. */
  | { readonly type: 'invalidate'; readonly key: string };

/** Listens to the tier's events. */
export type TierListener = (event: TierEvent) => void;

/** How long the hits of held entries are gathered before they are written to Redis (ms). */
const TOUCH_INTERVAL = 1000;

/** Hits gathered for one entry: how many, and when the last was. */
interface Touches {
  readonly entry: EntryMeta;
  hits: number;
  now: number;
}

/** Writes gathered hits to Redis. */
export type TouchWriter = (entry: EntryMeta, hits: number, now: number) => Promise<unknown>;

/** A RedisStorage's tier, its tracking, and its listeners. */
export class TierFront {
  readonly #tier: MemoryTier;
  readonly #tracking: Tracking;
  readonly #keys: RedisKeys;
  readonly #fallbackTtl: number;
  readonly #listeners = new Set<TierListener>();
  readonly #writeTouches: TouchWriter;
  readonly #touches = new Map<string, Touches>();
  #touchTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `report` is told when tracking is unavailable, as a {@link StorageError}; `writeTouches`
   * writes the hits of held entries, gathered.
   */
  constructor(
    client: RedisClientLike,
    keys: RedisKeys,
    options: Required<TierOptions>,
    report: (error: StorageError) => void,
    writeTouches: TouchWriter,
  ) {
    this.#writeTouches = writeTouches;
    this.#tier = new MemoryTier(options.maxBytes);
    this.#keys = keys;
    this.#fallbackTtl = options.fallbackTtl;
    this.#tracking = new Tracking(client, `${keys.prefix}{`, {
      invalidate: (names) => this.#invalidate(names),
      active: () => {
        this.#tier.keep(Number.POSITIVE_INFINITY);
        this.#emit({ type: 'tracking' });
      },
      unsure: () => this.#tier.keep(0),
      unavailable: (reason) => {
        const ttl = this.#fallbackTtl;
        this.#tier.keep(ttl);
        const why = `Redis client-side caching is unavailable (${reason})`;
        report(new StorageError('tier', `${why}: the memory tier holds entries ${ttl} ms`));
        this.#emit({ type: 'fallback', ttl, reason });
      },
    });
  }

  /** Bytes the tier holds. */
  get bytes(): number {
    return this.#tier.bytes;
  }

  /** Adds a listener; returns the function that removes it. */
  on(listener: TierListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The live variants of a key: from the tier, or read from Redis (and held). */
  async variants(
    key: string,
    hash: string,
    now: number,
    read: () => Promise<EntryMeta[]>,
  ): Promise<EntryMeta[]> {
    this.#tracking.start();
    const held = this.#tier.variants(hash);
    if (held !== undefined) return held.filter((meta) => meta.deleteAt > now);
    const reading = this.#tier.begin(hash);
    let found: EntryMeta[] | undefined;
    try {
      found = await read();
      return found;
    } finally {
      this.#tier.end(reading, key, found);
    }
  }

  /** A body the tier holds, or `undefined`. */
  body(hash: string, id: string): Uint8Array<ArrayBuffer> | undefined {
    return this.#tier.body(hash, id);
  }

  /** Holds a body read from Redis, if its entry is held. */
  keepBody(hash: string, id: string, body: Uint8Array<ArrayBuffer>): void {
    this.#tier.keepBody(hash, id, body);
  }

  /**
   * Counts a hit of a held entry, written to Redis with others a moment later (a hit served from
   * memory costs no round trip); `false` when the entry is not held.
   */
  touch(hash: string, entry: EntryMeta, now: number): boolean {
    if (!this.#tier.touch(hash, entry.id)) return false;
    const name = `${hash}:${entry.id}`;
    const touches = this.#touches.get(name);
    if (touches === undefined) this.#touches.set(name, { entry, hits: 1, now });
    else {
      touches.hits++;
      touches.now = Math.max(touches.now, now);
    }
    if (this.#touchTimer === undefined) {
      this.#touchTimer = setTimeout(() => {
        this.flushTouches().catch(() => undefined);
      }, TOUCH_INTERVAL);
      this.#touchTimer.unref?.();
    }
    return true;
  }

  /** Writes the gathered hits. */
  async flushTouches(): Promise<void> {
    clearTimeout(this.#touchTimer);
    this.#touchTimer = undefined;
    const gathered = [...this.#touches.values()];
    this.#touches.clear();
    await Promise.all(gathered.map((t) => this.#writeTouches(t.entry, t.hits, t.now)));
  }

  /** This process changed a key, or is about to look at it afresh: the tier forgets it. */
  forget(hash: string): void {
    this.#tier.invalidate(hash);
  }

  /** This process deleted every key. */
  forgetAll(): void {
    this.#tier.clear();
  }

  close(): void {
    clearTimeout(this.#touchTimer);
    this.#tracking.close();
    this.#tier.keep(0);
    this.#listeners.clear();
  }

  #invalidate(names: readonly string[] | null): void {
    if (names === null) {
      this.#tier.clear();
      return;
    }
    for (const name of names) {
      const hash = this.#keys.variantsHash(name);
      if (hash === undefined) continue;
      const key = this.#tier.invalidate(hash);
      if (key !== undefined) this.#emit({ type: 'invalidate', key });
    }
  }

  #emit(event: TierEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener that throws must not stop the others, nor the invalidations.
      }
    }
  }
}
