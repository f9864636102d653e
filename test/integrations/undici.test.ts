import { Readable } from 'node:stream';
import {
  Agent,
  Client,
  type Dispatcher,
  getGlobalDispatcher,
  request,
  setGlobalDispatcher,
  fetch as undiciFetch,
} from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/index.ts';
import {
  type CacheContext,
  type CacheDispatchOptions,
  type CacheInterceptor,
  cacheInterceptor,
} from '../../src/integrations/undici.ts';
import { manualClock } from '../helpers/clock.ts';
import { nextEvent } from '../helpers/events.ts';
import { hangingRoute, startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;
let interceptor: CacheInterceptor;
let agent: Agent;

function setUp(options: Parameters<typeof cacheInterceptor>[0] = {}): void {
  interceptor = cacheInterceptor(options);
  agent = new Agent().compose(interceptor) as Agent;
}

beforeEach(async () => {
  origin = await startOrigin();
  setUp();
});
afterEach(async () => {
  await agent.close();
  await interceptor.close();
  await origin.close();
});

/** undici.request() options with httpcache's controls. */
type Options = Partial<Dispatcher.RequestOptions> & Pick<CacheDispatchOptions, 'httpcache'>;

/** undici.request() through the interceptor, with httpcache's controls allowed. */
function get(path: string, options: Options = {}) {
  return request(`${origin.url}${path}`, {
    dispatcher: agent,
    ...options,
  } as Parameters<typeof request>[1]);
}

describe('undici interceptor: hits do not reach the origin', () => {
  it('caches undici.request() with Age, Cache-Status and metadata in the context', async () => {
    const clock = manualClock();
    setUp({ clock });
    origin.route('/a', { headers: { 'cache-control': 'max-age=60', 'x-test': '1' }, body: 'hi' });
    const stored = nextEvent(interceptor.cache, 'store');
    const first = await get('/a');
    expect(await first.body.text()).toBe('hi');
    expect(first.headers['cache-status']).toBe(
      'httpcache; fwd=uri-miss; fwd-status=200; ttl=60; stored',
    );
    await stored;
    clock.advance(10);
    const second = await get('/a');
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-test']).toBe('1');
    expect(second.headers.age).toBe('10');
    expect(second.headers['cache-status']).toBe('httpcache; hit; ttl=50');
    expect((second.context as CacheContext).httpcache).toMatchObject({
      fromCache: true,
      key: `GET ${origin.url}/a`,
      ttl: 50,
    });
    expect(await second.body.text()).toBe('hi');
    expect(origin.count('/a')).toBe(1);
  });

  it("caches undici's fetch() with a dispatcher", async () => {
    origin.route('/f', { headers: { 'cache-control': 'max-age=60' }, body: 'fetched' });
    const stored = nextEvent(interceptor.cache, 'store');
    expect(await (await undiciFetch(`${origin.url}/f`, { dispatcher: agent })).text()).toBe(
      'fetched',
    );
    await stored;
    const hit = await undiciFetch(`${origin.url}/f`, { dispatcher: agent });
    expect(hit.headers.get('cache-status')).toMatch(/^httpcache; hit; ttl=\d+$/);
    expect(await hit.text()).toBe('fetched');
    expect(origin.count('/f')).toBe(1);
  });

  it('caches every fetch and request in the process through setGlobalDispatcher()', async () => {
    origin.route('/g', {
      headers: { 'cache-control': 'max-age=60', 'set-cookie': ['a=1', 'b=2'] },
      body: 'global',
    });
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(agent);
    try {
      const stored = nextEvent(interceptor.cache, 'store');
      expect(await (await fetch(`${origin.url}/g`)).text()).toBe('global');
      await stored;
      // Node's built-in fetch (its own bundled undici, through the legacy dispatcher wrapper).
      const viaGlobalFetch = await fetch(`${origin.url}/g`);
      expect(viaGlobalFetch.headers.get('cache-status')).toContain('hit');
      expect(viaGlobalFetch.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await viaGlobalFetch.text()).toBe('global');
      const viaRequest = await request(`${origin.url}/g`);
      expect(viaRequest.headers['cache-status']).toContain('hit');
      expect(viaRequest.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(await viaRequest.body.text()).toBe('global');
    } finally {
      setGlobalDispatcher(previous);
    }
    expect(origin.count('/g')).toBe(1);
  });

  it('works composed onto a Client bound to one origin', async () => {
    origin.route('/c', { headers: { 'cache-control': 'max-age=60' }, body: 'client' });
    const client = new Client(origin.url).compose(interceptor);
    const stored = nextEvent(interceptor.cache, 'store');
    expect(await (await client.request({ path: '/c', method: 'GET' })).body.text()).toBe('client');
    await stored;
    const hit = await client.request({ path: '/c', method: 'GET' });
    expect(hit.headers['cache-status']).toContain('hit');
    await hit.body.dump();
    expect(origin.count('/c')).toBe(1);
    await client.close();
  });

  it('serves HEAD from a stored GET and keys the query option', async () => {
    origin.route('/q', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end(req.path);
    });
    const stored = nextEvent(interceptor.cache, 'store');
    expect(await (await get('/q', { query: { a: 'b c' } })).body.text()).toBe('/q?a=b%20c');
    await stored;
    const head = await get('/q', { method: 'HEAD', query: { a: 'b c' } });
    expect(head.headers['cache-status']).toContain('hit');
    expect(await head.body.text()).toBe('');
    const other = await get('/q', { query: { a: 'd' } });
    expect(await other.body.text()).toBe('/q?a=d');
    expect(origin.count('/q?a=b%20c')).toBe(1);
  });
});

describe('undici interceptor: interim responses', () => {
  // undici itself takes no 100 Continue (it sends no Expect, and fails a request answered with
  // one): the interim responses a caller can see are 102 and 103.
  it('passes 102 Processing and 103 Early Hints on to the caller, never stored (RFC 9110 §15.2)', async () => {
    origin.route('/hinted', (_req, res) => {
      res.writeProcessing();
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('final');
    });
    const infos: { statusCode: number; headers: Record<string, unknown> }[] = [];
    const onInfo = (info: { statusCode: number; headers: Record<string, unknown> }) => {
      infos.push(info);
    };
    const stored = nextEvent(interceptor.cache, 'store');
    const first = await get('/hinted', { onInfo });
    expect(await first.body.text()).toBe('final');
    expect(infos).toEqual([
      { statusCode: 102, headers: {} },
      { statusCode: 103, headers: { link: '</style.css>; rel=preload; as=style' } },
    ]);
    await stored;
    const hit = await get('/hinted', { onInfo });
    expect(await hit.body.text()).toBe('final');
    expect((hit.context as CacheContext).httpcache?.fromCache).toBe(true);
    expect(infos).toHaveLength(2);
    // fetch takes the final response alone.
    const fetched = await undiciFetch(`${origin.url}/hinted`, { dispatcher: agent });
    expect([fetched.status, await fetched.text()]).toEqual([200, 'final']);
    expect(origin.count('/hinted')).toBe(1);
  });
});

describe('undici interceptor: request options keep working', () => {
  it('takes headers as an object, a flat array, pairs and an iterable (Vary selects by them)', async () => {
    origin.route('/v', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' });
      res.end(`lang=${req.headers['accept-language']}`);
    });
    const read = async (headers: NonNullable<Options['headers']>) => {
      const stored = nextEvent(interceptor.cache, 'store');
      const res = await get('/v', { headers });
      const text = await res.body.text();
      if (res.headers['cache-status']?.toString().includes('stored')) await stored;
      return text;
    };
    expect(await read({ 'accept-language': 'en' })).toBe('lang=en');
    expect(await read(['accept-language', 'fr'])).toBe('lang=fr');
    expect(await read([['Accept-Language', 'en']] as unknown as string[])).toBe('lang=en');
    expect(await read(new Map([['accept-language', 'fr']]))).toBe('lang=fr');
    expect(origin.count('/v')).toBe(2);
  });

  it('streams request bodies to the origin and invalidates on unsafe methods (RFC 9111 §4.4)', async () => {
    origin.route('/item', (req, res) => {
      if (req.method === 'GET') res.writeHead(200, { 'cache-control': 'max-age=60' }).end('v1');
      else res.writeHead(200).end(`got ${req.body}`);
    });
    const stored = nextEvent(interceptor.cache, 'store');
    await (await get('/item')).body.text();
    await stored;
    const post = await get('/item', { method: 'POST', body: 'text body' });
    expect(await post.body.text()).toBe('got text body');
    const put = await get('/item', {
      method: 'PUT',
      body: Readable.from([Buffer.from('streamed '), Buffer.from('body')]),
    });
    expect(await put.body.text()).toBe('got streamed body');
    const after = await get('/item');
    expect(after.headers['cache-status']).toContain('fwd=uri-miss');
    await after.body.dump();
    expect(origin.count('/item')).toBe(4);
  });

  it('takes per-request controls in the httpcache option', async () => {
    origin.route('/ctl', { headers: { 'cache-control': 'max-age=60' }, body: 'c' });
    const stored = nextEvent(interceptor.cache, 'store');
    await (await get('/ctl')).body.text();
    await stored;
    const bypass = await get('/ctl', { httpcache: { bypass: true } });
    expect(bypass.headers['cache-status']).toContain('fwd=bypass');
    await bypass.body.dump();
    const reload = await get('/ctl', { httpcache: { cache: 'no-cache' } });
    expect(reload.headers['cache-status']).toContain('fwd=request');
    await reload.body.dump();
    const hit = await get('/ctl', { httpcache: { cache: 'only-if-cached' } });
    expect(hit.headers['cache-status']).toContain('hit');
    await hit.body.dump();
    expect(origin.count('/ctl')).toBe(3);
  });

  it('keys POST queries by their body with bodyKey, and still sends the body', async () => {
    setUp({ cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true });
    origin.route('/graphql', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end(`answer to ${req.body}`);
    });
    const ask = async (query: string) => {
      const stored = nextEvent(interceptor.cache, 'store');
      const res = await get('/graphql', { method: 'POST', body: Readable.from([query]) });
      const text = await res.body.text();
      if (String(res.headers['cache-status']).includes('stored')) await stored;
      return text;
    };
    expect(await ask('{ a }')).toBe('answer to { a }');
    expect(await ask('{ b }')).toBe('answer to { b }');
    expect(await ask('{ a }')).toBe('answer to { a }');
    expect(origin.count('/graphql')).toBe(2);
  });

  it('revalidates through the next dispatch with the validators the cache adds', async () => {
    origin.route('/e', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=0' }).end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=0' }).end('etagged');
    });
    const stored = nextEvent(interceptor.cache, 'store');
    await (await get('/e', { headers: ['x-a', '1', 'x-a', '2'] })).body.text();
    await stored;
    const again = await get('/e', { headers: ['x-a', '1', 'x-a', '2'] });
    expect(again.statusCode).toBe(200);
    expect(again.headers['cache-status']).toContain('fwd-status=304');
    expect(await again.body.text()).toBe('etagged');
    expect(origin.requests[1]?.headers['if-none-match']).toBe('"v1"');
    expect(origin.requests[1]?.headers['x-a']).toBe('1, 2');
  });
});

