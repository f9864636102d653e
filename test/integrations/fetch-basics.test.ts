import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheStatus,
  createFetch,
  HttpCache,
  MemoryStorage,
  OptionsError,
} from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('createFetch: hits do not reach the origin', () => {
  it('stores a fresh response and serves it with Age, Cache-Status and metadata', async () => {
    const clock = manualClock();
    origin.route('/a', {
      headers: { 'cache-control': 'max-age=60', 'x-test': '1' },
      body: 'hello',
    });
    const cachedFetch = createFetch({ clock });

    const first = await cachedFetch(`${origin.url}/a`);
    expect(await first.text()).toBe('hello');
    expect(first.headers.get('cache-status')).toBe(
      'httpcache; fwd=uri-miss; fwd-status=200; ttl=60; stored',
    );
    expect(cacheStatus(first)).toMatchObject({
      fromCache: false,
      stored: true,
      forwarded: 'uri-miss',
    });
    await Promise.resolve();

    clock.advance(10);
    const second = await cachedFetch(`${origin.url}/a`);
    expect(await second.text()).toBe('hello');
    expect(second.status).toBe(200);
    expect(second.url).toBe(`${origin.url}/a`);
    expect(second.headers.get('x-test')).toBe('1');
    expect(second.headers.get('age')).toBe('10');
    expect(second.headers.get('cache-status')).toBe('httpcache; hit; ttl=50');
    expect(cacheStatus(second)).toMatchObject({
      fromCache: true,
      revalidated: false,
      key: `GET ${origin.url}/a`,
      createdAt: clock() - 10_000,
      hits: 0,
      ttl: 50,
    });
    const third = await cachedFetch(`${origin.url}/a`);
    expect(cacheStatus(third)?.hits).toBe(1);
    await third.body?.cancel();
    expect(origin.count('/a')).toBe(1);
    await cachedFetch.close();
  });

  it('accepts a URL object and a Request, and keys them alike', async () => {
    origin.route('/r', { headers: { 'cache-control': 'max-age=60' }, body: 'r' });
    const cachedFetch = createFetch();
    await (await cachedFetch(new URL(`${origin.url}/r`))).text();
    const viaRequest = await cachedFetch(new Request(`${origin.url}/r#fragment`));
    expect(await viaRequest.text()).toBe('r');
    expect(cacheStatus(viaRequest)?.fromCache).toBe(true);
    expect(origin.count('/r')).toBe(1);
    await cachedFetch.close();
  });

  it('becomes stale as the clock moves past the freshness lifetime', async () => {
    const clock = manualClock();
    origin.route('/s', { headers: { 'cache-control': 'max-age=5', etag: '"s1"' }, body: 's' });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/s`)).text();
    clock.advance(4);
    await (await cachedFetch(`${origin.url}/s`)).text();
    expect(origin.count('/s')).toBe(1);
    clock.advance(2);
    const res = await cachedFetch(`${origin.url}/s`);
    await res.text();
    expect(res.headers.get('cache-status')).toContain('fwd=stale');
    expect(origin.count('/s')).toBe(2);
    await cachedFetch.close();
  });

  it('does not reuse a response without freshness information (RFC 9111 §4.2)', async () => {
    origin.route('/plain', { body: 'no headers' });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/plain`)).text();
    await (await cachedFetch(`${origin.url}/plain`)).text();
    expect(origin.count('/plain')).toBe(2);
    await cachedFetch.close();
  });

  it('keeps every header the origin sent, its Date and its status', async () => {
    const clock = manualClock();
    const date = new Date(clock() - 5000).toUTCString();
    origin.route('/gone', {
      status: 410,
      headers: {
        'cache-control': 'max-age=60',
        date,
        'x-one': 'a',
        'set-cookie': ['a=1', 'b=2'],
        connection: 'x-hop',
        'x-hop': 'h',
      },
      body: 'gone',
    });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/gone`)).text();
    const hit = await cachedFetch(`${origin.url}/gone`);
    expect(hit.status).toBe(410);
    expect(hit.headers.get('date')).toBe(date);
    expect(hit.headers.get('x-one')).toBe('a');
    expect(hit.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(hit.headers.get('x-hop')).toBeNull();
    expect(hit.headers.get('age')).toBe('5');
    expect(await hit.text()).toBe('gone');
    expect(origin.count('/gone')).toBe(1);
    await cachedFetch.close();
  });

  it('serves HEAD from a stored GET response (RFC 9110 §9.3.2)', async () => {
    origin.route('/h', {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' },
      body: 'body',
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/h`)).text();
    const head = await cachedFetch(`${origin.url}/h`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/plain');
    expect(await head.text()).toBe('');
    expect(cacheStatus(head)?.fromCache).toBe(true);
    expect(origin.count('/h')).toBe(1);
    await cachedFetch.close();
  });

  it('never lets a caller change stored bytes', async () => {
    origin.route('/bytes', { headers: { 'cache-control': 'max-age=60' }, body: 'abc' });
    const cachedFetch = createFetch();
    const first = new Uint8Array(await (await cachedFetch(`${origin.url}/bytes`)).arrayBuffer());
    first[0] = 0x7a;
    const hit = await cachedFetch(`${origin.url}/bytes`);
    const bytes = await hit.bytes();
    bytes[1] = 0x7a;
    expect(await (await cachedFetch(`${origin.url}/bytes`)).text()).toBe('abc');
    await cachedFetch.close();
  });
});

