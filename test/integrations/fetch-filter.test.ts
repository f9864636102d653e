import axios from 'axios';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CacheEvents,
  cacheStatus,
  createFetch,
  type EntryMeta,
  MemoryStorage,
  OptionsError,
} from '../../src/index.ts';
import { withCache } from '../../src/integrations/axios.ts';
import { cacheHandler } from '../../src/integrations/server/index.ts';
import { cacheInterceptor } from '../../src/integrations/undici.ts';
import { nextEvent } from '../helpers/events.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

/** A fetch that counts the body bytes read from the origin. */
function countingFetch(): { fetch: typeof fetch; bytesRead: () => number } {
  let bytes = 0;
  const counting = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, response);
  };
  return { fetch: counting as typeof fetch, bytesRead: () => bytes };
}

/** A memory storage that counts lookups. */
class CountingStorage extends MemoryStorage {
  lookups = 0;
  override get(key: string): Promise<EntryMeta[]> {
    this.lookups++;
    return super.get(key);
  }
}

const JSON_HEADERS = { 'cache-control': 'max-age=60', 'content-type': 'application/json' };

describe('filter.request: whether the cache is used at all', () => {
  it('sends a filtered-out request straight to the origin: no lookup, nothing stored', async () => {
    origin.route('/private/a', { headers: { 'cache-control': 'max-age=60' }, body: 'p' });
    origin.route('/public/a', { headers: { 'cache-control': 'max-age=60' }, body: 'q' });
    const seen: string[] = [];
    const storage = new CountingStorage();
    const cachedFetch = createFetch({
      storage,
      filter: {
        request: (req) => {
          expect(req).toBeInstanceOf(Request);
          seen.push(`${req.method} ${req.headers.get('x-user')}`);
          return !new URL(req.url).pathname.startsWith('/private/');
        },
      },
    });
    for (const _ of [1, 2]) {
      const res = await cachedFetch(`${origin.url}/private/a`, { headers: { 'x-user': 'u' } });
      expect(await res.text()).toBe('p');
      expect(res.headers.get('cache-status')).toBe('httpcache; fwd=bypass; fwd-status=200');
      expect(cacheStatus(res)).toMatchObject({ fromCache: false, stored: false });
      expect(cacheStatus(res)?.forwarded).toBe('bypass');
    }
    expect(origin.count('/private/a')).toBe(2);
    expect(storage.lookups).toBe(0);
    expect((await storage.stats()).entries).toBe(0);
    for (const _ of [1, 2]) await (await cachedFetch(`${origin.url}/public/a`)).text();
    expect(origin.count('/public/a')).toBe(1);
    expect(seen[0]).toBe('GET u');
    expect(seen).toHaveLength(4);
    await cachedFetch.close();
  });

  it('a filter that throws leaves the cache out and is an error event, never a failed request', async () => {
    origin.route('/a', { headers: { 'cache-control': 'max-age=60' }, body: 'a' });
    const cachedFetch = createFetch({
      filter: {
        request: () => {
          throw new Error('filter bug');
        },
      },
    });
    const error = nextEvent(cachedFetch.cache, 'error');
    const res = await cachedFetch(`${origin.url}/a`);
    expect(await res.text()).toBe('a');
    expect(cacheStatus(res)?.forwarded).toBe('bypass');
    expect(await error).toMatchObject({ operation: 'filter.request', url: `${origin.url}/a` });
    await cachedFetch.close();
  });
});

