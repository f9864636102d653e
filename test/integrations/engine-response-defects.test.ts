import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { FaultyStorage } from '../reliability/faulty-storage.ts';

/**
 * Regression tests for defects in what the cache did with stored responses and with the
 * origin's answer. Each says what was wrong and what holds now.
 */

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('only-if-cached never reaches the origin (RFC 9111 §5.2.1.7)', () => {
  // Was: when the stored body could not be read after a decision to serve it, the request went to
  // the origin even for only-if-cached. Now it is answered 504 and the origin sees nothing.
  it.each([
    ['storage throws', 'throw' as const],
    ['storage has lost the body', () => null],
  ])('answers 504 when %s', async (_name, fault) => {
    origin.route('/only', { headers: { 'cache-control': 'max-age=60' }, body: 'stored' });
    const storage = new FaultyStorage();
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/only`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    storage.fail('body', fault);
    const viaMode = await cachedFetch(url, { cache: 'only-if-cached', mode: 'same-origin' });
    expect(viaMode.status).toBe(504);
    const viaDirective = await cachedFetch(url, {
      headers: { 'cache-control': 'only-if-cached' },
    });
    expect(viaDirective.status).toBe(504);
    expect(origin.count('/only')).toBe(1);
    await cachedFetch.close();
  });
});

describe('preconditions apply only to a 2xx stored response (RFC 9110 §13.2.1)', () => {
  // Was: a stored 404 answered If-None-Match: * and If-Modified-Since with 304. Now the stored
  // 404 is sent as it is.
  it.each([
    ['If-None-Match: *', { 'if-none-match': '*' }],
    ['If-Modified-Since', { 'if-modified-since': new Date(Date.now() + 86_400_000).toUTCString() }],
  ])('a stored 404 answers %s with the 404', async (_name, conditional) => {
    origin.route('/gone', {
      status: 404,
      headers: { 'cache-control': 'max-age=60', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' },
      body: 'not here',
    });
    const cachedFetch = createFetch();
    const url = `${origin.url}/gone`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    const res = await cachedFetch(url, { headers: conditional });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('not here');
    expect(cacheStatus(res)?.fromCache).toBe(true);
    expect(origin.count('/gone')).toBe(1);
    await cachedFetch.close();
  });
});

describe('a HEAD response or a 304 freshens only what RFC 9111 §4.3.4 and §4.3.5 select', () => {
  // Was: a HEAD 200 whose Content-Length differed from the stored GET response freshened it.
  // Now the stored response is left stale, and the next GET goes to the origin.
  it('a HEAD 200 with another Content-Length does not freshen the stored GET response', async () => {
    const clock = manualClock();
    let version = 1;
    origin.route('/h', (req, res) => {
      const body = version === 1 ? 'hello' : 'hello, world';
      res.writeHead(200, {
        'cache-control': `max-age=${version === 1 ? 1 : 60}`,
        'content-length': String(Buffer.byteLength(body)),
        'x-version': String(version),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    const cachedFetch = createFetch({ clock });
    const url = `${origin.url}/h`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    clock.advance(2);
    version = 2;
    const head = await cachedFetch(url, { method: 'HEAD' });
    expect(head.headers.get('x-version')).toBe('2');
    await cachedFetch.idle();
    const get = await cachedFetch(url);
    expect(await get.text()).toBe('hello, world');
    expect(get.headers.get('x-version')).toBe('2');
    expect(origin.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    await cachedFetch.close();
  });

  // Was: a 200 to the cache's own conditional HEAD with another ETag (the representation changed)
  // freshened nothing and left the stored response in use. Now the stored response is dropped
  // and the next GET goes to the origin.
  it('a HEAD 200 with another ETag invalidates the stored response', async () => {
    let version = 1;
    origin.route('/c', (req, res) => {
      res.writeHead(200, {
        'cache-control': 'max-age=60',
        etag: `"v${version}"`,
        'content-length': '5',
        'x-version': String(version),
      });
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    const cachedFetch = createFetch();
    const url = `${origin.url}/c`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    version = 2;
    const head = await cachedFetch(url, { method: 'HEAD', cache: 'no-cache' });
    expect(head.status).toBe(200);
    expect(origin.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');
    await cachedFetch.idle();
    const get = await cachedFetch(url);
    expect(cacheStatus(get)?.fromCache).toBe(false);
    expect(get.headers.get('x-version')).toBe('2');
    await cachedFetch.close();
  });

  // Was: a HEAD with Accept-Language: fr freshened the stored `en` variant. Now a variant the
  // request's Vary values do not select is left alone.
  it('a HEAD for another variant does not rewrite the stored one', async () => {
    const clock = manualClock();
    let version = 1;
    origin.route('/v', (req, res) => {
      res.writeHead(200, {
        'cache-control': `max-age=${version === 1 ? 1 : 60}`,
        vary: 'accept-language',
        'content-length': '2',
        'x-version': String(version),
      });
      res.end(req.method === 'HEAD' ? undefined : String(req.headers['accept-language']));
    });
    const cachedFetch = createFetch({ clock });
    const url = `${origin.url}/v`;
    await (await cachedFetch(url, { headers: { 'accept-language': 'en' } })).text();
    await cachedFetch.idle();
    clock.advance(2);
    version = 2;
    await cachedFetch(url, { method: 'HEAD', headers: { 'accept-language': 'fr' } });
    await cachedFetch.idle();
    const en = await cachedFetch(url, { headers: { 'accept-language': 'en' } });
    expect(await en.text()).toBe('en');
    // The stored `en` variant is still stale: the origin is asked again.
    expect(cacheStatus(en)?.fromCache).toBe(false);
    expect(origin.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    await cachedFetch.close();
  });

  // Was: in a shared cache, a 304 answering Alice's request (with Authorization) wrote her
  // response's fields (x-user: alice) into the stored response everyone gets. Now a 304 to a
  // request with Authorization freshens storage only where RFC 9111 §3.5 would let it be stored.
  it('a 304 to a request with Authorization does not freshen a shared cache’s entry', async () => {
    const clock = manualClock();
    origin.route('/a', (req, res) => {
      if (req.headers['if-none-match'] === '"a"') {
        const user = req.headers.authorization === undefined ? {} : { 'x-user': 'alice' };
        res.writeHead(304, { 'cache-control': 'max-age=60', etag: '"a"', ...user }).end();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"a"' }).end('page');
    });
    const cachedFetch = createFetch({ clock, shared: true });
    const url = `${origin.url}/a`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    clock.advance(2);
    const alice = await cachedFetch(url, { headers: { authorization: 'Bearer alice' } });
    expect(await alice.text()).toBe('page');
    expect(alice.headers.get('x-user')).toBe('alice');
    await cachedFetch.idle();
    const bob = await cachedFetch(url);
    expect(await bob.text()).toBe('page');
    expect(bob.headers.get('x-user')).toBeNull();
    await cachedFetch.close();
  });
});

describe('stale-while-revalidate (RFC 5861 §3)', () => {
  // Was: the background revalidation carried the caller's Range and preconditions, so the full
  // response was never stored. Now it sends what the forward path sends.
  it('revalidates with a plain request: no Range, no caller preconditions', async () => {
    const clock = manualClock();
    let version = 1;
    origin.route('/swr', (_req, res) => {
      res
        .writeHead(200, {
          'cache-control': 'max-age=1, stale-while-revalidate=60',
          etag: `"v${version}"`,
        })
        .end(`version ${version}`);
    });
    const cachedFetch = createFetch({ clock });
    const url = `${origin.url}/swr`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    clock.advance(2);
    version = 2;
    const ranged = await cachedFetch(url, {
      headers: { range: 'bytes=0-6', 'if-none-match': '"other"' },
    });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('version');
    await cachedFetch.idle();
    const background = origin.requests.at(-1);
    expect(background?.headers.range).toBeUndefined();
    expect(background?.headers['if-none-match']).toBe('"v1"');
    const next = await cachedFetch(url);
    expect(await next.text()).toBe('version 2');
    expect(cacheStatus(next)?.fromCache).toBe(true);
    await cachedFetch.close();
  });

  // Was: a stale-while-revalidate answer counted as a hit and as a miss. Now each request counts once.
  it('counts a stale-while-revalidate answer once, as a hit', async () => {
    const clock = manualClock();
    origin.route('/count', {
      headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' },
      body: 'x',
    });
    const cachedFetch = createFetch({ clock });
    const url = `${origin.url}/count`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    clock.advance(2);
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    const stats = cachedFetch.cache.stats();
    expect(origin.count('/count')).toBe(2);
    expect(stats.hit + stats.miss).toBe(2);
    expect(stats.hit).toBe(1);
    expect(stats.hitRatio).toBe(0.5);
    await cachedFetch.close();
  });

  // Was: a 304 that selected no stored response was followed by an unconditional request that
  // counted as a second miss. Now each request counts once, however many origin requests it took.
  it('counts a request whose 304 selected nothing once', async () => {
    const clock = manualClock();
    origin.route('/retry', (req, res) => {
      if (req.headers['if-none-match'] !== undefined) {
        res.writeHead(304, { etag: '"other"' }).end();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"a"' }).end('body');
    });
    const cachedFetch = createFetch({ clock });
    const url = `${origin.url}/retry`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    clock.advance(2);
    expect(await (await cachedFetch(url)).text()).toBe('body');
    await cachedFetch.idle();
    expect(origin.count('/retry')).toBe(3);
    expect(cachedFetch.cache.stats().miss).toBe(2);
    await cachedFetch.close();
  });
});
