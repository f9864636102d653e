import { metaCost } from '../bytes.ts';
import type { EntryMeta } from '../types.ts';

/**
 * The in-process memory tier in front of RedisStorage: the variants of recently used keys and
 * their small bodies, least recently used first out past a byte cap. It never answers with what
 * Redis has changed since: {@link MemoryTier.invalidate} drops a key (Redis tells of every change
 * through client-side caching), and a read that an invalidation overtook is not kept. Where
 * Redis cannot tell, entries are kept for a short time only.
 *
 * @module
 */

type Bytes = Uint8Array<ArrayBuffer>;

/** One key's variants and the bodies read of them. */
interface Held {
  readonly key: string;
  readonly variants: readonly EntryMeta[];
  readonly bodies: Map<string, Bytes>;
  bytes: number;
  /** When it is no longer served (ms, by `Date.now`), where Redis does not tell of changes. */
  readonly until: number;
}

/** A read from Redis under way, to be kept only if no invalidation of its key came meanwhile. */
export interface TierRead {
  readonly hash: string;
  readonly epoch: number;
}

/** The tier's memory. */
export class MemoryTier {
  readonly #maxBytes: number;
  /** Keys by hash, least recently used first. */
  readonly #held = new Map<string, Held>();
  #bytes = 0;
  /** Counts invalidations; with {@link #invalidated}, tells which reads were overtaken. */
  #epoch = 0;
  /** The epoch of each key's last invalidation while reads are under way. */
  readonly #invalidated = new Map<string, number>();
  #reads = 0;
  /** The epoch of the last {@link clear}: every read begun before it is overtaken. */
  #clearedAt = -1;
  /** How long entries are kept (ms): `Infinity` while Redis tells of changes, 0 while unsure. */
  #keep = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * How long what is read from now on is kept: `Infinity` once Redis tracks the keys, a short
   * time where it cannot, 0 (nothing kept) while tracking is being set up or re-established.
   */
  keep(ms: number): void {
    this.#keep = ms;
    if (ms === 0) this.clear();
  }

  /** The variants held for a key, or `undefined` (then read Redis, between begin and end). */
  variants(hash: string): readonly EntryMeta[] | undefined {
    const held = this.#held.get(hash);
    if (held === undefined) return undefined;
    if (held.until <= Date.now()) {
      this.#drop(hash, held);
      return undefined;
    }
    // Most recently used last.
    this.#held.delete(hash);
    this.#held.set(hash, held);
    return held.variants;
  }

  /** A body held, or `undefined`. */
  body(hash: string, id: string): Bytes | undefined {
    return this.#held.get(hash)?.bodies.get(id);
  }

  /** Starts a read of a key from Redis. */
  begin(hash: string): TierRead {
    this.#reads++;
    return { hash, epoch: this.#epoch };
  }

  /** Ends a read; keeps its variants unless an invalidation of the key overtook it. */
  end(read: TierRead, key: string, variants: readonly EntryMeta[] | undefined): void {
    this.#reads--;
    const overtaken =
      this.#clearedAt > read.epoch || (this.#invalidated.get(read.hash) ?? -1) > read.epoch;
    if (this.#reads === 0) this.#invalidated.clear();
    if (variants === undefined || overtaken || this.#keep === 0) return;
    const previous = this.#held.get(read.hash);
    if (previous !== undefined) this.#drop(read.hash, previous);
    const bytes = variants.reduce((sum, meta) => sum + metaCost(meta), 0);
    const held: Held = { key, variants, bodies: new Map(), bytes, until: Date.now() + this.#keep };
    this.#held.set(read.hash, held);
    this.#bytes += bytes;
    this.#trim();
  }

  /** Keeps a body read from Redis, if its entry is still held. */
  keepBody(hash: string, id: string, body: Bytes): void {
    const held = this.#held.get(hash);
    if (held === undefined || !held.variants.some((meta) => meta.id === id)) return;
    if (held.bodies.has(id) || body.byteLength > this.#maxBytes / 4) return;
    held.bodies.set(id, body);
    held.bytes += body.byteLength;
    this.#bytes += body.byteLength;
    this.#trim();
  }

  /** Drops a key (Redis changed it); returns its primary key when it was held. */
  invalidate(hash: string): string | undefined {
    this.#epoch++;
    if (this.#reads > 0) this.#invalidated.set(hash, this.#epoch);
    const held = this.#held.get(hash);
    if (held !== undefined) this.#drop(hash, held);
    return held?.key;
  }

  /** Drops everything (Redis was flushed, or its invalidations may have been missed). */
  clear(): void {
    // Every read under way is overtaken.
    this.#clearedAt = ++this.#epoch;
    this.#held.clear();
    this.#bytes = 0;
  }

  #drop(hash: string, held: Held): void {
    this.#held.delete(hash);
    this.#bytes -= held.bytes;
  }

  #trim(): void {
    for (const [hash, held] of this.#held) {
      if (this.#bytes <= this.#maxBytes) return;
      this.#drop(hash, held);
    }
  }
}