describe('filter.response: whether a storable response is stored', () => {
  for (const [name, size] of [
    ['a small body', 10],
    ['a large body', 200_000],
  ] as const) {
    it(`may read the body (${name}): read once from the origin, the same bytes served and stored`, async () => {
      const body = (ok: boolean) => JSON.stringify({ ok, pad: 'x'.repeat(size) });
      origin.route('/good', { headers: JSON_HEADERS, body: body(true) });
      origin.route('/bad', { headers: JSON_HEADERS, body: body(false) });
      const counting = countingFetch();
      const cachedFetch = createFetch({
        fetch: counting.fetch,
        filter: {
          response: async (res, req) => {
            expect(req.url).toMatch(/\/(good|bad)$/);
            return ((await res.json()) as { ok: boolean }).ok === true;
          },
        },
      });
      const good = await cachedFetch(`${origin.url}/good`);
      expect(await good.text()).toBe(body(true));
      await cachedFetch.idle();
      expect(counting.bytesRead()).toBe(body(true).length);
      expect(cacheStatus(good)?.stored).toBe(true);
      const hit = await cachedFetch(`${origin.url}/good`);
      expect(await hit.text()).toBe(body(true));
      expect(cacheStatus(hit)?.fromCache).toBe(true);

      const bad = await cachedFetch(`${origin.url}/bad`);
      expect(await bad.text()).toBe(body(false));
      expect(cacheStatus(bad)?.stored).toBe(false);
      expect(bad.headers.get('cache-status')).not.toMatch(/stored/);
      expect(counting.bytesRead()).toBe(body(true).length + body(false).length);
      await (await cachedFetch(`${origin.url}/bad`)).text();
      expect(origin.count('/good')).toBe(1);
      expect(origin.count('/bad')).toBe(2);
      await cachedFetch.close();
    });
  }

  it('reads nothing ahead for a filter that does not touch the body: the body streams', async () => {
    const release = Promise.withResolvers<void>();
    origin.route('/stream', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.write('first,');
      void release.promise.then(() => res.end('last'));
    });
    const cachedFetch = createFetch({
      filter: { response: (res) => res.headers.get('cache-control') !== null && res.ok },
    });
    const res = await cachedFetch(`${origin.url}/stream`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    // The first chunk arrives while the origin still holds the rest: nothing was buffered.
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first,');
    release.resolve();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe('last');
    await cachedFetch.idle();
    const hit = await cachedFetch(`${origin.url}/stream`);
    expect(await hit.text()).toBe('first,last');
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    await cachedFetch.close();
  });

  it('is asked only about responses RFC 9111 allows to be stored', async () => {
    origin.route('/no-store', { headers: { 'cache-control': 'no-store' }, body: 'n' });
    let asked = 0;
    const cachedFetch = createFetch({
      filter: {
        response: () => {
          asked++;
          return true;
        },
      },
    });
    await (await cachedFetch(`${origin.url}/no-store`)).text();
    expect(asked).toBe(0);
    await cachedFetch.close();
  });

  it('a filter that throws or answers no boolean: not stored, an error event, the response intact', async () => {
    origin.route('/a', { headers: JSON_HEADERS, body: '{"ok":true}' });
    origin.route('/b', { headers: JSON_HEADERS, body: '{"ok":true}' });
    const errors: CacheEvents['error'][] = [];
    const cachedFetch = createFetch({
      filter: {
        response: async (res) => {
          if (res.url.endsWith('/b')) return 'yes' as unknown as boolean;
          await res.text();
          throw new Error('filter bug');
        },
      },
    });
    cachedFetch.cache.on('error', (e) => errors.push(e));
    for (const path of ['/a', '/b']) {
      const res = await cachedFetch(`${origin.url}${path}`);
      expect(await res.text()).toBe('{"ok":true}');
      expect(cacheStatus(res)?.stored).toBe(false);
    }
    expect(errors.map((e) => e.operation)).toEqual(['filter.response', 'filter.response']);
    expect(errors[1]?.error).toBeInstanceOf(OptionsError);
    await cachedFetch.close();
  });
});

describe('filter: options and integrations', () => {
  it('rejects a filter of the wrong shape with an OptionsError naming it', () => {
    expect(() => createFetch({ filter: 'x' as never })).toThrow(OptionsError);
    expect(() => createFetch({ filter: { request: true } as never })).toThrow(/filter\.request/);
    expect(() => createFetch({ filter: { response: 1 } as never })).toThrow(/filter\.response/);
    expect(() => createFetch({ filter: { reqest: () => true } as never })).toThrow(
      /did you mean `filter.request`/,
    );
    expect(() => createFetch({ fitler: {} } as never)).toThrow(/did you mean `filter`/);
  });

  it('works through the undici interceptor and axios', async () => {
    origin.route('/skip', { headers: { 'cache-control': 'max-age=60' }, body: 's' });
    origin.route('/json', { headers: JSON_HEADERS, body: '{"ok":false}' });
    const filter = {
      request: (req: Request) => !req.url.endsWith('/skip'),
      response: async (res: Response) => ((await res.json()) as { ok: boolean }).ok,
    };
    const interceptor = cacheInterceptor({ filter });
    const agent = new Agent().compose(interceptor);
    for (const path of ['/skip', '/skip', '/json', '/json']) {
      const res = await request(`${origin.url}${path}`, { dispatcher: agent });
      expect(await res.body.text()).toBe(path === '/skip' ? 's' : '{"ok":false}');
    }
    await agent.close();
    await interceptor.close();
    expect(origin.count('/skip')).toBe(2);
    expect(origin.count('/json')).toBe(2);

    const api = withCache(axios.create({ baseURL: origin.url }), { filter });
    for (const _ of [1, 2]) {
      const res = await api.get('/json');
      expect(res.data).toEqual({ ok: false });
      expect(res.cached).toBe(false);
    }
    const skipped = await api.get('/skip');
    expect(skipped.cacheStatus?.forwarded).toBe('bypass');
    expect(origin.count('/json')).toBe(4);
    await api.httpcache.close();
  });

  it('works in front of a server handler, with defaultMaxAge', async () => {
    let calls = 0;
    const app = async (request: Request) => {
      calls++;
      const ok = new URL(request.url).pathname === '/ok';
      return new Response(JSON.stringify({ ok }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    const handler = cacheHandler(app, {
      defaultMaxAge: 60,
      filter: { response: async (res) => ((await res.json()) as { ok: boolean }).ok },
    });
    for (const path of ['/ok', '/ok', '/no', '/no']) {
      const res = await handler(new Request(`http://app.test${path}`));
      expect(await res.json()).toEqual({ ok: path === '/ok' });
    }
    expect(calls).toBe(3);
    await handler.cache.close();
  });
});
