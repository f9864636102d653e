import { CacheStorageStorage, IndexedDBStorage } from '../../src/web.ts';
import { storageContract } from '../storage/contract.ts';
import type { TestCase } from './harness.ts';
import { collected } from './vitest-shim.ts';

/**
 * The storage contract for the web storages this runtime has; one not applicable case, with the
 * reason, for each it has not.
 *
 * @module
 */

/** The contract's cases for every web storage, run or marked not applicable. */
export function storageSuites(): TestCase[] {
  const run = crypto.randomUUID();
  const missing: TestCase[] = [];
  if ('caches' in globalThis) {
    storageContract(
      'CacheStorageStorage',
      ({ clock, location }) => new CacheStorageStorage({ name: `${run}-${location}`, clock }),
      { persistent: true },
    );
  } else {
    missing.push({
      name: 'storage contract: CacheStorageStorage',
      notApplicable: 'no Cache Storage (`caches`) in this runtime',
    });
  }
  if ('indexedDB' in globalThis) {
    storageContract(
      'IndexedDBStorage',
      ({ clock, location, maxBytes }) =>
        new IndexedDBStorage({
          name: `${run}-${location}`,
          clock,
          ...(maxBytes ? { maxBytes } : {}),
        }),
      { persistent: true, maxBytes: true },
    );
  } else {
    missing.push({
      name: 'storage contract: IndexedDBStorage',
      notApplicable: 'no IndexedDB (`indexedDB`) in this runtime',
    });
  }
  return [...missing, ...collected()];
}
