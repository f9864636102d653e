import { mkdir } from 'node:fs/promises';
import { ClosedError, OptionsError, StorageError } from '../errors.ts';
import { deletePrefixByListing } from './by-listing.ts';
import { sweepTemps } from './fs/atomic.ts';
import { BodyFailure } from './fs/body-file.ts';
import type { Context, Report, Tally } from './fs/context.ts';
import { deleteKey } from './fs/discard.ts';
import { names, removeTree, storageError } from './fs/files.ts';
import { defaultDirectory, Layout, sha256 } from './fs/layout.ts';
import { Listings } from './fs/listings.ts';
import { withLockFile } from './fs/lock-file.ts';
import { KeyLocks } from './fs/locks.ts';
import { type Indexed, pruneIndex, pruneKey } from './fs/prune.ts';
import { readEntryBody, readKey } from './fs/read.ts';
import { evictTo, measure } from './fs/sizes.ts';
import { deleteTag, tagsRoot } from './fs/tags.ts';
import { deleteUrl } from './fs/urls.ts';
import { rewriteEntry, writeEntry } from './fs/write.ts';
import { count } from './option-checks.ts';
import { applyPatch } from './patch.ts';
import { checkSerializer, jsonSerializer, type Serializer } from './serializers.ts';
import type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  EvictionListener,
  Storage,
  StorageReporter,
  StorageStats,
  StoredBody,
} from './types.ts';

/**
 * {@link FileSystemStorage}: entries as plain files in a directory (laid out as `fs/layout.ts`
 * describes), with pluggable metadata serializers.
 *
 * @module
 */

/** Options of {@link FileSystemStorage}. */
export interface FileSystemStorageOptions {
  /**
   * The directory to keep entries in; created when missing.
   * @default `$XDG_CACHE_HOME/httpcache/fs`, else `~/.cache/httpcache/fs` (`%LOCALAPPDATA%` on Windows)
   * @example new FileSystemStorage({ directory: '/var/cache/myapp/http' })
   */
  readonly directory?: string;
  /**
   * How metadata files are written. Its extension is part of each file's name: files written with
   * another serializer are treated as misses, removed and reported.
   * @default jsonSerializer
   * @example new FileSystemStorage({ serializer: yamlSerializer() })
   */
  readonly serializer?: Serializer;
  /**
   * The most bytes (bodies plus metadata files) to keep; beyond it the least recently used
   * entries are deleted (by the modification time of their metadata file, which is set to the
   * time they were stored, freshened or last served). A body larger than this is not stored. No cap when unset.
   * @default undefined
   * @example new FileSystemStorage({ maxBytes: 512 * 1024 * 1024 })
   */
  readonly maxBytes?: number;
  /**
   * The most variants (entries under one key, as `Vary` tells them apart) to keep per key; when a
   * new variant is stored beyond it, the least recently used are deleted, so that a `Vary` on a
   * header every client sets differently cannot fill the directory or slow lookups.
   * @default 64
   */
  readonly maxVariants?: number;
  /**
   * The clock used to expire entries at their `deleteAt` and to order them for eviction, in ms
   * since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/** How long gathered hits wait at most before they are written, in ms. */
const HIT_DELAY = 1000;

/**
 * Entries as plain files: a metadata file and a body file per entry, written atomically.
 * Several processes may share a directory: each file is replaced atomically, and every change of
 * a key's files is made holding the key's lock file, so updates from several processes all land.
 *
 * @example
 * ```ts
 * import { createFetch } from 'httpcache';
 * import { FileSystemStorage } from 'httpcache/fs';
 * const cachedFetch = createFetch({ storage: new FileSystemStorage({ directory: './.cache' }) });
 * ```
 */
export class FileSystemStorage implements Storage {
  /** The directory entries are kept in. */
  readonly directory: string;
  readonly #maxBytes: number | undefined;
  readonly #ctx: Context;
  readonly #pending = new Set<Promise<unknown>>();
  /** Key directories' entries as last read, while unchanged. */
  readonly #listings = new Listings();
  #reporter: StorageReporter | undefined;
  /** Hits not written yet, by entry id. */
  readonly #hits = new Map<string, { entry: EntryMeta; count: number; at: number }>();
  #hitTimer: ReturnType<typeof setTimeout> | undefined;
  #evicted: EvictionListener = () => undefined;
  #opened: Promise<void> | undefined;
  /** Bytes stored, as last measured plus what was added since; only kept with `maxBytes`. */
  #bytes = 0;
  /** Body bytes of puts in progress: they count against `maxBytes` as they arrive. */
  #inFlight = 0;
  #closed = false;

