import { createHash, randomBytes } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rmdir,
  stat,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import {
  ClosedError,
  CodecError,
  isHttpCacheError,
  OptionsError,
  StorageError,
} from '../errors.ts';
import { decodeMeta, encodeMeta } from './codec.ts';
import { checkSerializer, jsonSerializer, type Serializer } from './serializers.ts';
import type {
  EntryMeta,
  EntryToStore,
  Storage,
  StorageReporter,
  StorageStats,
  StoredBody,
} from './types.ts';

/**
 * Entries as files in a directory a person can inspect:
 *
 * ```text
 * <directory>/entries/<kh[0..2]>/<kh>/<vh>.meta.json      metadata (one file per variant)
 * <directory>/entries/<kh[0..2]>/<kh>/<vh>.<id>.body      the body, exactly as served
 * <directory>/urls/<uh[0..2]>/<uh>/<kh>                   empty: "an entry of key kh has url uh"
 * ```
 *
 * `kh`, `vh` and `uh` are the SHA-256 (hex) of the key, the variant and the URL, so no key or URL
 * can name a path outside the directory; `id` is the entry's random id, so a replaced body never
 * has the name of the one it replaces and a reader that looked up the old metadata never opens
 * the new body. Each file is written to a temp file beside it (`<name>.<pid>-<random>.tmp`) and
 * renamed into place, the body before the metadata that names it: a crash leaves only temp files
 * or an unreferenced body, never visible half an entry. Temp files of dead processes are swept
 * when the storage opens and by {@link FileSystemStorage.prune}, which also sweeps unreferenced
 * bodies and stale URL index files. The URL index lets `deleteUrl` find entries without reading
 * every metadata file.
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
   * The clock used to expire entries at their `deleteAt` and to order them for eviction, in ms
   * since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/** Bodies up to this size are read whole; larger ones are streamed in chunks of this size. */
const CHUNK = 64 * 1024;
/** How old an unreferenced body or URL index file must be before prune sweeps it. */
const ORPHAN_AGE = 60_000;
/** How old a temp file of another live process must be before it is swept. */
const TEMP_AGE = 3_600_000;

const HASH = /^[0-9a-f]{64}$/;
const ID = /^[0-9a-f]{32}$/;
const META = /^([0-9a-f]{64})\.meta\.([a-z0-9]+)$/;
const BODY = /^([0-9a-f]{64})\.([0-9a-f]{32})\.body$/;
const TEMP = /\.(\d+)-[0-9a-f]+\.tmp$/;

const WRITING = Symbol.for('httpcache.fs.writing');

/**
 * Temp files this process is writing, so a sweep leaves them alone; shared by every copy of this
 * module loaded in the process.
 */
const writing: Set<string> = sharedSet(globalThis as { [WRITING]?: Set<string> });

function sharedSet(holder: { [WRITING]?: Set<string> }): Set<string> {
  const set = holder[WRITING] ?? new Set<string>();
  holder[WRITING] = set;
  return set;
}

/** A metadata file read and checked. */
interface Found {
  readonly meta: EntryMeta;
  readonly vh: string;
}

/** A problem a storage handled itself, to report. */
interface Report {
  readonly operation: string;
  readonly error: unknown;
  readonly key: string | undefined;
}

/** What a walk through a key directory met. */
interface Tally {
  entries: number;
  bytes: number;
}

