import { CacheStorageStorage } from '../../src/web.ts';
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
  return [...missing, ...collected()];
}
