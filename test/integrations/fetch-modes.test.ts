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

/** Fetches `path`, reads the body, and returns the response with its text. */
async function get(
  cachedFetch: ReturnType<typeof createFetch>,
  path: string,
  init?: Parameters<typeof cachedFetch>[1],
) {
  const res = await cachedFetch(`${origin.url}${path}`, init);
  return { res, text: await res.text() };
}

describe('Fetch standard cache modes', () => {
  it('no-store neither reads nor writes the cache', async () => {
    origin.route('/m', { headers: { 'cache-control': 'max-age=60' }, body: 'm' });
    const cachedFetch = createFetch();
    const { res } = await get(cachedFetch, '/m', { cache: 'no-store' });
    expect(res.headers.get('cache-status')).toBe('httpcache; fwd=request; fwd-status=200');
    await get(cachedFetch, '/m');
    const { res: hit } = await get(cachedFetch, '/m');
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    await get(cachedFetch, '/m', { cache: 'no-store' });
    expect(origin.count('/m')).toBe(3);
    await cachedFetch.close();
  });

  it('reload goes to the origin and stores the response', async () => {
    let n = 0;
    origin.route(
      '/reload',
      (_req, res) => void res.writeHead(200, { 'cache-control': 'max-age=60' }).end(`v${++n}`),
    );
    const cachedFetch = createFetch();
    await get(cachedFetch, '/reload');
    expect((await get(cachedFetch, '/reload', { cache: 'reload' })).text).toBe('v2');
    expect((await get(cachedFetch, '/reload')).text).toBe('v2');
    expect(origin.count('/reload')).toBe(2);
    expect(origin.requests[1]?.headers['cache-control']).toBe('no-cache');
    await cachedFetch.close();
  });

  it('no-cache revalidates a fresh stored response', async () => {
    origin.route('/nc', (req, res) => {
      if (req.headers['if-none-match'] === '"x"')
        return void res.writeHead(304, { etag: '"x"' }).end();
      res.writeHead(200, { etag: '"x"', 'cache-control': 'max-age=60' }).end('nc');
    });
    const cachedFetch = createFetch();
    await get(cachedFetch, '/nc');
    const { res, text } = await get(cachedFetch, '/nc', { cache: 'no-cache' });
    expect(text).toBe('nc');
    expect(res.headers.get('cache-status')).toContain('fwd=request; fwd-status=304');
    expect(origin.requests[1]?.headers['if-none-match']).toBe('"x"');
    await cachedFetch.close();
  });

  it('force-cache uses a stale stored response, and only-if-cached too', async () => {
    const clock = manualClock();
    origin.route('/fc', { headers: { 'cache-control': 'max-age=1', etag: '"fc"' }, body: 'fc' });
    const cachedFetch = createFetch({ clock });
    await get(cachedFetch, '/fc');
    clock.advance(100);
    const forced = await get(cachedFetch, '/fc', { cache: 'force-cache' });
    expect(forced.text).toBe('fc');
    expect(cacheStatus(forced.res)).toMatchObject({ fromCache: true });
    const only = await get(cachedFetch, '/fc', { cache: 'only-if-cached', mode: 'same-origin' });
    expect(only.text).toBe('fc');
    expect(origin.count('/fc')).toBe(1);
    await cachedFetch.close();
  });

  it('only-if-cached answers 504 when nothing is stored (RFC 9111 §5.2.1.7)', async () => {
    const cachedFetch = createFetch();
    const { res } = await get(cachedFetch, '/nothing', {
      cache: 'only-if-cached',
      mode: 'same-origin',
    });
    expect(res.status).toBe(504);
    expect(res.headers.get('cache-status')).toBe('httpcache; detail=only-if-cached');
    const directive = await get(cachedFetch, '/nothing', {
      headers: { 'cache-control': 'only-if-cached' },
    });
    expect(directive.res.status).toBe(504);
    expect(origin.count('/nothing')).toBe(0);
    await cachedFetch.close();
  });
});

