/**
 * Helpers shared by the reliability tests: a storage that records what it was asked to store,
 * body reading that captures errors, and waits for real I/O.
 */
import { MemoryStorage, type MemoryStorageOptions } from '../../src/storage/memory.ts';
import type { EntryMeta, EntryToStore, StoredBody } from '../../src/storage/types.ts';

/** How a `put` ended. */
export type PutOutcome = 'stored' | 'failed';

/**
 * A {@link MemoryStorage} that records every `put`, so a test can wait for the cache's background
 * writes to end (instead of sleeping) and then look at exactly what was stored.
 */
export class RecordingStorage extends MemoryStorage {
  readonly puts: Promise<PutOutcome>[] = [];

  constructor(options: MemoryStorageOptions = {}) {
    super(options);
  }

  override put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    const result = super.put(entry, body);
    this.puts.push(
      result.then(
        (): PutOutcome => 'stored',
        (): PutOutcome => 'failed',
      ),
    );
    return result;
  }

  /** Waits for every `put` begun so far to end, and says how each ended. */
  settled(): Promise<PutOutcome[]> {
    return Promise.all(this.puts);
  }

  /** Every live entry. */
  async entries(): Promise<EntryMeta[]> {
    const out: EntryMeta[] = [];
    for await (const entry of this.list()) out.push(entry);
    return out;
  }

  /** An entry's body as bytes. */
  async bodyOf(entry: EntryMeta): Promise<Uint8Array> {
    return toBytes(await this.body(entry));
  }
}

/** A stored body as one byte array (empty when gone). */
export async function toBytes(body: StoredBody | null): Promise<Uint8Array> {
  if (body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/**
 * Polls `condition` every `intervalMs` until it holds. For real I/O only (sockets closing, an
 * origin stalling), never for time logic. It has no deadline of its own: a condition that never
 * holds fails the test by vitest's timeout, so a busy machine cannot fail it.
 */
export async function until(condition: () => boolean, intervalMs = 10): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}

/** Lets every pending microtask and I/O callback of in-process streams run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
