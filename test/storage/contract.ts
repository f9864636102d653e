import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  EntryMeta,
  EntryPatch,
  EntryToStore,
  Storage,
  StoredBody,
} from '../../src/storage/types.ts';
import { type ManualClock, manualClock } from '../helpers/clock.ts';
import { invalidationContract } from './contract-invalidation.ts';

/**
 * The storage contract: one suite every backend runs (memory, SQLite, file system, and later
 * Redis and S3), so they all behave alike where the engine relies on them.
 *
 * @module
 */

/** What the contract asks of a backend's factory. */
export interface ContractOptions {
  /** The clock the storage must use for expiry (`deleteAt`), pruning and LRU order. */
  readonly clock: () => number;
  /** A cap in bytes; set only by the eviction tests, which run with the `maxBytes` capability. */
  readonly maxBytes?: number;
  /**
   * Where to store: a fresh name for each test. A second call with the same name reopens the same
   * persistent place (for backends with the `persistent` capability).
   */
  readonly location: string;
}

/** Creates a storage at `options.location`. */
export type StorageFactory = (options: ContractOptions) => Storage | Promise<Storage>;

/** Optional behaviours whose tests a backend opts into. */
export interface ContractCapabilities {
  /** Entries outlive `close()`: a storage reopened at the same location sees them. */
  readonly persistent?: boolean;
  /** The storage honours `maxBytes`, evicting the least recently used entries (stored or touched). */
  readonly maxBytes?: boolean;
  /** The storage has `deleteTag` (through a tag index) and `deletePrefix`. */
  readonly invalidation?: boolean;
}

type Bytes = Uint8Array<ArrayBuffer>;

