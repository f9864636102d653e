/**
 * Finding 8 of the hardening issue, error bodies that leak internals: a 502 said
 * `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)`, telling any client the upstream's address.
 * Clients now get the status text alone; the detail goes to the proxy's `error` event.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CachingProxy,
  createProxy,
  type ProxyErrorEvent,
} from '../../src/integrations/server/index.ts';
import { exchange, responses } from './sockets.ts';

let proxy: CachingProxy;
afterEach(async () => {
  await proxy.close();
});

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

function nextError(): Promise<ProxyErrorEvent> {
  return new Promise((resolve) => {
    const off = proxy.on('error', (event) => {
      off();
      resolve(event);
    });
  });
}

async function get(path: string) {
  const request = `GET ${path} HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n`;
  const [response] = responses((await exchange(proxy.url, request)).text);
  if (response === undefined) throw new Error('no response');
  return response;
}

describe('the proxy’s own error responses say nothing about its internals', () => {
  it('502 for an unreachable upstream: status text to the client, detail to the event', async () => {
    const port = await deadPort();
    proxy = await createProxy({ upstream: `http://127.0.0.1:${port}/app` });
    const reported = nextError();
    const response = await get('/page');
    expect(response.status).toBe(502);
    expect(response.body).toBe('Bad Gateway\n');
    expect(JSON.stringify(response.headers)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|app/);
    const event = await reported;
    expect(event).toMatchObject({ status: 502, url: `http://127.0.0.1:${port}/app/page` });
    expect((event.error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('504 for an upstream that does not answer in time', async () => {
    // The upstream accepts and never answers; the proxy's timeout is the only clock involved.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      proxy = await createProxy({ upstream: `http://127.0.0.1:${port}`, timeout: 50 });
      const reported = nextError();
      const response = await get('/slow');
      expect(response.status).toBe(504);
      expect(response.body).toBe('Gateway Timeout\n');
      expect((await reported).status).toBe(504);
    } finally {
      silent.close();
    }
  });

  it('400 for a target it refuses, without echoing it', async () => {
    proxy = await createProxy({ upstream: 'http://127.0.0.1:9/app' });
    const response = await get('/../<script>');
    expect(response.status).toBe(400);
    expect(response.body).toBe('Bad Request\n');
  });
});
