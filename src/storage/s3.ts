import type { S3Client } from '@aws-sdk/client-s3';
import { ClosedError, OptionsError } from '../errors.ts';
import { deletePrefixByListing } from './by-listing.ts';
import { BodyFailure } from './fs/body-file.ts';
import { sha256 } from './fs/layout.ts';
import { KeyLocks } from './fs/locks.ts';
import { count, milliseconds } from './option-checks.ts';
import { applyPatch } from './patch.ts';
import { readEntryBody } from './s3/body.ts';
import { Bucket, storageError } from './s3/bucket.ts';
import type { Context } from './s3/context.ts';
import { deleteKey, deleteTag, deleteUrl } from './s3/delete.ts';
import { Layout } from './s3/layout.ts';
import { readPage, readVariants } from './s3/read.ts';
import { clear, measure, prune } from './s3/sweep.ts';
import { rewriteEntry, writeEntry } from './s3/write.ts';
import type {
  EntryMeta,
  EntryPatch,
  EntryRef,
  EntryToStore,
  Storage,
  StorageReporter,
  StorageStats,
  StoredBody,
} from './types.ts';

/**
 * {@link S3Storage}: entries as objects in an S3 bucket (or any S3-compatible service), laid out
 * as `s3/layout.ts` describes, so that many processes and machines share one cache.
 *
 * @module
 */

/** S3's smallest part of a multipart upload (but the last). */
const MIN_PART_SIZE = 5 * 1024 * 1024;

/** Options of {@link S3Storage}. */
export interface S3StorageOptions {
  /**
   * The client to send requests with, configured by you: region, credentials, endpoint. It stays
   * yours: {@link S3Storage.close} does not destroy it. Bound how long S3 may keep a request with
   * `requestHandler` (`connectionTimeout`, `requestTimeout` in ms) and how often the SDK tries
   * again with `maxAttempts`.
   * @example
   * new S3Client({
   *   region: 'eu-west-1',
   *   maxAttempts: 2,
   *   requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
   * })
   */
  readonly client: S3Client;
  /**
   * The bucket to keep entries in; it must exist.
   * @example new S3Storage({ client, bucket: 'my-app-http-cache' })
   */
  readonly bucket: string;
  /**
   * The folder of the bucket the entries go under, so a bucket can hold other things, or several
   * caches. `clear()` deletes only what is under it.
   * @default 'httpcache'
   * @example new S3Storage({ client, bucket, prefix: 'caches/api-gateway' })
   */
  readonly prefix?: string;
  /**
   * Bodies up to this many bytes are uploaded with one PutObject; larger ones with a multipart
   * upload of parts of this size, two at most held in memory at once. At least 5 MiB (S3's
   * minimum); a body may have 10,000 parts.
   * @default 8 * 1024 * 1024
   * @example new S3Storage({ client, bucket, partSize: 16 * 1024 * 1024 })
   */
  readonly partSize?: number;
  /**
   * How long, in ms, one request may wait for S3's answer (the SDK's retries included) before it
   * is abandoned and the operation rejects with a `StorageError`, so that a slow or unreachable S3
   * sends requests to the origin instead of holding them. Reading a body once it started is not
   * bound by it (see the client's `requestTimeout`); uploading a part is, so allow for `partSize`
   * bytes to go up within it.
   * @default 10_000
   * @example new S3Storage({ client, bucket, timeout: 2_000 })
   */
  readonly timeout?: number;
  /**
   * Whether to count hits: each hit then reads and rewrites the entry's metadata object (one
   * GetObject and one PutObject more per hit). Without it `hits` stays 0, for S3's bill.
   * @default true
   * @example new S3Storage({ client, bucket, countHits: false })
   */
  readonly countHits?: boolean;
  /**
   * The most variants (entries under one key, as `Vary` tells them apart) to keep per key; when a
   * new variant is stored beyond it, the least recently used (by when their metadata was last
   * written: stored, freshened or, with `countHits`, served) are deleted, so that a `Vary` on a
   * header every client sets differently cannot fill the bucket or slow lookups.
   * @default 64
   * @example new S3Storage({ client, bucket, maxVariants: 16 })
   */
  readonly maxVariants?: number;
  /**
   * The clock used to expire entries at their `deleteAt`, in ms since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/**
 * Entries as objects in an S3 bucket: one metadata object per variant and one body object per
 * entry, plus a URL index. Bodies stream in (multipart for large ones) and out (from GetObject);
 * an entry becomes visible when its metadata is written, after its body is complete.
 * Expired entries are misses, and `prune()` deletes them (run it now and then, say daily).
 * Needs the optional dependency `@aws-sdk/client-s3`.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { createFetch } from 'httpcache';
 * import { S3Storage } from 'httpcache/s3';
 * const storage = new S3Storage({ client: new S3Client({}), bucket: 'my-http-cache' });
 * const cachedFetch = createFetch({ storage, shared: true });
 * ```
 */
export class S3Storage implements Storage {
  /** The bucket entries are kept in. */
  readonly bucket: string;
  /** The folder of the bucket they are kept under (`''` for its root). */
  readonly prefix: string;
  readonly #ctx: Context;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #countHits: boolean;
  #reporter: StorageReporter | undefined;
  #closed = false;

