/**
 * The synchronous operations of in-process storages (`SyncStorage`): each answers as its
 * asynchronous counterpart does, and the cache uses them only beside the counterpart they stand
 * for (a `get` wrapped on an instance is still what the cache calls).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpCache } from '../../src/engine/http-cache.ts';
import { MemoryStorage } from '../../src/storage/memory.ts';
import { SqliteStorage } from '../../src/storage/sqlite.ts';
import type { Storage, SyncStorage } from '../../src/storage/types.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { entry, readBytes, streamOf } from './contract.ts';

const clock = () => 1_700_000_000_000;
let directory: string | undefined;
let origin: TestOrigin | undefined;

afterEach(async () => {
  await origin?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  directory = origin = undefined;
});

const storages: [string, () => Promise<Storage & Required<SyncStorage>>][] = [
  ['MemoryStorage', async () => new MemoryStorage({ clock, maxBytes: 4096 })],
  [
    'SqliteStorage',
    async () => {
      directory = await mkdtemp(join(tmpdir(), 'httpcache-sync-'));
      return new SqliteStorage({ path: join(directory, 'c.sqlite'), clock, maxBytes: 1 << 20 });
    },
  ],
];

describe.each(storages)('%s: synchronous operations', (_name, open) => {
  it('putBytesSync stores at once; getSync, bodySync, updateSync and touchSync answer as their counterparts', async () => {
    const storage = await open();
    const bytes = new TextEncoder().encode('hello') as Uint8Array<ArrayBuffer>;
    const stored = storage.putBytesSync(entry(clock, 'k'), bytes);
    expect(stored.size).toBe(5);
    expect(storage.getSync('k')).toEqual(await storage.get('k'));
    expect(await readBytes(storage.bodySync(stored))).toEqual(
      await readBytes(await storage.body(stored)),
    );
    expect(new TextDecoder().decode(await readBytes(storage.bodySync(stored)))).toBe('hello');
    // A second put of the variant replaces it, as put does.
    const again = storage.putBytesSync(entry(clock, 'k'), new Uint8Array(3));
    expect(storage.getSync('k').map((e) => e.id)).toEqual([again.id]);
    expect(storage.bodySync(stored)).toBeNull();
    expect(storage.updateSync(again, { staleAt: clock() + 5 })).toBe(true);
    expect(storage.getSync('k')[0]?.staleAt).toBe(clock() + 5);
    expect(storage.updateSync(stored, { staleAt: 0 })).toBe(false);
    storage.touchSync(again, clock());
    expect(storage.getSync('k')[0]?.hits).toBe(1);
    await storage.touch(again, clock());
    expect(storage.getSync('k')[0]?.hits).toBe(2);
    await storage.close();
  });

  it('putBytesSync throws where put would reject: a body over maxBytes, a closed storage', async () => {
    const storage = await open();
    const tooLarge = new Uint8Array(2 << 20) as Uint8Array<ArrayBuffer>;
    expect(() => storage.putBytesSync(entry(clock, 'big'), tooLarge)).toThrow();
    await expect(storage.put(entry(clock, 'big'), streamOf(tooLarge))).rejects.toThrow();
    expect(storage.getSync('big')).toEqual([]);
    await storage.close();
    expect(() => storage.getSync('big')).toThrow();
  });
});

describe('the cache and synchronous operations', () => {
  it('calls a get wrapped on the instance, not the getSync it no longer matches', async () => {
    origin = await startOrigin();
    origin.route('/', { headers: { 'cache-control': 'max-age=60' }, body: 'hi' });
    const storage = new MemoryStorage();
    const keys: string[] = [];
    const get = storage.get.bind(storage);
    storage.get = (key: string) => {
      keys.push(key);
      return get(key);
    };
    const cache = new HttpCache({ storage });
    await (await cache.fetch(`${origin.url}/`)).text();
    await cache.idle();
    await (await cache.fetch(`${origin.url}/`)).text();
    expect(keys).toHaveLength(2);
    expect(origin.count('/')).toBe(1);
    await cache.close();
  });
});
