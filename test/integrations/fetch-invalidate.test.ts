import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachedFetch,
  ClosedError,
  cacheStatus,
  createFetch,
  InvalidationError,
  MemoryStorage,
  OptionsError,
  type Storage,
} from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;
const fetches: CachedFetch[] = [];

beforeEach(async () => {
  origin = await startOrigin({
    '/a': { headers: { 'cache-control': 'max-age=60', 'cache-tag': 'group, a' }, body: 'a' },
    '/b': { headers: { 'cache-control': 'max-age=60', 'surrogate-key': 'group  b' }, body: 'b' },
    '/api/1': { headers: { 'cache-control': 'max-age=60' }, body: '1' },
    '/api/2?x=1': { headers: { 'cache-control': 'max-age=60' }, body: '2' },
    '/apix': { headers: { 'cache-control': 'max-age=60' }, body: 'x' },
    '/vary': {
      headers: { 'cache-control': 'max-age=60', vary: 'accept-language' },
      body: 'v',
    },
    '/custom': { headers: { 'cache-control': 'max-age=60', 'x-tags': 'c1,c2' }, body: 'c' },
  });
});
afterEach(async () => {
  await Promise.all(fetches.splice(0).map((f) => f.close()));
  await origin.close();
});

function cached(options: Parameters<typeof createFetch>[0] = {}): CachedFetch {
  const f = createFetch(options);
  fetches.push(f);
  return f;
}

/** Fetches a path through the cache, reads the body, and waits for the entry to be stored. */
async function load(f: CachedFetch, path: string, init?: RequestInit): Promise<Response> {
  const response = await f(`${origin.url}${path}`, init);
  await response.text();
  await f.idle();
  return response;
}

async function fromCache(f: CachedFetch, path: string, init?: RequestInit): Promise<boolean> {
  return cacheStatus(await load(f, path, init))?.fromCache === true;
}

describe('invalidate by URL', () => {
  it('a URL string, a URL object spelled differently and a Request name the same entries', async () => {
    const f = cached();
    await load(f, '/a');
    expect(await fromCache(f, '/a')).toBe(true);
    const url = new URL(`${origin.url}/a#fragment`);
    url.hostname = url.hostname.toUpperCase();
    expect(await f.invalidate(url)).toBe(1);
    expect(await fromCache(f, '/a')).toBe(false);
    expect(await f.invalidate(new Request(`${origin.url}/a`, { method: 'HEAD' }))).toBe(1);
    expect(await f.invalidate(`${origin.url}/a`)).toBe(0);
    expect(origin.count('/a')).toBe(2);
  });

  it('deletes every variant stored for the URL', async () => {
    const f = cached();
    await load(f, '/vary', { headers: { 'accept-language': 'en' } });
    await load(f, '/vary', { headers: { 'accept-language': 'fr' } });
    expect(await f.cache.invalidate(`${origin.url}/vary`)).toBe(2);
    expect(await fromCache(f, '/vary', { headers: { 'accept-language': 'en' } })).toBe(false);
  });
});

