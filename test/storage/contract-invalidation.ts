import { expect } from 'vitest';
import type { Storage } from '../../src/storage/types.ts';
import type { ManualClock } from '../helpers/clock.ts';
import { entry, streamOf } from './contract.ts';

/**
 * The storage contract's invalidation part: tags stored with entries, `deleteTag` through an
 * index and `deletePrefix`. Run by {@link storageContract} for backends with the `invalidation`
 * capability.
 *
 * @module
 */

/** What the tests need of the contract suite. */
export interface InvalidationSuite {
  readonly test: (title: string, fn: () => Promise<void>) => void;
  readonly open: () => Promise<Storage>;
  readonly clock: () => ManualClock;
  readonly persistent: boolean;
}

const bytes = (value: string) => new TextEncoder().encode(value) as Uint8Array<ArrayBuffer>;

/** Registers the invalidation tests. */
export function invalidationContract({ test, open, clock, persistent }: InvalidationSuite): void {
  const deleteTag = (storage: Storage, tag: string) =>
    required(storage.deleteTag).call(storage, tag);
  const deletePrefix = (storage: Storage, prefix: string) =>
    required(storage.deletePrefix).call(storage, prefix);

  test('tags round-trip with the entry; an entry without tags has none', async () => {
    const storage = await open();
    const tags = ['product-1', 'caf\u00e9', 'a/../b', 'x'.repeat(1000)];
    const tagged = await storage.put(entry(clock(), 't', { tags }), streamOf(bytes('t')));
    const plain = await storage.put(entry(clock(), 'p'), streamOf(bytes('p')));
    expect(tagged.tags).toEqual(tags);
    expect(await storage.get('t')).toEqual([tagged]);
    expect(await storage.get('p')).toEqual([plain]);
    expect((await storage.get('p'))[0]?.tags).toBeUndefined();
  });

  test('deleteTag deletes the tagged entries under any key and variant, and counts them', async () => {
    const storage = await open();
    const put = (key: string, variant: string, tags?: string[]) =>
      storage.put(
        entry(clock(), key, tags === undefined ? { variant } : { variant, tags }),
        streamOf(bytes(`${key}${variant}`)),
      );
    await put('k', 'a', ['t1', 'shared']);
    const kept = await put('k', 'b', ['t2', 'shared']);
    await put('other', '', ['t3', 't1']);
    const untagged = await put('none', '');
    expect(await deleteTag(storage, 't1')).toBe(2);
    expect(await storage.get('k')).toEqual([kept]);
    expect(await storage.get('other')).toEqual([]);
    expect(await storage.get('none')).toEqual([untagged]);
    expect(await deleteTag(storage, 't1')).toBe(0);
    expect(await deleteTag(storage, 't3')).toBe(0);
    expect(await deleteTag(storage, 'absent')).toBe(0);
    expect(await deleteTag(storage, 'shared')).toBe(1);
    expect(await storage.get('k')).toEqual([]);
    expect((await storage.stats()).entries).toBe(1);
  });

  test('a replaced entry takes its tags with it', async () => {
    const storage = await open();
    await storage.put(entry(clock(), 'k', { tags: ['old'] }), streamOf(bytes('1')));
    const newer = await storage.put(entry(clock(), 'k', { tags: ['new'] }), streamOf(bytes('2')));
    expect(await deleteTag(storage, 'old')).toBe(0);
    expect(await storage.get('k')).toEqual([newer]);
    await storage.delete('k');
    expect(await deleteTag(storage, 'new')).toBe(0);
    const again = await storage.put(entry(clock(), 'k'), streamOf(bytes('3')));
    expect(await deleteTag(storage, 'new')).toBe(0);
    expect(await storage.get('k')).toEqual([again]);
  });

  test('deletePrefix deletes the entries whose URL starts with the prefix, under any key', async () => {
    const storage = await open();
    const at = (key: string, url: string, variant = '') =>
      storage.put(entry(clock(), key, { url, variant }), streamOf(bytes(key)));
    await at('GET https://example.com/api/1', 'https://example.com/api/1');
    await at('GET https://example.com/api/2?q=1', 'https://example.com/api/2?q=1');
    await at('custom', 'https://example.com/api/1', 'v');
    const sibling = await at('GET https://example.com/apix', 'https://example.com/apix');
    const other = await at('GET https://example.org/api/1', 'https://example.org/api/1');
    expect(await deletePrefix(storage, 'https://example.com/api/')).toBe(3);
    expect(await storage.get('custom')).toEqual([]);
    expect(await storage.get(sibling.key)).toEqual([sibling]);
    expect(await storage.get(other.key)).toEqual([other]);
    expect(await deletePrefix(storage, 'https://example.com/api/')).toBe(0);
    expect((await storage.stats()).entries).toBe(2);
  });

  test('clear empties the tag index too', async () => {
    const storage = await open();
    await storage.put(entry(clock(), 'k', { tags: ['t'] }), streamOf(bytes('1')));
    await storage.clear();
    expect(await deleteTag(storage, 't')).toBe(0);
    const again = await storage.put(entry(clock(), 'k'), streamOf(bytes('2')));
    expect(await deleteTag(storage, 't')).toBe(0);
    expect(await storage.get('k')).toEqual([again]);
  });

  if (persistent) {
    test('tags and the tag index survive close and reopen', async () => {
      const first = await open();
      const stored = await first.put(entry(clock(), 'k', { tags: ['t'] }), streamOf(bytes('1')));
      await first.close();
      const second = await open();
      expect(await second.get('k')).toEqual([stored]);
      expect(await deleteTag(second, 't')).toBe(1);
      expect(await second.get('k')).toEqual([]);
    });
  }
}

function required<T>(method: T | undefined): T {
  if (method === undefined)
    throw new Error('the storage lacks a method of the invalidation capability');
  return method;
}
