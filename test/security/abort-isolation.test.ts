/**
 * One user's abort never reaches another user. Concurrent requests for one URL share one upstream
 * request in the shared cache; the client whose request went upstream first hanging up must not
 * cut off the others waiting for the same response. (The proxy made that upstream request with
 * the first client's abort signal, so the second client got a 502.)
 */
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { LookupCounter } from '../helpers/lookups.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let upstream: RecordingUpstream;
let proxy: CachingProxy;

afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

it('a client that hangs up does not cut off another client sharing its upstream request', async () => {
  const held = Promise.withResolvers<ServerResponse>();
  upstream = await startUpstream((_req, res) => held.resolve(res));
  const storage = new LookupCounter();
  proxy = await createProxy({ upstream: upstream.url, storage });
  const closedOnProxy = Promise.withResolvers<void>();
  proxy.server.on('connection', (socket: Socket) => {
    socket.on('close', () => closedOnProxy.resolve());
  });

  // The first client's request goes upstream and is held there.
  const { port } = new URL(proxy.url);
  const first = connect(Number(port), '127.0.0.1', () =>
    first.write('GET /shared HTTP/1.1\r\nHost: site.example\r\n\r\n'),
  );
  first.on('error', () => {});
  const res = await held.promise;
  // The second client's request joins it (it has looked the key up and found nothing).
  const second = exchange(
    proxy.url,
    'GET /shared HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n',
  );
  await storage.answered(2);
  // The first client goes away, and the proxy has seen it go.
  first.destroy();
  await closedOnProxy.promise;
  await new Promise((resolve) => setImmediate(resolve));
  expect(res.destroyed).toBe(false);
  res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '5' }).end('whole');

  const [answer] = responses((await second).text);
  expect(answer?.status).toBe(200);
  expect(answer?.body).toBe('whole');
  expect(upstream.requests).toHaveLength(1);
});
