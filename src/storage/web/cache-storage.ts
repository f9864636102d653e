import { ClosedError, messageOf } from '../../errors.ts';
import { metaCost } from '../bytes.ts';
import { applyPatch } from '../patch.ts';
import type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  Storage,
  StorageStats,
  StoredBody,
} from '../types.ts';
import { UnsupportedOperationError } from './unsupported.ts';

/** Options of {@link CacheStorageStorage}. */
export interface CacheStorageStorageOptions {
  /**
   * The name passed to `caches.open()`.
   * @default 'httpcache'
   */
  readonly name?: string;
  /**
   * The Cache Storage to use.
   * @default globalThis.caches
   */
  readonly caches?: CacheStorage;
  /**
   * The clock used to expire entries at their `deleteAt`, in ms since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
}

type Bytes = Uint8Array<ArrayBuffer>;
const BACKEND = 'CacheStorageStorage';
const NO_KEYS = 'its Cache Storage cannot list its keys';

/**
 * Index edits (read, modify, write) run one at a time per cache name, across the storages of this
 * realm. The Cache API has no transactions: storages in other tabs or isolates can still race.
 */
const queues = new Map<string, Promise<unknown>>();

/**
 * Entries in the WHATWG Cache Storage (`caches.open(name)`): browsers, service workers, Deno and
 * workerd. Each primary key has one stored index of its variants' metadata, and each body is a
 * stored response, streamed in and out. Where the platform's cache cannot list its keys (workerd,
 * Deno), `list`, `deleteUrl`, `stats`, `prune` and `clear` throw an
 * {@link UnsupportedOperationError}; workerd may also drop entries on its own before `deleteAt`.
 * Updates are serialised within one JavaScript realm; the Cache API has no transactions, so
 * updates from other tabs or isolates to the same key can race.
 *
 * @example
 * ```ts
 * import { createFetch } from 'httpcache';
 * import { CacheStorageStorage } from 'httpcache/web';
 *
 * const cachedFetch = createFetch({ storage: new CacheStorageStorage({ name: 'api' }) });
 * ```
 */
export class CacheStorageStorage implements Storage {
  readonly #name: string;
  readonly #caches: CacheStorage;
  readonly #clock: () => number;
  readonly #base: string;
  #cache: Promise<Cache> | undefined;
  #closed = false;

  constructor(options: CacheStorageStorageOptions = {}) {
    this.#name = options.name ?? 'httpcache';
    const caches = options.caches ?? (globalThis as { caches?: CacheStorage }).caches;
    if (caches === undefined) throw new UnsupportedOperationError('open', BACKEND, 'no `caches`');
    this.#caches = caches;
    this.#clock = options.clock ?? Date.now;
    this.#base = `https://httpcache.invalid/${encodeURIComponent(this.#name)}/`;
  }

