/**
 * Finding 2 of the hardening issue, cache poisoning through unkeyed inputs: the key is method and
 * URL, yet the proxy forwarded the client's `Host` (as `X-Forwarded-Host`), its `X-Forwarded-*`,
 * `Forwarded`, `X-Original-URL` and `X-HTTP-Method-Override`, and a GET body; an origin that reads
 * any of them built a response for the attacker that was stored for everyone. The proxy now builds
 * `Forwarded`, `X-Forwarded-*` and `Via` itself, accepts them only from a `trustProxy` peer (and
 * then keys the response on them with `Vary`), and forwards none of the others.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/index.ts';
import {
  type CachingProxy,
  createProxy,
  type ProxyOptions,
} from '../../src/integrations/server/index.ts';
import { nextEvent } from '../helpers/events.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let upstream: RecordingUpstream;
let proxy: CachingProxy;

afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * An origin as frameworks build them: absolute URLs from the forwarded host and scheme, routing
 * by `X-Original-URL`, method overrides honoured, and a GET body used as a query. Every page is
 * cacheable for a minute.
 */
function gullible(req: IncomingMessage, res: ServerResponse, body: string): void {
  const host =
    header(req, 'x-forwarded-host') ??
    /host="?([^;,"]+)/.exec(header(req, 'forwarded') ?? '')?.[1] ??
    'site.example';
  const proto = header(req, 'x-forwarded-proto') ?? 'http';
  const path = header(req, 'x-original-url') ?? header(req, 'x-rewrite-url') ?? req.url;
  const method = header(req, 'x-http-method-override') ?? req.method;
  res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'max-age=60' });
  res.end(`${method} ${path} <script src="${proto}://${host}/app.js"></script> ${body}`);
}

async function start(options: Partial<ProxyOptions> = {}): Promise<void> {
  upstream = await startUpstream(gullible);
  proxy = await createProxy({ upstream: upstream.url, ...options });
}

/** Sends a GET for `path` with extra header lines, and answers with the response. */
async function get(path: string, lines: readonly string[] = [], host = 'site.example') {
  const extra = lines.map((line) => `${line}\r\n`).join('');
  const request = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;
  const [response] = responses((await exchange(proxy.url, request)).text);
  if (response === undefined) throw new Error('no response');
  return response;
}

/** Lets the attack's response be stored, then asks as a normal visitor. */
async function attackThenVisit(lines: readonly string[], host = 'site.example') {
  const stored = nextEvent(proxy.cache, 'store');
  const attack = await get('/page', lines, host);
  await stored;
  const visit = await get('/page');
  return { attack, visit };
}

const CLEAN = 'GET /page <script src="http://site.example/app.js"></script> ';

describe('client-sent inputs the key ignores do not reach the upstream', () => {
  interface Attack {
    readonly name: string;
    readonly lines: readonly string[];
    readonly host?: string;
  }
  it.each<Attack>([
    { name: 'Host: evil.example', lines: [], host: 'evil.example' },
    { name: 'X-Forwarded-Host', lines: ['X-Forwarded-Host: evil.example'] },
    { name: 'X-Forwarded-Proto', lines: ['X-Forwarded-Proto: javascript'] },
    { name: 'Forwarded host=', lines: ['Forwarded: for=1.2.3.4;host=evil.example;proto=https'] },
    { name: 'X-Original-URL', lines: ['X-Original-URL: /admin'] },
    { name: 'X-Rewrite-URL', lines: ['X-Rewrite-URL: /admin'] },
    { name: 'X-HTTP-Method-Override', lines: ['X-HTTP-Method-Override: DELETE'] },
  ])('$name', async ({ lines, host }) => {
    await start();
    const { attack, visit } = await attackThenVisit(lines, host ?? 'site.example');
    expect(attack.body).toBe(CLEAN);
    expect(visit.body).toBe(CLEAN);
    expect(visit.headers['cache-status']).toMatch(/hit/);
    const [seen] = upstream.requests;
    expect(JSON.stringify(seen?.headers)).not.toMatch(/evil|javascript|admin|DELETE|1\.2\.3\.4/);
  });

  it('a GET body is not forwarded, so it cannot change what is stored', async () => {
    await start();
    const stored = nextEvent(proxy.cache, 'store');
    const poison = 'q=<script>alert(1)</script>';
    const request = `GET /page HTTP/1.1\r\nHost: site.example\r\nContent-Length: ${poison.length}\r\nConnection: close\r\n\r\n${poison}`;
    const [attack] = responses((await exchange(proxy.url, request)).text);
    await stored;
    expect(attack?.body).toBe(CLEAN);
    expect((await get('/page')).body).toBe(CLEAN);
  });

  it('builds Forwarded, X-Forwarded-For, X-Forwarded-Proto and Via from what it knows', async () => {
    await start();
    await get('/page', [
      'X-Forwarded-For: 10.9.8.7',
      'Forwarded: for=10.9.8.7',
      'Via: 1.1 made-up',
      'X-Real-IP: 10.9.8.7',
    ]);
    const headers = upstream.requests[0]?.headers;
    expect(headers?.['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers?.forwarded).toBe('for=127.0.0.1;proto=http');
    expect(headers?.['x-forwarded-proto']).toBe('http');
    expect(headers?.['x-forwarded-host']).toBeUndefined();
    expect(headers?.['x-real-ip']).toBeUndefined();
    // Via is a trace of intermediaries, not an input to trust: the client's member stays first.
    expect(headers?.via).toBe('1.1 made-up, 1.1 httpcache');
  });
});

describe('trustProxy: forwarding fields from a known downstream proxy', () => {
  it('keeps a trusted peer’s X-Forwarded-* and keys the response on host and scheme', async () => {
    await start({ trustProxy: ['127.0.0.1'] });
    const lines = [
      'X-Forwarded-For: 203.0.113.9',
      'X-Forwarded-Host: www.example',
      'X-Forwarded-Proto: https',
    ];
    const stored = nextEvent(proxy.cache, 'store');
    const first = await get('/page', lines);
    await stored;
    expect(first.body).toBe('GET /page <script src="https://www.example/app.js"></script> ');
    const headers = upstream.requests[0]?.headers;
    expect(headers?.['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(headers?.forwarded).toBe('for=203.0.113.9;proto=https;host=www.example, for=127.0.0.1');
    expect(first.headers.vary).toMatch(/x-forwarded-host, x-forwarded-proto/i);
    // Same host and scheme: the stored response. Another host: its own response, not the first.
    expect((await get('/page', lines)).headers['cache-status']).toMatch(/hit/);
    const other = await get('/page', ['X-Forwarded-Host: evil.example']);
    expect(other.body).toBe('GET /page <script src="http://evil.example/app.js"></script> ');
    expect((await get('/page')).body).toBe(CLEAN);
  });

  it('ignores them from a peer it does not trust', async () => {
    await start({ trustProxy: ['192.0.2.1'] });
    const { visit } = await attackThenVisit(['X-Forwarded-Host: evil.example']);
    expect(visit.body).toBe(CLEAN);
    expect(upstream.requests[0]?.headers['x-forwarded-host']).toBeUndefined();
  });

  it('is validated', async () => {
    upstream = await startUpstream();
    proxy = await createProxy({ upstream: upstream.url });
    await expect(
      createProxy({ upstream: upstream.url, trustProxy: ['not an address'] }),
    ).rejects.toThrow(OptionsError);
    await expect(
      createProxy({ upstream: upstream.url, trustProxy: 'yes' as unknown as boolean }),
    ).rejects.toThrow(OptionsError);
  });
});