describe('undici interceptor: streaming, back-pressure and aborts', () => {
  it('streams a large body while the origin sends it, pausing the origin when the caller does', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const total = 512;
    let written = 0;
    origin.route('/big', async (_req, res) => {
      res.writeHead(200, {
        'cache-control': 'max-age=60',
        'content-length': `${total * chunk.length}`,
      });
      for (let i = 0; i < total; i++) {
        written++;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    });
    const stored = nextEvent(interceptor.cache, 'store');
    const res = await get('/big');
    const reader = res.body[Symbol.asyncIterator]();
    let size = ((await reader.next()).value as Buffer).length;
    // Paused: the origin comes to rest far short of the whole 32 MiB body.
    await atRest(() => written);
    expect(written).toBeLessThan(total / 2);
    for (let next = await reader.next(); next.done !== true; next = await reader.next()) {
      size += (next.value as Buffer).length;
    }
    expect(size).toBe(total * chunk.length);
    expect((await stored).size).toBe(total * chunk.length);
    const hit = await get('/big');
    expect((await hit.body.arrayBuffer()).byteLength).toBe(total * chunk.length);
    expect(origin.count('/big')).toBe(1);
  });

  it('writes a stored body in pieces a paused handler receives only once it resumes', async () => {
    const body = Buffer.alloc(200 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    origin.route('/stored', { headers: { 'cache-control': 'max-age=60' }, body });
    const stored = nextEvent(interceptor.cache, 'store');
    await (await get('/stored')).body.arrayBuffer();
    await stored;
    const chunks: Buffer[] = [];
    const ended = Promise.withResolvers<Record<string, unknown>>();
    let controller: Dispatcher.DispatchController | undefined;
    agent.dispatch(
      { origin: origin.url, path: '/stored', method: 'GET' },
      {
        onRequestStart(c) {
          controller = c;
        },
        onResponseStart(c, status, headers) {
          ended.resolve(headers);
          expect(status).toBe(200);
          c.pause();
        },
        onResponseData(c, chunk) {
          chunks.push(chunk);
          c.pause();
        },
        onResponseEnd() {
          chunks.push(Buffer.from('end'));
        },
      },
    );
    const headers = await ended.promise;
    expect(headers['cache-status']).toMatch(/; hit/);
    expect(chunks).toEqual([]);
    const pieces: Buffer[] = [];
    while (chunks.at(-1)?.toString() !== 'end') {
      expect(controller?.paused).toBe(true);
      const before = chunks.length;
      controller?.resume();
      expect(chunks.length).toBe(before + 1);
      pieces.push(...chunks.slice(before).filter((c) => c.toString() !== 'end'));
    }
    expect(Buffer.concat(pieces).equals(body)).toBe(true);
    // The caller holds copies: changing them changes nothing stored.
    pieces[0]?.fill(0);
    const reported = nextEvent(interceptor.cache, 'response');
    const again = Buffer.from(await (await get('/stored')).body.arrayBuffer());
    expect(again.equals(body)).toBe(true);
    // A hit written from its parts is counted like any other response (metrics).
    expect((await reported).result).toBe('hit');
    expect(origin.count('/stored')).toBe(1);
  });

  it('aborts the origin request when the signal fires before the response', async () => {
    const slow = hangingRoute();
    origin.route('/slow', slow.route);
    const controller = new AbortController();
    const pending = get('/slow', { signal: controller.signal });
    await slow.arrived;
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    // The origin's connection closes: the request was aborted (else this never resolves).
    await slow.closed;
    // A timeout signal rejects as a timeout. It may fire before the request reaches the origin,
    // so the origin's side is not awaited here (the abort above already showed it closes).
    origin.route('/timed-out', hangingRoute().route);
    await expect(
      undiciFetch(`${origin.url}/timed-out`, {
        dispatcher: agent,
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow(/timeout/i);
  });

  it('aborting mid-body stops the origin and stores nothing', async () => {
    const firstClosed = Promise.withResolvers<void>();
    let calls = 0;
    origin.route('/cut', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      if (++calls > 1) return void res.end('first rest');
      // The first response stops after its first bytes, until the client goes away.
      res.on('close', () => firstClosed.resolve());
      res.write('first ');
    });
    const controller = new AbortController();
    const res = await get('/cut', { signal: controller.signal });
    const reader = res.body[Symbol.asyncIterator]();
    await reader.next();
    controller.abort();
    await expect(reader.next()).rejects.toThrow(/abort/i);
    await firstClosed.promise;
    await interceptor.cache.idle();
    const again = await get('/cut');
    expect(again.headers['cache-status']).toContain('fwd=uri-miss');
    expect(await again.body.text()).toBe('first rest');
  });

  it('reports an unreachable origin as undici does, or serves stale where allowed', async () => {
    const clock = manualClock();
    setUp({ clock, allowStale: true });
    origin.route('/down', { headers: { 'cache-control': 'max-age=1' }, body: 'old' });
    const stored = nextEvent(interceptor.cache, 'store');
    await (await get('/down')).body.text();
    await stored;
    const url = origin.url;
    await origin.close();
    clock.advance(5);
    const stale = await request(`${url}/down`, { dispatcher: agent });
    expect(stale.headers['cache-status']).toContain('detail=stale-if-error');
    expect(await stale.body.text()).toBe('old');
    await expect(request(`${url}/never`, { dispatcher: agent })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    origin = await startOrigin();
  });

  it('rejects a fetch option: the origin is the next dispatcher', () => {
    expect(() => cacheInterceptor({ fetch: globalThis.fetch } as never)).toThrow(OptionsError);
  });
});

/**
 * Resolves once `progress` has stayed the same for `turns` event-loop turns in a row: the
 * origin and the client in this process have no I/O left to do for each other.
 */
async function atRest(progress: () => number, turns = 100): Promise<void> {
  for (let still = 0, last = progress(); still < turns; ) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = progress();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
