import { ClosedError } from '../errors.ts';
import { concat, metaCost } from './bytes.ts';
import { LruList } from './lru.ts';
import { count, positive } from './option-checks.ts';
import { applyPatch } from './patch.ts';
import { TagIndex } from './tag-index.ts';
import type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  EvictionListener,
  Storage,
  StorageStats,
  StoredBody,
  SyncStorage,
} from './types.ts';

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * The most bytes of bodies (and an estimate of headers) to hold; the least recently used entries
   * are evicted beyond it. A body larger than this is not stored.
   * @default 67108864 (64 MiB)
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
   * The most entries to hold; the least recently used are evicted beyond it.
   * @default 10000
   */
  readonly maxEntries?: number;
  /**
   * The clock used to expire entries at their `deleteAt`, in ms since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/** Bodies larger than this are kept as the pieces they arrived in, never gathered into one copy. */
const WHOLE = 1024 * 1024;

interface Slot {
  meta: EntryMeta;
  /** The body: whole bytes, or (beyond {@link WHOLE}) the pieces it arrived in. */
  readonly body: Uint8Array<ArrayBuffer> | readonly Uint8Array<ArrayBuffer>[];
  cost: number;
  /** Its place in the least-recently-used order. */
  older: Slot | undefined;
  newer: Slot | undefined;
  listed: boolean;
}

/**
 * Entries in process memory: an LRU bounded by total bytes and by number of entries, expiring
 * entries at their `deleteAt`.
 *
 * @example
 * ```ts
 * const cachedFetch = createFetch({ storage: new MemoryStorage({ maxBytes: 16 * 1024 * 1024 }) });
 * ```
 */
export class MemoryStorage implements Storage, SyncStorage {
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #maxVariants: number;
  readonly #clock: () => number;
  /** Variants by primary key. */
  readonly #byKey = new Map<string, Slot[]>();
  /** Every slot, least recently used first. */
  readonly #lru = new LruList<Slot>();
  /** Slots by tag. */
  readonly #tags = new TagIndex<Slot>();
  #bytes = 0;
  /** Body bytes of puts in progress: they count against the cap as they arrive. */
  #inFlight = 0;
  #nextId = 0;
  #closed = false;
  #evicted: EvictionListener = () => undefined;

  constructor(options: MemoryStorageOptions = {}) {
    this.#maxBytes = positive('maxBytes', options.maxBytes ?? 64 * 1024 * 1024);
    this.#maxEntries = count('maxEntries', options.maxEntries ?? 10_000);
    this.#maxVariants = count('maxVariants', options.maxVariants ?? 64);
    this.#clock = options.clock ?? Date.now;
  }

  /** Bytes currently held (bodies plus an estimate of metadata). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries currently held. */
  get size(): number {
    return this.#lru.size;
  }

  setEvictionListener(listener: EvictionListener): void {
    this.#evicted = listener;
  }

  async get(key: string): Promise<EntryMeta[]> {
    return this.getSync(key);
  }

  getSync(key: string): EntryMeta[] {
    this.#open();
    const slots = this.#byKey.get(key);
    if (slots === undefined) return [];
    const now = this.#clock();
    const live: EntryMeta[] = [];
    let expired: Slot[] | undefined;
    for (const slot of slots) {
      if (slot.meta.deleteAt > now) live.push(slot.meta);
      else if (expired === undefined) expired = [slot];
      else expired.push(slot);
    }
    // Removed after the loop: removing splices the array being iterated.
    if (expired !== undefined) for (const slot of expired) this.#remove(slot);
    return live;
  }

