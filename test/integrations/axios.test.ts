import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import axios, { AxiosError, type AxiosHeaders } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/index.ts';
import { type CachedAxiosInstance, withCache } from '../../src/integrations/axios.ts';
import { manualClock } from '../helpers/clock.ts';
import { nextEvent } from '../helpers/events.ts';
import { hangingRoute, startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;
const opened: CachedAxiosInstance[] = [];

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  for (const api of opened.splice(0)) await api.httpcache.close();
  await origin.close();
});

for (const adapter of ['http', 'fetch'] as const) {
  /** An axios instance on `adapter` with a cache, closed after the test. */
  const create = (options: Parameters<typeof withCache>[1] = {}) => {
    const api = withCache(axios.create({ baseURL: origin.url, adapter }), options);
    opened.push(api);
    return api;
  };

  describe(`axios (${adapter} adapter): hits do not reach the origin`, () => {
    it('stores and serves responses, with cached, cacheStatus, Age and Cache-Status', async () => {
      origin.route('/items', {
        headers: { 'cache-control': 'max-age=60', 'content-type': 'application/json' },
        body: '{"items":[1,2]}',
      });
      const clock = manualClock();
      const api = create({ clock });
      const stored = nextEvent(api.httpcache, 'store');
      const first = await api.get('/items');
      expect(first.data).toEqual({ items: [1, 2] });
      expect(first.cached).toBe(false);
      expect(first.cacheStatus).toMatchObject({ stored: true, forwarded: 'uri-miss' });
      await stored;
      clock.advance(7);
      const second = await api.get('/items');
      expect(second.status).toBe(200);
      expect(second.data).toEqual({ items: [1, 2] });
      expect(second.cached).toBe(true);
      expect(second.cacheStatus).toMatchObject({ fromCache: true, key: `GET ${origin.url}/items` });
      expect(second.headers['cache-status']).toBe('httpcache; hit; ttl=53');
      expect(second.headers.age).toBe('7');
      expect(origin.count('/items')).toBe(1);
    });

    it("gives each hit headers of its own: the stored fields, Set-Cookie's lines, Age and Cache-Status", async () => {
      origin.route('/fields', (_req, res) => {
        res.setHeader('cache-control', 'max-age=60');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.setHeader('x-one', 'one');
        res.writeHead(200).end('fields');
      });
      const clock = manualClock();
      const api = create({ clock });
      const stored = nextEvent(api.httpcache, 'store');
      await api.get('/fields');
      await stored;
      clock.advance(3);
      const first = await api.get('/fields');
      expect(first.cached).toBe(true);
      expect(first.headers['x-one']).toBe('one');
      expect(first.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(first.headers.age).toBe('3');
      expect(first.headers['cache-status']).toBe('httpcache; hit; ttl=57');
      (first.headers as AxiosHeaders).set('x-one', 'changed');
      (first.headers['set-cookie'] as string[]).push('c=3');
      clock.advance(1);
      const second = await api.get('/fields');
      expect(second.headers['x-one']).toBe('one');
      expect(second.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(second.headers.age).toBe('4');
      expect(Object.keys((second.headers as AxiosHeaders).toJSON()).slice(-3)).toEqual([
        'age',
        'cache-status',
        'set-cookie',
      ]);
    });

    it('keeps interceptors and transforms working around the cache', async () => {
      origin.route('/who', (req, res) => {
        res
          .writeHead(200, { 'cache-control': 'max-age=60', vary: 'x-user' })
          .end(`user ${req.headers['x-user']}`);
      });
      const api = create();
      api.interceptors.request.use((config) => {
        config.headers.set('x-user', 'ann');
        return config;
      });
      const seen: boolean[] = [];
      api.interceptors.response.use((response) => {
        seen.push(response.cached === true);
        return response;
      });
      const options = { transformResponse: [(data: string) => data.toUpperCase()] };
      const stored = nextEvent(api.httpcache, 'store');
      expect((await api.get('/who', options)).data).toBe('USER ANN');
      await stored;
      expect((await api.get('/who', options)).data).toBe('USER ANN');
      expect(seen).toEqual([false, true]);
      expect(origin.count('/who')).toBe(1);
    });

    it('answers each responseType as the adapter would, from the origin and from storage', async () => {
      origin.route('/bin', {
        headers: { 'cache-control': 'max-age=60', 'content-type': 'application/octet-stream' },
        body: new Uint8Array([1, 2, 3, 250]),
      });
      const api = create();
      const stored = nextEvent(api.httpcache, 'store');
      for (let round = 0; round < 2; round++) {
        const buffer = await api.get('/bin', { responseType: 'arraybuffer' });
        expect(buffer.cached).toBe(round === 1);
        if (adapter === 'http') expect(Buffer.isBuffer(buffer.data)).toBe(true);
        else expect(buffer.data).toBeInstanceOf(ArrayBuffer);
        expect([...new Uint8Array(buffer.data)]).toEqual([1, 2, 3, 250]);
        if (round === 0) await stored;
        const stream = await api.get('/bin', { responseType: 'stream' });
        expect(stream.cached).toBe(true);
        const bytes =
          adapter === 'http'
            ? Buffer.concat(await (stream.data as Readable).toArray())
            : new Uint8Array(await new Response(stream.data as ReadableStream).arrayBuffer());
        if (adapter === 'http') expect(stream.data).toBeInstanceOf(Readable);
        expect([...bytes]).toEqual([1, 2, 3, 250]);
      }
      expect(origin.count('/bin')).toBe(1);
    });

    it('settles with validateStatus: a stored 404 rejects as an AxiosError each time', async () => {
      origin.route('/missing', {
        status: 404,
        headers: { 'cache-control': 'max-age=60' },
        body: 'no',
      });
      const api = create();
      const stored = nextEvent(api.httpcache, 'store');
      const first = await api.get('/missing').catch((error: unknown) => error);
      expect(first).toBeInstanceOf(AxiosError);
      expect((first as AxiosError).response?.status).toBe(404);
      await stored;
      const second = (await api.get('/missing').catch((error: unknown) => error)) as AxiosError;
      expect(second.code).toBe(AxiosError.ERR_BAD_REQUEST);
      expect(second.response?.data).toBe('no');
      expect(second.response?.cached).toBe(true);
      const accepted = await api.get('/missing', { validateStatus: () => true });
      expect(accepted.status).toBe(404);
      expect(origin.count('/missing')).toBe(1);
    });

    it('revalidates with the validators the cache adds; the 304 never reaches the caller', async () => {
      origin.route('/etag', (req, res) => {
        if (req.headers['if-none-match'] === '"1"') res.writeHead(304, { etag: '"1"' }).end();
        else res.writeHead(200, { etag: '"1"', 'cache-control': 'no-cache' }).end('tagged');
      });
      const api = create();
      const stored = nextEvent(api.httpcache, 'store');
      await api.get('/etag');
      await stored;
      const again = await api.get('/etag');
      expect(again.status).toBe(200);
      expect(again.data).toBe('tagged');
      expect(again.cacheStatus).toMatchObject({ fromCache: true, revalidated: true });
      expect(origin.requests[1]?.headers['if-none-match']).toBe('"1"');
    });

    it('takes per-request controls in config.httpcache, and keys params', async () => {
      origin.route('/ctl', (req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60' }).end(req.path);
      });
      const api = create();
      const stored = nextEvent(api.httpcache, 'store');
      await api.get('/ctl', { params: { page: 1 } });
      await stored;
      expect((await api.get('/ctl', { params: { page: 1 } })).cached).toBe(true);
      expect((await api.get('/ctl', { params: { page: 2 } })).data).toBe('/ctl?page=2');
      const bypass = await api.get('/ctl', { params: { page: 1 }, httpcache: { bypass: true } });
      expect(bypass.cacheStatus?.forwarded).toBe('bypass');
      const revalidated = await api.get('/ctl', {
        params: { page: 1 },
        httpcache: { cache: 'no-cache' },
      });
      expect(revalidated.cached).toBe(false);
      expect(origin.count('/ctl?page=1')).toBe(3);
    });

    it('sends bodies through transforms, and invalidates on POST (RFC 9111 §4.4)', async () => {
      origin.route('/todo', (req, res) => {
        if (req.method === 'GET') res.writeHead(200, { 'cache-control': 'max-age=60' }).end('list');
        else res.writeHead(201, { 'content-type': 'application/json' }).end(req.body);
      });
      const api = create();
      const stored = nextEvent(api.httpcache, 'store');
      await api.get('/todo');
      await stored;
      const created = await api.post('/todo', { title: 'x' });
      expect(created.status).toBe(201);
      expect(created.data).toEqual({ title: 'x' });
      expect((await api.get('/todo')).cached).toBe(false);
      expect(origin.count('/todo')).toBe(3);
    });

    it('keys POST queries by their body with bodyKey, and still sends the body', async () => {
      origin.route('/graphql', (req, res) => {
        res
          .writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'application/json' })
          .end(JSON.stringify({ echo: JSON.parse(req.body) }));
      });
      const api = create({ cacheableMethods: ['GET', 'HEAD', 'POST'] });
      const ask = async (query: string) => {
        const stored = nextEvent(api.httpcache, 'store');
        const res = await api.post('/graphql', { query }, { httpcache: { bodyKey: true } });
        if (res.cacheStatus?.stored === true) await stored;
        return res;
      };
      expect((await ask('{ a }')).data).toEqual({ echo: { query: '{ a }' } });
      expect((await ask('{ b }')).data).toEqual({ echo: { query: '{ b }' } });
      const hit = await ask('{ a }');
      expect(hit.cached).toBe(true);
      expect(hit.data).toEqual({ echo: { query: '{ a }' } });
      expect(origin.count('/graphql')).toBe(2);
    });

    it('keeps timeouts and cancellation working', async () => {
      // The origin never answers: only axios' timeout, or the caller's signal, ends a request.
      const timeout = hangingRoute();
      origin.route('/timeout', timeout.route);
      const api = create();
      const timedOut = (await api
        .get('/timeout', { timeout: 50 })
        .catch((e: unknown) => e)) as AxiosError;
      expect(timedOut).toBeInstanceOf(AxiosError);
      expect(['ECONNABORTED', 'ETIMEDOUT']).toContain(timedOut.code);
      await timeout.closed;
      const cancel = hangingRoute();
      origin.route('/cancel', cancel.route);
      const controller = new AbortController();
      const pending = api.get('/cancel', { signal: controller.signal });
      await cancel.arrived;
      controller.abort();
      const cancelled = await pending.catch((e: unknown) => e);
      expect(axios.isCancel(cancelled)).toBe(true);
      await cancel.closed;
    });
  });
}

