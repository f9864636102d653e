import type { NewEntry } from '../core/entry.ts';

/**
 * The storage contract: every backend (memory, SQLite, file system, Redis, S3) implements it.
 *
 * @module
 */

/** A stored entry's metadata, as storage returns it. */
export interface EntryMeta extends NewEntry {
  /** Unique id of the entry, assigned by storage. */
  readonly id: string;
  /** The primary key it is stored under. */
  readonly key: string;
  /** The request's URL. */
  readonly url: string;
  /** The request's method. */
  readonly method: string;
  /** When it was stored (ms since epoch). */
  readonly createdAt: number;
  /** Size of the body in bytes. */
  readonly size: number;
  /** How many times it has been served; kept by storages that support {@link Storage.touch}. */
  readonly hits: number;
  /**
   * The tags it was stored with (from `Cache-Tag` or `Surrogate-Key`), for
   * {@link Storage.deleteTag}. Absent when it has none.
   */
  readonly tags?: readonly string[];
}

/** An entry to store: everything but what storage assigns. */
export type EntryToStore = Omit<EntryMeta, 'id' | 'size' | 'hits'>;

/** Which stored entry an operation is about: its key, variant and id, as {@link Storage.get} gave them. */
export type EntryRef = Pick<EntryMeta, 'key' | 'variant' | 'id'>;

/**
 * What {@link Storage.update} may change of a stored entry: the fields a freshening (RFC 9111
 * §4.3.4) or a TTL refresh changes. Each field given replaces the stored one; the others stay.
 */
export type EntryPatch = Partial<
  Pick<EntryMeta, 'headers' | 'requestTime' | 'responseTime' | 'staleAt' | 'deleteAt' | 'maxAge'>
>;

/** A body as storage hands it back: whole bytes, or a stream for large or remote bodies. */
export type StoredBody = Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>>;

/**
 * Where entries live. Every method returns a Promise; a rejected one is reported by the cache and
 * the request goes on to the origin.
 */
export interface Storage {
  /** The metadata of every live variant stored under `key` (none past its `deleteAt`). */
  get(key: string): Promise<EntryMeta[]>;
  /**
   * The body of an entry returned by {@link get}, or `null` when it is gone. A body handed out
   * stays readable, whole, until its reader is done, even if the entry is replaced or deleted
   * meanwhile (a backend that cannot hold it that long ends the stream with an error, never with
   * another body's bytes).
   */
  body(entry: EntryMeta): Promise<StoredBody | null>;
  /**
   * Stores an entry whose body arrives as a stream. The entry becomes visible only once the body
   * ends normally; it then replaces the entry of the same `key` and `variant`, atomically. The
   * returned promise resolves only once the entry is durable (it survives a crash of the process)
   * and {@link get} finds it. If the stream errors, nothing is stored and the promise rejects with
   * that error; if the write fails, nothing is stored and it rejects with the failure.
   */
  put(entry: EntryToStore, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<EntryMeta>;
  /**
   * Changes a stored entry's metadata (a 304 or HEAD freshening, a TTL refresh); the body is kept.
   * A read-modify-write inside the storage: it reads the entry stored under `entry.key` and
   * `entry.variant`, applies `patch` to it, and writes it back as one step, so that updates
   * racing each other (a freshening and a TTL refresh, say) all land, each field as its last
   * patch set it. Fields the patch leaves out keep their stored value; what storage owns (`id`,
   * `key`, `variant`, `size`, `hits`) is never changed. Returns `false` when that entry no longer
   * exists (deleted, evicted, or replaced by an entry of another `id`), and changes nothing then.
   *
   * @example
   * ```ts
   * // A TTL refresh: only the expiry moves, whatever a freshening wrote meanwhile.
   * await storage.update(entry, { deleteAt: Date.now() + 3_600_000 });
   * ```
   */
  update(entry: EntryRef, patch: EntryPatch): Promise<boolean>;
  /**
   * Records that an entry was served (hit counts, LRU order). A storage may gather hits and
   * write them later: `hits` is a count kept as well as the backend affords.
   */
  touch(entry: EntryMeta, now: number): Promise<void>;
  /** Deletes every variant under `key`. */
  delete(key: string): Promise<void>;
  /** Deletes every entry stored for `url`, whatever its key; returns how many were deleted. */
  deleteUrl(url: string): Promise<number>;
  /**
   * Deletes every entry stored with `tag` (in its {@link EntryMeta.tags}); returns how many were
   * deleted. Finds them through an index, never by reading every entry. Optional: the cache falls
   * back to {@link list} and {@link delete} for a storage without it.
   */
  deleteTag?(tag: string): Promise<number>;
  /**
   * Deletes every entry whose URL starts with `prefix`; returns how many were deleted. Optional:
   * the cache falls back to {@link list} and {@link deleteUrl} for a storage without it.
   */
  deletePrefix?(prefix: string): Promise<number>;
  /** Every live entry's metadata, in no particular order, for tools. */
  list(): AsyncIterable<EntryMeta>;
  /** What is stored. */
  stats(): Promise<StorageStats>;
  /** Removes entries past their `deleteAt` and returns what was freed. */
  prune(): Promise<StorageStats>;
  /** Deletes everything. */
  clear(): Promise<void>;
  /** Releases resources; the storage is unusable afterwards. */
  close(): Promise<void>;
  /**
   * Receives a function through which the storage reports problems it handled itself (a corrupted
   * entry it removed, say), so the cache can emit them as `error` events.
   */
  setReporter?(reporter: StorageReporter): void;
  /** Receives a function the storage calls for each entry it evicts to stay within a size cap. */
  setEvictionListener?(listener: EvictionListener): void;
}

/** Told of each entry a storage evicted to stay within its size cap. */
export type EvictionListener = (key: string, url: string) => void;

/** Counts of stored entries and their bytes (bodies plus metadata, as the backend measures). */
export interface StorageStats {
  readonly entries: number;
  readonly bytes: number;
}

/** How a storage reports a problem it handled: the operation, the error, and the key if known. */
export type StorageReporter = (operation: string, error: unknown, key: string | undefined) => void;

/**
 * What a storage in the same process (`MemoryStorage`, `SqliteStorage`) may add to
 * {@link Storage}: operations answered at once rather than through a promise. The cache uses each
 * one present in place of its asynchronous counterpart, which saves the promise and its turn of
 * the event loop on every lookup, hit and small store. Each behaves as its counterpart does,
 * throwing where that one rejects.
 */
export interface SyncStorage {
  /** {@link Storage.get}, answered at once. */
  getSync?(key: string): EntryMeta[];
  /** {@link Storage.body}, answered at once. */
  bodySync?(entry: EntryMeta): StoredBody | null;
  /**
   * {@link Storage.put} of a body already read whole, done at once; the entry is findable when
   * it returns. The storage may keep `bytes` themselves: the caller never changes them afterwards.
   */
  putBytesSync?(entry: EntryToStore, bytes: Uint8Array<ArrayBuffer>): EntryMeta;
  /** {@link Storage.update}, done at once. */
  updateSync?(entry: EntryRef, patch: EntryPatch): boolean;
  /** {@link Storage.touch}, done at once (or gathered to be written later, as `touch` may). */
  touchSync?(entry: EntryMeta, now: number): void;
}
