import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import {
  ClosedError,
  CodecError,
  isHttpCacheError,
  messageOf,
  OptionsError,
  StorageError,
} from '../errors.ts';
import { userCacheDirectory } from './cache-dir.ts';
import { decodeMeta, encodeMeta } from './codec.ts';
import { positive } from './option-checks.ts';
import { applyPatch } from './patch.ts';
import { isAlive } from './process-alive.ts';
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
 * Entries in one SQLite file (`node:sqlite`), which several processes may share:
 *
 * - `entries`: one row per entry: its key, variant and URL (indexed), the metadata as versioned
 *   JSON ({@link encodeMeta}), and the columns storage owns: size, hits, last access, delete-at
 *   and cost (body plus metadata bytes). `totals` keeps the counts up to date through triggers,
 *   so the cap is checked without scanning.
 * - `chunks`: bodies in rows of {@link CHUNK_SIZE} bytes keyed by entry id and sequence number,
 *   so bodies stream in and out. Deleting an entry deletes its chunks (a trigger).
 * - `writes`: writes in progress. A write reserves an id there, inserts its chunks under it, and
 *   only then, in one transaction, inserts the entry row and deletes the variant it replaces. A
 *   crash mid-write leaves chunks no entry names: swept when the storage opens and by `prune()`
 *   once the writer's process is gone.
 * - `readers`: bodies being streamed (those of more than one chunk). Deleting or replacing an
 *   entry keeps the chunks of an entry with a reader; the last reader to finish deletes them. A
 *   reader that crashed is swept like a write, and the chunks it held with it.
 *
 * The schema version is `PRAGMA user_version`; older versions are migrated when the storage
 * opens, and a newer one (written by a newer httpcache) makes the constructor throw a
 * {@link CodecError}: the file is left untouched for the version that wrote it.
 *
 * @module
 */

/** Bytes of body per row of the `chunks` table (part of schema version 1). */
export const CHUNK_SIZE = 256 * 1024;

/** How many entries' hits are gathered before they are written. */
const HIT_BATCH = 256;

/** How long gathered hits wait at most before they are written, in ms. */
const HIT_DELAY = 1000;

/** The schema version this code reads and writes, kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 2;

/** `PRAGMA application_id` of httpcache databases ("htcp"), so a foreign database is refused. */
const APPLICATION_ID = 0x68_74_63_70;

/** A write whose process still runs is swept only once it is this old (ms). */
const ABANDONED_AFTER = 24 * 60 * 60 * 1000;

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const LIST_PAGE = 256;
/** How many entries' decoded metadata are kept, so that a hit does not parse its JSON again. */
const DECODED = 1024;
const EVICT_BATCH = 32;

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * The database file, created (with its directory) when missing; `':memory:'` for a database
   * private to this storage. Several processes may share one file.
   * @default `$XDG_CACHE_HOME/httpcache/cache.sqlite`, else `~/.cache/httpcache/cache.sqlite`
   * (`%LOCALAPPDATA%\httpcache\cache.sqlite` on Windows)
   * @example new SqliteStorage({ path: '/var/cache/myapp/http.sqlite' })
   */
  readonly path?: string;
  /**
   * The most bytes (bodies plus metadata) to keep; beyond it the least recently used entries (by
   * last store or hit) are deleted. A body larger than this is not stored. `Infinity`: no cap.
   * @default 1073741824 (1 GiB)
   * @example new SqliteStorage({ maxBytes: 256 * 1024 * 1024 })
   */
  readonly maxBytes?: number;
  /**
   * How long (ms) an operation waits for another process's write to end before it fails with a
   * {@link StorageError} (SQLite's `busy_timeout`). Writes are short, so waits are too.
   * @default 5000
   * @example new SqliteStorage({ busyTimeout: 10_000 })
   */
  readonly busyTimeout?: number;
  /**
   * The clock (ms since the epoch) against which entries expire at their `deleteAt`, new entries
   * take their place in the LRU order, and abandoned writes age.
   * @default Date.now
   * @example new SqliteStorage({ clock: () => fakeNow })
   */
  readonly clock?: () => number;
}

