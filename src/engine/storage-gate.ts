import { isPart } from '../core/partial.ts';
import { StorageError } from '../errors.ts';
import type {
  EntryMeta,
  EntryToStore,
  Storage,
  StoredBody,
  SyncStorage,
} from '../storage/types.ts';
import { BodyIncompleteError } from './body-tee.ts';
import type { Emitter } from './events.ts';
import { putPart } from './partial-store.ts';
import { isEntryOf, kindOf, sized, syncOf } from './storage-checks.ts';

/**
 * The engine's way to storage: every operation's failure is reported as an `error` event and
 * turned into "nothing stored", so storage never fails a request. What storage hands back is
 * checked too: metadata that is not an entry of the key asked for, and a body that is not bytes
 * of the entry's size, are never served; they are reported like a failure.
 *
 * @module
 */

/** A pending storage operation and when it is given up on. */
interface Deadline {
  readonly at: number;
  readonly operation: string;
  readonly fail: (error: StorageError) => void;
}

/** Whom an operation is for, to name in events. */
export interface Subject {
  readonly key: string;
  readonly url: string;
}

/** A write in flight: its entry, how to stop copying its body, and whether it was abandoned. */
interface Write {
  readonly entry: EntryToStore;
  readonly abort: (reason: string) => void;
  abandoned: boolean;
}