  constructor(options: FileSystemStorageOptions = {}) {
    this.directory = options.directory ?? defaultDirectory();
    const serializer = checkSerializer(options.serializer ?? jsonSerializer);
    if (options.maxBytes !== undefined && !(options.maxBytes > 0)) {
      throw new OptionsError('maxBytes', `must be a positive number, got ${options.maxBytes}`);
    }
    this.#maxBytes = options.maxBytes;
    const layout = new Layout(this.directory, serializer.extension);
    const locks = new KeyLocks();
    this.#ctx = {
      layout,
      serializer,
      clock: options.clock ?? Date.now,
      maxVariants: count('maxVariants', options.maxVariants ?? 64),
      locks,
      exclusive: (kh, action) => locks.run(kh, () => withLockFile(layout.lockFile(kh), action)),
      report: (report) => this.#report(report),
      evicted: (key, url) => this.#evicted(key, url),
    };
  }

  setReporter(reporter: StorageReporter): void {
    this.#reporter = reporter;
  }

  setEvictionListener(listener: EvictionListener): void {
    this.#evicted = listener;
  }

  get(key: string): Promise<EntryMeta[]> {
    const kh = sha256(key);
    return this.#run('get', () =>
      this.#ctx.locks.run(kh, async () =>
        (await this.#listings.read(this.#ctx, kh, key)).map((f) => this.#withPendingHits(f.meta)),
      ),
    );
  }

  body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.#run('body', () => readEntryBody(this.#ctx, entry));
  }

  /**
   * With `maxBytes`, the body's bytes count against it as they arrive (stored entries are evicted
   * to make room); the write that would take the bodies being written past it fails.
   */
  put(entry: EntryToStore, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<EntryMeta> {
    const kh = sha256(entry.key);
    return this.#run('put', async () => {
      let reserved = 0;
      const release = (): void => {
        this.#inFlight -= reserved;
        reserved = 0;
      };
      try {
        const written = await writeEntry(this.#ctx, entry, body, async (bytes, size) => {
          reserved += bytes;
          await this.#reserve(bytes, size, kh);
        });
        // Its bytes are stored now: counted in #bytes, no longer in flight.
        release();
        await this.#cap(written.bytes, kh);
        return written.meta;
      } finally {
        release();
      }
    });
  }

  /** Counts bytes of a body being written against `maxBytes`, evicting stored entries for room. */
  async #reserve(bytes: number, size: number, keep: string): Promise<void> {
    this.#inFlight += bytes;
    const max = this.#maxBytes;
    if (max === undefined) return;
    if (size > max) throw new StorageError('put', `the body is larger than maxBytes (${max})`);
    if (this.#inFlight > max) {
      throw new StorageError(
        'put',
        `the bodies being written exceed maxBytes (${max}); this one is dropped`,
      );
    }
    await this.#cap(0, keep);
  }

  /**
   * Reads, patches and rewrites the entry's metadata file holding the key's lock (in this process
   * and its lock file), so that no update or hit, of this process or another, undoes another.
   */
  update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.#run('update', () =>
      rewriteEntry(this.#ctx, entry, this.#ctx.clock(), (current) => applyPatch(current, patch)),
    );
  }

  /**
   * Counts a hit. Hits are gathered in memory and written to the entries' metadata files together
   * (after {@link HIT_DELAY} ms, or before anything lists, prunes or closes), which also makes
   * those entries the most recently used; a hit itself costs no file write.
   */
  async touch(entry: EntryMeta, now: number = this.#ctx.clock()): Promise<void> {
    this.#check();
    const pending = this.#hits.get(entry.id);
    if (pending === undefined) this.#hits.set(entry.id, { entry, count: 1, at: now });
    else {
      pending.count++;
      pending.at = Math.max(pending.at, now);
    }
    this.#hitTimer ??= setTimeout(() => {
      this.#run('touch', () => this.#writeHits()).catch((error: unknown) =>
        this.#report({ operation: 'touch', error, key: undefined }),
      );
    }, HIT_DELAY).unref();
  }

  #withPendingHits(meta: EntryMeta): EntryMeta {
    const pending = this.#hits.get(meta.id);
    return pending === undefined ? meta : { ...meta, hits: meta.hits + pending.count };
  }

  /** Writes the gathered hits; a failure is reported, its hits dropped. */
  async #writeHits(): Promise<void> {
    clearTimeout(this.#hitTimer);
    this.#hitTimer = undefined;
    const hits = [...this.#hits.values()];
    this.#hits.clear();
    for (const { entry, count, at } of hits) {
      await rewriteEntry(this.#ctx, entry, at, (current) => ({
        ...current,
        hits: current.hits + count,
      })).catch((error: unknown) => this.#report({ operation: 'touch', error, key: entry.key }));
    }
  }

  delete(key: string): Promise<void> {
    const kh = sha256(key);
    return this.#run('delete', () => this.#ctx.exclusive(kh, () => deleteKey(this.#ctx, kh)));
  }

  deleteUrl(url: string): Promise<number> {
    return this.#run('deleteUrl', () => deleteUrl(this.#ctx, url));
  }

  /** Deletes the entries stored with `tag`, reading only the keys its index files name. */
  deleteTag(tag: string): Promise<number> {
    return this.#run('deleteTag', () => deleteTag(this.#ctx, tag));
  }

  /**
   * Deletes the entries whose URL starts with `prefix`: a pass over every key's metadata (the
   * URL index is by hash), then the URL index for each URL found.
   */
  deletePrefix(prefix: string): Promise<number> {
    return deletePrefixByListing(this, prefix);
  }

  async *list(): AsyncIterable<EntryMeta> {
    this.#check();
    try {
      await this.#open();
      await this.#writeHits();
      for await (const kh of this.#ctx.layout.keyHashes()) {
        const live = await this.#ctx.locks.run(kh, () => readKey(this.#ctx, kh, undefined));
        for (const found of live) yield found.meta;
      }
    } catch (error) {
      throw storageError('list', error);
    }
  }

  stats(): Promise<StorageStats> {
    return this.#run('stats', async () => {
      const tally: Tally = { entries: 0, bytes: 0 };
      for await (const kh of this.#ctx.layout.keyHashes()) {
        await measure(this.#ctx, kh, tally);
      }
      return tally;
    });
  }

  prune(): Promise<StorageStats> {
    return this.#run('prune', async () => {
      await this.#writeHits();
      const freed: Tally = { entries: 0, bytes: 0 };
      const indexed: Indexed = { urls: new Set(), tags: new Set() };
      for await (const kh of this.#ctx.layout.keyHashes()) {
        await this.#ctx.exclusive(kh, () => pruneKey(this.#ctx, kh, freed, indexed));
      }
      await pruneIndex(this.#ctx.layout.urls, indexed.urls);
      await pruneIndex(tagsRoot(this.#ctx), indexed.tags);
      return freed;
    });
  }

  clear(): Promise<void> {
    this.#listings.clear();
    return this.#run('clear', async () => {
      for await (const kh of this.#ctx.layout.keyHashes()) {
        await this.#ctx.exclusive(kh, () => deleteKey(this.#ctx, kh));
      }
      await removeTree(this.#ctx.layout.urls);
      await removeTree(tagsRoot(this.#ctx));
      this.#bytes = 0;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#run('touch', () => this.#writeHits()).catch(() => undefined);
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
  }

  /** Runs an operation once the directory is open; its failures become {@link StorageError}s. */
  async #run<T>(operation: string, action: () => Promise<T>): Promise<T> {
    this.#check();
    const task = this.#open().then(action);
    this.#pending.add(task);
    try {
      return await task;
    } catch (error) {
      if (error instanceof BodyFailure) throw error.error;
      throw storageError(operation, error);
    } finally {
      this.#pending.delete(task);
    }
  }

  #check(): void {
    if (this.#closed) throw new ClosedError('FileSystemStorage');
  }

  /** Creates the directory and sweeps temp files left by dead processes, once. */
  #open(): Promise<void> {
    this.#opened ??= this.#prepare().catch((error: unknown) => {
      this.#opened = undefined;
      throw error;
    });
    return this.#opened;
  }

  async #prepare(): Promise<void> {
    await mkdir(this.#ctx.layout.entries, { recursive: true });
    const tally: Tally = { entries: 0, bytes: 0 };
    for await (const kh of this.#ctx.layout.keyHashes()) {
      const dir = this.#ctx.layout.keyDir(kh);
      await sweepTemps(dir, await names(dir), tally);
      if (this.#maxBytes !== undefined) await measure(this.#ctx, kh, tally);
    }
    this.#bytes = tally.bytes;
  }

  /**
   * Keeps the bytes stored, plus those of bodies being written, under `maxBytes`, deleting the
   * least recently used entries first.
   */
  async #cap(added: number, keep: string): Promise<void> {
    const max = this.#maxBytes;
    if (max === undefined) return;
    this.#bytes += added;
    if (this.#bytes + this.#inFlight <= max) return;
    // Eviction goes by when entries were last used: the gathered hits first.
    await this.#writeHits();
    this.#bytes = await evictTo(this.#ctx, Math.max(0, max - this.#inFlight), keep);
  }

  #report({ operation, error, key }: Report): void {
    try {
      this.#reporter?.(operation, error, key);
    } catch {
      // A reporter's own failure must not turn a handled problem into a failed operation.
    }
  }
}