describe('invalidate by prefix and tag', () => {
  it('a prefix deletes the entries whose URL starts with it', async () => {
    const f = cached();
    for (const path of ['/api/1', '/api/2?x=1', '/apix', '/a']) await load(f, path);
    expect(await f.invalidate({ prefix: `${origin.url}/api/` })).toBe(2);
    expect(await fromCache(f, '/apix')).toBe(true);
    expect(await fromCache(f, '/api/1')).toBe(false);
  });

  it('Cache-Tag (commas) and Surrogate-Key (spaces) tag entries', async () => {
    const f = cached();
    await load(f, '/a');
    await load(f, '/b');
    await load(f, '/api/1');
    expect(await f.invalidate({ tag: 'b' })).toBe(1);
    expect(await fromCache(f, '/a')).toBe(true);
    expect(await f.invalidate({ tag: ' group ' })).toBe(1);
    expect(await fromCache(f, '/a')).toBe(false);
    expect(await fromCache(f, '/api/1')).toBe(true);
  });

  it('tagHeaders names the fields tags come from; false stores none', async () => {
    const custom = cached({ tagHeaders: ['X-Tags'] });
    await load(custom, '/custom');
    await load(custom, '/a');
    expect(await custom.invalidate({ tag: 'a' })).toBe(0);
    expect(await custom.invalidate({ tag: 'c2' })).toBe(1);
    const none = cached({ tagHeaders: false });
    await load(none, '/a');
    expect(await none.invalidate({ tag: 'a' })).toBe(0);
  });

  it('a storage without deleteTag and deletePrefix is purged by listing', async () => {
    const memory = new MemoryStorage();
    // Only the required methods: no deleteTag, no deletePrefix.
    const required = Object.fromEntries(
      (
        [
          'get',
          'body',
          'put',
          'update',
          'touch',
          'delete',
          'deleteUrl',
          'list',
          'stats',
          'prune',
          'clear',
          'close',
        ] as const
      ).map((name) => [name, (memory[name] as (...args: never[]) => unknown).bind(memory)]),
    ) as unknown as Storage;
    const f = cached({ storage: required });
    await load(f, '/a');
    await load(f, '/api/1');
    await load(f, '/api/2?x=1');
    expect(await f.invalidate({ tag: 'group' })).toBe(1);
    expect(await f.invalidate({ prefix: `${origin.url}/api` })).toBe(2);
    expect((await memory.stats()).entries).toBe(0);
  });
});

describe('tag fields in what is served', () => {
  it('a shared cache leaves them out of misses and hits; a private one keeps them', async () => {
    const shared = cached({ shared: true });
    const miss = await load(shared, '/a');
    const hit = await load(shared, '/a');
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    for (const response of [miss, hit]) expect(response.headers.has('cache-tag')).toBe(false);
    expect(await shared.invalidate({ tag: 'a' })).toBe(1);

    const kept = cached({ shared: true, stripTagHeaders: false });
    await load(kept, '/b');
    expect((await load(kept, '/b')).headers.get('surrogate-key')).toBe('group  b');

    const own = cached();
    await load(own, '/a');
    expect((await load(own, '/a')).headers.get('cache-tag')).toBe('group, a');
  });
});

describe('clear and bad targets', () => {
  it('clear deletes everything', async () => {
    const f = cached();
    await load(f, '/a');
    await load(f, '/b');
    await f.clear();
    expect(await fromCache(f, '/a')).toBe(false);
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['an empty object', {}],
    ['two members', { prefix: 'https://example.com/', tag: 't' }],
    ['a relative prefix', { prefix: '/api' }],
    ['a prefix that is not a string', { prefix: 1 }],
    ['an empty tag', { tag: ' ' }],
    ['a tag that is not a string', { tag: ['t'] }],
    ['a string that is not a URL', 'not a url'],
    ['a URL of another scheme', 'ftp://example.com/'],
  ])('%s is refused with an InvalidationError', async (_, target) => {
    const f = cached();
    const refused = f.invalidate(target as never);
    await expect(refused).rejects.toBeInstanceOf(InvalidationError);
    await expect(refused).rejects.toMatchObject({ code: 'ERR_HTTPCACHE_INVALIDATION' });
  });

  it('bad tag options are refused; a closed cache refuses to invalidate', async () => {
    expect(() => createFetch({ tagHeaders: ['bad name'] })).toThrow(OptionsError);
    expect(() => createFetch({ stripTagHeaders: 'yes' as never })).toThrow(OptionsError);
    const f = createFetch();
    await f.close();
    await expect(f.invalidate({ tag: 't' })).rejects.toBeInstanceOf(ClosedError);
    await expect(f.clear()).rejects.toBeInstanceOf(ClosedError);
  });
});