/**
 * The default database file: `$XDG_CACHE_HOME/httpcache/cache.sqlite` when that variable holds an
 * absolute path, else `~/.cache/httpcache/cache.sqlite`; on Windows under `%LOCALAPPDATA%`.
 */
export function defaultSqlitePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  return join(userCacheDirectory(env, platform, home), 'httpcache', 'cache.sqlite');
}

/** Migrations by the version they start from: `MIGRATIONS[v]` takes a database from v to v + 1. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE entries (
     id INTEGER PRIMARY KEY,
     key TEXT NOT NULL,
     variant TEXT NOT NULL,
     url TEXT NOT NULL,
     meta TEXT NOT NULL,
     size INTEGER NOT NULL,
     cost INTEGER NOT NULL,
     hits INTEGER NOT NULL DEFAULT 0,
     last_access REAL NOT NULL,
     delete_at REAL NOT NULL
   );
   CREATE UNIQUE INDEX entries_by_variant ON entries (key, variant);
   CREATE INDEX entries_by_url ON entries (url);
   CREATE INDEX entries_by_delete_at ON entries (delete_at);
   CREATE INDEX entries_by_last_access ON entries (last_access, id);
   CREATE TABLE chunks (
     entry_id INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (entry_id, seq)
   );
   CREATE TABLE writes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     pid INTEGER NOT NULL,
     started_at REAL NOT NULL
   );
   CREATE TABLE totals (
     id INTEGER PRIMARY KEY CHECK (id = 0),
     entries INTEGER NOT NULL,
     bytes INTEGER NOT NULL
   );
   INSERT INTO totals (id, entries, bytes) VALUES (0, 0, 0);
   CREATE TRIGGER entries_inserted AFTER INSERT ON entries BEGIN
     UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.cost WHERE id = 0;
   END;
   CREATE TRIGGER entries_deleted AFTER DELETE ON entries BEGIN
     UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.cost WHERE id = 0;
     DELETE FROM chunks WHERE entry_id = OLD.id;
   END;
   CREATE TRIGGER entries_resized AFTER UPDATE OF cost ON entries BEGIN
     UPDATE totals SET bytes = bytes - OLD.cost + NEW.cost WHERE id = 0;
   END;
   PRAGMA application_id = ${APPLICATION_ID};`,
  // Version 2: readers. The chunks of a deleted entry stay while a reader streams them.
  `CREATE TABLE readers (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     entry_id INTEGER NOT NULL,
     pid INTEGER NOT NULL,
     started_at REAL NOT NULL
   );
   CREATE INDEX readers_by_entry ON readers (entry_id);
   DROP TRIGGER entries_deleted;
   CREATE TRIGGER entries_deleted AFTER DELETE ON entries BEGIN
     UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.cost WHERE id = 0;
     DELETE FROM chunks WHERE entry_id = OLD.id
       AND NOT EXISTS (SELECT 1 FROM readers WHERE entry_id = OLD.id);
   END;`,
];

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
export class SqliteStorage implements Storage {
  /** The database file in use (or `':memory:'`). */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #sql: Statements;
  readonly #maxBytes: number;
  readonly #clock: () => number;
  /** Ids of this storage's writes in progress, which no sweep may take. */
  readonly #writes = new Set<number>();
  /** Ids of this storage's readers (rows of `readers`), which no sweep may take. */
  readonly #readers = new Set<number>();
  #report: StorageReporter = () => undefined;
  #evicted: EvictionListener = () => undefined;
  /** Hits not written yet, by entry id: written together, off the hit path. */
  readonly #hits = new Map<number, { count: number; at: number }>();
  /** Decoded metadata by entry id, with the JSON it was decoded from; the oldest go first. */
  readonly #decoded = new Map<number, { json: string; meta: EntryMeta }>();
  #hitTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * Opens (creating or migrating) the database. Throws {@link OptionsError} for a bad option,
   * {@link CodecError} when the file has a newer schema version than this httpcache reads, and
   * {@link StorageError} when it cannot be opened or is not an httpcache database.
   */
  constructor(options: SqliteStorageOptions = {}) {
    this.#maxBytes = positive('maxBytes', options.maxBytes ?? DEFAULT_MAX_BYTES);
    const busyTimeout = milliseconds('busyTimeout', options.busyTimeout ?? 5000);
    this.#clock = options.clock ?? Date.now;
    if (options.path === '') throw new OptionsError('path', 'must not be empty');
    this.path = options.path ?? defaultSqlitePath();
    try {
      this.#db = openDatabase(this.path, busyTimeout);
      this.#sql = prepare(this.#db);
    } catch (error) {
      throw storageError('open', this.path, error);
    }
    this.#sweepQuietly();
  }

  setReporter(reporter: StorageReporter): void {
    this.#report = reporter;
  }

  setEvictionListener(listener: EvictionListener): void {
    this.#evicted = listener;
  }

  async get(key: string): Promise<EntryMeta[]> {
    return this.#run('get', () => {
      const live: EntryMeta[] = [];
      for (const row of this.#sql.get.all(key, this.#clock())) {
        const meta = this.#decode(row, 'get');
        if (meta !== undefined) live.push(this.#withPendingHits(meta));
      }
      return live;
    });
  }

  async body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.#run('body', () => {
      const id = Number(entry.id);
      if (!Number.isSafeInteger(id)) return null;
      // The hit path: a body of one chunk is one indexed SELECT.
      if (entry.size > 0 && entry.size <= CHUNK_SIZE) {
        const data = this.#sql.chunk.get(id, 0)?.data;
        if (data instanceof Uint8Array && data.byteLength === entry.size) return data;
      }
      return this.#checkedBody(id, entry.key);
    });
  }

  async put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    this.#assertOpen();
    const write: Write = { id: undefined, seq: 0, size: 0, pieces: [], buffered: 0 };
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#run('put', () => this.#append(write, value));
      }
      const meta = this.#run('put', () => this.#commit(entry, write));
      this.#evictQuietly();
      return meta;
    } catch (error) {
      reader.cancel(error).catch(() => undefined);
      this.#abandon(write, entry.key);
      throw error;
    }
  }

  /** Reads, patches and writes the entry's row in one write transaction. */
  async update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    const id = Number(entry.id);
    if (!Number.isSafeInteger(id)) return false;
    return this.#run('update', () =>
      transaction(this.#db, () => {
        const row = this.#sql.entry.get(id, entry.key, entry.variant);
        const current = row === undefined ? undefined : this.#decode(row, 'update');
        if (current === undefined) return false;
        const next = applyPatch(current, patch);
        const json = JSON.stringify(encodeMeta(next));
        this.#sql.update.run(json, next.deleteAt, Buffer.byteLength(json), id);
        return true;
      }),
    );
  }

  /**
   * Records a hit. Hits are gathered in memory and written together (after {@link HIT_BATCH}
   * hits, {@link HIT_DELAY} ms, or before anything reads or evicts by them), so a hit costs no
   * write of its own.
   */
  async touch(entry: EntryMeta, now: number): Promise<void> {
    this.#assertOpen();
    const id = Number(entry.id);
    const pending = this.#hits.get(id);
    if (pending === undefined) this.#hits.set(id, { count: 1, at: now });
    else {
      pending.count++;
      pending.at = Math.max(pending.at, now);
    }
    if (this.#hits.size >= HIT_BATCH) this.#writeHitsQuietly();
    else this.#hitTimer ??= setTimeout(() => this.#writeHitsQuietly(), HIT_DELAY).unref();
  }

  async delete(key: string): Promise<void> {
    this.#run('delete', () => this.#sql.deleteKey.run(key));
  }

  async deleteUrl(url: string): Promise<number> {
    return this.#run('deleteUrl', () => Number(this.#sql.deleteUrl.run(url).changes));
  }

  async *list(): AsyncIterable<EntryMeta> {
    this.#writeHitsQuietly();
    let after = 0;
    for (;;) {
      const rows = this.#run('list', () => this.#sql.list.all(after, this.#clock(), LIST_PAGE));
      for (const row of rows) {
        after = integer(row, 'id');
        const meta = this.#run('list', () => this.#decode(row, 'list'));
        if (meta !== undefined) yield meta;
      }
      if (rows.length < LIST_PAGE) return;
    }
  }

  async stats(): Promise<StorageStats> {
    return this.#run('stats', () => this.#totals());
  }

  /**
   * Deletes entries past their `deleteAt`, and the chunks of abandoned writes (their process is
   * gone, or they are a day old) and of no entry. Returns the expired entries and every byte freed.
   */
  async prune(): Promise<StorageStats> {
    this.#writeHitsQuietly();
    return this.#run('prune', () => {
      const now = this.#clock();
      const expired = transaction(this.#db, () => {
        const row = this.#sql.expired.get(now);
        this.#sql.deleteExpired.run(now);
        return { entries: integer(row, 'entries'), bytes: integer(row, 'bytes') };
      });
      const unread = this.#sweep(now);
      const orphaned = transaction(this.#db, () => {
        const bytes = integer(this.#sql.orphanBytes.get(), 'bytes');
        this.#sql.deleteOrphans.run();
        return bytes;
      });
      return { entries: expired.entries, bytes: expired.bytes + unread + orphaned };
    });
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

  /** Drops this storage's unfinished writes and closes the database; later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#writeHitsQuietly();
    for (const id of [...this.#writes]) this.#abandonId(id, undefined);
    for (const reader of [...this.#readers]) this.#endReading(reader, undefined);
    this.#closed = true;
    this.#decoded.clear();
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

  #withPendingHits(meta: EntryMeta): EntryMeta {
    const pending = this.#hits.get(Number(meta.id));
    return pending === undefined ? meta : { ...meta, hits: meta.hits + pending.count };
  }

  /** Writes the gathered hits in one transaction; a failure is reported, the hits dropped. */
  #writeHitsQuietly(): void {
    clearTimeout(this.#hitTimer);
    this.#hitTimer = undefined;
    if (this.#hits.size === 0 || this.#closed) return;
    const hits = [...this.#hits];
    this.#hits.clear();
    try {
      transaction(this.#db, () => {
        for (const [id, { count, at }] of hits) this.#sql.touch.run(count, at, id);
      });
    } catch (error) {
      this.#reportQuietly('touch', storageError('touch', this.path, error), undefined);
    }
  }

  /** A row's metadata, or `undefined` when it is corrupted: the entry is removed and reported. */
  #decode(row: Row, operation: string): EntryMeta | undefined {
    try {
      // Parsing and checking the JSON is about 40% of a lookup's cost: it is done once per entry id
      // and JSON text (an update, here or in another process, changes the text).
      const id = integer(row, 'id');
      const json = text(row, 'meta');
      const known = this.#decoded.get(id);
      if (known?.json === json && known.meta.key === row.key) {
        return { ...known.meta, size: integer(row, 'size'), hits: integer(row, 'hits') };
      }
      const meta = rowToMeta(row);
      if (this.#decoded.size >= DECODED) this.#decoded.delete(this.#decoded.keys().next().value!);
      this.#decoded.set(id, { json, meta });
      return meta;
    } catch (error) {
      const key = typeof row.key === 'string' ? row.key : undefined;
      this.#discard(integer(row, 'id'), key, operation, error);
      return undefined;
    }
  }

  #discard(id: number, key: string | undefined, operation: string, problem: unknown): void {
    this.#sql.deleteId.run(id);
    const error = new CodecError(
      `SqliteStorage removed corrupted entry ${id}${key === undefined ? '' : ` of ${key}`}: ${messageOf(problem)}`,
      { cause: problem },
    );
    this.#reportQuietly(operation, error, key);
  }

  #reportQuietly(operation: string, error: unknown, key: string | undefined): void {
    try {
      this.#report(operation, error, key);
    } catch {
      // A reporter that throws must not turn a handled problem into a failure.
    }
  }

  /**
   * The body of entry `id` after checking its chunks add up to its size: the whole bytes when it
   * is one chunk, else a stream that reads one chunk at a time. `null` when the entry is gone; a
   * truncated body is discarded (reported) and is `null` too.
   */
  #checkedBody(id: number, key: string): StoredBody | null {
    const entry = this.#sql.entrySize.get(id);
    if (entry === undefined) return null;
    const size = integer(entry, 'size');
    const chunks = this.#sql.chunkTotals.get(id);
    const count = integer(chunks, 'n');
    const bytes = integer(chunks, 'bytes');
    if (bytes !== size || (count > 0 && integer(chunks, 'last') !== count - 1)) {
      const problem = new CodecError(`its chunks hold ${bytes} bytes of a ${size}-byte body`);
      this.#discard(id, key, 'body', problem);
      return null;
    }
    if (count === 0) return new Uint8Array(0);
    if (count === 1) return blob(this.#sql.chunk.get(id, 0), 'data');
    const reader = this.#startReading(id);
    return reader === undefined ? null : this.#chunkStream(id, key, size, count, reader);
  }

  /**
   * Registers a reader of entry `id`, so that its chunks outlive a deletion or replacement until
   * the reader is done; `undefined` when the entry is gone.
   */
  #startReading(id: number): number | undefined {
    const reader = transaction(this.#db, () => {
      if (this.#sql.entrySize.get(id) === undefined) return undefined;
      return integer(this.#sql.addReader.get(id, process.pid, this.#clock()), 'id');
    });
    if (reader !== undefined) this.#readers.add(reader);
    return reader;
  }

  /** Ends a reader; the last reader of a deleted entry deletes its chunks. */
  #endReading(reader: number, key: string | undefined): void {
    if (!this.#readers.delete(reader) || this.#closed) return;
    try {
      transaction(this.#db, () => this.#dropReader(reader));
    } catch (error) {
      // Its row and chunks are left for a later sweep; worth knowing about.
      this.#reportQuietly('body', storageError('body', this.path, error), key);
    }
  }

  /**
   * Deletes a reader's row, and its entry's chunks if the entry is gone and no one else reads;
   * returns the bytes of chunks deleted.
   */
  #dropReader(reader: number): number {
    const row = this.#sql.endReader.get(reader);
    if (row === undefined) return 0;
    const entryId = integer(row, 'entry_id');
    const bytes = integer(this.#sql.unreadBytes.get(entryId, entryId, entryId), 'bytes');
    if (bytes > 0) this.#sql.dropUnread.run(entryId, entryId, entryId);
    return bytes;
  }

  #chunkStream(
    id: number,
    key: string,
    size: number,
    count: number,
    reader: number,
  ): ReadableStream<Uint8Array<ArrayBuffer>> {
    let seq = 0;
    let read = 0;
    const done = (): void => this.#endReading(reader, key);
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: (controller) => {
        try {
          const data = this.#run('body', () => this.#sql.chunk.get(id, seq)?.data);
          if (!(data instanceof Uint8Array)) {
            throw new StorageError('body', `entry ${id} of ${key} was removed while being read`);
          }
          seq++;
          read += data.byteLength;
          if (read > size || (seq === count && read !== size)) {
            throw new StorageError('body', `entry ${id} of ${key} is not ${size} bytes long`);
          }
          controller.enqueue(data);
          if (seq === count) {
            done();
            controller.close();
          }
        } catch (error) {
          done();
          controller.error(error);
        }
      },
      cancel: done,
    });
  }

  /** Buffers a piece of body; every full chunk beyond the first goes to the database at once. */
  #append(write: Write, piece: Uint8Array<ArrayBuffer>): void {
    write.size += piece.byteLength;
    if (write.size > this.#maxBytes) {
      throw new StorageError('put', `the body is larger than maxBytes (${this.#maxBytes})`);
    }
    write.pieces.push(piece);
    write.buffered += piece.byteLength;
    // Strictly more than a chunk: a body of one chunk is written with its entry, in one transaction.
    while (write.buffered > CHUNK_SIZE) this.#insertChunk(write, take(write, CHUNK_SIZE));
  }

  #insertChunk(write: Write, data: Uint8Array<ArrayBuffer>): void {
    write.id ??= this.#reserve();
    this.#sql.insertChunk.run(write.id, write.seq, data);
    write.seq++;
  }

  /** Reserves an entry id for a write, under which its chunks stay invisible until it commits. */
  #reserve(): number {
    const id = integer(this.#sql.reserve.get(process.pid, this.#clock()), 'id');
    this.#writes.add(id);
    return id;
  }

  /** Makes a complete write visible: the last chunk, the entry, the variant it replaces gone. */
  #commit(entry: EntryToStore, write: Write): EntryMeta {
    const meta = transaction(this.#db, () => {
      if (write.buffered > 0) this.#insertChunk(write, take(write, write.buffered));
      const id = write.id ?? this.#reserve();
      write.id = id;
      if (Number(this.#sql.endWrite.run(id).changes) !== 1) {
        throw new StorageError('put', 'the write was swept as abandoned before it ended');
      }
      const stored: EntryMeta = { ...entry, id: String(id), size: write.size, hits: 0 };
      const json = JSON.stringify(encodeMeta(stored));
      this.#sql.deleteVariant.run(entry.key, entry.variant);
      this.#sql.insertEntry.run(
        id,
        entry.key,
        entry.variant,
        entry.url,
        json,
        write.size,
        write.size + Buffer.byteLength(json),
        this.#clock(),
        entry.deleteAt,
      );
      return stored;
    });
    if (write.id !== undefined) this.#writes.delete(write.id);
    return meta;
  }

  #abandon(write: Write, key: string): void {
    if (write.id !== undefined && !this.#closed) this.#abandonId(write.id, key);
  }

  #abandonId(id: number, key: string | undefined): void {
    this.#writes.delete(id);
    try {
      transaction(this.#db, () => {
        this.#sql.endWrite.run(id);
        this.#sql.deleteChunks.run(id);
      });
    } catch (error) {
      // Left for a later sweep; worth knowing about.
      this.#reportQuietly('put', storageError('put', this.path, error), key);
    }
  }

  /**
   * Deletes the chunks of other writers' abandoned writes, and the rows of other readers'
   * abandoned reads with the chunks only they held: their process is gone, or they are old.
   * Returns the bytes of the readers' chunks deleted.
   */
  #sweep(now: number): number {
    let freed = 0;
    for (const row of this.#sql.readers.all()) {
      const reader = integer(row, 'id');
      if (this.#readers.has(reader) || !abandoned(row, now)) continue;
      freed += transaction(this.#db, () => this.#dropReader(reader));
    }
    for (const row of this.#sql.writes.all()) {
      const id = integer(row, 'id');
      if (this.#writes.has(id) || !abandoned(row, now)) continue;
      transaction(this.#db, () => {
        // Only if it has not committed meanwhile: its chunks are then an entry's.
        if (Number(this.#sql.endWrite.run(id).changes) === 1) this.#sql.deleteChunks.run(id);
      });
    }
    return freed;
  }

  #sweepQuietly(): void {
    try {
      this.#sweep(this.#clock());
    } catch {
      // Another process holds the database longer than the busy timeout: prune() sweeps later.
    }
  }

  /** Deletes expired, then least recently used, entries until the cap holds. */
  #evict(): void {
    if (this.#maxBytes === Number.POSITIVE_INFINITY || this.#totals().bytes <= this.#maxBytes) {
      return;
    }
    transaction(this.#db, () => {
      this.#sql.deleteExpired.run(this.#clock());
      while (this.#totals().bytes > this.#maxBytes) {
        const victims = this.#sql.leastRecent.all(EVICT_BATCH);
        if (victims.length === 0) return;
        for (const victim of victims) {
          this.#sql.deleteId.run(integer(victim, 'id'));
          this.#evicted(String(victim.key), String(victim.url));
          if (this.#totals().bytes <= this.#maxBytes) return;
        }
      }
    });
  }

  #evictQuietly(): void {
    this.#writeHitsQuietly();
    try {
      this.#evict();
    } catch (error) {
      // The entry is stored; the cap is enforced again by the next write.
      this.#reportQuietly('evict', storageError('evict', this.path, error), undefined);
    }
  }

  #totals(): StorageStats {
    const row = this.#sql.totals.get();
    return { entries: integer(row, 'entries'), bytes: integer(row, 'bytes') };
  }
}