/** Runs the storage contract against the storages `factory` creates. */
export function storageContract(
  name: string,
  factory: StorageFactory,
  capabilities: ContractCapabilities = {},
): void {
  describe(`storage contract: ${name}`, () => {
    const opened: Storage[] = [];
    let locations = 0;
    let location = '';
    let clock: ManualClock = manualClock();

    /** The test's storage (the same location each time within a test). */
    async function open(maxBytes?: number): Promise<Storage> {
      const options: ContractOptions =
        maxBytes === undefined ? { clock, location } : { clock, location, maxBytes };
      const storage = await factory(options);
      opened.push(storage);
      return storage;
    }

    function fresh(): void {
      location = `contract-${++locations}`;
      clock = manualClock(1_700_000_000_000);
    }

    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((storage) => storage.close()));
    });

    const test = (title: string, fn: () => Promise<void>, timeout?: number) =>
      it(
        title,
        async () => {
          fresh();
          await fn();
        },
        timeout,
      );

    describe('round trips', () => {
      test('stores an entry and returns its metadata and body', async () => {
        const storage = await open();
        const toStore = entry(clock, 'GET https://example.com/a', {
          status: 203,
          statusText: 'Non-Authoritative Information',
          headers: [
            ['content-type', 'text/plain; charset=utf-8'],
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
            ['x-unicode', 'caf\u00e9'],
          ],
          vary: { 'accept-language': 'en', 'x-absent': null },
          variant: 'accept-language=en',
        });
        const stored = await storage.put(toStore, streamOf(text('hello, world')));
        expect(stored).toMatchObject({ ...toStore, size: 12, hits: 0 });
        expect(typeof stored.id).toBe('string');
        const [found, ...others] = await storage.get(toStore.key);
        expect(others).toEqual([]);
        expect(found).toEqual(stored);
        expect(await readText(await storage.body(stored))).toBe('hello, world');
      });

      test('an empty body round-trips as empty, not as missing', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf());
        expect(stored.size).toBe(0);
        const body = await storage.body(stored);
        expect(body).not.toBeNull();
        expect((await readBytes(body)).byteLength).toBe(0);
      });

      test('binary bodies round-trip byte for byte, whatever the chunking', async () => {
        const storage = await open();
        const all = new Uint8Array(256 * 3 + 5);
        for (let i = 0; i < all.length; i++) all[i] = (i * 7) & 0xff;
        const pieces = [
          all.subarray(0, 1),
          all.subarray(1, 8),
          all.subarray(8, 700),
          all.slice(700),
        ];
        const stored = await storage.put(entry(clock, 'k'), streamOf(...pieces.map(copy)));
        expect(stored.size).toBe(all.length);
        expect(await readBytes(await storage.body(stored))).toEqual(all);
      });

      test('a 50 MB body streams in and out in chunks', async () => {
        const storage = await open();
        const size = 50 * 1024 * 1024;
        const source = randomBody(size, 64 * 1024);
        const stored = await storage.put(entry(clock, 'big'), source.stream);
        expect(stored.size).toBe(size);
        const [found] = await storage.get('big');
        expect(found?.size).toBe(size);
        expect(await digestOf(await storage.body(stored))).toEqual({
          size,
          sha256: source.digest(),
        });
      }, 30_000);

      test('a body larger than a chunk arrives in one piece of input', async () => {
        const storage = await open();
        const whole = pattern(1024 * 1024 + 3, 1);
        const stored = await storage.put(entry(clock, 'k'), streamOf(copy(whole)));
        expect(await readBytes(await storage.body(stored))).toEqual(whole);
      });

      // Regression: a `stored` claim came before the entry could be found. Once put resolves,
      // the entry is durable and findable: get and body see it at once, whatever runs alongside.
      test('once put resolves, get finds the entry and body reads it at once', async () => {
        const storage = await open();
        const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
        await Promise.all(
          keys.map(async (key, i) => {
            const size = i % 2 === 0 ? 10 : 300 * 1024;
            const stored = await storage.put(entry(clock, key), streamOf(filled(size, i)));
            expect(await storage.get(key)).toEqual([stored]);
            const bytes = await readBytes(await storage.body(stored));
            expect(bytes.byteLength === size && bytes.every((b) => b === i)).toBe(true);
          }),
        );
      });

      test('an unknown key has no variants; a body of an entry never stored is null', async () => {
        const storage = await open();
        expect(await storage.get('nothing')).toEqual([]);
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('x')));
        expect(await storage.body({ ...stored, id: `${stored.id}0`, key: 'other' })).toBeNull();
      });
    });

    describe('variants', () => {
      test('keeps several variants under one key', async () => {
        const storage = await open();
        const en = await storage.put(
          entry(clock, 'k', { variant: 'lang=en', vary: { 'accept-language': 'en' } }),
          streamOf(text('hello')),
        );
        const fr = await storage.put(
          entry(clock, 'k', { variant: 'lang=fr', vary: { 'accept-language': 'fr' } }),
          streamOf(text('bonjour')),
        );
        const found = await storage.get('k');
        expect(byVariant(found)).toEqual(byVariant([en, fr]));
        expect(await readText(await storage.body(en))).toBe('hello');
        expect(await readText(await storage.body(fr))).toBe('bonjour');
      });

      test('a new entry replaces the one of the same key and variant', async () => {
        const storage = await open();
        const old = await storage.put(entry(clock, 'k', { variant: 'v' }), streamOf(text('old')));
        const other = await storage.put(entry(clock, 'k', { variant: 'w' }), streamOf(text('w')));
        clock.advance(1);
        const newer = await storage.put(
          entry(clock, 'k', { variant: 'v', status: 201 }),
          streamOf(text('newer')),
        );
        expect(newer.id).not.toBe(old.id);
        expect(byVariant(await storage.get('k'))).toEqual(byVariant([newer, other]));
        expect(await readText(await storage.body(newer))).toBe('newer');
        expect(await storage.body(old)).toBeNull();
        expect((await storage.stats()).entries).toBe(2);
      });

      test('keys are independent', async () => {
        const storage = await open();
        const a = await storage.put(entry(clock, 'a'), streamOf(text('a')));
        await storage.put(entry(clock, 'b'), streamOf(text('b')));
        await storage.delete('b');
        expect(await storage.get('a')).toEqual([a]);
        expect(await storage.get('b')).toEqual([]);
      });
    });

    describe('update and touch', () => {
      test('update patches the metadata and keeps the body', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        clock.advance(30);
        const patch: EntryPatch = {
          headers: [
            ['content-type', 'text/plain'],
            ['etag', '"2"'],
          ],
          responseTime: clock(),
          requestTime: clock() - 5,
          staleAt: clock() + 60_000,
          deleteAt: clock() + 7_200_000,
        };
        const freshened: EntryMeta = { ...stored, ...patch };
        expect(await storage.update(stored, patch)).toBe(true);
        expect(await storage.get('k')).toEqual([freshened]);
        expect(await readText(await storage.body(freshened))).toBe('body');
      });

      test('update changes only the fields the patch sets, never what storage owns', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        const sneaky = { deleteAt: stored.deleteAt + 1, size: 99, hits: 7, status: 500 };
        expect(await storage.update(stored, sneaky)).toBe(true);
        expect(await storage.get('k')).toEqual([{ ...stored, deleteAt: stored.deleteAt + 1 }]);
      });

      test('update keeps the hit count storage keeps, and is false once the entry is gone', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        await storage.touch(stored, clock());
        expect(await storage.update(stored, { staleAt: stored.staleAt + 1 })).toBe(true);
        expect((await storage.get('k'))[0]?.hits).toBe(1);
        await storage.delete('k');
        expect(await storage.update(stored, { staleAt: 0 })).toBe(false);
        expect(await storage.get('k')).toEqual([]);
      });

      test('update is false for an entry replaced by another, and leaves the newer alone', async () => {
        const storage = await open();
        const old = await storage.put(entry(clock, 'k'), streamOf(text('old')));
        const newer = await storage.put(entry(clock, 'k'), streamOf(text('newer')));
        expect(await storage.update(old, { staleAt: 1 })).toBe(false);
        expect(await storage.get('k')).toEqual([newer]);
      });

      // Regression: an update wrote back the whole entry as the caller had read it, so a TTL
      // refresh landing after a freshening undid the freshening (a lost update). Now each update
      // patches what is stored, and racing updates all land.
      test('racing updates all land: a freshening and a TTL refresh, in both orders', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        const freshen: EntryPatch = {
          headers: [['etag', '"fresh"']],
          responseTime: clock() + 5,
          requestTime: clock() + 4,
          staleAt: clock() + 120_000,
        };
        const refresh: EntryPatch = { deleteAt: clock() + 9_000_000 };
        const results = await Promise.all([
          storage.update(stored, freshen),
          storage.update(stored, refresh),
          storage.touch(stored, clock()),
        ]);
        expect(results.slice(0, 2)).toEqual([true, true]);
        const landed = { ...stored, ...freshen, ...refresh, hits: 1 };
        expect(await storage.get('k')).toEqual([landed]);
        const later: EntryPatch = { deleteAt: clock() + 9_500_000 };
        const again = await Promise.all([
          storage.update(stored, later),
          storage.update(stored, { ...freshen, headers: [['etag', '"fresher"']] }),
        ]);
        expect(again).toEqual([true, true]);
        expect(await storage.get('k')).toEqual([
          { ...landed, ...later, headers: [['etag', '"fresher"']] },
        ]);
      });

      test('many interleaved updates of different fields all land', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        const patches = fieldPatches(clock());
        const results = await Promise.all(patches.map((patch) => storage.update(stored, patch)));
        expect(results).toEqual(patches.map(() => true));
        expect(await storage.get('k')).toEqual([Object.assign({ ...stored }, ...patches)]);
      });

      test('touch counts hits', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        await storage.touch(stored, clock());
        clock.advance(1);
        await storage.touch(stored, clock());
        expect((await storage.get('k'))[0]?.hits).toBe(2);
      });

      test('touching an entry that is gone is harmless', async () => {
        const storage = await open();
        const stored = await storage.put(entry(clock, 'k'), streamOf(text('body')));
        await storage.delete('k');
        await storage.touch(stored, clock());
        expect(await storage.get('k')).toEqual([]);
      });
    });

    describe('deletion', () => {
      test('delete removes every variant of a key and nothing else', async () => {
        const storage = await open();
        const a = await storage.put(entry(clock, 'k', { variant: 'a' }), streamOf(text('a')));
        await storage.put(entry(clock, 'k', { variant: 'b' }), streamOf(text('b')));
        const other = await storage.put(entry(clock, 'other'), streamOf(text('o')));
        await storage.delete('k');
        expect(await storage.get('k')).toEqual([]);
        expect(await storage.body(a)).toBeNull();
        expect(await storage.get('other')).toEqual([other]);
        expect((await storage.stats()).entries).toBe(1);
      });

      test('deleteUrl removes the entries of a URL under any key, and counts them', async () => {
        const storage = await open();
        const url = 'https://example.com/page';
        await storage.put(entry(clock, `GET ${url}`, { url }), streamOf(text('1')));
        await storage.put(entry(clock, 'custom key', { url, variant: 'x' }), streamOf(text('2')));
        const other = await storage.put(
          entry(clock, 'GET https://example.com/other', { url: 'https://example.com/other' }),
          streamOf(text('3')),
        );
        expect(await storage.deleteUrl(url)).toBe(2);
        expect(await storage.get(`GET ${url}`)).toEqual([]);
        expect(await storage.get('custom key')).toEqual([]);
        expect(await storage.get(other.key)).toEqual([other]);
        expect(await storage.deleteUrl(url)).toBe(0);
      });

      test('clear deletes everything, and the storage goes on working', async () => {
        const storage = await open();
        const a = await storage.put(entry(clock, 'a'), streamOf(pattern(600 * 1024, 3)));
        await storage.put(entry(clock, 'b'), streamOf(text('b')));
        await storage.clear();
        expect(await storage.stats()).toEqual({ entries: 0, bytes: 0 });
        expect(await collect(storage.list())).toEqual([]);
        expect(await storage.body(a)).toBeNull();
        const again = await storage.put(entry(clock, 'a'), streamOf(text('again')));
        expect(await storage.get('a')).toEqual([again]);
      });
    });

    describe('listing and stats', () => {
      test('list yields every live entry; stats count entries and bytes', async () => {
        const storage = await open();
        expect(await storage.stats()).toEqual({ entries: 0, bytes: 0 });
        const stored = [
          await storage.put(entry(clock, 'a'), streamOf(pattern(1000, 1))),
          await storage.put(entry(clock, 'b', { variant: 'x' }), streamOf(pattern(2000, 2))),
          await storage.put(entry(clock, 'b', { variant: 'y' }), streamOf(pattern(600 * 1024, 3))),
        ];
        expect(byId(await collect(storage.list()))).toEqual(byId(stored));
        const stats = await storage.stats();
        expect(stats.entries).toBe(3);
        expect(stats.bytes).toBeGreaterThanOrEqual(1000 + 2000 + 600 * 1024);
        await storage.delete('b');
        const after = await storage.stats();
        expect(after.entries).toBe(1);
        expect(after.bytes).toBeLessThan(stats.bytes - 600 * 1024);
        expect(await collect(storage.list())).toEqual([stored[0]]);
      });

      test('list pages through many entries', async () => {
        const storage = await open();
        const keys = Array.from({ length: 600 }, (_, i) => `k${i}`);
        // Stored 50 at a time: a remote backend's round trips overlap.
        for (let i = 0; i < keys.length; i += 50) {
          const batch = keys.slice(i, i + 50);
          await Promise.all(
            batch.map((key) => storage.put(entry(clock, key), streamOf(text(key)))),
          );
        }
        const listed = await collect(storage.list());
        expect(listed.map((e) => e.key).sort()).toEqual([...keys].sort());
      }, 60_000);
    });

    describe('expiry (injected clock)', () => {
      test('get and list hide entries past their deleteAt', async () => {
        const storage = await open();
        const short = await storage.put(
          entry(clock, 'short', { deleteAt: clock() + 5_000 }),
          streamOf(text('s')),
        );
        const long = await storage.put(
          entry(clock, 'long', { deleteAt: clock() + 60_000 }),
          streamOf(text('l')),
        );
        expect(await storage.get('short')).toEqual([short]);
        clock.advance(5);
        expect(await storage.get('short')).toEqual([]);
        expect(await storage.get('long')).toEqual([long]);
        expect(await collect(storage.list())).toEqual([long]);
      });

      test('prune removes expired entries and returns what it freed', async () => {
        const storage = await open();
        await storage.put(
          entry(clock, 'a', { deleteAt: clock() + 5_000 }),
          streamOf(pattern(500, 1)),
        );
        await storage.put(
          entry(clock, 'b', { deleteAt: clock() + 5_000 }),
          streamOf(pattern(700, 2)),
        );
        const live = await storage.put(
          entry(clock, 'c', { deleteAt: clock() + 60_000 }),
          streamOf(text('c')),
        );
        expect(await storage.prune()).toMatchObject({ entries: 0 });
        clock.advance(10);
        const freed = await storage.prune();
        expect(freed.entries).toBe(2);
        expect(freed.bytes).toBeGreaterThanOrEqual(1200);
        expect((await storage.stats()).entries).toBe(1);
        expect(await storage.get('c')).toEqual([live]);
        expect(await storage.prune()).toMatchObject({ entries: 0 });
      });

      test('update moves deleteAt', async () => {
        const storage = await open();
        const stored = await storage.put(
          entry(clock, 'k', { deleteAt: clock() + 5_000 }),
          streamOf(text('k')),
        );
        const extended = { ...stored, deleteAt: clock() + 60_000 };
        expect(await storage.update(stored, { deleteAt: extended.deleteAt })).toBe(true);
        clock.advance(10);
        expect(await storage.get('k')).toEqual([extended]);
      });

      // The cache drops one variant (a combined part) by moving its deleteAt into the past.
      test('update with a past deleteAt hides that variant, not its siblings', async () => {
        const storage = await open();
        const first = await storage.put(entry(clock, 'k', { variant: 'a' }), streamOf(text('a')));
        const second = await storage.put(entry(clock, 'k', { variant: 'b' }), streamOf(text('b')));
        const third = await storage.put(entry(clock, 'k', { variant: 'c' }), streamOf(text('c')));
        expect(await storage.update(first, { deleteAt: 0 })).toBe(true);
        expect(await storage.update(second, { deleteAt: 0 })).toBe(true);
        expect(await storage.get('k')).toEqual([third]);
        expect(await storage.get('k')).toEqual([third]);
        expect(await readText(await storage.body(third))).toBe('c');
      });
    });

    if (capabilities.maxBytes === true) {
      describe('eviction under a byte cap', () => {
        const cap = 200 * 1024;

        test('evicts the least recently used entries beyond maxBytes', async () => {
          const storage = await open(cap);
          const body = () => streamOf(pattern(60 * 1024, 9));
          await storage.put(entry(clock, 'a'), body());
          clock.advance(1);
          await storage.put(entry(clock, 'b'), body());
          clock.advance(1);
          await storage.put(entry(clock, 'c'), body());
          clock.advance(1);
          const [a] = await storage.get('a');
          if (a === undefined) throw new Error('a was evicted too early');
          await storage.touch(a, clock());
          clock.advance(1);
          await storage.put(entry(clock, 'd'), body());
          expect(await storage.get('b')).toEqual([]);
          for (const key of ['a', 'c', 'd']) expect(await storage.get(key)).toHaveLength(1);
          const stats = await storage.stats();
          expect(stats.entries).toBe(3);
          expect(stats.bytes).toBeLessThanOrEqual(cap);
        });

        test('a body larger than maxBytes is not stored, and evicts nothing', async () => {
          const storage = await open(cap);
          const kept = await storage.put(entry(clock, 'kept'), streamOf(text('kept')));
          await expect(
            storage.put(entry(clock, 'huge'), randomBody(cap + 1, 16 * 1024).stream),
          ).rejects.toThrow();
          expect(await storage.get('huge')).toEqual([]);
          expect(await storage.get('kept')).toEqual([kept]);
          expect((await storage.stats()).entries).toBe(1);
        });
      });
    }

    describe('concurrency and failures', () => {
      test('concurrent writers to one key and variant leave one complete entry', async () => {
        const storage = await open();
        const writers = [0, 1, 2, 3].map(() => manualStream());
        const part = 200 * 1024;
        const puts = writers.map((w) => storage.put(entry(clock, 'k', { variant: 'v' }), w.stream));
        for (let round = 0; round < 3; round++) {
          for (const [i, w] of writers.entries()) {
            w.push(filled(part, 0x10 + i));
            await tick();
          }
        }
        for (const i of [2, 0, 3, 1]) {
          writers[i]?.close();
          await tick();
        }
        const stored = await Promise.all(puts);
        const found = await storage.get('k');
        expect(found).toHaveLength(1);
        const winner = found[0];
        if (winner === undefined) throw new Error('no entry');
        const index = stored.findIndex((s) => s.id === winner.id);
        expect(index).toBeGreaterThanOrEqual(0);
        const bytes = await readBytes(await storage.body(winner));
        expect(bytes.byteLength).toBe(3 * part);
        expect(bytes.every((b) => b === 0x10 + index)).toBe(true);
        expect((await storage.stats()).entries).toBe(1);
      });

      // Regression: SqliteStorage deleted a replaced entry's chunks under a live reader, so a hit
      // of a body over 256 KiB failed mid-stream ("removed while being read") when the entry was
      // replaced. A body that has started to be served stays readable until its reader is done.
      test('a 10 MiB hit half read while its entry is replaced gets the old body whole', async () => {
        const storage = await open();
        const size = 10 * 1024 * 1024;
        const old = await storage.put(entry(clock, 'k'), streamOf(filled(size, 0xaa)));
        const reading = partialRead(await storage.body(old), size / 2);
        await reading.started;
        const newer = await storage.put(entry(clock, 'k'), streamOf(filled(size, 0xbb)));
        expectWhole(await reading.finish(), size, 0xaa);
        expect(await storage.body(old)).toBeNull();
        const bytes = await readBytes(await storage.body(newer));
        expect(bytes.byteLength === size && bytes.every((b) => b === 0xbb)).toBe(true);
      }, 30_000);

      test('a 10 MiB hit half read while its entry is deleted gets the old body whole', async () => {
        const storage = await open();
        const size = 10 * 1024 * 1024;
        const old = await storage.put(entry(clock, 'k'), streamOf(filled(size, 0xaa)));
        const reading = partialRead(await storage.body(old), size / 2);
        await reading.started;
        await storage.delete('k');
        await storage.put(entry(clock, 'other'), streamOf(filled(size, 0xbb)));
        await storage.prune();
        expectWhole(await reading.finish(), size, 0xaa);
        expect(await storage.body(old)).toBeNull();
      }, 30_000);

      test('a put whose stream errors stores nothing, and rejects with that error', async () => {
        const storage = await open();
        const kept = await storage.put(entry(clock, 'k'), streamOf(text('kept')));
        const failure = new Error('the origin went away');
        const body = manualStream();
        const put = storage.put(entry(clock, 'k'), body.stream);
        body.push(filled(300 * 1024, 1));
        await tick();
        body.push(filled(300 * 1024, 2));
        await tick();
        body.error(failure);
        await expect(put).rejects.toBe(failure);
        expect(await storage.get('k')).toEqual([kept]);
        expect(await readText(await storage.body(kept))).toBe('kept');
        const failed = storage.put(entry(clock, 'new'), errorAfter(text('partial'), failure));
        await expect(failed).rejects.toBe(failure);
        expect(await storage.get('new')).toEqual([]);
        expect((await storage.stats()).entries).toBe(1);
      });

      test('is unusable after close()', async () => {
        const storage = await open();
        await storage.close();
        await expect(storage.get('k')).rejects.toThrow();
        await storage.close();
      });
    });

    if (capabilities.invalidation === true) {
      describe('invalidation', () => {
        invalidationContract({
          test,
          open: () => open(),
          clock: () => clock,
          persistent: capabilities.persistent === true,
        });
      });
    }

    if (capabilities.persistent === true) {
      describe('persistence', () => {
        test('updates racing from two storages on one location all land', async () => {
          const [first, second] = [await open(), await open()];
          const stored = await first.put(entry(clock, 'k'), streamOf(text('body')));
          const patches = fieldPatches(clock());
          const results = await Promise.all(
            patches.map((patch, i) => (i % 2 === 0 ? first : second).update(stored, patch)),
          );
          expect(results).toEqual(patches.map(() => true));
          const landed = Object.assign({ ...stored }, ...patches);
          expect(await first.get('k')).toEqual([landed]);
          expect(await second.get('k')).toEqual([landed]);
        });

        test('entries, bodies, hits and updates survive close and reopen', async () => {
          const first = await open();
          const big = pattern(700 * 1024, 5);
          const small = await first.put(
            entry(clock, 'small', { variant: 'v' }),
            streamOf(text('small')),
          );
          const large = await first.put(entry(clock, 'large'), streamOf(copy(big)));
          const empty = await first.put(entry(clock, 'empty'), streamOf());
          await first.touch(small, clock());
          const patch: EntryPatch = { staleAt: large.staleAt + 1000, headers: [['etag', '"x"']] };
          const updated: EntryMeta = { ...large, ...patch };
          expect(await first.update(large, patch)).toBe(true);
          await first.close();

          const second = await open();
          expect(await second.get('small')).toEqual([{ ...small, hits: 1 }]);
          expect(await second.get('large')).toEqual([updated]);
          expect(await readText(await second.body(small))).toBe('small');
          expect(await readBytes(await second.body(updated))).toEqual(big);
          expect((await readBytes(await second.body(empty))).byteLength).toBe(0);
          expect(await collect(second.list())).toHaveLength(3);
          expect((await second.stats()).entries).toBe(3);
        });
      });
    }
  });
}