describe('RFC 9111 §5.2.1 request directives', () => {
  it.each([
    ['max-age=0', 2],
    ['max-age=100', 1],
    ['min-fresh=50', 2],
    ['min-fresh=5', 1],
    ['no-cache', 2],
    ['no-store', 1],
  ])(
    'Cache-Control: %s on a response 20 s into a 60 s lifetime → %i origin request(s)',
    async (directive, expected) => {
      const clock = manualClock();
      origin.route('/d', { headers: { 'cache-control': 'max-age=60' }, body: 'd' });
      const cachedFetch = createFetch({ clock });
      await get(cachedFetch, '/d');
      clock.advance(20);
      await get(cachedFetch, '/d', { headers: { 'cache-control': directive } });
      expect(origin.count('/d')).toBe(expected);
      await cachedFetch.close();
    },
  );

  it('max-stale serves a stale response unless must-revalidate forbids it', async () => {
    const clock = manualClock();
    origin.route('/ms', { headers: { 'cache-control': 'max-age=10', etag: '"a"' }, body: 'ms' });
    origin.route('/mr', {
      headers: { 'cache-control': 'max-age=10, must-revalidate', etag: '"b"' },
      body: 'mr',
    });
    const cachedFetch = createFetch({ clock });
    await get(cachedFetch, '/ms');
    await get(cachedFetch, '/mr');
    clock.advance(30);
    await get(cachedFetch, '/ms', { headers: { 'cache-control': 'max-stale=60' } });
    await get(cachedFetch, '/mr', { headers: { 'cache-control': 'max-stale=60' } });
    expect(origin.count('/ms')).toBe(1);
    expect(origin.count('/mr')).toBe(2);
    await cachedFetch.close();
  });

  it('Pragma: no-cache counts only without Cache-Control (RFC 9111 §5.4)', async () => {
    origin.route('/p', { headers: { 'cache-control': 'max-age=60' }, body: 'p' });
    const cachedFetch = createFetch();
    await get(cachedFetch, '/p');
    await get(cachedFetch, '/p', {
      headers: { pragma: 'no-cache', 'cache-control': 'max-stale=1' },
    });
    expect(origin.count('/p')).toBe(1);
    await get(cachedFetch, '/p', { headers: { pragma: 'no-cache' } });
    expect(origin.count('/p')).toBe(2);
    await cachedFetch.close();
  });
});

describe('per-request controls (init.httpcache)', () => {
  it('bypass leaves the cache out', async () => {
    origin.route('/b', { headers: { 'cache-control': 'max-age=60' }, body: 'b' });
    const cachedFetch = createFetch();
    await get(cachedFetch, '/b');
    const { res } = await get(cachedFetch, '/b', { httpcache: { bypass: true } });
    expect(res.headers.get('cache-status')).toBe('httpcache; fwd=bypass; fwd-status=200');
    expect(origin.count('/b')).toBe(2);
    await cachedFetch.close();
  });

  it('forceStore stores a no-store response, which force-cache then reuses', async () => {
    origin.route('/fs', { headers: { 'cache-control': 'no-store' }, body: 'secret' });
    const cachedFetch = createFetch();
    const { res } = await get(cachedFetch, '/fs', { httpcache: { forceStore: true, ttl: 60 } });
    expect(cacheStatus(res)?.stored).toBe(true);
    const again = await get(cachedFetch, '/fs', { cache: 'force-cache' });
    expect(again.text).toBe('secret');
    expect(origin.count('/fs')).toBe(1);
    await cachedFetch.close();
  });

  it('ttl bounds how long an entry is kept, whatever its freshness', async () => {
    const clock = manualClock();
    origin.route('/ttl', { headers: { 'cache-control': 'max-age=3600' }, body: 't' });
    const cachedFetch = createFetch({ clock });
    await get(cachedFetch, '/ttl', { httpcache: { ttl: 10 } });
    clock.advance(5);
    await get(cachedFetch, '/ttl');
    clock.advance(10);
    const { res } = await get(cachedFetch, '/ttl');
    expect(res.headers.get('cache-status')).toContain('fwd=uri-miss');
    expect(origin.count('/ttl')).toBe(2);
    await cachedFetch.close();
  });

  it('key replaces the computed key', async () => {
    origin.route('/x', { headers: { 'cache-control': 'max-age=60' }, body: 'x' });
    origin.route('/y', { headers: { 'cache-control': 'max-age=60' }, body: 'y' });
    const cachedFetch = createFetch();
    await get(cachedFetch, '/x', { httpcache: { key: 'shared-key' } });
    expect((await get(cachedFetch, '/y', { httpcache: { key: 'shared-key' } })).text).toBe('x');
    await cachedFetch.close();
  });
});