describe('axios (http adapter): content codings and redirects', () => {
  it('stores the coded bytes and decodes them for the caller, as the http adapter does', async () => {
    origin.route('/gz', {
      headers: {
        'cache-control': 'max-age=60',
        'content-encoding': 'gzip',
        'content-type': 'text/plain',
      },
      body: gzipSync('zipped text'),
    });
    const api = withCache(axios.create({ baseURL: origin.url, adapter: 'http' }));
    opened.push(api);
    const stored = nextEvent(api.httpcache, 'store');
    const first = await api.get('/gz');
    expect(first.data).toBe('zipped text');
    expect(first.headers['content-encoding']).toBeUndefined();
    expect((await stored).size).toBe(gzipSync('zipped text').length);
    const hit = await api.get('/gz');
    expect(hit.cached).toBe(true);
    expect(hit.data).toBe('zipped text');
    const stream = await api.get('/gz', { responseType: 'stream' });
    expect(Buffer.concat(await (stream.data as Readable).toArray()).toString()).toBe('zipped text');
    const raw = await api.get('/gz', { decompress: false, responseType: 'arraybuffer' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(Buffer.compare(raw.data as Buffer, gzipSync('zipped text'))).toBe(0);
    expect(origin.count('/gz')).toBe(1);
  });

  it('does not store a response reached through redirects under the requested URL', async () => {
    origin.route('/old', { status: 302, headers: { location: '/new' } });
    origin.route('/new', { headers: { 'cache-control': 'max-age=60' }, body: 'new' });
    const api = withCache(axios.create({ baseURL: origin.url, adapter: 'http' }));
    opened.push(api);
    expect((await api.get('/old')).data).toBe('new');
    expect((await api.get('/old')).cached).toBe(false);
    expect(origin.count('/old')).toBe(2);
  });
});

it('keys a request by the URL axios would send: base URL, absolute URLs and params', async () => {
  origin.route('/base/items', { headers: { 'cache-control': 'max-age=60' }, body: 'items' });
  const api = withCache(axios.create({ baseURL: `${origin.url}/base//`, adapter: 'http' }));
  opened.push(api);
  const stored = nextEvent(api.httpcache, 'store');
  expect((await api.get('/items')).data).toBe('items');
  await stored;
  // The same URL, written each way axios accepts it, is one stored response.
  for (const url of ['items', `${origin.url}/base/items`]) {
    const res = await api.get(url);
    expect([url, res.cached, res.data]).toEqual([url, true, 'items']);
  }
  expect((await api.get('items', { params: { a: 1 } })).cached).toBe(false);
  expect(origin.requests.at(-1)?.path).toBe('/base/items?a=1');
  const bare = withCache(axios.create({ adapter: 'http' }));
  opened.push(bare);
  expect((await bare.get(`${origin.url}/base/items`)).cached).toBe(false);
  expect(origin.count('/base/items')).toBe(2);
});

describe('withCache()', () => {
  it('refuses an instance that already has a cache, and a fetch option', () => {
    const api = withCache(axios.create());
    opened.push(api);
    expect(() => withCache(api)).toThrow(OptionsError);
    expect(() => withCache(axios.create(), { fetch: globalThis.fetch } as never)).toThrow(
      OptionsError,
    );
  });

  it('lets a request it cannot key (a relative URL) through to the adapter', async () => {
    const api = withCache(
      axios.create({
        adapter: async (config) => ({
          data: config.url,
          status: 200,
          statusText: 'OK',
          headers: {},
          config,
        }),
      }),
    );
    opened.push(api);
    const res = await api.get('/relative');
    expect(res.data).toBe('/relative');
    expect(res.cacheStatus).toBeUndefined();
  });
});
