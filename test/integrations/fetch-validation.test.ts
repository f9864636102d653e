import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

/**
 * An origin resource with an ETag that answers matching conditional requests with 304. Its
 * `Date` follows the test's clock, as a real origin's follows real time.
 */
function validated(
  path: string,
  etag: string,
  headers: Record<string, string>,
  notModified: Record<string, string> = {},
  clock: () => number = Date.now,
) {
  origin.route(path, (req, res) => {
    const date = new Date(clock()).toUTCString();
    if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
      res.writeHead(304, { etag, date, ...notModified }).end();
      return;
    }
    res.writeHead(200, { etag, date, ...headers }).end(`body of ${path}`);
  });
}

describe('RFC 9111 §4.3 validation through createFetch', () => {
  it('revalidates a stale response with If-None-Match and serves the stored body on 304', async () => {
    const clock = manualClock();
    validated('/etag', '"v1"', { 'cache-control': 'max-age=10', 'x-kept': 'yes' }, {}, clock);
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/etag`)).text();
    clock.advance(20);
    const res = await cachedFetch(`${origin.url}/etag`);
    expect(await res.text()).toBe('body of /etag');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-kept')).toBe('yes');
    expect(res.headers.get('cache-status')).toBe('httpcache; fwd=stale; fwd-status=304; ttl=10');
    expect(cacheStatus(res)).toMatchObject({ fromCache: true, revalidated: true });
    expect(origin.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');
    // The 304 freshened the stored response: the next request is a hit.
    const hit = await cachedFetch(`${origin.url}/etag`);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect(cacheStatus(hit)?.revalidated).toBe(false);
    await hit.text();
    expect(origin.count('/etag')).toBe(2);
    await cachedFetch.close();
  });

  it('updates stored headers from the 304 but keeps Content-Length (RFC 9111 §3.2)', async () => {
    const clock = manualClock();
    validated(
      '/upd',
      '"u"',
      { 'cache-control': 'max-age=1', 'x-version': 'old', 'content-length': '12' },
      { 'cache-control': 'max-age=3600', 'x-version': 'new', 'content-length': '99' },
      clock,
    );
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/upd`)).text();
    clock.advance(5);
    const revalidated = await cachedFetch(`${origin.url}/upd`);
    expect(revalidated.headers.get('x-version')).toBe('new');
    expect(revalidated.headers.get('content-length')).toBe('12');
    expect(await revalidated.text()).toBe('body of /upd');
    clock.advance(100);
    const hit = await cachedFetch(`${origin.url}/upd`);
    expect(hit.headers.get('cache-control')).toBe('max-age=3600');
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    await hit.text();
    expect(origin.count('/upd')).toBe(2);
    await cachedFetch.close();
  });

  it('revalidates with If-Modified-Since from Last-Modified', async () => {
    const clock = manualClock();
    const lastModified = new Date(clock() - 3_600_000).toUTCString();
    origin.route('/lm', (req, res) => {
      if (req.headers['if-modified-since'] === lastModified) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'last-modified': lastModified, 'cache-control': 'max-age=1' }).end('lm');
    });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/lm`)).text();
    clock.advance(2);
    const res = await cachedFetch(`${origin.url}/lm`);
    expect(await res.text()).toBe('lm');
    expect(cacheStatus(res)?.revalidated).toBe(true);
    await cachedFetch.close();
  });

  it('replaces the stored response when revalidation returns 200', async () => {
    const clock = manualClock();
    let version = 1;
    origin.route('/changing', (req, res) => {
      const etag = `"${version}"`;
      const date = new Date(clock()).toUTCString();
      if (req.headers['if-none-match'] === etag)
        return void res.writeHead(304, { etag, date }).end();
      res.writeHead(200, { etag, date, 'cache-control': 'max-age=10' }).end(`v${version}`);
    });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/changing`)).text();
    version = 2;
    clock.advance(11);
    const res = await cachedFetch(`${origin.url}/changing`);
    expect(await res.text()).toBe('v2');
    expect(res.headers.get('cache-status')).toBe(
      'httpcache; fwd=stale; fwd-status=200; ttl=10; stored',
    );
    const hit = await cachedFetch(`${origin.url}/changing`);
    expect(await hit.text()).toBe('v2');
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    await cachedFetch.close();
  });

  it('revalidates no-cache responses every time (RFC 9111 §5.2.2.4)', async () => {
    validated('/nc', '"nc"', { 'cache-control': 'no-cache' });
    const cachedFetch = createFetch();
    for (let i = 0; i < 3; i++)
      expect(await (await cachedFetch(`${origin.url}/nc`)).text()).toBe('body of /nc');
    expect(origin.count('/nc')).toBe(3);
    expect(origin.requests.slice(1).every((r) => r.headers['if-none-match'] === '"nc"')).toBe(true);
    await cachedFetch.close();
  });

  it('answers the caller’s own If-None-Match from a fresh stored response (RFC 9111 §4.3.2)', async () => {
    origin.route('/cond', {
      headers: { etag: '"c1"', 'cache-control': 'max-age=60' },
      body: 'cond',
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/cond`)).text();
    const res = await cachedFetch(`${origin.url}/cond`, { headers: { 'if-none-match': 'W/"c1"' } });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe('"c1"');
    expect(await res.text()).toBe('');
    const other = await cachedFetch(`${origin.url}/cond`, {
      headers: { 'if-none-match': '"other"' },
    });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe('cond');
    expect(origin.count('/cond')).toBe(1);
    await cachedFetch.close();
  });

  it('freshens a stored GET response from a HEAD response (RFC 9111 §4.3.5)', async () => {
    const clock = manualClock();
    origin.route('/headfresh', (req, res) => {
      res.writeHead(200, {
        etag: '"h"',
        'cache-control': req.method === 'HEAD' ? 'max-age=100' : 'max-age=1',
      });
      res.end(req.method === 'HEAD' ? undefined : 'full');
    });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/headfresh`)).text();
    clock.advance(5);
    await (await cachedFetch(`${origin.url}/headfresh`, { method: 'HEAD' })).text();
    const hit = await cachedFetch(`${origin.url}/headfresh`);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect(await hit.text()).toBe('full');
    expect(origin.count('/headfresh')).toBe(2);
    await cachedFetch.close();
  });
});

