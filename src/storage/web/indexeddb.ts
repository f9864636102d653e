import { ClosedError } from '../../errors.ts';
import { metaCost } from '../bytes.ts';
import { positive } from '../option-checks.ts';
import { applyPatch } from '../patch.ts';
import type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  EvictionListener,
  Storage,
  StorageStats,
  StoredBody,
} from '../types.ts';
import { streamOfChunks } from './chunks.ts';
import { committed, openDatabase, result } from './idb.ts';
import { UnsupportedOperationError } from './unsupported.ts';

/** Options of {@link IndexedDBStorage}. */
export interface IndexedDBStorageOptions {
  /**
   * The database's name.
   * @default 'httpcache'
   */
  readonly name?: string;
  /**
   * The most bytes of bodies (and an estimate of headers) to hold; the least recently used entries
   * are evicted beyond it. A body larger than this is not stored.
   * @default 52428800 (50 MiB)
   */
  readonly maxBytes?: number;
  /**
   * The IndexedDB to use.
   * @default globalThis.indexedDB
   */
  readonly indexedDB?: IDBFactory;
  /**
   * The clock used to expire entries at their `deleteAt`, in ms since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
}

type Bytes = Uint8Array<ArrayBuffer>;

/** A row of the `entries` store. */
interface Row {
  readonly id: string;
  readonly key: string;
  readonly url: string;
  readonly meta: EntryMeta;
  readonly cost: number;
  /** Order of last use, for LRU eviction. */
  readonly used: number;
}

const BACKEND = 'IndexedDBStorage';

/**
 * Entries in the browser's IndexedDB: bodies kept as their chunks, bounded by `maxBytes` with
 * least-recently-used eviction, for bodies larger than `localStorage` allows.
 *
 * @example
 * ```ts
 * import { createFetch } from 'httpcache';
 * import { IndexedDBStorage } from 'httpcache/web';
 *
 * const cachedFetch = createFetch({ storage: new IndexedDBStorage({ maxBytes: 20e6 }) });
 * ```
 */
export class IndexedDBStorage implements Storage {
  readonly #maxBytes: number;
  readonly #clock: () => number;
  readonly #db: Promise<IDBDatabase>;
  /** LRU order: a counter seeded from the real clock, so it keeps rising across sessions. */
  #used = Date.now();
  #closed = false;
  #evicted: EvictionListener = () => undefined;

  constructor(options: IndexedDBStorageOptions = {}) {
    this.#maxBytes = positive('maxBytes', options.maxBytes ?? 50 * 1024 * 1024);
    this.#clock = options.clock ?? Date.now;
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (factory === undefined)
      throw new UnsupportedOperationError('open', BACKEND, 'no `indexedDB`');
    this.#db = openDatabase(factory, options.name ?? 'httpcache');
  }

  setEvictionListener(listener: EvictionListener): void {
    this.#evicted = listener;
  }

  async get(key: string): Promise<EntryMeta[]> {
    const rows = await this.#read((s) => s.index('key').getAll(key));
    const now = this.#clock();
    return rows.filter((row) => row.meta.deleteAt > now).map((row) => row.meta);
  }

