import type { Storage } from '../storage/types.ts';
import { DEFAULT_STORE, openStore, type StoreSpec } from './store-uri.ts';

/**
 * Opening the storage a command works on, and closing it however the command ends.
 *
 * @module
 */

/** Runs `work` with the storage `spec` names (default: SQLite at its default path), then closes it. */
export async function withStorage<T>(
  spec: StoreSpec | undefined,
  work: (storage: Storage) => Promise<T>,
): Promise<T> {
  const storage = await openStore(spec ?? DEFAULT_STORE);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}