  constructor(options: S3StorageOptions) {
    const { client, bucket, prefix = 'httpcache', clock = Date.now } = options;
    const { partSize = 8 * 1024 * 1024, timeout = 10_000 } = options;
    if (typeof client?.send !== 'function') {
      throw new OptionsError('client', 'must be an S3Client of @aws-sdk/client-s3');
    }
    if (typeof bucket !== 'string' || bucket === '') {
      throw new OptionsError('bucket', 'must be the name of a bucket');
    }
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE) {
      throw new OptionsError('partSize', `must be an integer of at least 5 MiB, got ${partSize}`);
    }
    const layout = new Layout(prefix);
    this.#countHits = options.countHits ?? true;
    this.bucket = bucket;
    this.prefix = layout.root.replace(/\/$/, '');
    this.#ctx = {
      bucket: new Bucket(client, bucket, milliseconds('timeout', timeout, 1)),
      layout,
      clock,
      locks: new KeyLocks(),
      partSize,
      maxVariants: count('maxVariants', options.maxVariants ?? 64),
      report: (operation, error, key) => this.#report(operation, error, key),
    };
  }

  setReporter(reporter: StorageReporter): void {
    this.#reporter = reporter;
  }

  get(key: string): Promise<EntryMeta[]> {
    return this.#run('get', async (ctx) => {
      const found = await readVariants(ctx, sha256(key), { operation: 'get', key });
      const now = ctx.clock();
      return found.filter(({ meta }) => meta.deleteAt > now).map(({ meta }) => meta);
    });
  }

  body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.#run('body', (ctx) => readEntryBody(ctx, entry));
  }

  put(entry: EntryToStore, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<EntryMeta> {
    return this.#run('put', (ctx) => writeEntry(ctx, entry, body));
  }

  /**
   * Reads, patches and rewrites the entry's metadata object: serialised within this process, and
   * between processes a conditional write (`If-Match` on the ETag read) that is tried again from
   * the read when another writer came first. On a server that ignores `If-Match`, the last of two
   * racing writers from different processes wins.
   */
  update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.#run('update', (ctx) =>
      rewriteEntry(ctx, entry, (current) => applyPatch(current, patch)),
    );
  }

  /** Counts a hit in the entry's metadata (a read and a write of it), unless `countHits` is off. */
  async touch(entry: EntryMeta, _now?: number): Promise<void> {
    if (!this.#countHits) return;
    await this.#run('touch', (ctx) =>
      rewriteEntry(ctx, entry, (current) => ({ ...current, hits: current.hits + 1 })),
    );
  }

  delete(key: string): Promise<void> {
    return this.#run('delete', (ctx) => deleteKey(ctx, sha256(key)));
  }

  deleteUrl(url: string): Promise<number> {
    return this.#run('deleteUrl', (ctx) => deleteUrl(ctx, url));
  }

  /** Deletes the entries stored with `tag`, reading only the keys its index objects name. */
  deleteTag(tag: string): Promise<number> {
    return this.#run('deleteTag', (ctx) => deleteTag(ctx, tag));
  }

  /**
   * Deletes the entries whose URL starts with `prefix`: a listing of every entry (the URL index
   * is by hash), then the URL index for each URL found.
   */
  deletePrefix(prefix: string): Promise<number> {
    return deletePrefixByListing(this, prefix);
  }

  /** Every live entry, listed page by page with ListObjectsV2 and each page's metadata read. */
  async *list(): AsyncIterable<EntryMeta> {
    const ctx = this.#open();
    try {
      for await (const page of ctx.bucket.list(ctx.layout.entries)) {
        const now = ctx.clock();
        for (const { meta } of await readPage(ctx, page, { operation: 'list' })) {
          if (meta.deleteAt > now) yield meta;
        }
      }
    } catch (error) {
      throw storageError('list', this.bucket, error);
    }
  }

  /**
   * The metadata objects (expired ones not yet pruned included) and the bytes of every object,
   * from listings alone.
   */
  stats(): Promise<StorageStats> {
    return this.#run('stats', measure);
  }

  /**
   * Deletes expired and unreadable entries (reading every metadata object), and bodies and URL
   * index objects left behind by writers that died or lost a race, once an hour old.
   */
  prune(): Promise<StorageStats> {
    return this.#run('prune', prune);
  }

  /** Deletes every object under the prefix. */
  clear(): Promise<void> {
    return this.#run('clear', clear);
  }

  /** Waits for the operations under way; the client is left open (it is yours). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
  }

  /** Runs an operation; its failures become {@link StorageError}s, a body's own pass as they are. */
  async #run<T>(operation: string, action: (ctx: Context) => Promise<T>): Promise<T> {
    const task = action(this.#open());
    this.#pending.add(task);
    try {
      return await task;
    } catch (error) {
      throw error instanceof BodyFailure
        ? error.error
        : storageError(operation, this.bucket, error);
    } finally {
      this.#pending.delete(task);
    }
  }

  #open(): Context {
    if (this.#closed) throw new ClosedError('S3Storage');
    return this.#ctx;
  }

  #report(operation: string, error: unknown, key: string | undefined): void {
    try {
      this.#reporter?.(operation, error, key);
    } catch {
      // A reporter's own failure must not turn a handled problem into a failed operation.
    }
  }
}
