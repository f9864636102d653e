import { Buffer } from 'node:buffer';
import type { DatabaseSync } from 'node:sqlite';
import { ClosedError, OptionsError } from '../errors.ts';
import { encodeMeta } from './codec.ts';
import { count, positive } from './option-checks.ts';
import { applyPatch } from './patch.ts';
import type { SqliteContext } from './sqlite/context.ts';
import { evict, overCap, totals } from './sqlite/eviction.ts';
import { Hits } from './sqlite/hits.ts';
import { defaultSqlitePath, milliseconds, type SqliteStorageOptions } from './sqlite/options.ts';
import { Decoder, endReading, readBody } from './sqlite/reads.ts';
import { integer, storageError, transaction } from './sqlite/rows.ts';
import { openDatabase } from './sqlite/schema.ts';
import { prepare, type Statements } from './sqlite/statements.ts';
import { prune, sweep } from './sqlite/sweep.ts';
import { abandon, append, commit, newWrite, release, type Write } from './sqlite/writes.ts';
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
  SyncStorage,
} from './types.ts';

export { defaultSqlitePath, type SqliteStorageOptions } from './sqlite/options.ts';
export { CHUNK_SIZE, MIGRATIONS, SCHEMA_VERSION } from './sqlite/schema.ts';

/**
 * {@link SqliteStorage}: entries in one SQLite file (`node:sqlite`), which several processes may
 * share. The tables and their migrations are in `sqlite/schema.ts`, the statements in
 * `sqlite/statements.ts`; writing bodies in `sqlite/writes.ts`, reading them in `sqlite/reads.ts`,
 * the byte cap in `sqlite/eviction.ts`, what crashed writers and readers left in `sqlite/sweep.ts`,
 * and batched hit counts in `sqlite/hits.ts`.
 *
 * @module
 */

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const DEFAULT_MAX_VARIANTS = 64;
const LIST_PAGE = 256;

/**
 * Entries in a SQLite database (`node:sqlite`, Node 22.5+): persistent, shared safely by several
 * processes (WAL, a busy timeout), bodies streamed in chunks, an LRU cap in bytes, expiry at each
 * entry's `deleteAt`. A corrupted entry (bad metadata, a truncated body) is a miss: it is removed
 * and reported, never served.
 *
 * @example
 * ```ts
 * import { createFetch } from 'httpcache';
 * import { SqliteStorage } from 'httpcache/sqlite';
 *
 * const cachedFetch = createFetch({ storage: new SqliteStorage() });
 * ```
 */
export class SqliteStorage implements Storage, SyncStorage {
  /** The database file in use (or `':memory:'`). */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #sql: Statements;
  readonly #ctx: SqliteContext;
  readonly #decoder: Decoder;
  readonly #hits: Hits;
  #report: StorageReporter = () => undefined;
  #evicted: EvictionListener = () => undefined;
  #closed = false;

  /**
   * Opens (creating or migrating) the database. Throws {@link OptionsError} for a bad option,
   * {@link CodecError} when the file has a newer schema version than this httpcache reads, and
   * {@link StorageError} when it cannot be opened or is not an httpcache database.
   */
  constructor(options: SqliteStorageOptions = {}) {
    const maxBytes = positive('maxBytes', options.maxBytes ?? DEFAULT_MAX_BYTES);
    const busyTimeout = milliseconds('busyTimeout', options.busyTimeout ?? 5000);
    if (options.path === '') throw new OptionsError('path', 'must not be empty');
    const path = options.path ?? defaultSqlitePath();
    this.path = path;
    try {
      this.#db = openDatabase(path, busyTimeout);
      this.#sql = prepare(this.#db);
    } catch (error) {
      throw storageError('open', path, error);
    }
    this.#ctx = {
      db: this.#db,
      sql: this.#sql,
      path,
      clock: options.clock ?? Date.now,
      maxBytes,
      maxVariants: count('maxVariants', options.maxVariants ?? DEFAULT_MAX_VARIANTS),
      inFlight: { bytes: 0 },
      writes: new Set(),
      readers: new Set(),
      closed: () => this.#closed,
      run: (operation, fn) => this.#run(operation, fn),
      report: (operation, error, key) => this.#reportQuietly(operation, error, key),
      evicted: (key, url) => this.#evicted(key, url),
    };
    this.#decoder = new Decoder(this.#ctx);
    this.#hits = new Hits(this.#ctx);
    try {
      sweep(this.#ctx, this.#ctx.clock());
    } catch {
      // Another process holds the database longer than the busy timeout: prune() sweeps later.
    }
  }

  setReporter(reporter: StorageReporter): void {
    this.#report = reporter;
  }

  setEvictionListener(listener: EvictionListener): void {
    this.#evicted = listener;
  }

  async get(key: string): Promise<EntryMeta[]> {
    return this.getSync(key);
  }