/** One patch per patchable field, each setting a value no other patch sets. */
function fieldPatches(base: number): EntryPatch[] {
  return [
    { staleAt: base + 1 },
    { deleteAt: base + 2_000_000 },
    { headers: [['x-n', '3']] },
    { requestTime: base + 4 },
    { responseTime: base + 5 },
  ];
}

/** An entry to store, stored now, fresh for a minute and kept for an hour. */
export function entry(
  clock: () => number,
  key: string,
  overrides: Partial<EntryToStore> = {},
): EntryToStore {
  const now = clock();
  return {
    key,
    url: `https://example.com/${encodeURIComponent(key)}`,
    method: 'GET',
    status: 200,
    statusText: 'OK',
    headers: [['content-type', 'application/octet-stream']],
    vary: {},
    variant: '',
    requestTime: now - 20,
    responseTime: now - 10,
    createdAt: now,
    staleAt: now + 60_000,
    deleteAt: now + 3_600_000,
    ...overrides,
  };
}

function text(value: string): Bytes {
  return new TextEncoder().encode(value) as Bytes;
}

function copy(bytes: Uint8Array): Bytes {
  return bytes.slice() as Bytes;
}

function filled(size: number, byte: number): Bytes {
  return new Uint8Array(size).fill(byte);
}