  async get(key: string): Promise<EntryMeta[]> {
    const now = this.#clock();
    return (await this.#index(key)).filter((meta) => meta.deleteAt > now);
  }

  async body(entry: EntryMeta): Promise<StoredBody | null> {
    const response = await (await this.#open()).match(this.#bodyUrl(entry.id));
    if (response === undefined) return null;
    return (response.body as ReadableStream<Bytes> | null) ?? new Uint8Array(0);
  }

  async put(entry: EntryToStore, body: ReadableStream<Bytes>): Promise<EntryMeta> {
    const cache = await this.#open();
    const id = crypto.randomUUID();
    let size = 0;
    let failure: { error: unknown } | undefined;
    const reader = body.getReader();
    const counted = new ReadableStream<Bytes>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          size += value.byteLength;
          controller.enqueue(value);
        } catch (error) {
          failure = { error };
          controller.error(error);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const response = new Response(counted, { headers: this.#keep(entry.deleteAt) });
    await cache.put(this.#bodyUrl(id), response).catch((error: unknown) => {
      throw failure ? failure.error : error;
    });
    if (failure) throw failure.error;
    const meta: EntryMeta = { ...entry, id, size, hits: 0 };
    const replaced = await this.#edit(entry.key, (variants) => {
      const old = variants.filter((v) => v.variant === entry.variant);
      return [[...variants.filter((v) => v.variant !== entry.variant), meta], old];
    });
    await this.#dropBodies(replaced);
    return meta;
  }

  async update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.#edit(entry.key, (variants) => {
      const old = variants.find((v) => v.id === entry.id && v.variant === entry.variant);
      if (old === undefined) return [variants, false];
      const updated = applyPatch(old, patch);
      return [variants.map((v) => (v === old ? updated : v)), true];
    });
  }

  async touch(entry: EntryMeta): Promise<void> {
    await this.#edit(entry.key, (variants) => [
      variants.map((v) => (v.id === entry.id ? { ...v, hits: v.hits + 1 } : v)),
      undefined,
    ]);
  }

  async delete(key: string): Promise<void> {
    const removed = await this.#edit(key, (variants) => [[], variants]);
    await this.#dropBodies(removed);
  }

  async deleteUrl(url: string): Promise<number> {
    let deleted = 0;
    for (const key of await this.#keys('deleteUrl')) {
      const removed = await this.#edit(key, (variants) => [
        variants.filter((v) => v.url !== url),
        variants.filter((v) => v.url === url),
      ]);
      deleted += removed.length;
      await this.#dropBodies(removed);
    }
    return deleted;
  }

  async *list(): AsyncIterable<EntryMeta> {
    for (const key of await this.#keys('list')) yield* await this.get(key);
  }

  async stats(): Promise<StorageStats> {
    let entries = 0;
    let bytes = 0;
    for (const key of await this.#keys('stats')) {
      for (const meta of await this.#index(key)) {
        entries++;
        bytes += meta.size + metaCost(meta);
      }
    }
    return { entries, bytes };
  }

  async prune(): Promise<StorageStats> {
    const now = this.#clock();
    let entries = 0;
    let bytes = 0;
    for (const key of await this.#keys('prune')) {
      const expired = await this.#edit(key, (variants) => [
        variants.filter((v) => v.deleteAt > now),
        variants.filter((v) => v.deleteAt <= now),
      ]);
      for (const meta of expired) bytes += meta.size + metaCost(meta);
      entries += expired.length;
      await this.#dropBodies(expired);
    }
    return { entries, bytes };
  }

  async clear(): Promise<void> {
    const cache = await this.#open();
    for (const request of await this.#requests('clear')) await cache.delete(request);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await queues.get(this.#name);
  }

  #open(): Promise<Cache> {
    if (this.#closed) throw new ClosedError(BACKEND);
    this.#cache ??= this.#caches.open(this.#name);
    return this.#cache;
  }

  #indexUrl(key: string): string {
    return `${this.#base}k/${encodeURIComponent(key)}`;
  }

  #bodyUrl(id: string): string {
    return `${this.#base}b/${id}`;
  }

  /** Headers that keep a stored response until `deleteAt` where the cache honours them (workerd). */
  #keep(deleteAt: number): Headers {
    const seconds = Math.max(1, Math.ceil((deleteAt - this.#clock()) / 1000));
    return new Headers({ 'cache-control': `max-age=${seconds}` });
  }

  async #index(key: string): Promise<EntryMeta[]> {
    const response = await (await this.#open()).match(this.#indexUrl(key));
    return response === undefined ? [] : ((await response.json()) as EntryMeta[]);
  }

  /** Reads, changes and writes back the index of `key`, one edit at a time. */
  #edit<T>(key: string, change: (variants: EntryMeta[]) => [EntryMeta[], T]): Promise<T> {
    const run = async (): Promise<T> => {
      const cache = await this.#open();
      const [variants, result] = change(await this.#index(key));
      if (variants.length === 0) await cache.delete(this.#indexUrl(key));
      else {
        const deleteAt = Math.max(...variants.map((v) => v.deleteAt));
        const response = new Response(JSON.stringify(variants), { headers: this.#keep(deleteAt) });
        await cache.put(this.#indexUrl(key), response);
      }
      return result;
    };
    const next = (queues.get(this.#name) ?? Promise.resolve()).then(run, run);
    const settled = next.catch(() => undefined);
    queues.set(this.#name, settled);
    // The last edit of a name forgets its queue once done, so closed storages leave nothing behind.
    void settled.then(() => {
      if (queues.get(this.#name) === settled) queues.delete(this.#name);
    });
    return next;
  }

  async #dropBodies(entries: readonly EntryMeta[]): Promise<void> {
    const cache = await this.#open();
    await Promise.all(entries.map((meta) => cache.delete(this.#bodyUrl(meta.id))));
  }

  /** Every request in the cache; workerd's `keys()` throws that it is not implemented. */
  async #requests(operation: string): Promise<readonly Request[]> {
    const cache = await this.#open();
    try {
      return await cache.keys();
    } catch (error) {
      throw new UnsupportedOperationError(operation, BACKEND, `${NO_KEYS} (${messageOf(error)})`);
    }
  }

  /** The primary keys stored, where the platform's cache can list its requests. */
  async #keys(operation: string): Promise<string[]> {
    const prefix = `${this.#base}k/`;
    return (await this.#requests(operation))
      .map((request) => request.url)
      .filter((url) => url.startsWith(prefix))
      .map((url) => decodeURIComponent(url.slice(prefix.length)));
  }
}