  async body(entry: EntryMeta): Promise<StoredBody | null> {
    const tx = (await this.#open()).transaction('bodies', 'readonly');
    const chunks = (await result(tx.objectStore('bodies').get(entry.id))) as Bytes[] | undefined;
    return chunks === undefined ? null : streamOfChunks(chunks);
  }

  async put(entry: EntryToStore, body: ReadableStream<Bytes>): Promise<EntryMeta> {
    await this.#open();
    const chunks: Bytes[] = [];
    let size = 0;
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.#maxBytes) {
        await reader.cancel();
        throw new RangeError(`body exceeds the IndexedDB storage's maxBytes (${this.#maxBytes})`);
      }
      chunks.push(value);
    }
    const meta: EntryMeta = { ...entry, id: crypto.randomUUID(), size, hits: 0 };
    const row: Row = {
      id: meta.id,
      key: meta.key,
      url: meta.url,
      meta,
      cost: size + metaCost(meta),
      used: ++this.#used,
    };
    const tx = (await this.#open()).transaction(['entries', 'bodies'], 'readwrite');
    const entries = tx.objectStore('entries');
    const bodies = tx.objectStore('bodies');
    const evicted: Row[] = [];
    const rows = (await result(entries.getAll())) as Row[];
    for (const old of rows) {
      if (old.key === entry.key && old.meta.variant === entry.variant) remove(tx, old);
    }
    entries.put(row);
    bodies.put(chunks, row.id);
    // Least recently used first, the new entry last; evicted until the total fits the cap.
    const kept = rows.filter(
      (old) => !(old.key === entry.key && old.meta.variant === entry.variant),
    );
    let total = row.cost + kept.reduce((sum, old) => sum + old.cost, 0);
    for (const old of kept.sort((a, b) => a.used - b.used)) {
      if (total <= this.#maxBytes) break;
      remove(tx, old);
      evicted.push(old);
      total -= old.cost;
    }
    await committed(tx);
    for (const old of evicted) this.#evicted(old.key, old.url);
    return meta;
  }

  async update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.#change(entry, (row) => {
      const meta = applyPatch(row.meta, patch);
      return { ...row, meta, cost: meta.size + metaCost(meta) };
    });
  }

  async touch(entry: EntryMeta): Promise<void> {
    await this.#change(entry, (row) => ({
      ...row,
      meta: { ...row.meta, hits: row.meta.hits + 1 },
      used: ++this.#used,
    }));
  }

  async delete(key: string): Promise<void> {
    await this.#removeWhere((row) => row.key === key);
  }

  async deleteUrl(url: string): Promise<number> {
    return (await this.#removeWhere((row) => row.url === url)).length;
  }

  async *list(): AsyncIterable<EntryMeta> {
    const now = this.#clock();
    for (const row of await this.#read((s) => s.getAll()))
      if (row.meta.deleteAt > now) yield row.meta;
  }

  async stats(): Promise<StorageStats> {
    const rows = await this.#read((s) => s.getAll());
    return { entries: rows.length, bytes: rows.reduce((sum, row) => sum + row.cost, 0) };
  }

  async prune(): Promise<StorageStats> {
    const now = this.#clock();
    const removed = await this.#removeWhere((row) => row.meta.deleteAt <= now);
    return { entries: removed.length, bytes: removed.reduce((sum, row) => sum + row.cost, 0) };
  }

  async clear(): Promise<void> {
    const tx = (await this.#open()).transaction(['entries', 'bodies'], 'readwrite');
    tx.objectStore('entries').clear();
    tx.objectStore('bodies').clear();
    await committed(tx);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    (await this.#db).close();
  }

  #open(): Promise<IDBDatabase> {
    if (this.#closed) throw new ClosedError(BACKEND);
    return this.#db;
  }

  async #read(query: (store: IDBObjectStore) => IDBRequest): Promise<Row[]> {
    const tx = (await this.#open()).transaction('entries', 'readonly');
    return (await result(query(tx.objectStore('entries')))) as Row[];
  }

  async #change(entry: EntryRef, change: (row: Row) => Row): Promise<boolean> {
    const tx = (await this.#open()).transaction('entries', 'readwrite');
    const entries = tx.objectStore('entries');
    const row = (await result(entries.get(entry.id))) as Row | undefined;
    const found = row !== undefined && row.key === entry.key && row.meta.variant === entry.variant;
    if (found) entries.put(change(row));
    await committed(tx);
    return found;
  }

  async #removeWhere(match: (row: Row) => boolean): Promise<Row[]> {
    const tx = (await this.#open()).transaction(['entries', 'bodies'], 'readwrite');
    const rows = ((await result(tx.objectStore('entries').getAll())) as Row[]).filter(match);
    for (const row of rows) remove(tx, row);
    await committed(tx);
    return rows;
  }
}

function remove(tx: IDBTransaction, row: Row): void {
  tx.objectStore('entries').delete(row.id);
  tx.objectStore('bodies').delete(row.id);
}