  async body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.bodySync(entry);
  }

  bodySync(entry: EntryMeta): StoredBody | null {
    this.#open();
    const body = this.#find(entry)?.body;
    return body === undefined || body instanceof Uint8Array ? (body ?? null) : pieces(body);
  }

  async put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    this.#open();
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let size = 0;
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        this.#inFlight += value.byteLength;
        if (size > this.#maxBytes || this.#inFlight > this.#maxBytes) {
          await reader.cancel();
          throw new RangeError(
            size > this.#maxBytes
              ? `body exceeds the memory storage's maxBytes (${this.#maxBytes})`
              : `bodies being stored exceed the memory storage's maxBytes (${this.#maxBytes})`,
          );
        }
        if (value.byteLength > 0) chunks.push(value);
        // Stored entries make room for the bytes in flight.
        this.#evict();
      }
    } finally {
      this.#inFlight -= size;
    }
    // A large body stays in the pieces it arrived in: gathering them would hold it twice.
    return this.#insert(entry, size > WHOLE ? chunks : concat(chunks, size), size);
  }

  putBytesSync(entry: EntryToStore, bytes: Uint8Array<ArrayBuffer>): EntryMeta {
    this.#open();
    if (bytes.byteLength > this.#maxBytes || bytes.byteLength + this.#inFlight > this.#maxBytes) {
      throw new RangeError(
        bytes.byteLength > this.#maxBytes
          ? `body exceeds the memory storage's maxBytes (${this.#maxBytes})`
          : `bodies being stored exceed the memory storage's maxBytes (${this.#maxBytes})`,
      );
    }
    return this.#insert(entry, bytes, bytes.byteLength);
  }

  /** Makes a complete body's entry visible, in place of the variant it replaces. */
  #insert(entry: EntryToStore, body: Slot['body'], size: number): EntryMeta {
    this.#open();
    const meta: EntryMeta = { ...entry, id: String(++this.#nextId), size, hits: 0 };
    const slot: Slot = {
      meta,
      body,
      cost: size + metaCost(meta),
      older: undefined,
      newer: undefined,
      listed: false,
    };
    let remaining = this.#byKey.get(entry.key);
    if (remaining !== undefined) {
      const variant = entry.variant;
      if (remaining.some((old) => old.meta.variant === variant)) {
        for (const old of remaining.filter((o) => o.meta.variant === variant)) this.#remove(old);
        // Removing a key's last variant removes its list.
        remaining = this.#byKey.get(entry.key);
      }
    }
    if (remaining === undefined) {
      remaining = [];
      this.#byKey.set(entry.key, remaining);
    }
    remaining.push(slot);
    // The key's variants are kept least recently used first: the first goes beyond the cap.
    for (let old = remaining[0]; remaining.length > this.#maxVariants; old = remaining[0]) {
      if (old === undefined) break;
      this.#remove(old);
      this.#evicted(old.meta.key, old.meta.url);
    }
    this.#lru.add(slot);
    this.#tags.add(slot, meta.tags);
    this.#bytes += slot.cost;
    this.#evict();
    return meta;
  }

  /** Patches the entry in place: nothing runs between its read and its write. */
  async update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.updateSync(entry, patch);
  }

  updateSync(entry: EntryRef, patch: EntryPatch): boolean {
    this.#open();
    const slot = this.#find(entry);
    if (slot === undefined) return false;
    const meta = applyPatch(slot.meta, patch);
    const cost = meta.size + metaCost(meta);
    this.#bytes += cost - slot.cost;
    slot.meta = meta;
    slot.cost = cost;
    return true;
  }

  async touch(entry: EntryMeta): Promise<void> {
    this.touchSync(entry);
  }

  touchSync(entry: EntryMeta): void {
    const slot = this.#find(entry);
    if (slot === undefined) return;
    slot.meta = { ...slot.meta, hits: slot.meta.hits + 1 };
    this.#lru.add(slot);
    const slots = this.#byKey.get(slot.meta.key);
    if (slots !== undefined && slots.at(-1) !== slot) {
      slots.splice(slots.indexOf(slot), 1);
      slots.push(slot);
    }
  }

  async delete(key: string): Promise<void> {
    this.#open();
    // A copy: #remove splices the key's array.
    for (const slot of [...(this.#byKey.get(key) ?? [])]) this.#remove(slot);
  }

  async deleteUrl(url: string): Promise<number> {
    return this.#deleteWhere((meta) => meta.url === url);
  }

  /** Deletes the entries stored with `tag`, found through the tag index. */
  async deleteTag(tag: string): Promise<number> {
    this.#open();
    const slots = this.#tags.itemsOf(tag);
    for (const slot of slots) this.#remove(slot);
    return slots.length;
  }

  /** Deletes the entries whose URL starts with `prefix` (a pass over the entries in memory). */
  async deletePrefix(prefix: string): Promise<number> {
    return this.#deleteWhere((meta) => meta.url.startsWith(prefix));
  }

  async *list(): AsyncIterable<EntryMeta> {
    this.#open();
    const now = this.#clock();
    for (const slot of this.#lru.toArray()) if (slot.meta.deleteAt > now) yield slot.meta;
  }

  async stats(): Promise<StorageStats> {
    this.#open();
    return { entries: this.#lru.size, bytes: this.#bytes };
  }

  async prune(): Promise<StorageStats> {
    this.#open();
    const now = this.#clock();
    let entries = 0;
    let bytes = 0;
    for (const slot of this.#lru.toArray()) {
      if (slot.meta.deleteAt <= now) {
        entries++;
        bytes += slot.cost;
        this.#remove(slot);
      }
    }
    return { entries, bytes };
  }

  async clear(): Promise<void> {
    this.#byKey.clear();
    this.#lru.clear();
    this.#tags.clear();
    this.#bytes = 0;
  }

  async close(): Promise<void> {
    await this.clear();
    this.#closed = true;
  }

  /** Deletes the entries `pick` picks, in one pass; returns how many. */
  #deleteWhere(pick: (meta: EntryMeta) => boolean): number {
    this.#open();
    let deleted = 0;
    for (const slot of this.#lru.toArray()) {
      if (pick(slot.meta)) {
        this.#remove(slot);
        deleted++;
      }
    }
    return deleted;
  }

  #find(entry: EntryRef): Slot | undefined {
    return this.#byKey.get(entry.key)?.find((s) => s.meta.id === entry.id);
  }

  #remove(slot: Slot): void {
    const slots = this.#byKey.get(slot.meta.key);
    if (slots !== undefined) {
      const index = slots.indexOf(slot);
      if (index !== -1) slots.splice(index, 1);
      if (slots.length === 0) this.#byKey.delete(slot.meta.key);
    }
    if (this.#lru.delete(slot)) this.#bytes -= slot.cost;
    if (slot.meta.tags !== undefined) this.#tags.remove(slot, slot.meta.tags);
  }

  #evict(): void {
    const maxBytes = this.#maxBytes - this.#inFlight;
    for (let slot = this.#lru.oldest; slot !== undefined; slot = this.#lru.oldest) {
      if (this.#bytes <= maxBytes && this.#lru.size <= this.#maxEntries) return;
      this.#remove(slot);
      this.#evicted(slot.meta.key, slot.meta.url);
    }
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('MemoryStorage');
  }
}

/**
 * A body kept in pieces, as a stream: each piece is copied as it is read, so the reader never
 * holds (and cannot transfer away) the stored bytes, and the body is never copied whole.
 */
function pieces(body: readonly Uint8Array<ArrayBuffer>[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  let next = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const piece = body[next++];
      // A byte stream takes no empty chunk: put keeps none, a stored piece is never empty.
      if (piece !== undefined) controller.enqueue(piece.slice());
      if (next >= body.length) controller.close();
    },
  });
}