  getSync(key: string): EntryMeta[] {
    return this.#run('get', () => {
      const live: EntryMeta[] = [];
      for (const row of this.#sql.get.all(key, this.#ctx.clock())) {
        const meta = this.#decoder.decode(row, 'get');
        if (meta !== undefined) live.push(this.#hits.counted(meta));
      }
      return live;
    });
  }

  async body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.bodySync(entry);
  }

  bodySync(entry: EntryMeta): StoredBody | null {
    return this.#run('body', () => readBody(this.#ctx, entry));
  }

  async put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    this.#assertOpen();
    const write = newWrite();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#append(write, value);
      }
      return this.#commit(entry, write);
    } catch (error) {
      reader.cancel(error).catch(() => undefined);
      this.#abandon(entry, write);
      throw error;
    } finally {
      release(this.#ctx, write);
    }
  }

  putBytesSync(entry: EntryToStore, bytes: Uint8Array<ArrayBuffer>): EntryMeta {
    this.#assertOpen();
    const write = newWrite();
    try {
      // One transaction (one commit to the file): the body, the entry, and the eviction that
      // makes room for it.
      return this.#run('put', () =>
        transaction(this.#db, () => {
          if (bytes.byteLength > 0) append(this.#ctx, write, bytes);
          return this.#commit(entry, write);
        }),
      );
    } catch (error) {
      this.#abandon(entry, write);
      throw error;
    } finally {
      release(this.#ctx, write);
    }
  }

  /** Buffers or writes a piece of a body; stored entries make room for the bytes in flight. */
  #append(write: Write, piece: Uint8Array<ArrayBuffer>): void {
    this.#run('put', () => append(this.#ctx, write, piece));
    this.#evictQuietly();
  }

  /** Makes a complete write visible and keeps the cap, in one transaction (one commit to the file). */
  #commit(entry: EntryToStore, write: Write): EntryMeta {
    return this.#run('put', () =>
      transaction(this.#db, () => {
        const meta = commit(this.#ctx, entry, write);
        release(this.#ctx, write);
        this.#evictQuietly();
        return meta;
      }),
    );
  }

  /** Drops a failed write's chunks. */
  #abandon(entry: EntryToStore, write: Write): void {
    if (write.id !== undefined && !this.#closed) abandon(this.#ctx, write.id, entry.key);
  }

  /** Reads, patches and writes the entry's row in one write transaction. */
  async update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.updateSync(entry, patch);
  }

  updateSync(entry: EntryRef, patch: EntryPatch): boolean {
    const id = Number(entry.id);
    if (!Number.isSafeInteger(id)) return false;
    return this.#run('update', () =>
      transaction(this.#db, () => {
        const row = this.#sql.entry.get(id, entry.key, entry.variant);
        const current = row === undefined ? undefined : this.#decoder.decode(row, 'update');
        if (current === undefined) return false;
        const next = applyPatch(current, patch);
        const json = JSON.stringify(encodeMeta(next));
        this.#sql.update.run(json, next.deleteAt, Buffer.byteLength(json), id);
        return true;
      }),
    );
  }

  /** Records a hit; hits are gathered and written together (`sqlite/hits.ts`). */
  async touch(entry: EntryMeta, now: number): Promise<void> {
    this.touchSync(entry, now);
  }

  touchSync(entry: EntryMeta, now: number): void {
    this.#assertOpen();
    this.#hits.add(Number(entry.id), now);
  }

  async delete(key: string): Promise<void> {
    this.#run('delete', () => this.#sql.deleteKey.run(key));
  }

  async deleteUrl(url: string): Promise<number> {
    return this.#run('deleteUrl', () => Number(this.#sql.deleteUrl.run(url).changes));
  }

  /** Deletes the entries stored with `tag`, found through the `tags` table. */
  async deleteTag(tag: string): Promise<number> {
    return this.#run('deleteTag', () => Number(this.#sql.deleteTag.run(tag).changes));
  }

  /** Deletes the entries whose URL starts with `prefix`, a range of the URL index. */
  async deletePrefix(prefix: string): Promise<number> {
    return this.#run('deletePrefix', () => Number(this.#sql.deletePrefix.run(prefix).changes));
  }

  async *list(): AsyncIterable<EntryMeta> {
    this.#hits.write();
    let after = 0;
    for (;;) {
      const rows = this.#run('list', () => this.#sql.list.all(after, this.#ctx.clock(), LIST_PAGE));
      for (const row of rows) {
        after = integer(row, 'id');
        const meta = this.#run('list', () => this.#decoder.decode(row, 'list'));
        if (meta !== undefined) yield meta;
      }
      if (rows.length < LIST_PAGE) return;
    }
  }

  async stats(): Promise<StorageStats> {
    return this.#run('stats', () => totals(this.#ctx));
  }

  /**
   * Deletes entries past their `deleteAt`, what abandoned writes and reads left (their process is
   * gone, or they are a day old), and chunks of no entry. Returns the expired entries and every
   * byte freed.
   */
  async prune(): Promise<StorageStats> {
    this.#hits.write();
    return this.#run('prune', () => prune(this.#ctx));
  }

  async clear(): Promise<void> {
    this.#run('clear', () =>
      transaction(this.#db, () => {
        this.#sql.clear.run();
        this.#sql.deleteOrphans.run();
        this.#sql.resetTotals.run();
      }),
    );
  }

  /** Drops this storage's unfinished writes and reads, and closes the database; later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#hits.write();
    for (const id of [...this.#ctx.writes]) abandon(this.#ctx, id, undefined);
    for (const reader of [...this.#ctx.readers]) endReading(this.#ctx, reader, undefined);
    this.#closed = true;
    this.#decoder.clear();
    try {
      this.#db.close();
    } catch (error) {
      throw storageError('close', this.path, error);
    }
  }

  /** Runs `fn` as storage `operation`: refused once closed; every failure a StorageError. */
  #run<T>(operation: string, fn: () => T): T {
    this.#assertOpen();
    try {
      return fn();
    } catch (error) {
      throw storageError(operation, this.path, error);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('SqliteStorage');
  }

  #evictQuietly(): void {
    try {
      if (!overCap(this.#ctx)) return;
      // Eviction goes by when entries were last used: the gathered hits first.
      this.#hits.write();
      evict(this.#ctx);
    } catch (error) {
      // The entry is stored; the cap is enforced again by the next write.
      this.#reportQuietly('evict', storageError('evict', this.path, error), undefined);
    }
  }

  #reportQuietly(operation: string, error: unknown, key: string | undefined): void {
    try {
      this.#report(operation, error, key);
    } catch {
      // A reporter that throws must not turn a handled problem into a failure.
    }
  }
}