describe('RFC 9111 §4.4 invalidation through createFetch', () => {
  it('removes stored responses for the target URI and a same-origin Location after a POST', async () => {
    origin.route('/item', { headers: { 'cache-control': 'max-age=60' }, body: 'item' });
    origin.route('/list', (req, res) => {
      if (req.method === 'POST') return void res.writeHead(201, { location: '/item' }).end();
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('list');
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/item`)).text();
    await (await cachedFetch(`${origin.url}/list`)).text();
    const post = await cachedFetch(`${origin.url}/list`, { method: 'POST', body: 'x' });
    expect(post.headers.get('cache-status')).toBe('httpcache; fwd=method; fwd-status=201');
    await (await cachedFetch(`${origin.url}/item`)).text();
    await (await cachedFetch(`${origin.url}/list`)).text();
    expect(origin.count('/item')).toBe(2);
    expect(origin.requests.filter((r) => r.path === '/list' && r.method === 'GET')).toHaveLength(2);
    expect(origin.requests.find((r) => r.method === 'POST')?.body).toBe('x');
    await cachedFetch.close();
  });

  it('keeps stored responses when the unsafe request fails', async () => {
    origin.route('/keep', (req, res) => {
      if (req.method === 'DELETE') return void res.writeHead(500).end();
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('keep');
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/keep`)).text();
    await (await cachedFetch(`${origin.url}/keep`, { method: 'DELETE' })).text();
    await (await cachedFetch(`${origin.url}/keep`)).text();
    expect(origin.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    await cachedFetch.close();
  });
});

describe('range requests from stored responses (RFC 9110 §14)', () => {
  it('answers a byte range from a stored complete response', async () => {
    origin.route('/range', {
      headers: { 'cache-control': 'max-age=60', a: '1' },
      body: '01234567890',
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/range`)).text();
    const cases: [string, number, string, string | null][] = [
      ['bytes=0-1', 206, '01', 'bytes 0-1/11'],
      ['bytes=-1', 206, '0', 'bytes 10-10/11'],
      ['bytes=1-', 206, '1234567890', 'bytes 1-10/11'],
      ['bytes=20-', 416, '', 'bytes */11'],
      ['bytes=0-1,3-4', 200, '01234567890', null],
    ];
    for (const [range, status, body, contentRange] of cases) {
      const res = await cachedFetch(`${origin.url}/range`, { headers: { range } });
      expect([range, res.status, await res.text(), res.headers.get('content-range')]).toEqual([
        range,
        status,
        body,
        contentRange,
      ]);
      expect(res.headers.get('a')).toBe('1');
    }
    expect(origin.count('/range')).toBe(1);
    await cachedFetch.close();
  });
});

describe('RFC 9110 §9.3.3 a POST response reused for GET', () => {
  it('stores a fresh POST response whose Content-Location names its URL as the GET response', async () => {
    origin.route('/doc', (req, res) => {
      if (req.method === 'POST') {
        return void res
          .writeHead(200, { 'content-location': '/doc', 'cache-control': 'max-age=60' })
          .end('from post');
      }
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('from get');
    });
    origin.route('/other', (req, res) => {
      res.writeHead(200, { 'content-location': '/elsewhere', 'cache-control': 'max-age=60' });
      res.end(req.method);
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/doc`, { method: 'POST', body: 'x' })).text();
    const get = await cachedFetch(`${origin.url}/doc`);
    expect([await get.text(), cacheStatus(get)?.fromCache]).toEqual(['from post', true]);
    await (await cachedFetch(`${origin.url}/other`, { method: 'POST', body: 'x' })).text();
    expect(await (await cachedFetch(`${origin.url}/other`)).text()).toBe('GET');
    await cachedFetch.close();
  });
});
