import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/index.ts';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { nextEvent } from '../helpers/events.ts';
import { hangingRoute, startOrigin, type TestOrigin } from '../helpers/origin.ts';

let upstream: TestOrigin;
let proxy: CachingProxy;

beforeEach(async () => {
  upstream = await startOrigin();
  proxy = await createProxy({ upstream: upstream.url });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

async function restart(
  options: Omit<Parameters<typeof createProxy>[0], 'upstream'>,
): Promise<void> {
  await proxy.close();
  proxy = await createProxy({ upstream: upstream.url, ...options });
}

/** Sends raw bytes to the proxy and returns the raw answer. */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(proxy.url);
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

describe('createProxy: a caching reverse proxy', () => {
  it('serves hits without the upstream, with Age, Cache-Status and Via', async () => {
    const clock = manualClock();
    await restart({ clock });
    upstream.route('/page', { headers: { 'cache-control': 'max-age=60' }, body: 'page' });
    const stored = nextEvent(proxy.cache, 'store');
    const first = await fetch(`${proxy.url}/page?q=1`);
    expect(await first.text()).toBe('page');
    expect(first.headers.get('cache-status')).toContain('fwd=uri-miss');
    expect(first.headers.get('via')).toBe('1.1 httpcache');
    await stored;
    clock.advance(7);
    const second = await fetch(`${proxy.url}/page?q=1`);
    expect(await second.text()).toBe('page');
    expect(second.headers.get('cache-status')).toBe('httpcache; hit; ttl=53');
    expect(second.headers.get('age')).toBe('7');
    expect(upstream.count('/page?q=1')).toBe(1);
    expect(upstream.requests[0]?.headers.via).toBe('1.1 httpcache');
    expect(upstream.requests[0]?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('strips hop-by-hop fields both ways (RFC 9110 §7.6.1)', async () => {
    upstream.route('/hop', (req, res) => {
      res.writeHead(200, {
        connection: 'x-upstream-hop',
        'x-upstream-hop': 'secret',
        'keep-alive': 'timeout=1',
        'x-end-to-end': 'kept',
        'proxy-authenticate': 'Basic',
      });
      res.end(JSON.stringify(req.headers));
    });
    const answer = await new Promise<{ headers: Record<string, unknown>; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${proxy.url}/hop`, {
          headers: {
            connection: 'x-client-hop, keep-alive',
            'x-client-hop': 'secret',
            'proxy-authorization': 'Basic abc',
            te: 'trailers',
            'x-kept': 'yes',
          },
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ headers: res.headers, body: Buffer.concat(chunks).toString() }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
    const seen = JSON.parse(answer.body) as Record<string, string>;
    expect(seen['x-client-hop']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['x-kept']).toBe('yes');
    expect(answer.headers['x-upstream-hop']).toBeUndefined();
    expect(answer.headers['proxy-authenticate']).toBeUndefined();
    expect(answer.headers['keep-alive']).not.toBe('timeout=1');
    expect(answer.headers['x-end-to-end']).toBe('kept');
  });

  it('forwards each request its own fields, several on one keep-alive connection', async () => {
    upstream.route('/fields', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' }).end('ok');
    });
    const request = (language: string, close = false) =>
      `GET /fields HTTP/1.1\r\nHost: a\r\nAccept-Language: ${language}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    // Written without ending the connection; the last request's `Connection: close` ends it.
    const answer = await new Promise<string>((resolve, reject) => {
      const url = new URL(proxy.url);
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write(request('en') + request('fr') + request('en') + request('de', true)),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    expect(answer.match(/HTTP\/1\.1 200/g)).toHaveLength(4);
    const seen = upstream.requests.map((r) => r.headers);
    expect(seen.map((h) => h['accept-language'])).toEqual(['en', 'fr', 'en', 'de']);
    for (const headers of seen) {
      expect(headers.via).toBe('1.1 httpcache');
      expect(headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(headers.connection).not.toBe('close');
    }
  });

  it('forwards method, path, query and a streamed request body; unsafe methods invalidate', async () => {
    upstream.route('/doc', (req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'cache-control': 'max-age=60' }).end('v1');
        return;
      }
      const digest = createHash('sha256').update(req.body).digest('hex');
      res.writeHead(200).end(`${req.method} ${req.path} ${req.body.length} ${digest}`);
    });
    const stored = nextEvent(proxy.cache, 'store');
    await (await fetch(`${proxy.url}/doc`)).text();
    await stored;
    const payload = 'x'.repeat(3 * 1024 * 1024);
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 3; i++)
          controller.enqueue(
            new TextEncoder().encode(payload.slice(i * 1048576, (i + 1) * 1048576)),
          );
        controller.close();
      },
    });
    const put = await fetch(`${proxy.url}/doc?rev=2`, {
      method: 'PUT',
      body,
      duplex: 'half',
    } as RequestInit);
    const digest = createHash('sha256').update(payload).digest('hex');
    expect(await put.text()).toBe(`PUT /doc?rev=2 ${payload.length} ${digest}`);
    const post = await fetch(`${proxy.url}/doc`, { method: 'POST', body: 'hello' });
    expect((await post.text()).startsWith('POST /doc 5 ')).toBe(true);
    const after = await fetch(`${proxy.url}/doc`);
    expect(after.headers.get('cache-status')).toContain('fwd=uri-miss');
    await after.text();
    expect(upstream.count('/doc')).toBe(3);
  });

  it('streams a large response to the client while the upstream is still sending it', async () => {
    let clientHasFirstBytes!: () => void;
    const firstBytes = new Promise<void>((resolve) => {
      clientHasFirstBytes = resolve;
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    upstream.route('/large', async (_req, res) => {
      res.writeHead(200, {
        'cache-control': 'max-age=60',
        'content-length': `${16 * chunk.length}`,
      });
      res.write(chunk);
      // Only once the client has bytes does the rest follow: a buffering proxy would deadlock.
      await firstBytes;
      for (let i = 1; i < 16; i++) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    });
    const stored = nextEvent(proxy.cache, 'store');
    const res = await fetch(`${proxy.url}/large`);
    const reader = res.body!.getReader();
    let size = ((await reader.read()).value as Uint8Array).byteLength;
    clientHasFirstBytes();
    for (let next = await reader.read(); !next.done; next = await reader.read())
      size += next.value.byteLength;
    expect(size).toBe(16 * chunk.length);
    expect((await stored).size).toBe(16 * chunk.length);
    const hit = await fetch(`${proxy.url}/large`);
    expect((await hit.arrayBuffer()).byteLength).toBe(16 * chunk.length);
    expect(upstream.count('/large')).toBe(1);
  });

  it('serves concurrent clients, with one upstream request for one URL', async () => {
    // The upstream answers once all 50 clients' requests have reached the proxy.
    const clients = 50;
    const allArrived = Promise.withResolvers<void>();
    let arrived = 0;
    proxy.server.on('request', () => {
      if (++arrived === clients) allArrived.resolve();
    });
    upstream.route('/busy', async (_req, res) => {
      await allArrived.promise;
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('busy');
    });
    upstream.route('/each', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end(req.path);
    });
    const same = await Promise.all(
      Array.from({ length: clients }, async () => (await fetch(`${proxy.url}/busy`)).text()),
    );
    expect(new Set(same)).toEqual(new Set(['busy']));
    expect(upstream.count('/busy')).toBe(1);
    const distinct = await Promise.all(
      Array.from({ length: clients }, async (_, i) =>
        (await fetch(`${proxy.url}/each?i=${i}`)).text(),
      ),
    );
    expect(distinct).toEqual(Array.from({ length: clients }, (_, i) => `/each?i=${i}`));
  });

  it('keys POST queries by their body with bodyKey, and still streams the body upstream', async () => {
    await restart({ cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true });
    upstream.route('/graphql', (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end(`answer to ${req.body}`);
    });
    const ask = async (query: string) => {
      const stored = nextEvent(proxy.cache, 'store');
      const res = await fetch(`${proxy.url}/graphql`, { method: 'POST', body: query });
      const text = await res.text();
      if (res.headers.get('cache-status')?.includes('stored') === true) await stored;
      return text;
    };
    expect(await ask('{ a }')).toBe('answer to { a }');
    expect(await ask('{ b }')).toBe('answer to { b }');
    expect(await ask('{ a }')).toBe('answer to { a }');
    expect(upstream.count('/graphql')).toBe(2);
  });

  it('answers HEAD from a stored GET response', async () => {
    upstream.route('/h', {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'text/x' },
      body: 'body',
    });
    const stored = nextEvent(proxy.cache, 'store');
    await (await fetch(`${proxy.url}/h`)).text();
    await stored;
    const head = await fetch(`${proxy.url}/h`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/x');
    expect(head.headers.get('cache-status')).toMatch(/^httpcache; hit/);
    expect(upstream.count('/h')).toBe(1);
  });
});

describe('createProxy: failures', () => {
  it('answers 504 for a slow upstream, or a stale response where allowed', async () => {
    const clock = manualClock();
    await restart({ timeout: 200, clock, allowStale: true });
    // The upstream never answers: only the proxy's timeout can end the request.
    const never = hangingRoute();
    upstream.route('/never', never.route);
    const timedOut = await fetch(`${proxy.url}/never`);
    expect(timedOut.status).toBe(504);
    expect(await timedOut.text()).toContain('Gateway Timeout');
    // The proxy gave up on the upstream request too.
    await never.closed;
    upstream.route('/slow', { headers: { 'cache-control': 'max-age=1' }, body: 'fresh once' });
    const stored = nextEvent(proxy.cache, 'store');
    await (await fetch(`${proxy.url}/slow`)).text();
    await stored;
    upstream.route('/slow', hangingRoute().route);
    clock.advance(10);
    const stale = await fetch(`${proxy.url}/slow`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-status')).toContain('detail=stale-if-error');
    expect(await stale.text()).toBe('fresh once');
  });

  it('answers 502 for a dead upstream, or a stale response where allowed', async () => {
    const clock = manualClock();
    await restart({ clock, allowStale: 3600 });
    upstream.route('/doc', { headers: { 'cache-control': 'max-age=1' }, body: 'kept' });
    const stored = nextEvent(proxy.cache, 'store');
    await (await fetch(`${proxy.url}/doc`)).text();
    await stored;
    await upstream.close();
    clock.advance(60);
    const stale = await fetch(`${proxy.url}/doc`);
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe('kept');
    const failures: { status: number; error: unknown }[] = [];
    proxy.on('error', (event) => failures.push(event));
    const dead = await fetch(`${proxy.url}/other`);
    expect(dead.status).toBe(502);
    // The client learns only the status; the cause goes to the proxy's error listeners.
    expect(await dead.text()).toBe('Bad Gateway\n');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.status).toBe(502);
    const error = failures[0]?.error as Error & { cause?: { code?: string } };
    expect(error.cause?.code ?? (error as { code?: string }).code).toBe('ECONNREFUSED');
    upstream = await startOrigin();
  });

  it('answers 400 to requests it cannot parse or forward', async () => {
    expect(await raw('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    expect(
      await raw('GET http://elsewhere.test/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 400 /);
    expect(await raw('GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    expect(upstream.requests).toHaveLength(0);
  });

  it('stops the upstream request when the client goes away', async () => {
    const hang = hangingRoute();
    upstream.route('/hang', hang.route);
    const controller = new AbortController();
    const pending = fetch(`${proxy.url}/hang`, { signal: controller.signal });
    await hang.arrived;
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    // The upstream's connection closes: the proxy stopped its request (else this never resolves).
    await hang.closed;
  });

  it('validates its options', async () => {
    await expect(createProxy({ upstream: 'ftp://x' })).rejects.toThrow(OptionsError);
    await expect(createProxy({ upstream: 'not a url' })).rejects.toThrow(OptionsError);
    await expect(createProxy({ upstream: upstream.url, port: -1 })).rejects.toThrow(OptionsError);
    await expect(createProxy({ upstream: upstream.url, timeout: 0 })).rejects.toThrow(OptionsError);
  });
});
