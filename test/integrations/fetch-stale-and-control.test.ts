import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
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

describe('stale-while-revalidate (RFC 5861 §3)', () => {
  it('serves the stale response without waiting for the origin, and the next request sees the revalidated one', async () => {
    const clock = manualClock();
    let version = 1;
    const held = Promise.withResolvers<() => void>();
    origin.route('/swr', (_req, res) => {
      const send = () =>
        res
          .writeHead(200, {
            'cache-control': 'max-age=1, stale-while-revalidate=60',
            date: new Date(clock()).toUTCString(),
          })
          .end(`v${version}`);
      // The revalidation is held until the test releases it.
      if (version === 1) send();
      else held.resolve(send);
    });
    const cachedFetch = createFetch({ clock });
    const revalidations: number[] = [];
    cachedFetch.cache.on('revalidate', (e) => revalidations.push(e.status));
    await (await cachedFetch(`${origin.url}/swr`)).text();
    clock.advance(10);
    version = 2;
    // Several requests inside the window: all answered stale at once, one background revalidation.
    const stale = await Promise.all([1, 2, 3].map(() => cachedFetch(`${origin.url}/swr`)));
    for (const res of stale) {
      expect(await res.text()).toBe('v1');
      expect(res.headers.get('cache-status')).toBe('httpcache; hit; fwd=stale; ttl=-9');
    }
    // The origin has the revalidation request but has not answered it: the stale responses did not wait.
    const release = await held.promise;
    expect(origin.count('/swr')).toBe(2);
    expect(revalidations).toEqual([]);
    release();
    await cachedFetch.idle();
    expect(revalidations).toEqual([200]);
    const fresh = await cachedFetch(`${origin.url}/swr`);
    expect(await fresh.text()).toBe('v2');
    expect(cacheStatus(fresh)?.fromCache).toBe(true);
    expect(origin.count('/swr')).toBe(2);
    await cachedFetch.close();
  });

  it('goes to the origin past the window', async () => {
    const clock = manualClock();
    origin.route('/swr-late', {
      headers: { 'cache-control': 'max-age=1, stale-while-revalidate=5' },
      body: 'x',
    });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/swr-late`)).text();
    clock.advance(30);
    const res = await cachedFetch(`${origin.url}/swr-late`);
    expect(cacheStatus(res)?.fromCache).toBe(false);
    await res.text();
    await cachedFetch.close();
  });
});

describe('stale-if-error on a closed connection (RFC 5861 §4)', () => {
  it('serves stale when the origin drops the connection, and not past the window', async () => {
    const clock = manualClock();
    let drop = false;
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {
        if (drop) return void socket.destroy();
        socket.write(
          'HTTP/1.1 200 OK\r\ncache-control: max-age=1, stale-if-error=60\r\ncontent-length: 4\r\n\r\ngood',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(url)).text();
    drop = true;
    clock.advance(30);
    const stale = await cachedFetch(url);
    expect(await stale.text()).toBe('good');
    expect(stale.headers.get('cache-status')).toContain('detail=stale-if-error');
    clock.advance(60);
    await expect(cachedFetch(url)).rejects.toThrow(TypeError);
    await cachedFetch.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('keys and control', () => {
  it('normalizeUrl sorts query parameters and leaves tracking ones out of the key', async () => {
    origin.route('/q', { headers: { 'cache-control': 'max-age=60' }, body: 'q' });
    const cachedFetch = createFetch({
      normalizeUrl: { sortQuery: true, ignoreQueryParams: [/^utm_/, 'fbclid'] },
    });
    await (await cachedFetch(`${origin.url}/q?b=2&a=1&utm_source=x`)).text();
    const hit = await cachedFetch(`${origin.url}/q?a=1&fbclid=y&b=2`);
    expect(cacheStatus(hit)).toMatchObject({ fromCache: true, key: `GET ${origin.url}/q?a=1&b=2` });
    await hit.text();
    expect(origin.requests.map((r) => r.path)).toEqual(['/q?b=2&a=1&utm_source=x']);
    await cachedFetch.close();
  });

  it('alwaysRevalidate revalidates fresh responses', async () => {
    origin.route('/always', (req, res) => {
      if (req.headers['if-none-match'] === '"a"')
        return void res.writeHead(304, { etag: '"a"' }).end();
      res.writeHead(200, { 'cache-control': 'max-age=600', etag: '"a"' }).end('a');
    });
    const cachedFetch = createFetch({ alwaysRevalidate: true });
    await (await cachedFetch(`${origin.url}/always`)).text();
    const res = await cachedFetch(`${origin.url}/always`);
    expect(cacheStatus(res)).toMatchObject({ fromCache: true, revalidated: true });
    await res.text();
    expect(origin.count('/always')).toBe(2);
    await cachedFetch.close();
  });

  it('refreshTtlOnAccess extends an entry’s ttl from each use', async () => {
    const clock = manualClock();
    origin.route('/refresh', { headers: { 'cache-control': 'max-age=3600' }, body: 'r' });
    const cachedFetch = createFetch({ clock, ttl: 10, refreshTtlOnAccess: true });
    await (await cachedFetch(`${origin.url}/refresh`)).text();
    for (let i = 0; i < 3; i++) {
      clock.advance(8);
      const res = await cachedFetch(`${origin.url}/refresh`);
      expect(cacheStatus(res)?.fromCache).toBe(true);
      await res.text();
    }
    expect(origin.count('/refresh')).toBe(1);
    await cachedFetch.close();
  });

  it('stats() counts events and the hit ratio', async () => {
    origin.route('/s', { headers: { 'cache-control': 'max-age=60' }, body: 's' });
    const cachedFetch = createFetch();
    for (let i = 0; i < 4; i++) await (await cachedFetch(`${origin.url}/s`)).text();
    expect(cachedFetch.cache.stats()).toMatchObject({ hit: 3, miss: 1, store: 1, hitRatio: 0.75 });
    await cachedFetch.close();
  });
});