/** Storage with failures reported instead of thrown, and background writes tracked. */
export class StorageGate {
  readonly storage: Storage;
  /** The synchronous operations the storage has, if any. */
  readonly #sync: SyncStorage;
  readonly #events: Emitter;
  readonly #clock: () => number;
  /** Aborts of bodies being stored, so {@link close} can stop them. */
  readonly #storing = new Set<Write>();
  readonly #background = new Set<Promise<unknown>>();
  /** How long an operation on the request path may take before it counts as failed, in ms. */
  readonly timeout: number;
  /** Operations pending, with when they fail. */
  readonly #deadlines = new Set<Deadline>();
  #watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(storage: Storage, events: Emitter, clock: () => number, timeout: number) {
    this.storage = storage;
    this.#sync = syncOf(storage);
    this.#events = events;
    this.#clock = clock;
    this.timeout = timeout;
    storage.setEvictionListener?.((key, url) => events.emit('evict', { key, url }));
    storage.setReporter?.((operation, error, key) =>
      events.emit('error', { key: key ?? '', url: '', operation, error }),
    );
  }

  /**
   * Live variants under a key; none when storage fails. Malformed entries are left out. Answered
   * at once when the storage looks up synchronously ({@link SyncStorage.getSync}).
   */
  lookup(subject: Subject): EntryMeta[] | Promise<EntryMeta[]> {
    const { getSync } = this.#sync;
    if (getSync === undefined) return this.#lookup(subject);
    let entries: unknown;
    try {
      entries = getSync.call(this.storage, subject.key);
    } catch (error) {
      this.failed(subject, 'get', error);
      return [];
    }
    return this.#live(subject, entries);
  }

  async #lookup(subject: Subject): Promise<EntryMeta[]> {
    let entries: unknown;
    try {
      entries = await this.#bounded('get', this.storage.get(subject.key));
    } catch (error) {
      this.failed(subject, 'get', error);
      return [];
    }
    return this.#live(subject, entries);
  }

  /** What storage returned for a key, checked: its live, well-formed entries of that key. */
  #live(subject: Subject, entries: unknown): EntryMeta[] {
    if (!Array.isArray(entries)) {
      this.failed(
        subject,
        'get',
        new StorageError('get', `returned ${kindOf(entries)}, not a list`),
      );
      return [];
    }
    const now = this.#clock();
    const live: EntryMeta[] = [];
    let malformed = 0;
    for (const entry of entries) {
      if (!isEntryOf(entry, subject.key)) malformed++;
      else if (entry.deleteAt > now) live.push(entry);
    }
    if (malformed > 0) {
      const problem = `returned ${malformed} malformed entries or entries of another key`;
      this.failed(subject, 'get', new StorageError('get', `${problem} for ${subject.key}`));
    }
    return live;
  }

  /**
   * An entry's body, or `undefined` when it is gone or unreadable. Bytes of another length than
   * the entry's size are unreadable; a stream is checked as it is read, and errors if it is not.
   * Answered at once when the storage reads synchronously ({@link SyncStorage.bodySync}).
   */
  body(
    subject: Subject,
    entry: EntryMeta,
  ): StoredBody | undefined | Promise<StoredBody | undefined> {
    const { bodySync } = this.#sync;
    if (bodySync === undefined) return this.#body(subject, entry);
    let body: unknown;
    try {
      body = bodySync.call(this.storage, entry);
    } catch (error) {
      this.failed(subject, 'body', error);
      return undefined;
    }
    return this.#checked(subject, entry, body);
  }

  async #body(subject: Subject, entry: EntryMeta): Promise<StoredBody | undefined> {
    let body: unknown;
    try {
      body = await this.#bounded('body', this.storage.body(entry));
    } catch (error) {
      this.failed(subject, 'body', error);
      return undefined;
    }
    return this.#checked(subject, entry, body);
  }

  /** A body storage returned, checked against the entry's size. */
  #checked(subject: Subject, entry: EntryMeta, body: unknown): StoredBody | undefined {
    if (body === null || body === undefined) return undefined;
    if (body instanceof ReadableStream) {
      return sized(body, entry.size, (error) => this.failed(subject, 'body', error));
    }
    const problem =
      body instanceof Uint8Array
        ? body.byteLength === entry.size
          ? undefined
          : `returned ${body.byteLength} bytes of a ${entry.size}-byte body`
        : `returned ${kindOf(body)}, not bytes or a stream`;
    if (problem === undefined) return body as Uint8Array<ArrayBuffer>;
    this.failed(subject, 'body', new StorageError('body', `${problem} for ${subject.key}`));
    return undefined;
  }

  /** Writes a freshened entry's new fields over the stored ones; whether it was there to update. */
  update(subject: Subject, entry: EntryMeta): boolean | Promise<boolean> {
    const { headers, requestTime, responseTime, staleAt, deleteAt, maxAge } = entry;
    const patch = {
      headers,
      requestTime,
      responseTime,
      staleAt,
      deleteAt,
      ...(maxAge === undefined ? {} : { maxAge }),
    };
    const { updateSync } = this.#sync;
    if (updateSync !== undefined) {
      try {
        return updateSync.call(this.storage, entry, patch);
      } catch (error) {
        this.failed(subject, 'update', error);
        return false;
      }
    }
    return this.#bounded('update', this.storage.update(entry, patch)).catch((error: unknown) => {
      this.failed(subject, 'update', error);
      return false;
    });
  }

  /** Deletes every entry stored for a URL. */
  async deleteUrl(subject: Subject, url: string): Promise<void> {
    try {
      await this.#bounded('deleteUrl', this.storage.deleteUrl(url));
    } catch (error) {
      this.failed(subject, 'deleteUrl', error);
    }
  }

  /**
   * Records a hit in the background (at once with {@link SyncStorage.touchSync}); with
   * `deleteAt`, also moves the entry's expiry.
   */
  touch(subject: Subject, entry: EntryMeta, deleteAt: number | undefined): void {
    const { touchSync } = this.#sync;
    if (touchSync !== undefined) {
      try {
        touchSync.call(this.storage, entry, this.#clock());
      } catch (error) {
        this.failed(subject, 'touch', error);
      }
    } else {
      this.track(
        this.storage
          .touch(entry, this.#clock())
          .catch((error: unknown) => this.failed(subject, 'touch', error)),
      );
    }
    if (deleteAt !== undefined) {
      this.track(
        this.storage
          .update(entry, { deleteAt })
          .catch((error: unknown) => this.failed(subject, 'update', error)),
      );
    }
  }

  /**
   * Writes an entry whose body is being read by the caller, in the background; resolves to
   * whether it was stored (storage said so: the entry is durable and findable). When storage
   * gives up, `abortStoring` stops the copying so the caller's reads never wait for it.
   */
  store(
    subject: Subject,
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
    abortStoring: (reason: string) => void,
  ): Promise<boolean> {
    const write: Write = { entry, abort: abortStoring, abandoned: false };
    this.#storing.add(write);
    // A part of a representation (a 206) is then combined with the stored parts it joins.
    const put = isPart(entry)
      ? putPart(this, subject, entry, body, this.#clock())
      : this.storage.put(entry, body);
    const task = put
      .then(
        (meta) => (write.abandoned ? this.#discard(subject, entry) : this.#stored(subject, meta)),
        (error: unknown) => {
          abortStoring('storage failed');
          if (!(error instanceof BodyIncompleteError)) this.failed(subject, 'put', error);
          return false;
        },
      )
      .finally(() => this.#storing.delete(write));
    this.track(task);
    return task;
  }

  /**
   * Writes an entry whose body was read whole; resolves as {@link committed} does. A storage
   * that stores synchronously ({@link SyncStorage.putBytesSync}) answers at once.
   */
  storeBytes(
    subject: Subject,
    entry: EntryToStore,
    bytes: Uint8Array<ArrayBuffer>,
  ): boolean | Promise<boolean> {
    const { putBytesSync } = this.#sync;
    // A part goes the way of {@link store}, to be combined with the stored parts.
    if (putBytesSync !== undefined && !isPart(entry)) {
      try {
        return this.#stored(subject, putBytesSync.call(this.storage, entry, bytes));
      } catch (error) {
        this.failed(subject, 'put', error);
        return false;
      }
    }
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        if (bytes.byteLength > 0) controller.enqueue(bytes);
        controller.close();
      },
    });
    return this.committed(
      subject,
      this.store(subject, entry, body, () => undefined),
    );
  }

  /**
   * Stops the writes in flight of the entries `matches` names, for an invalidation that came
   * after they started: their callers still read whole bodies, and nothing of them stays stored
   * (a write that committed before it could be stopped is deleted again, with its URL's entries).
   */
  abandon(matches: (entry: EntryToStore) => boolean): void {
    for (const write of this.#storing) {
      if (write.abandoned || !matches(write.entry)) continue;
      write.abandoned = true;
      write.abort('invalidated');
    }
  }

  /** Deletes an entry stored by a write that was abandoned; it counts as not stored. */
  async #discard(subject: Subject, entry: EntryToStore): Promise<false> {
    try {
      await this.#bounded('deleteUrl', this.storage.deleteUrl(entry.url));
    } catch (error) {
      this.failed(subject, 'deleteUrl', error);
    }
    return false;
  }

  /** Whether what `put` returned is a stored entry: a `store` event if so, an error if not. */
  #stored(subject: Subject, meta: unknown): boolean {
    const size = (meta as Partial<EntryMeta> | null)?.size;
    if (typeof size === 'number') {
      this.#events.emit('store', { ...subject, size });
      return true;
    }
    this.failed(subject, 'put', new StorageError('put', `returned ${kindOf(meta)}`));
    return false;
  }

  /**
   * Whether a write started by {@link store} was stored, waited for as long as {@link timeout}
   * allows: a write that takes longer counts as not stored (and is reported); it may still land.
   */
  committed(subject: Subject, write: Promise<boolean>): Promise<boolean> {
    return this.#bounded('put', write).catch((error: unknown) => {
      this.failed(subject, 'put', error);
      return false;
    });
  }

  /** Deletes every variant stored under the subject's key. */
  async deleteKey(subject: Subject): Promise<void> {
    try {
      await this.#bounded('delete', this.storage.delete(subject.key));
    } catch (error) {
      this.failed(subject, 'delete', error);
    }
  }

  /**
   * Keeps a background task until it settles, so {@link close} can wait for it. A task that was
   * done at once (a synchronous storage's answer) has nothing to wait for.
   */
  track(task: Promise<unknown> | boolean): void {
    if (!(task instanceof Promise)) return;
    const settled = (): void => {
      this.#background.delete(tracked);
    };
    const tracked = task.then(settled, settled);
    this.#background.add(tracked);
  }

  /**
   * Resolves once no background task is pending: those running now and any they start (a
   * revalidation's store, say). Tasks that begin after it resolved are not waited for.
   */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /** Reports a failed storage operation. */
  failed(subject: Subject, operation: string, error: unknown): void {
    this.#events.emit('error', { ...subject, operation, error });
  }

  /**
   * Stops bodies still being stored, waits for background work (as long as {@link timeout}
   * allows: a storage that never settles a write does not hold `close()`), and closes storage.
   */
  async close(): Promise<void> {
    for (const write of this.#storing) write.abort('the cache was closed');
    await this.#bounded('close', Promise.allSettled([...this.#background])).catch(() => undefined);
    await this.storage.close();
  }

  /**
   * `operation` settled as storage settles it, or failed once {@link timeout} has passed. One
   * watchdog timer checks every pending operation's deadline, so an operation costs no timer.
   */
  #bounded<T>(operation: string, pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline: Deadline = { at: Date.now() + this.timeout, operation, fail: reject };
      this.#deadlines.add(deadline);
      this.#watch();
      pending.then(
        (value) => {
          this.#deadlines.delete(deadline);
          resolve(value);
        },
        (error: unknown) => {
          this.#deadlines.delete(deadline);
          reject(error);
        },
      );
    });
  }

  /** Starts the watchdog while operations are pending; it stops once none are. */
  #watch(): void {
    if (this.#watchdog !== undefined) return;
    const watchdog = setInterval(
      () => {
        const now = Date.now();
        for (const deadline of this.#deadlines) {
          if (deadline.at > now) continue;
          this.#deadlines.delete(deadline);
          deadline.fail(
            new StorageError(deadline.operation, `no answer within ${this.timeout} ms`),
          );
        }
        if (this.#deadlines.size > 0) return;
        clearInterval(watchdog);
        this.#watchdog = undefined;
      },
      Math.max(10, this.timeout / 4),
    );
    // Where timers can be unreferenced (Node), the watchdog does not keep a process alive.
    (watchdog as { unref?: () => void }).unref?.();
    this.#watchdog = watchdog;
  }
}
