/**
 * An optional storage capability (a `coalescer` property): coalescing concurrent misses of several processes into one
 * origin request, through a lock the processes share (see `RedisStorage`).
 *
 * @module
 */

/**
 * What the cache does with a storage's {@link Coalescer}: the first process to miss on a key
 * takes its lock ({@link Coalescer.acquire}) and goes to the origin; the others
 * {@link Coalescer.wait} until the entry is stored, then look again.
 */
export interface Coalescer {
  /** The lock of `key` when no one holds it; `undefined` when another request holds it. */
  acquire(key: string): Promise<Lease | undefined>;
  /**
   * Waits for the holder of `key`'s lock: `'done'` once it released it (the entry is stored, or
   * will not be), a {@link Lease} when the holder went silent and this request took the lock over,
   * `'timeout'` past the storage's bound on waiting (the request then goes to the origin itself).
   * Rejects with the signal's reason when `signal` aborts first.
   */
  wait(key: string, signal: AbortSignal | undefined): Promise<Lease | 'done' | 'timeout'>;
}

/** A lock held: kept while the origin answers and its body is stored, then released. */
export interface Lease {
  /**
   * The response is being stored: from now on the lock is kept only while its body makes
   * progress, and the storage releases it once the entry is committed (or the write failed).
   */
  storing(): void;
  /** Releases the lock and tells the waiting requests to look again. Only the first call counts. */
  release(): void;
}

/**
 * The {@link Coalescer} a storage offers as its `coalescer` property (RedisStorage does), or
 * `undefined` for a storage without one.
 */
export function coalescerOf(storage: object): Coalescer | undefined {
  const found = (storage as { readonly coalescer?: unknown }).coalescer;
  if (typeof found !== 'object' || found === null) return undefined;
  const { acquire, wait } = found as Partial<Coalescer>;
  return typeof acquire === 'function' && typeof wait === 'function'
    ? (found as Coalescer)
    : undefined;
}