/** A body stream's own error, passed to put's caller as it is. */
class BodyFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Entries as plain files: a metadata file and a body file per entry, written atomically.
 * Several processes may share a directory; each replacement is atomic, but concurrent
 * freshening of one entry from two processes keeps only one of the writes.
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
  readonly #serializer: Serializer;
  readonly #maxBytes: number | undefined;
  readonly #clock: () => number;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #pending = new Set<Promise<unknown>>();
  #reporter: StorageReporter | undefined;
  #opened: Promise<void> | undefined;
  /** Bytes stored, as last measured plus what was added since; only kept with `maxBytes`. */
  #bytes = 0;
  #closed = false;

  constructor(options: FileSystemStorageOptions = {}) {
    this.directory = options.directory ?? defaultDirectory();
    this.#serializer = checkSerializer(options.serializer ?? jsonSerializer);
    if (options.maxBytes !== undefined && !(options.maxBytes > 0)) {
      throw new OptionsError('maxBytes', `must be a positive number, got ${options.maxBytes}`);
    }
    this.#maxBytes = options.maxBytes;
    this.#clock = options.clock ?? Date.now;
  }

  setReporter(reporter: StorageReporter): void {
    this.#reporter = reporter;
  }

  get(key: string): Promise<EntryMeta[]> {
    const kh = sha256(key);
    return this.#run('get', () =>
      this.#locked(kh, async () => (await this.#read(kh, key)).map((f) => f.meta)),
    );
  }

  body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.#run('body', () => this.#body(entry));
  }

  put(entry: EntryToStore, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<EntryMeta> {
    return this.#run('put', () => this.#put(entry, body));
  }

  update(entry: EntryMeta): Promise<boolean> {
    return this.#run('update', () =>
      this.#rewrite(entry, this.#clock(), (current) => ({ ...entry, hits: current.hits })),
    );
  }

  /** Counts a hit in the entry's metadata file, which also makes it the most recently used. */
  async touch(entry: EntryMeta, now: number = this.#clock()): Promise<void> {
    await this.#run('touch', () =>
      this.#rewrite(entry, now, (current) => ({ ...current, hits: current.hits + 1 })),
    );
  }

  delete(key: string): Promise<void> {
    const kh = sha256(key);
    return this.#run('delete', () => this.#locked(kh, () => this.#deleteKey(kh)));
  }

  deleteUrl(url: string): Promise<number> {
    return this.#run('deleteUrl', async () => {
      let deleted = 0;
      for (const kh of await names(this.#urlDir(sha256(url)))) {
        if (HASH.test(kh)) deleted += await this.#locked(kh, () => this.#deleteUrlIn(kh, url));
      }
      return deleted;
    });
  }

  async *list(): AsyncIterable<EntryMeta> {
    this.#check();
    try {
      await this.#open();
      for await (const kh of this.#keyHashes()) {
        for (const found of await this.#locked(kh, () => this.#read(kh, undefined))) {
          yield found.meta;
        }
      }
    } catch (error) {
      throw storageError('list', error);
    }
  }

  stats(): Promise<StorageStats> {
    return this.#run('stats', async () => {
      const tally: Tally = { entries: 0, bytes: 0 };
      for await (const kh of this.#keyHashes()) await this.#measure(kh, tally);
      return tally;
    });
  }

  prune(): Promise<StorageStats> {
    return this.#run('prune', async () => {
      const freed: Tally = { entries: 0, bytes: 0 };
      const indexed = new Set<string>();
      for await (const kh of this.#keyHashes()) {
        await this.#locked(kh, () => this.#pruneKey(kh, freed, indexed));
      }
      await this.#pruneUrls(indexed);
      return freed;
    });
  }

  clear(): Promise<void> {
    return this.#run('clear', async () => {
      for await (const kh of this.#keyHashes()) await this.#locked(kh, () => this.#deleteKey(kh));
      await removeTree(join(this.directory, 'urls'));
      this.#bytes = 0;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
  }

  // Running operations ----------------------------------------------------------------------

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
    await mkdir(join(this.directory, 'entries'), { recursive: true });
    const tally: Tally = { entries: 0, bytes: 0 };
    for await (const kh of this.#keyHashes()) {
      await this.#sweepTemps(this.#keyDir(kh), await names(this.#keyDir(kh)), tally);
      if (this.#maxBytes !== undefined) await this.#measure(kh, tally);
    }
    this.#bytes = tally.bytes;
  }

  /** Runs `action` after every earlier action on the same key hash (in this process). */
  async #locked<T>(kh: string, action: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(kh) ?? Promise.resolve();
    const result = previous.then(action);
    const tail = result.then(ignore, ignore);
    this.#locks.set(kh, tail);
    try {
      return await result;
    } finally {
      if (this.#locks.get(kh) === tail) this.#locks.delete(kh);
    }
  }

  #report(operation: string, error: unknown, key: string | undefined): void {
    try {
      this.#reporter?.(operation, error, key);
    } catch {
      // A reporter's own failure must not turn a handled problem into a failed operation.
    }
  }

  // Paths -----------------------------------------------------------------------------------

  #keyDir(kh: string): string {
    return join(this.directory, 'entries', kh.slice(0, 2), kh);
  }

  #urlDir(uh: string): string {
    return join(this.directory, 'urls', uh.slice(0, 2), uh);
  }

  #metaName(vh: string): string {
    return `${vh}.meta.${this.#serializer.extension}`;
  }

  /** Every key hash with a directory, from a listing taken as the walk goes. */
  async *#keyHashes(): AsyncGenerator<string> {
    const root = join(this.directory, 'entries');
    for (const prefix of await names(root)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const kh of await names(join(root, prefix))) {
        if (HASH.test(kh) && kh.startsWith(prefix)) yield kh;
      }
    }
  }

  // Reading ---------------------------------------------------------------------------------

  /**
   * The live entries in a key directory. Expired ones are removed; unreadable ones (corrupted,
   * another serializer's or format version's, a body of the wrong size) are removed and reported.
   */
  async #read(kh: string, key: string | undefined, freed?: Tally): Promise<Found[]> {
    const dir = this.#keyDir(kh);
    const live: Found[] = [];
    for (const name of await names(dir)) {
      const match = META.exec(name);
      if (match === null) continue;
      const found = await this.#readMeta(kh, match[1] ?? '', match[2] ?? '', key, freed);
      if (found !== undefined) live.push(found);
    }
    return live;
  }

  async #readMeta(
    kh: string,
    vh: string,
    extension: string,
    key: string | undefined,
    freed: Tally | undefined,
  ): Promise<Found | undefined> {
    const dir = this.#keyDir(kh);
    const file = join(dir, `${vh}.meta.${extension}`);
    if (extension !== this.#serializer.extension) {
      const error = new CodecError(
        `${file} was written by another serializer (.${extension}), not ${this.#serializer.name}`,
      );
      const name = `${vh}.meta.${extension}`;
      return this.#discardForeign(kh, vh, name, { operation: 'get', error, key }, freed);
    }
    const meta = await this.#decodeFile(file, kh, vh);
    if (meta === undefined) return undefined;
    if (meta instanceof CodecError) {
      return this.#discard(kh, vh, undefined, { operation: 'get', error: meta, key }, freed);
    }
    if (meta.deleteAt <= this.#clock()) return this.#discard(kh, vh, meta, undefined, freed);
    const problem = await this.#checkBody(join(dir, `${vh}.${meta.id}.body`), meta);
    if (problem === undefined) return { meta, vh };
    if (problem === 'replaced') return undefined;
    const report = { operation: 'get', error: problem, key: meta.key };
    return this.#discard(kh, vh, meta, report, freed);
  }

  /** A metadata file's entry; a {@link CodecError} when it is unreadable; none when it is gone. */
  async #decodeFile(
    file: string,
    kh: string,
    vh: string,
  ): Promise<EntryMeta | CodecError | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const meta = fromPersisted(decodeMeta(this.#serializer.decode(bytes)));
      if (sha256(meta.key) !== kh || sha256(meta.variant) !== vh || !ID.test(meta.id)) {
        return new CodecError(`${file} does not describe the entry its name says`);
      }
      return meta;
    } catch (error) {
      return new CodecError(`${file} could not be decoded: ${message(error)}`, { cause: error });
    }
  }

  /**
   * Whether an entry's body is there with the size its metadata says: `undefined` when it is, a
   * {@link CodecError} when not, `'replaced'` when the metadata changed under us.
   */
  async #checkBody(file: string, meta: EntryMeta): Promise<CodecError | 'replaced' | undefined> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (error) {
      if (!isMissing(error)) throw error;
      return (await this.#currentId(meta)) === meta.id
        ? new CodecError(`the body of ${meta.url} (${file}) is missing`)
        : 'replaced';
    }
    if (size === meta.size) return undefined;
    return new CodecError(`the body of ${meta.url} has ${size} bytes, not ${meta.size} (${file})`);
  }

  /** The id in the metadata file currently stored for an entry's variant, if readable. */
  async #currentId(entry: EntryMeta): Promise<string | undefined> {
    const kh = sha256(entry.key);
    const vh = sha256(entry.variant);
    const meta = await this.#decodeFile(join(this.#keyDir(kh), this.#metaName(vh)), kh, vh);
    return meta instanceof CodecError ? undefined : meta?.id;
  }

  async #body(entry: EntryMeta): Promise<StoredBody | null> {
    if (!ID.test(entry.id)) return null;
    const kh = sha256(entry.key);
    const vh = sha256(entry.variant);
    const file = join(this.#keyDir(kh), `${vh}.${entry.id}.body`);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (!isMissing(error)) throw error;
      await this.#locked(kh, () => this.#checkEntry(kh, vh, entry, 'body'));
      return null;
    }
    try {
      const size = (await handle.stat()).size;
      if (size !== entry.size) {
        await handle.close();
        await this.#locked(kh, () => this.#checkEntry(kh, vh, entry, 'body'));
        return null;
      }
      if (size > CHUNK) return fileStream(handle, size);
      const bytes = await readFully(handle, size);
      await handle.close();
      return bytes;
    } catch (error) {
      await handle.close().catch(ignore);
      throw error;
    }
  }

  /** After its body looked wrong: removes and reports the entry if it is still the stored one. */
  async #checkEntry(kh: string, vh: string, entry: EntryMeta, operation: string): Promise<void> {
    if ((await this.#currentId(entry)) !== entry.id) return;
    const file = join(this.#keyDir(kh), `${vh}.${entry.id}.body`);
    const problem = await this.#checkBody(file, entry);
    if (problem === undefined || problem === 'replaced') return;
    await this.#discard(kh, vh, entry, { operation, error: problem, key: entry.key }, undefined);
  }

  /** Counts an entry directory's metadata files and its bytes, without decoding anything. */
  async #measure(kh: string, tally: Tally): Promise<void> {
    const dir = this.#keyDir(kh);
    for (const name of await names(dir)) {
      const meta = META.exec(name);
      const ours = meta !== null && meta[2] === this.#serializer.extension;
      if (!ours && !BODY.test(name)) continue;
      const size = await sizeOf(join(dir, name));
      if (size === undefined) continue;
      tally.bytes += size;
      if (ours) tally.entries++;
    }
  }

  // Writing ---------------------------------------------------------------------------------

  async #put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    const kh = sha256(entry.key);
    const vh = sha256(entry.variant);
    const dir = this.#keyDir(kh);
    const id = randomBytes(16).toString('hex');
    const size = await writeAtomically(join(dir, `${vh}.${id}.body`), (handle) =>
      writeBody(handle, body, this.#maxBytes),
    );
    const meta: EntryMeta = { ...entry, id, size, hits: 0 };
    // The URL index goes first, so that every visible entry is found by deleteUrl.
    await this.#index(meta.url, kh);
    const written = await this.#locked(kh, () => this.#commit(kh, vh, meta));
    await this.#cap(written + size, kh);
    return meta;
  }

  /** Writes an entry's metadata over its variant's, then removes the replaced body. */
  async #commit(kh: string, vh: string, meta: EntryMeta): Promise<number> {
    const dir = this.#keyDir(kh);
    const file = join(dir, this.#metaName(vh));
    const previous = await this.#decodeFile(file, kh, vh);
    const bytes = await this.#writeMeta(file, meta, this.#clock());
    if (previous !== undefined && !(previous instanceof CodecError) && previous.id !== meta.id) {
      await unlinkQuietly(join(dir, `${vh}.${previous.id}.body`));
    }
    return bytes;
  }

  /**
   * Writes a metadata file atomically, its modification time set to `time`: the last use that
   * LRU eviction goes by. Returns its size.
   */
  async #writeMeta(file: string, meta: EntryMeta, time: number): Promise<number> {
    const bytes = this.#serializer.encode(toPersisted(meta));
    await writeAtomically(file, async (handle) => {
      await writeAll(handle, bytes);
      await handle.utimes(time / 1000, time / 1000);
    });
    return bytes.byteLength;
  }

  /** Rewrites a stored entry's metadata; `false` when it is no longer the stored one. */
  #rewrite(
    entry: EntryMeta,
    time: number,
    next: (current: EntryMeta) => EntryMeta,
  ): Promise<boolean> {
    const kh = sha256(entry.key);
    const vh = sha256(entry.variant);
    const file = join(this.#keyDir(kh), this.#metaName(vh));
    return this.#locked(kh, async () => {
      const current = await this.#decodeFile(file, kh, vh);
      if (current === undefined || current instanceof CodecError || current.id !== entry.id) {
        return false;
      }
      // What identifies the entry and its body stays as stored.
      const { id, key, variant, size } = current;
      await this.#writeMeta(file, { ...next(current), id, key, variant, size }, time);
      return true;
    });
  }

  /** Records in the URL index that key `kh` has an entry for `url`. */
  async #index(url: string, kh: string): Promise<void> {
    const marker = join(this.#urlDir(sha256(url)), kh);
    await inDirectory(marker, () => writeFile(marker, ''));
    const now = new Date();
    await utimes(marker, now, now);
  }

  // Deleting --------------------------------------------------------------------------------

  /**
   * Removes an entry's metadata file and body (every body of the variant when the metadata could
   * not be read), reports why when told, and counts what was freed.
   */
  async #discard(
    kh: string,
    vh: string,
    meta: EntryMeta | undefined,
    report: Report | undefined,
    freed: Tally | undefined,
  ): Promise<undefined> {
    const files = [this.#metaName(vh)];
    if (meta !== undefined) files.push(`${vh}.${meta.id}.body`);
    else files.push(...(await this.#bodies(kh, vh)));
    return this.#remove(kh, files, report, freed);
  }

  /** Removes a metadata file of another serializer, and its bodies unless ours uses them. */
  async #discardForeign(
    kh: string,
    vh: string,
    name: string,
    report: Report,
    freed: Tally | undefined,
  ): Promise<undefined> {
    const dir = this.#keyDir(kh);
    const ours = (await sizeOf(join(dir, this.#metaName(vh)))) !== undefined;
    const files = ours ? [name] : [name, ...(await this.#bodies(kh, vh))];
    return this.#remove(kh, files, report, freed);
  }

  /** Every body file of a variant. */
  async #bodies(kh: string, vh: string): Promise<string[]> {
    const files = await names(this.#keyDir(kh));
    return files.filter((name) => name.startsWith(`${vh}.`) && BODY.test(name));
  }

  async #remove(
    kh: string,
    files: string[],
    report: Report | undefined,
    freed: Tally | undefined,
  ): Promise<undefined> {
    const dir = this.#keyDir(kh);
    for (const name of files) {
      const size = await unlinkQuietly(join(dir, name));
      if (freed === undefined || size === undefined) continue;
      freed.bytes += size;
      if (META.test(name)) freed.entries++;
    }
    if (report !== undefined) this.#report(report.operation, report.error, report.key);
    return undefined;
  }

  /** Removes every entry file of a key (not the temp files of writes under way). */
  async #deleteKey(kh: string): Promise<void> {
    const dir = this.#keyDir(kh);
    for (const name of await names(dir)) {
      if (!TEMP.test(name)) await unlinkQuietly(join(dir, name));
    }
    await rmdirQuietly(dir);
  }

  async #deleteUrlIn(kh: string, url: string): Promise<number> {
    let deleted = 0;
    for (const { meta, vh } of await this.#read(kh, undefined)) {
      if (meta.url !== url) continue;
      await this.#discard(kh, vh, meta, undefined, undefined);
      deleted++;
    }
    return deleted;
  }

  /** Removes expired and unreadable entries, dead temp files and unreferenced bodies of a key. */
  async #pruneKey(kh: string, freed: Tally, indexed: Set<string>): Promise<void> {
    const live = await this.#read(kh, undefined, freed);
    for (const { meta } of live) indexed.add(join(sha256(meta.url), kh));
    const dir = this.#keyDir(kh);
    const files = await names(dir);
    await this.#sweepTemps(dir, files, freed);
    const referenced = new Set(live.map(({ meta, vh }) => `${vh}.${meta.id}.body`));
    for (const name of files) {
      if (!BODY.test(name) || referenced.has(name)) continue;
      const file = join(dir, name);
      if (await olderThan(file, ORPHAN_AGE)) freed.bytes += (await unlinkQuietly(file)) ?? 0;
    }
    await rmdirQuietly(dir);
  }

  /** Deletes temp files no write is using: of dead processes, of this one, or very old. */
  async #sweepTemps(dir: string, files: string[], freed: Tally): Promise<void> {
    for (const name of files) {
      const pid = Number(TEMP.exec(name)?.[1] ?? Number.NaN);
      if (Number.isNaN(pid)) continue;
      const file = join(dir, name);
      const orphan =
        pid === process.pid
          ? !writing.has(file)
          : !isAlive(pid) || (await olderThan(file, TEMP_AGE));
      if (orphan) freed.bytes += (await unlinkQuietly(file)) ?? 0;
    }
  }

  /** Removes URL index files that name no live entry (once they are old enough to be settled). */
  async #pruneUrls(indexed: Set<string>): Promise<void> {
    const root = join(this.directory, 'urls');
    for (const prefix of await names(root)) {
      for (const uh of await names(join(root, prefix))) {
        const dir = join(root, prefix, uh);
        for (const kh of await names(dir)) {
          const file = join(dir, kh);
          if (!indexed.has(join(uh, kh)) && (await olderThan(file, ORPHAN_AGE))) {
            await unlinkQuietly(file);
          }
        }
        await rmdirQuietly(dir);
      }
    }
  }

  /** Keeps the bytes stored under `maxBytes`, deleting the least recently used entries first. */
  async #cap(added: number, keep: string): Promise<void> {
    const max = this.#maxBytes;
    if (max === undefined) return;
    this.#bytes += added;
    if (this.#bytes <= max) return;
    const candidates: { kh: string; vh: string; bytes: number; time: number }[] = [];
    let total = 0;
    for await (const kh of this.#keyHashes()) {
      for (const variant of await this.#variants(kh)) {
        total += variant.bytes;
        if (kh !== keep) candidates.push({ kh, ...variant });
      }
    }
    candidates.sort((a, b) => a.time - b.time);
    for (const victim of candidates) {
      if (total <= max) break;
      await this.#locked(victim.kh, () => this.#evict(victim.kh, victim.vh));
      total -= victim.bytes;
    }
    this.#bytes = total;
  }

  /** Deletes the entry stored for a variant, leaving alone any body a put is about to commit. */
  async #evict(kh: string, vh: string): Promise<void> {
    const meta = await this.#decodeFile(join(this.#keyDir(kh), this.#metaName(vh)), kh, vh);
    if (meta === undefined) return;
    await this.#discard(
      kh,
      vh,
      meta instanceof CodecError ? undefined : meta,
      undefined,
      undefined,
    );
  }

  /** The variants of a key with their bytes and when their metadata was last written. */
  async #variants(kh: string): Promise<{ vh: string; bytes: number; time: number }[]> {
    const dir = this.#keyDir(kh);
    const files = await names(dir);
    const variants: { vh: string; bytes: number; time: number }[] = [];
    for (const name of files) {
      const match = META.exec(name);
      if (match === null || match[2] !== this.#serializer.extension) continue;
      const vh = match[1] ?? '';
      const info = await stat(join(dir, name)).catch(ignore);
      if (info === undefined) continue;
      let bytes = info.size;
      for (const body of files) {
        if (body.startsWith(`${vh}.`) && BODY.test(body))
          bytes += (await sizeOf(join(dir, body))) ?? 0;
      }
      variants.push({ vh, bytes, time: info.mtimeMs });
    }
    return variants;
  }
}

