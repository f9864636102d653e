import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch, OptionsError } from '../../src/index.ts';
import { withCache } from '../../src/integrations/axios.ts';
import { cacheInterceptor } from '../../src/integrations/undici.ts';
import { SqliteStorage } from '../../src/sqlite.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('metadata: stale and forwarded', () => {
  it('says whether the stored response served was stale', async () => {
    const clock = manualClock();
    origin.route('/swr', {
      headers: { 'cache-control': 'max-age=10, stale-while-revalidate=60' },
      body: 'v',
    });
    const cachedFetch = createFetch({ clock });
    const miss = await cachedFetch(`${origin.url}/swr`);
    await miss.text();
    expect(cacheStatus(miss)).toMatchObject({ stale: false, forwarded: 'uri-miss' });
    const fresh = await cachedFetch(`${origin.url}/swr`);
    await fresh.text();
    expect(cacheStatus(fresh)).toMatchObject({ fromCache: true, stale: false });
    clock.advance(20);
    const stale = await cachedFetch(`${origin.url}/swr`);
    await stale.text();
    expect(cacheStatus(stale)).toMatchObject({ fromCache: true, stale: true, forwarded: 'stale' });
    await cachedFetch.idle();
    await cachedFetch.close();
  });
});

describe('defaultMaxAge: freshness for responses that give none', () => {
  it('serves a response without freshness information from storage for defaultMaxAge seconds', async () => {
    const clock = manualClock();
    origin.route('/plain', { body: 'plain' });
    const cachedFetch = createFetch({ clock, defaultMaxAge: 30 });
    const miss = await cachedFetch(`${origin.url}/plain`);
    expect(await miss.text()).toBe('plain');
    expect(miss.headers.get('cache-status')).toBe(
      'httpcache; fwd=uri-miss; fwd-status=200; ttl=30; stored',
    );
    clock.advance(20);
    const hit = await cachedFetch(`${origin.url}/plain`);
    expect(await hit.text()).toBe('plain');
    expect(cacheStatus(hit)).toMatchObject({ fromCache: true, ttl: 10 });
    clock.advance(20);
    await (await cachedFetch(`${origin.url}/plain`)).text();
    expect(origin.count('/plain')).toBe(2);
    await cachedFetch.close();
  });

  it('is off by default, and leaves explicit freshness, no-store and 500s alone', async () => {
    origin.route('/plain', { body: 'plain' });
    origin.route('/zero', { headers: { 'cache-control': 'max-age=0' }, body: 'zero' });
    origin.route('/no-store', { headers: { 'cache-control': 'no-store' }, body: 'n' });
    origin.route('/error', { status: 500, body: 'e' });
    const off = createFetch();
    for (const _ of [1, 2]) await (await off(`${origin.url}/plain`)).text();
    expect(origin.count('/plain')).toBe(2);
    await off.close();
    const cachedFetch = createFetch({ defaultMaxAge: 60 });
    for (const path of ['/zero', '/no-store', '/error']) {
      for (const _ of [1, 2]) await (await cachedFetch(`${origin.url}${path}`)).text();
      expect(origin.count(path)).toBe(2);
    }
    await cachedFetch.close();
  });

  it('rejects a value that is not a finite number of seconds', () => {
    for (const value of [-1, '60', Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(() => createFetch({ defaultMaxAge: value as number })).toThrow(OptionsError);
    }
    expect(() => createFetch({ defaultMaxAge: -1 })).toThrow(/defaultMaxAge/);
    expect(() => createFetch({ defaultMaxage: 1 } as never)).toThrow(
      /did you mean `defaultMaxAge`/,
    );
  });
});

describe('per-request maxAge: freshness whatever the headers say', () => {
  it('serves a response that must be revalidated from storage for maxAge seconds; ttl does not', async () => {
    const clock = manualClock();
    const headers = { 'cache-control': 'max-age=0, must-revalidate', etag: '"1"' };
    origin.route('/ttl', { headers, body: 'api' });
    origin.route('/max-age', { headers, body: 'api' });
    const cachedFetch = createFetch({ clock });
    // ttl keeps the entry, but it is stale: the next request goes to the origin.
    for (const _ of [1, 2]) {
      await (await cachedFetch(`${origin.url}/ttl`, { httpcache: { ttl: 60 } })).text();
    }
    expect(origin.count('/ttl')).toBe(2);
    // maxAge makes it fresh: stored with that lifetime, later requests are hits.
    const url = `${origin.url}/max-age`;
    await (await cachedFetch(url, { httpcache: { maxAge: 60 } })).text();
    clock.advance(30);
    const hit = await cachedFetch(url);
    expect(await hit.text()).toBe('api');
    expect(cacheStatus(hit)).toMatchObject({ fromCache: true, revalidated: false, ttl: 30 });
    expect(hit.headers.get('cache-control')).toBe('max-age=0, must-revalidate');
    // A request's own maxAge decides for it: 10 seconds is younger than 30.
    const own = await cachedFetch(url, { httpcache: { maxAge: 10 } });
    await own.text();
    expect(cacheStatus(own)).toMatchObject({ fromCache: false, forwarded: 'stale' });
    expect(origin.count('/max-age')).toBe(2);
    await cachedFetch.close();
  });

  it('never stores no-store, unless forceStore', async () => {
    origin.route('/secret', { headers: { 'cache-control': 'no-store' }, body: 's' });
    const cachedFetch = createFetch();
    const url = `${origin.url}/secret`;
    for (const _ of [1, 2]) await (await cachedFetch(url, { httpcache: { maxAge: 60 } })).text();
    expect(origin.count('/secret')).toBe(2);
    const forced = { httpcache: { maxAge: 60, forceStore: true } };
    await (await cachedFetch(url, forced)).text();
    const hit = await cachedFetch(url, forced);
    await hit.text();
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect(origin.count('/secret')).toBe(3);
    await cachedFetch.close();
  });

  it('is kept with the entry in persistent storage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'httpcache-maxage-'));
    const clock = manualClock();
    origin.route('/p', { headers: { 'cache-control': 'no-cache' }, body: 'p' });
    const url = `${origin.url}/p`;
    const path = join(dir, 'cache.db');
    const first = createFetch({ clock, storage: new SqliteStorage({ path }) });
    await (await first(url, { httpcache: { maxAge: 60 } })).text();
    await first.close();
    clock.advance(10);
    const second = createFetch({ clock, storage: new SqliteStorage({ path }) });
    const hit = await second(url);
    await hit.text();
    expect(cacheStatus(hit)).toMatchObject({ fromCache: true, ttl: 50 });
    await second.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a revalidation with maxAge gives the stored response that lifetime (memory and SQLite)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'httpcache-maxage-'));
    let clock = manualClock();
    origin.route('/etag', (req, res) => {
      const date = new Date(clock()).toUTCString();
      const headers = { 'cache-control': 'max-age=0', etag: '"e"', date };
      if (req.headers['if-none-match'] === '"e"') res.writeHead(304, headers).end();
      else res.writeHead(200, headers).end('e');
    });
    const url = `${origin.url}/etag`;
    for (const storage of [undefined, new SqliteStorage({ path: join(dir, 'c.db') })]) {
      clock = manualClock();
      const cachedFetch = createFetch({ clock, ...(storage === undefined ? {} : { storage }) });
      const before = origin.count('/etag');
      await (await cachedFetch(url)).text();
      clock.advance(100);
      const revalidated = await cachedFetch(url, { httpcache: { maxAge: 60 } });
      expect(await revalidated.text()).toBe('e');
      expect(cacheStatus(revalidated)).toMatchObject({ revalidated: true, ttl: 60 });
      clock.advance(30);
      const hit = await cachedFetch(url);
      expect(await hit.text()).toBe('e');
      expect(cacheStatus(hit)).toMatchObject({ fromCache: true, revalidated: false, ttl: 30 });
      expect(origin.count('/etag') - before).toBe(2);
      await cachedFetch.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a value that is not a number of seconds', async () => {
    const cachedFetch = createFetch();
    for (const maxAge of [-1, '60', Number.POSITIVE_INFINITY]) {
      await expect(
        cachedFetch(origin.url, { httpcache: { maxAge: maxAge as number } }),
      ).rejects.toThrow(/httpcache\.maxAge/);
    }
    await cachedFetch.close();
  });

  it('works through the undici interceptor and axios', async () => {
    origin.route('/u', { headers: { 'cache-control': 'no-cache' }, body: 'u' });
    const interceptor = cacheInterceptor();
    const agent = new Agent().compose(interceptor);
    const options = { dispatcher: agent, httpcache: { maxAge: 60 } } as Parameters<
      typeof request
    >[1];
    for (const _ of [1, 2]) await (await request(`${origin.url}/u`, options)).body.text();
    expect(origin.count('/u')).toBe(1);
    await agent.close();
    await interceptor.close();

    origin.route('/a', { headers: { 'cache-control': 'no-cache' }, body: '{"a":1}' });
    const api = withCache(axios.create({ baseURL: origin.url }));
    await api.get('/a', { httpcache: { maxAge: 60 } });
    const hit = await api.get('/a', { httpcache: { maxAge: 60 } });
    expect(hit.data).toEqual({ a: 1 });
    expect(hit.cached).toBe(true);
    expect(origin.count('/a')).toBe(1);
    await expect(api.get('/a', { httpcache: { maxAge: -1 } })).rejects.toThrow(OptionsError);
    await api.httpcache.close();
  });
});
