import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ClosedError,
  cacheStatus,
  createFetch,
  MemoryStorage,
  type Storage,
} from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { type OriginOptions, refusedUrl, startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

/** Replaces the test's origin with one started with `options`. */
async function restartOrigin(options: OriginOptions): Promise<TestOrigin> {
  await origin.close();
  return startOrigin({}, options);
}

/** A storage whose every operation fails: a fault a real backend cannot produce on demand. */
class BrokenStorage extends MemoryStorage implements Storage {
  override async get(): Promise<never> {
    throw new Error('disk on fire');
  }
  override async put(): Promise<never> {
    throw new Error('disk on fire');
  }
}

describe('a failing storage never fails a request', () => {
  it('serves from the origin and reports each failure as an event', async () => {
    origin.route('/f', { headers: { 'cache-control': 'max-age=60' }, body: 'fine' });
    const cachedFetch = createFetch({ storage: new BrokenStorage() });
    const errors: string[] = [];
    cachedFetch.cache.on('error', (e) =>
      errors.push(`${e.operation}: ${(e.error as Error).message}`),
    );
    for (let i = 0; i < 2; i++)
      expect(await (await cachedFetch(`${origin.url}/f`)).text()).toBe('fine');
    await cachedFetch.idle();
    expect(origin.count('/f')).toBe(2);
    expect(errors).toContain('get: disk on fire');
    expect(errors).toContain('put: disk on fire');
    await cachedFetch.close();
  });
});

describe('origin failures', () => {
  it('rethrows the origin’s error unchanged when nothing stale may be served', async () => {
    const url = `${await refusedUrl()}/x`;
    // The real fetch, watched: the error it throws is the one the caller must get.
    const thrown: unknown[] = [];
    const cachedFetch = createFetch({
      fetch: (input, init) =>
        fetch(input, init).catch((error: unknown) => {
          thrown.push(error);
          throw error;
        }),
    });
    const error = await cachedFetch(url).catch((e: unknown) => e);
    expect(thrown).toHaveLength(1);
    expect(error).toBe(thrown[0]);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' });
    await cachedFetch.close();
  });

  it('allowStale serves a stale response on a 500 and on an unreachable origin, within its window', async () => {
    const clock = manualClock();
    // Each request on its own connection: once the origin stops, every request is refused.
    origin = await restartOrigin({ keepAlive: false });
    let mode: 'ok' | '500' = 'ok';
    origin.route('/as', (_req, res) => {
      if (mode === '500') return void res.writeHead(500).end('broken');
      res.writeHead(200, { 'cache-control': 'max-age=10', etag: '"as"' }).end('good');
    });
    const cachedFetch = createFetch({ clock, allowStale: 60 });
    const errors: unknown[] = [];
    cachedFetch.cache.on('stale-if-error', (e) => errors.push(e.error));
    await (await cachedFetch(`${origin.url}/as`)).text();
    clock.advance(30);
    mode = '500';
    const on500 = await cachedFetch(`${origin.url}/as`);
    expect([on500.status, await on500.text()]).toEqual([200, 'good']);
    expect(on500.headers.get('cache-status')).toBe(
      'httpcache; fwd=stale; fwd-status=500; ttl=-20; detail=stale-if-error',
    );
    await origin.stop();
    const onDown = await cachedFetch(`${origin.url}/as`);
    expect(await onDown.text()).toBe('good');
    expect(cacheStatus(onDown)?.fromCache).toBe(true);
    expect(onDown.headers.get('cache-status')).toContain('detail=stale-if-error');
    await origin.start();
    clock.advance(60);
    const late = await cachedFetch(`${origin.url}/as`);
    expect([late.status, await late.text()]).toEqual([500, 'broken']);
    expect(errors).toHaveLength(2);
    // The stale response stood in for a real refusal.
    expect(errors[1]).toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await cachedFetch.close();
  });

  it('honours the response’s stale-if-error (RFC 5861 §4)', async () => {
    const clock = manualClock();
    let broken = false;
    origin.route('/sie', (_req, res) => {
      if (broken) return void res.writeHead(503).end();
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=100' }).end('sie');
    });
    const cachedFetch = createFetch({ clock });
    await (await cachedFetch(`${origin.url}/sie`)).text();
    broken = true;
    clock.advance(50);
    expect(await (await cachedFetch(`${origin.url}/sie`)).text()).toBe('sie');
    clock.advance(100);
    expect((await cachedFetch(`${origin.url}/sie`)).status).toBe(503);
    await cachedFetch.close();
  });

  it('answers 504 rather than a stale must-revalidate response when the origin is unreachable (RFC 9111 §5.2.2.2)', async () => {
    const clock = manualClock();
    origin = await restartOrigin({ keepAlive: false });
    origin.route('/mr', { headers: { 'cache-control': 'max-age=1, must-revalidate' }, body: 'mr' });
    const cachedFetch = createFetch({ clock, allowStale: true });
    await (await cachedFetch(`${origin.url}/mr`)).text();
    clock.advance(5);
    await origin.stop();
    const res = await cachedFetch(`${origin.url}/mr`);
    expect(res.status).toBe(504);
    expect(res.headers.get('cache-status')).toBe('httpcache; fwd=stale; detail=must-revalidate');
    await cachedFetch.close();
  });
});

describe('redirects', () => {
  it('does not store a redirected response under the requested URL', async () => {
    origin.route('/old', { status: 301, headers: { location: '/new' } });
    origin.route('/new', { headers: { 'cache-control': 'max-age=60' }, body: 'new' });
    const cachedFetch = createFetch();
    const res = await cachedFetch(`${origin.url}/old`);
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`${origin.url}/new`);
    expect(await res.text()).toBe('new');
    await (await cachedFetch(`${origin.url}/old`)).text();
    expect(origin.count('/old')).toBe(2);
    await cachedFetch.close();
  });

  it('stores a redirect itself when the caller asks for redirect: manual', async () => {
    origin.route('/moved', {
      status: 301,
      headers: { location: '/elsewhere', 'cache-control': 'max-age=60' },
    });
    const cachedFetch = createFetch();
    await (await cachedFetch(`${origin.url}/moved`, { redirect: 'manual' })).text();
    const hit = await cachedFetch(`${origin.url}/moved`, { redirect: 'manual' });
    expect(hit.status).toBe(301);
    expect(hit.headers.get('location')).toBe('/elsewhere');
    expect(origin.count('/moved')).toBe(1);
    await cachedFetch.close();
  });
});

describe('close()', () => {
  it('stops storing unread bodies, closes storage, and refuses later requests', async () => {
    origin.route('/c', { headers: { 'cache-control': 'max-age=60' }, body: 'c' });
    const cachedFetch = createFetch();
    const unread = await cachedFetch(`${origin.url}/c`);
    await cachedFetch.close();
    expect(await unread.text()).toBe('c');
    await expect(cachedFetch(`${origin.url}/c`)).rejects.toBeInstanceOf(ClosedError);
  });
});