/** The default directory: `httpcache/fs` in the user's cache directory. */
export function defaultDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'httpcache', 'fs');
  const local = env.LOCALAPPDATA;
  if (process.platform === 'win32' && local !== undefined) return join(local, 'httpcache', 'fs');
  return join(homedir(), '.cache', 'httpcache', 'fs');
}

// Files -------------------------------------------------------------------------------------

/**
 * Writes `final` through a temp file beside it, renamed into place once `write` is done; on any
 * failure the temp file is removed and `final` is untouched.
 */
async function writeAtomically<T>(
  final: string,
  write: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const temp = `${final}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writing.add(temp);
  let handle: FileHandle | undefined;
  try {
    handle = await inDirectory(temp, () => open(temp, 'wx'));
    const result = await write(handle);
    await handle.close();
    handle = undefined;
    await rename(temp, final);
    return result;
  } catch (error) {
    await handle?.close().catch(ignore);
    await unlink(temp).catch(ignore);
    throw error;
  } finally {
    writing.delete(temp);
  }
}

/** Runs `create` (which creates `file`), creating the file's directory first when it is missing. */
async function inDirectory<T>(file: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isMissing(error)) throw error;
    await mkdir(dirname(file), { recursive: true });
    return create();
  }
}

/** Copies a body stream into a file; returns its size. The stream's own errors are marked. */
async function writeBody(
  handle: FileHandle,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  maxBytes: number | undefined,
): Promise<number> {
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const result = await reader.read().catch((error: unknown) => {
        throw new BodyFailure(error);
      });
      if (result.done) return size;
      size += result.value.byteLength;
      if (maxBytes !== undefined && size > maxBytes) {
        throw new StorageError('put', `the body is larger than maxBytes (${maxBytes})`);
      }
      await writeAll(handle, result.value);
    }
  } catch (error) {
    if (!(error instanceof BodyFailure)) await reader.cancel(message(error)).catch(ignore);
    throw error;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

async function readFully(handle: FileHandle, size: number): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
    if (bytesRead === 0) throw new CodecError(`the body ended after ${offset} of ${size} bytes`);
    offset += bytesRead;
  }
  return bytes;
}

/**
 * A body file read in chunks from a handle opened before: a file renamed over or deleted since
 * is still read whole. The handle is closed at the end, on error and on cancel.
 */
function fileStream(handle: FileHandle, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let position = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    unclosed.unregister(handle);
    await handle.close();
  };
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        try {
          const chunk = new Uint8Array(Math.min(CHUNK, size - position));
          const { bytesRead } = await handle.read(chunk, 0, chunk.byteLength, position);
          if (bytesRead === 0)
            throw new CodecError(`the body ended after ${position} of ${size} bytes`);
          position += bytesRead;
          controller.enqueue(bytesRead === chunk.byteLength ? chunk : chunk.slice(0, bytesRead));
          if (position >= size) {
            await close();
            controller.close();
          }
        } catch (error) {
          await close().catch(ignore);
          controller.error(storageError('body', error));
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
  unclosed.register(stream, handle, handle);
  return stream;
}

/** Closes the file of a body stream dropped unread (a HEAD response's, say) once it is collected. */
const unclosed = new FinalizationRegistry<FileHandle>((handle) => {
  handle.close().catch(ignore);
});

/** A directory's entries; none when it does not exist. */
async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error) || code(error) === 'ENOTDIR') return [];
    throw error;
  }
}

async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(ignore))?.size;
}

async function olderThan(file: string, age: number): Promise<boolean> {
  const info = await stat(file).catch(ignore);
  return info !== undefined && Date.now() - info.mtimeMs > age;
}

/** Deletes a file if it is there; returns the size it had. */
async function unlinkQuietly(file: string): Promise<number | undefined> {
  const size = await sizeOf(file);
  try {
    await unlink(file);
    return size;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Deletes a directory if it is there and empty. */
async function rmdirQuietly(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    const c = code(error);
    if (c !== 'ENOENT' && c !== 'ENOTEMPTY' && c !== 'EEXIST') throw error;
  }
}

/** Deletes the files of a tree of directories one by one (nothing outside it, no symlink followed). */
async function removeTree(dir: string): Promise<void> {
  for (const name of await names(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(ignore);
    if (info?.isDirectory() === true) await removeTree(path);
    else await unlinkQuietly(path);
  }
  await rmdirQuietly(dir);
}

// Helpers -----------------------------------------------------------------------------------

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Metadata as written: the codec's form, with infinite times as the largest finite number. */
function toPersisted(meta: EntryMeta): unknown {
  return { ...encodeMeta(meta), staleAt: finite(meta.staleAt), deleteAt: finite(meta.deleteAt) };
}

function fromPersisted(meta: EntryMeta): EntryMeta {
  return { ...meta, staleAt: infinite(meta.staleAt), deleteAt: infinite(meta.deleteAt) };
}

function finite(time: number): number {
  if (time === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  return time === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : time;
}

function infinite(time: number): number {
  if (time === Number.MAX_VALUE) return Number.POSITIVE_INFINITY;
  return time === -Number.MAX_VALUE ? Number.NEGATIVE_INFINITY : time;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

function storageError(operation: string, error: unknown): Error {
  if (isHttpCacheError(error) && !(error instanceof CodecError)) return error;
  return new StorageError(operation, `file system: ${message(error)}`, { cause: error });
}

function code(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function isMissing(error: unknown): boolean {
  return code(error) === 'ENOENT';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ignore(): undefined {
  return undefined;
}