/** Deterministic bytes that differ from one offset to the next. */
function pattern(size: number, seed: number): Bytes {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17 + (i >> 10)) & 0xff;
  return bytes;
}

export function streamOf(...chunks: Bytes[]): ReadableStream<Bytes> {
  return new ReadableStream<Bytes>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

function errorAfter(chunk: Bytes, error: Error): ReadableStream<Bytes> {
  return new ReadableStream<Bytes>({
    start(controller) {
      controller.enqueue(chunk);
      controller.error(error);
    },
  });
}

/** A body of random bytes made chunk by chunk as it is read; never held whole. */
function randomBody(
  size: number,
  chunkSize: number,
): {
  stream: ReadableStream<Bytes>;
  digest: () => string;
} {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new ReadableStream<Bytes>({
    pull(controller) {
      if (sent === size) {
        controller.close();
        return;
      }
      const chunk = new Uint8Array(Math.min(chunkSize, size - sent));
      crypto.getRandomValues(chunk);
      hash.update(chunk);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, digest: () => hash.copy().digest('hex') };
}

/** A stream the test feeds by hand. */
function manualStream(): {
  stream: ReadableStream<Bytes>;
  push(chunk: Bytes): void;
  close(): void;
  error(error: Error): void;
} {
  let controller!: ReadableStreamDefaultController<Bytes>;
  const stream = new ReadableStream<Bytes>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    push: (chunk) => controller.enqueue(chunk),
    close: () => controller.close(),
    error: (error) => controller.error(error),
  };
}

/** Lets other tasks (the puts reading their streams, timers of backends) run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}

async function* chunksOf(body: StoredBody | null): AsyncGenerator<Uint8Array> {
  if (body === null) throw new Error('the body is missing');
  if (body instanceof Uint8Array) {
    yield body;
    return;
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export async function readBytes(body: StoredBody | null): Promise<Bytes> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(body)) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

async function readText(body: StoredBody | null): Promise<string> {
  return new TextDecoder().decode(await readBytes(body));
}

async function digestOf(body: StoredBody | null): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunksOf(body)) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

type ReadOutcome = { bytes: Bytes; error?: undefined } | { bytes: Bytes; error: unknown };

/** Starts reading a body: `started` once `first` bytes are in, `finish()` reads the rest. */
function partialRead(
  body: StoredBody | null,
  first: number,
): { started: Promise<void>; finish(): Promise<ReadOutcome> } {
  const iterator = chunksOf(body);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const pull = async (until: number): Promise<unknown> => {
    try {
      while (size < until) {
        const next = await iterator.next();
        if (next.done === true) return undefined;
        chunks.push(next.value);
        size += next.value.byteLength;
      }
      return undefined;
    } catch (error) {
      return error ?? new Error('failed');
    }
  };
  const started = pull(first);
  return {
    started: started.then(() => undefined),
    finish: async () => {
      const early = await started;
      const error = early ?? (await pull(Number.POSITIVE_INFINITY));
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return error === undefined ? { bytes } : { bytes, error };
    },
  };
}

/** The old entry's bytes were read, all of them, with no error. */
function expectWhole(outcome: ReadOutcome, size: number, byte: number): void {
  expect(outcome.error).toBeUndefined();
  expect(outcome.bytes.byteLength).toBe(size);
  expect(outcome.bytes.every((b) => b === byte)).toBe(true);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function byVariant(entries: readonly EntryMeta[]): EntryMeta[] {
  return [...entries].sort((a, b) => a.variant.localeCompare(b.variant));
}

function byId(entries: readonly EntryMeta[]): EntryMeta[] {
  return [...entries].sort((a, b) => a.id.localeCompare(b.id));
}
