/**
 * Finding 10 of the hardening issue, interim responses: the proxy dropped the upstream's 1xx
 * responses (the conformance cases `interim-102` and `interim-103`). It now relays 102 Processing
 * and 103 Early Hints to the client that asked (never to an HTTP/1.0 client, RFC 9110 §15.2), and
 * never stores them: a later hit is the final response alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { nextEvent } from '../helpers/events.ts';
import { head, type RawOrigin, startRawOrigin } from '../reliability/raw-origin.ts';
import { exchange, responses } from './sockets.ts';

let upstream: RawOrigin;
let proxy: CachingProxy;

beforeEach(async () => {
  upstream = await startRawOrigin((socket) => {
    socket.write(
      head('103 Early Hints', [
        ['Link', '</style.css>; rel=preload; as=style'],
        ['X-Hint', 'test'],
        ['Connection', 'x-hint-hop'],
        ['X-Hint-Hop', 'dropped'],
      ]),
    );
    socket.write(head('102 Processing', []));
    socket.write(
      `${head('200 OK', [
        ['Cache-Control', 'max-age=60'],
        ['Content-Length', '5'],
      ])}final`,
    );
  });
  proxy = await createProxy({ upstream: upstream.url });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

function get(version = '1.1') {
  return exchange(
    proxy.url,
    `GET /page HTTP/${version}\r\nHost: site.example\r\nConnection: close\r\n\r\n`,
  ).then(({ text }) => responses(text));
}

describe('interim (1xx) responses', () => {
  it('are relayed to the client, end-to-end fields only, and never stored', async () => {
    const stored = nextEvent(proxy.cache, 'store');
    const first = await get();
    expect(first.map((r) => r.status)).toEqual([103, 102, 200]);
    expect(first[0]?.headers.link).toBe('</style.css>; rel=preload; as=style');
    expect(first[0]?.headers['x-hint']).toBe('test');
    expect(first[0]?.headers['x-hint-hop']).toBeUndefined();
    expect(first[2]?.body).toBe('final');
    await stored;
    const hit = await get();
    expect(hit.map((r) => r.status)).toEqual([200]);
    expect(hit[0]?.headers['cache-status']).toMatch(/hit/);
    expect(hit[0]?.body).toBe('final');
    expect(upstream.requests).toHaveLength(1);
  });

  it('are not sent to an HTTP/1.0 client (RFC 9110 §15.2)', async () => {
    const answer = await get('1.0');
    expect(answer.map((r) => r.status)).toEqual([200]);
  });
});
