/**
 * A storage that injects faults into a real one (memory, SQLite, file system...): an operation
 * throws, stalls (never settles until the test releases it), or hands back corrupted data. These
 * are faults a real backend cannot produce on demand; everything else is the real storage inside.
 */
import { MemoryStorage } from '../../src/storage/memory.ts';
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
} from '../../src/storage/types.ts';

/** The operations the cache engine calls on storage. */
export type Operation = 'get' | 'body' | 'put' | 'update' | 'touch' | 'deleteUrl';

/**
 * What goes wrong: `throw` rejects, `stall` never settles (until {@link FaultyStorage.release}),
 * and a function replaces the real result with a corrupted one (it may ask the real storage).
 */
export type Fault = 'throw' | 'stall' | ((result: unknown, inner: Storage) => unknown);

/** The error an injected `throw` rejects with. */
export class InjectedFault extends Error {
  constructor(operation: Operation) {
    super(`injected ${operation} fault`);
    this.name = 'InjectedFault';
  }
}

export class FaultyStorage implements Storage {
  readonly inner: Storage;
  /** Every fault injected, by operation, in order. */
  readonly injected: Operation[] = [];
  readonly #faults = new Map<Operation, Fault>();
  readonly #stalled = new Set<() => void>();

  constructor(inner: Storage = new MemoryStorage()) {
    this.inner = inner;
  }

  /** Makes every later call of `operation` fail with `fault`. */
  fail(operation: Operation, fault: Fault): void {
    this.#faults.set(operation, fault);
  }

  /** Ends every fault: later calls go to the real storage. */
  heal(): void {
    this.#faults.clear();
  }

  /** Calls still stalled. */
  get stalled(): number {
    return this.#stalled.size;
  }

  /** Settles every stalled call (rejecting it), so nothing is left pending after a test. */
  release(): void {
    for (const reject of this.#stalled) reject();
    this.#stalled.clear();
  }

  get(key: string): Promise<EntryMeta[]> {
    return this.#call('get', () => this.inner.get(key));
  }

  body(entry: EntryMeta): Promise<StoredBody | null> {
    return this.#call('body', () => this.inner.body(entry));
  }

  put(entry: EntryToStore, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<EntryMeta> {
    return this.#call('put', () => this.inner.put(entry, body));
  }

  update(entry: EntryRef, patch: EntryPatch): Promise<boolean> {
    return this.#call('update', () => this.inner.update(entry, patch));
  }

  touch(entry: EntryMeta, now: number): Promise<void> {
    return this.#call('touch', () => this.inner.touch(entry, now));
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  deleteUrl(url: string): Promise<number> {
    return this.#call('deleteUrl', () => this.inner.deleteUrl(url));
  }

  list(): AsyncIterable<EntryMeta> {
    return this.inner.list();
  }

  stats(): Promise<StorageStats> {
    return this.inner.stats();
  }

  prune(): Promise<StorageStats> {
    return this.inner.prune();
  }

  clear(): Promise<void> {
    return this.inner.clear();
  }

  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }

  setEvictionListener(listener: EvictionListener): void {
    this.inner.setEvictionListener?.(listener);
  }

  setReporter(reporter: StorageReporter): void {
    this.inner.setReporter?.(reporter);
  }

  async #call<T>(operation: Operation, real: () => Promise<T>): Promise<T> {
    const fault = this.#faults.get(operation);
    if (fault === undefined) return real();
    this.injected.push(operation);
    if (fault === 'throw') throw new InjectedFault(operation);
    if (fault === 'stall') {
      return new Promise<T>((_, reject) => {
        this.#stalled.add(() => reject(new Error(`stalled ${operation} released`)));
      });
    }
    return fault(await real(), this.inner) as T;
  }
}