/** A body being written: its reserved id (once a chunk is out), and bytes not yet written. */
interface Write {
  id: number | undefined;
  seq: number;
  size: number;
  pieces: Uint8Array<ArrayBuffer>[];
  buffered: number;
}

/** Takes `n` buffered bytes off the front of a write, copying only when they span pieces. */
function take(write: Write, n: number): Uint8Array<ArrayBuffer> {
  write.buffered -= n;
  const first = write.pieces[0];
  if (first !== undefined && first.byteLength >= n) {
    if (first.byteLength === n) write.pieces.shift();
    else write.pieces[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const piece = write.pieces[0];
    if (piece === undefined) throw new RangeError('fewer bytes buffered than counted');
    const part = Math.min(n - filled, piece.byteLength);
    out.set(part === piece.byteLength ? piece : piece.subarray(0, part), filled);
    filled += part;
    if (part === piece.byteLength) write.pieces.shift();
    else write.pieces[0] = piece.subarray(part);
  }
  return out;
}

type Row = Record<string, SQLOutputValue>;

/** Every statement, prepared once per storage. */
function prepare(db: DatabaseSync) {
  const sql = (text: string) => db.prepare(text);
  const unread = `FROM chunks WHERE entry_id = ? AND NOT EXISTS (SELECT 1 FROM entries WHERE id = ?)
     AND NOT EXISTS (SELECT 1 FROM readers WHERE entry_id = ?)`;
  const orphans =
    'FROM chunks WHERE entry_id NOT IN (SELECT id FROM entries) AND entry_id NOT IN (SELECT id FROM writes)' +
    ' AND entry_id NOT IN (SELECT entry_id FROM readers)';
  return {
    get: sql('SELECT id, key, meta, size, hits FROM entries WHERE key = ? AND delete_at > ?'),
    list: sql(
      'SELECT id, key, meta, size, hits FROM entries WHERE id > ? AND delete_at > ? ORDER BY id LIMIT ?',
    ),
    entrySize: sql('SELECT size FROM entries WHERE id = ?'),
    chunk: sql('SELECT data FROM chunks WHERE entry_id = ? AND seq = ?'),
    chunkTotals: sql(
      'SELECT count(*) AS n, max(seq) AS last, total(length(data)) AS bytes FROM chunks WHERE entry_id = ?',
    ),
    reserve: sql('INSERT INTO writes (pid, started_at) VALUES (?, ?) RETURNING id'),
    insertChunk: sql('INSERT INTO chunks (entry_id, seq, data) VALUES (?, ?, ?)'),
    endWrite: sql('DELETE FROM writes WHERE id = ?'),
    writes: sql('SELECT id, pid, started_at FROM writes'),
    addReader: sql('INSERT INTO readers (entry_id, pid, started_at) VALUES (?, ?, ?) RETURNING id'),
    endReader: sql('DELETE FROM readers WHERE id = ? RETURNING entry_id'),
    readers: sql('SELECT id, pid, started_at FROM readers'),
    unreadBytes: sql(`SELECT total(length(data)) AS bytes ${unread}`),
    dropUnread: sql(`DELETE ${unread}`),
    deleteChunks: sql('DELETE FROM chunks WHERE entry_id = ?'),
    deleteVariant: sql('DELETE FROM entries WHERE key = ? AND variant = ?'),
    insertEntry: sql(
      `INSERT INTO entries (id, key, variant, url, meta, size, cost, last_access, delete_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    entry: sql(
      'SELECT id, key, meta, size, hits FROM entries WHERE id = ? AND key = ? AND variant = ?',
    ),
    update: sql('UPDATE entries SET meta = ?, delete_at = ?, cost = size + ? WHERE id = ?'),
    touch: sql(
      'UPDATE entries SET hits = hits + ?, last_access = MAX(last_access, ?) WHERE id = ?',
    ),
    deleteId: sql('DELETE FROM entries WHERE id = ?'),
    deleteKey: sql('DELETE FROM entries WHERE key = ?'),
    deleteUrl: sql('DELETE FROM entries WHERE url = ?'),
    expired: sql(
      'SELECT count(*) AS entries, total(cost) AS bytes FROM entries WHERE delete_at <= ?',
    ),
    deleteExpired: sql('DELETE FROM entries WHERE delete_at <= ?'),
    leastRecent: sql('SELECT id, key, url FROM entries ORDER BY last_access, id LIMIT ?'),
    orphanBytes: sql(`SELECT total(length(data)) AS bytes ${orphans}`),
    deleteOrphans: sql(`DELETE ${orphans}`),
    totals: sql('SELECT entries, bytes FROM totals WHERE id = 0'),
    clear: sql('DELETE FROM entries'),
    resetTotals: sql('UPDATE totals SET entries = 0, bytes = 0 WHERE id = 0'),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Opens the file in WAL mode with a busy timeout, and brings its schema to {@link SCHEMA_VERSION}. */
function openDatabase(path: string, busyTimeout: number): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: busyTimeout });
  try {
    if (pragma(db, 'journal_mode') !== 'wal' && path !== ':memory:') {
      db.exec('PRAGMA journal_mode = WAL');
    }
    // WAL's NORMAL is durable against crashes of the process; a power loss may lose the last writes.
    db.exec('PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs the migrations from the file's version to {@link SCHEMA_VERSION}, under the write lock. */
function migrate(db: DatabaseSync, path: string): void {
  if (schemaVersion(db, path) === SCHEMA_VERSION) return;
  transaction(db, () => {
    // Read again under the lock: another process may have migrated meanwhile.
    for (let version = schemaVersion(db, path); version < SCHEMA_VERSION; version++) {
      const migration = MIGRATIONS[version];
      if (migration === undefined) throw new RangeError(`no migration from version ${version}`);
      db.exec(migration);
    }
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

/** The file's schema version, checking it is an httpcache database this version can read. */
function schemaVersion(db: DatabaseSync, path: string): number {
  const version = Number(pragma(db, 'user_version'));
  const application = Number(pragma(db, 'application_id'));
  const fresh = application === 0 && version === 0 && !hasTables(db);
  if (application !== APPLICATION_ID && !fresh) {
    throw new StorageError('open', `${path} is a SQLite database of another application`);
  }
  if (version > SCHEMA_VERSION) {
    throw new CodecError(
      `SQLite cache ${path} has schema version ${version}; this httpcache reads version ${SCHEMA_VERSION}. ` +
        'It was written by a newer httpcache: use another `path`, or delete the file to start afresh.',
    );
  }
  return version;
}

function pragma(db: DatabaseSync, name: string): SQLOutputValue | undefined {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return row?.[name];
}

function hasTables(db: DatabaseSync): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").get() !== undefined;
}

/**
 * Runs `fn` in a write transaction taken at once (`BEGIN IMMEDIATE`), so the busy timeout covers
 * it; never across an `await`.
 */
function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** An entry row's metadata: the versioned JSON, with the columns storage owns taking precedence. */
function rowToMeta(row: Row): EntryMeta {
  const key = text(row, 'key');
  let json: unknown;
  try {
    json = JSON.parse(text(row, 'meta'));
  } catch (error) {
    throw new CodecError('stored metadata is not JSON', { cause: error });
  }
  const meta = decodeMeta(json);
  if (meta.key !== key) throw new CodecError('stored metadata names another key');
  return {
    ...meta,
    id: String(integer(row, 'id')),
    size: integer(row, 'size'),
    hits: integer(row, 'hits'),
  };
}

function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new CodecError(`column \`${column}\` is not text`);
  return value;
}

function number(row: Row | undefined, column: string): number {
  const value = row?.[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new CodecError(`column \`${column}\` is not a number`);
}

function integer(row: Row | undefined, column: string): number {
  const value = number(row, column);
  if (!Number.isSafeInteger(value)) throw new CodecError(`column \`${column}\` is not an integer`);
  return value;
}

function blob(row: Row | undefined, column: string): Uint8Array<ArrayBuffer> {
  const value = row?.[column];
  if (!(value instanceof Uint8Array)) throw new CodecError(`column \`${column}\` is not a blob`);
  return value;
}

/**
 * Whether a write or read row was abandoned: its process is gone (on this host: WAL databases are
 * not shared across hosts), or it is older than {@link ABANDONED_AFTER}.
 */
function abandoned(row: Row, now: number): boolean {
  return !isAlive(integer(row, 'pid')) || now - number(row, 'started_at') > ABANDONED_AFTER;
}

function storageError(operation: string, path: string, error: unknown): Error {
  if (isHttpCacheError(error)) return error;
  return new StorageError(operation, `${messageOf(error)} (SQLite ${path})`, { cause: error });
}

function milliseconds(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw new OptionsError(option, `must be a whole number of milliseconds, got ${value}`);
  }
  return value;
}