describe('createFetch: variants (RFC 9111 §4.1)', () => {
  it('keeps several variants of one URL and selects by the Vary-ed header', async () => {
    origin.route('/v', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'Accept-Language' });
      res.end(`lang=${req.headers['accept-language'] ?? ''}`);
    });
    const cachedFetch = createFetch();
    const get = async (lang: string) =>
      (await cachedFetch(`${origin.url}/v`, { headers: { 'accept-language': lang } })).text();
    expect(await get('en')).toBe('lang=en');
    expect(await get('fr')).toBe('lang=fr');
    expect(await get('EN')).toBe('lang=en');
    expect(await get('fr')).toBe('lang=fr');
    expect(origin.count('/v')).toBe(2);
    await cachedFetch.close();
  });

  it('never matches Vary: *', async () => {
    origin.route('/star', { headers: { 'cache-control': 'max-age=60', vary: '*' }, body: 'x' });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/star`)).text();
    await (await cachedFetch(`${origin.url}/star`)).text();
    expect(origin.count('/star')).toBe(2);
    await cachedFetch.close();
  });
});

describe('createFetch: bodies', () => {
  it('streams the body to the caller and stores it only once fully read', async () => {
    origin.route('/big', (_req, res) => {
      res.writeHead(200, {
        'cache-control': 'max-age=60',
        'content-type': 'application/octet-stream',
      });
      const chunk = Buffer.alloc(64 * 1024, 1);
      for (let i = 0; i < 32; i++) res.write(chunk);
      res.end();
    });
    const cachedFetch = createFetch();
    const partial = await cachedFetch(`${origin.url}/big`);
    const reader = partial.body!.getReader();
    await reader.read();
    await reader.cancel();
    const full = await cachedFetch(`${origin.url}/big`);
    expect(cacheStatus(full)?.fromCache).toBe(false);
    expect((await full.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
    const hit = await cachedFetch(`${origin.url}/big`);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect((await hit.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
    expect(origin.count('/big')).toBe(2);
    await cachedFetch.close();
  });

  it('passes a body larger than maxBodySize through uncached', async () => {
    origin.route('/large', { headers: { 'cache-control': 'max-age=60' }, body: 'x'.repeat(2000) });
    origin.route('/chunked', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.write('x'.repeat(1500));
      res.end('y'.repeat(1500));
    });
    const cachedFetch = createFetch({ maxBodySize: 1000 });
    for (const path of ['/large', '/chunked']) {
      const first = await cachedFetch(`${origin.url}${path}`);
      expect((await first.text()).length).toBeGreaterThan(1000);
      const second = await cachedFetch(`${origin.url}${path}`);
      expect((await second.text()).length).toBeGreaterThan(1000);
      expect(origin.count(path)).toBe(2);
    }
    await cachedFetch.close();
  });

  it('evicts least recently used entries beyond the memory cap', async () => {
    origin.route('/e', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(Buffer.alloc(400 * 1024, req.path.length));
    });
    const storage = new MemoryStorage({ maxBytes: 1024 * 1024 });
    const cachedFetch = createFetch({ storage });
    const evicted: string[] = [];
    cachedFetch.cache.on('evict', (e) => evicted.push(e.url));
    for (let i = 0; i < 5; i++) {
      await (await cachedFetch(`${origin.url}/e?${i}`)).arrayBuffer();
      await cachedFetch.idle();
    }
    expect(storage.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(storage.size).toBe(2);
    expect(evicted).toEqual([0, 1, 2].map((i) => `${origin.url}/e?${i}`));
    await cachedFetch.close();
  });
});

describe('createFetch: options', () => {
  it('validates options in the factory, naming the option', () => {
    expect(() => createFetch({ maxBodySize: -1 })).toThrow(OptionsError);
    expect(() => createFetch({ heuristics: { fraction: 2 } })).toThrow(/heuristics.fraction/);
    expect(() => new MemoryStorage({ maxBytes: 0 })).toThrow(/maxBytes/);
  });

  it('names the cache in Cache-Status, shows the key on request, and can leave the header out', async () => {
    origin.route('/n', { headers: { 'cache-control': 'max-age=60' }, body: 'n' });
    const named = createFetch({ cacheStatus: { name: 'edge', key: true }, clock: manualClock() });
    const res = await named(`${origin.url}/n`);
    expect(res.headers.get('cache-status')).toBe(
      `edge; fwd=uri-miss; fwd-status=200; ttl=60; stored; key="GET ${origin.url}/n"`,
    );
    await res.text();
    const silent = createFetch({ cacheStatus: false });
    const quiet = await silent(`${origin.url}/n`);
    expect(quiet.headers.get('cache-status')).toBeNull();
    await quiet.text();
    await named.close();
    await silent.close();
  });

  it('uses a custom key function', async () => {
    origin.route('/k', { headers: { 'cache-control': 'max-age=60' }, body: 'k' });
    const cachedFetch = createFetch({ key: ({ url }) => url.split('?')[0] ?? url });
    await (await cachedFetch(`${origin.url}/k?utm=1`)).text();
    const hit = await cachedFetch(`${origin.url}/k?utm=2`);
    expect(cacheStatus(hit)).toMatchObject({ fromCache: true, key: `${origin.url}/k` });
    await hit.text();
    await cachedFetch.close();
  });

  it('exposes the engine as HttpCache with events', async () => {
    origin.route('/ev', { headers: { 'cache-control': 'max-age=60' }, body: 'ev' });
    const cache = new HttpCache();
    const seen: string[] = [];
    cache.on('miss', (e) => seen.push(`miss:${e.reason}`));
    cache.on('store', (e) => seen.push(`store:${e.size}`));
    cache.on('hit', () => seen.push('hit'));
    await (await cache.fetch(`${origin.url}/ev`)).text();
    await cache.idle();
    await (await cache.fetch(`${origin.url}/ev`)).text();
    expect(seen).toEqual(['miss:uri-miss', 'store:2', 'hit']);
    await cache.close();
  });
});
