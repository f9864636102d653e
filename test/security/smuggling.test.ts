/**
 * Finding 1 of the hardening issue, request smuggling: a request body the proxy forwards without
 * framing is parsed by the upstream as the next request on the same connection. Every body sent
 * upstream is framed (`Content-Length` or chunked), a GET/HEAD body is not sent at all, and
 * requests whose own framing is ambiguous are refused with 400 before anything is forwarded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let upstream: RecordingUpstream;
let proxy: CachingProxy;

async function start(): Promise<void> {
  upstream = await startUpstream();
  proxy = await createProxy({ upstream: `${upstream.url}/public` });
}

afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

/** What the upstream parsed, once the proxy has closed its connections to it. */
async function parsedUpstream(): Promise<{ method: string; path: string; body: string }[]> {
  await proxy.close();
  await upstream.quiet();
  return Promise.all(
    upstream.requests.map(async (r) => ({ method: r.method, path: r.path, body: await r.body })),
  );
}

const SMUGGLED =
  'GET /internal/admin HTTP/1.1\r\nHost: origin\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n';

function chunked(method: string, payload: string): string {
  return (
    `${method} /a HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`
  );
}

describe('a request body never reaches the upstream unframed', () => {
  it.each(['GET', 'HEAD'])('%s with a chunked body: the body is not forwarded', async (method) => {
    await start();
    const answer = responses((await exchange(proxy.url, chunked(method, SMUGGLED))).text);
    expect(answer[0]?.status).toBe(200);
    expect(await parsedUpstream()).toEqual([{ method, path: '/public/a', body: '' }]);
  });

  it('GET with a Content-Length body: the body is not forwarded', async () => {
    await start();
    const request = `GET /a HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`;
    expect(responses((await exchange(proxy.url, request)).text)[0]?.status).toBe(200);
    expect(await parsedUpstream()).toEqual([{ method: 'GET', path: '/public/a', body: '' }]);
  });

  it.each(['DELETE', 'OPTIONS'])(
    '%s with a chunked body: forwarded as a body, framed',
    async (method) => {
      await start();
      expect(
        responses((await exchange(proxy.url, chunked(method, SMUGGLED))).text)[0]?.status,
      ).toBe(200);
      expect(await parsedUpstream()).toEqual([{ method, path: '/public/a', body: SMUGGLED }]);
    },
  );

  it('POST with a Content-Length body: forwarded with that length', async () => {
    await start();
    const request = `POST /a HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`;
    expect(responses((await exchange(proxy.url, request)).text)[0]?.status).toBe(200);
    const [parsed] = upstream.requests;
    expect(parsed?.headers['content-length']).toBe(String(SMUGGLED.length));
    expect(await parsedUpstream()).toEqual([{ method: 'POST', path: '/public/a', body: SMUGGLED }]);
  });
});

/** Defences that already held when the issue was filed, kept as regression tests. */
describe('requests with ambiguous framing are answered 400 and never forwarded', () => {
  const CASES: readonly (readonly [string, string])[] = [
    [
      'Content-Length with Transfer-Encoding (CL.TE)',
      'POST /a HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'two different Content-Length fields',
      'POST /a HTTP/1.1\r\nHost: p\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nbody',
    ],
    ['a Content-Length list', 'POST /a HTTP/1.1\r\nHost: p\r\nContent-Length: 4, 40\r\n\r\nbody'],
    [
      'obs-fold (a header line continued on the next)',
      'GET /a HTTP/1.1\r\nHost: p\r\nX-Long: a\r\n b\r\n\r\n',
    ],
    [
      'a transfer coding other than chunked last',
      'POST /a HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n',
    ],
    [
      'Transfer-Encoding with a space before the colon',
      'POST /a HTTP/1.1\r\nHost: p\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
    ],
    ['a bad chunk size', 'POST /a HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a bare LF in a header line', 'GET /a HTTP/1.1\r\nHost: p\nX-A: b\r\n\r\n'],
    ['an absolute-form target', 'GET http://elsewhere.test/a HTTP/1.1\r\nHost: p\r\n\r\n'],
  ];

  it.each(CASES)('%s', async (_name, request) => {
    await start();
    const { text } = await exchange(proxy.url, request);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(await parsedUpstream()).toEqual([]);
  });
});
