import type { EntryMeta, EntryToStore, Storage, StoredBody } from '../storage/types.ts';
import { BodyIncompleteError } from './body-tee.ts';
import type { Emitter } from './events.ts';

/**
 * The engine's way to storage: every operation's failure is reported as an `error` event and
 * turned into "nothing stored", so storage never fails a request.
 *
 * @module
 */

/** Whom an operation is for, to name in events. */
export interface Subject {
  readonly key: string;
  readonly url: string;
}

/** Storage with failures reported instead of thrown, and background writes tracked. */
export class StorageGate {
  readonly storage: Storage;
  readonly #events: Emitter;
  readonly #clock: () => number;
  /** Aborts of bodies being stored, so {@link close} can stop them. */
  readonly #storing = new Set<(reason: string) => void>();
  readonly #background = new Set<Promise<unknown>>();

  constructor(storage: Storage, events: Emitter, clock: () => number) {
    this.storage = storage;
    this.#events = events;
    this.#clock = clock;
    storage.setEvictionListener?.((key, url) => events.emit('evict', { key, url }));
    storage.setReporter?.((operation, error, key) =>
      events.emit('error', { key: key ?? '', url: '', operation, error }),
    );
  }

  /** Live variants under a key; none when storage fails. */
  async lookup(subject: Subject): Promise<EntryMeta[]> {
    try {
      const now = this.#clock();
      return (await this.storage.get(subject.key)).filter((entry) => entry.deleteAt > now);
    } catch (error) {
      this.failed(subject, 'get', error);
      return [];
    }
  }

  /** An entry's body, or `undefined` when it is gone or unreadable. */
  async body(subject: Subject, entry: EntryMeta): Promise<StoredBody | undefined> {
    try {
      return (await this.storage.body(entry)) ?? undefined;
    } catch (error) {
      this.failed(subject, 'body', error);
      return undefined;
    }
  }

  /** Replaces an entry's metadata; whether it was there to update. */
  async update(subject: Subject, entry: EntryMeta): Promise<boolean> {
    try {
      return await this.storage.update(entry);
    } catch (error) {
      this.failed(subject, 'update', error);
      return false;
    }
  }

  /** Deletes every entry stored for a URL. */
  async deleteUrl(subject: Subject, url: string): Promise<void> {
    try {
      await this.storage.deleteUrl(url);
    } catch (error) {
      this.failed(subject, 'deleteUrl', error);
    }
  }

  /** Records a hit in the background; with `deleteAt`, also moves the entry's expiry. */
  touch(subject: Subject, entry: EntryMeta, deleteAt: number | undefined): void {
    this.storage
      .touch(entry, this.#clock())
      .catch((error: unknown) => this.failed(subject, 'touch', error));
    if (deleteAt !== undefined) {
      this.storage
        .update({ ...entry, deleteAt })
        .catch((error: unknown) => this.failed(subject, 'update', error));
    }
  }

  /**
   * Writes an entry whose body is being read by the caller, in the background. When storage
   * gives up, `abortStoring` stops the copying so the caller's reads never wait for it.
   */
  store(
    subject: Subject,
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
    abortStoring: (reason: string) => void,
  ): void {
    this.#storing.add(abortStoring);
    const task = this.storage
      .put(entry, body)
      .then(
        (meta) => {
          this.#events.emit('store', { ...subject, size: meta.size });
        },
        (error: unknown) => {
          abortStoring('storage failed');
          if (!(error instanceof BodyIncompleteError)) this.failed(subject, 'put', error);
        },
      )
      .finally(() => this.#storing.delete(abortStoring));
    this.track(task);
  }

  /** Keeps a background task until it settles, so {@link close} can wait for it. */
  track(task: Promise<unknown>): void {
    const settled = (): void => {
      this.#background.delete(tracked);
    };
    const tracked = task.then(settled, settled);
    this.#background.add(tracked);
  }

  /** Reports a failed storage operation. */
  failed(subject: Subject, operation: string, error: unknown): void {
    this.#events.emit('error', { ...subject, operation, error });
  }

  /** Stops bodies still being stored, waits for background work, and closes storage. */
  async close(): Promise<void> {
    for (const abort of this.#storing) abort('the cache was closed');
    await Promise.allSettled([...this.#background]);
    await this.storage.close();
  }
}
