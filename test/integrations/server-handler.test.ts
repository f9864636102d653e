import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheStatus, OptionsError } from '../../src/index.ts';
import { cacheHandler } from '../../src/integrations/server/index.ts';
import { manualClock } from '../helpers/clock.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves a fetch-style handler on 127.0.0.1, as a Node adapter (e.g. @hono/node-server) would. */
async function serve(handler: (request: Request) => Promise<Response>): Promise<string> {
  const server = createServer(async (req, res) => {
    const url = `http://${req.headers.host}${req.url}`;
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    const response = await handler(new Request(url, { method: req.method ?? 'GET', headers }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('cacheHandler: a shared cache in front of a server handler', () => {
  it('answers hits without calling the handler, behind a real server on 127.0.0.1', async () => {
    let calls = 0;
    const app = async (request: Request) => {
      calls++;
      return new Response(`page ${new URL(request.url).pathname}`, {
        headers: { 'cache-control': 'public, s-maxage=60, max-age=0' },
      });
    };
    const clock = manualClock();
    const handler = cacheHandler(app, { clock });
    const url = await serve(handler);
    const first = await fetch(`${url}/home`);
    expect(await first.text()).toBe('page /home');
    expect(first.headers.get('cache-status')).toContain('stored');
    await handler.cache.idle();
    clock.advance(7);
    const second = await fetch(`${url}/home`);
    expect(await second.text()).toBe('page /home');
    expect(second.headers.get('cache-status')).toBe('httpcache; hit; ttl=53');
    expect(second.headers.get('age')).toBe('7');
    expect(calls).toBe(1);
    await handler.close();
  });

  it('is shared by default: private, Set-Cookie and Authorization rules (RFC 9111 §3.5, §5.2.2.7)', async () => {
    let calls = 0;
    const handler = cacheHandler(async (request: Request) => {
      calls++;
      const path = new URL(request.url).pathname;
      if (path === '/private')
        return new Response('mine', { headers: { 'cache-control': 'private, max-age=60' } });
      return new Response('shared', {
        headers: { 'cache-control': 'max-age=60', 'set-cookie': 'session=1' },
      });
    });
    for (let i = 0; i < 2; i++)
      await (await handler(new Request('http://app.test/private'))).text();
    expect(calls).toBe(2);
    const first = await handler(new Request('http://app.test/cookie'));
    expect(first.headers.get('set-cookie')).toBe('session=1');
    await first.text();
    await handler.cache.idle();
    const hit = await handler(new Request('http://app.test/cookie'));
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect(hit.headers.get('set-cookie')).toBeNull();
    const authorised = new Request('http://app.test/auth', {
      headers: { authorization: 'Bearer x' },
    });
    await (await handler(authorised)).text();
    await (
      await handler(new Request('http://app.test/auth', { headers: { authorization: 'Bearer x' } }))
    ).text();
    expect(calls).toBe(5);
    await handler.close();
  });

  it('passes the platform arguments on, and revalidates with the handler', async () => {
    const clock = manualClock();
    const seen: string[] = [];
    const handler = cacheHandler(
      async (request: Request, env: { name: string }) => {
        seen.push(`${env.name} ${request.headers.get('if-none-match') ?? '-'}`);
        if (request.headers.get('if-none-match') === '"a"') {
          return new Response(null, { status: 304, headers: { etag: '"a"' } });
        }
        return new Response('tagged', { headers: { etag: '"a"', 'cache-control': 's-maxage=10' } });
      },
      { clock },
    );
    await (await handler(new Request('http://app.test/t'), { name: 'env' })).text();
    await handler.cache.idle();
    clock.advance(20);
    const again = await handler(new Request('http://app.test/t'), { name: 'env' });
    expect(await again.text()).toBe('tagged');
    expect(cacheStatus(again)?.revalidated).toBe(true);
    expect(seen).toEqual(['env -', 'env "a"']);
    await handler.close();
  });

  it('keys POST queries by their body with bodyKey, passing the platform arguments on', async () => {
    const seen: string[] = [];
    const handler = cacheHandler(
      async (request: Request, env: string) => {
        const body = await request.text();
        seen.push(`${env} ${body}`);
        return new Response(`answer to ${body}`, { headers: { 'cache-control': 's-maxage=60' } });
      },
      { cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true },
    );
    const ask = async (query: string) => {
      const res = await handler(
        new Request('http://app.test/graphql', { method: 'POST', body: query }),
        'env',
      );
      const text = await res.text();
      await handler.cache.idle();
      return text;
    };
    expect(await ask('{ a }')).toBe('answer to { a }');
    expect(await ask('{ b }')).toBe('answer to { b }');
    expect(await ask('{ a }')).toBe('answer to { a }');
    expect(seen).toEqual(['env { a }', 'env { b }']);
    await handler.close();
  });

  it('validates its arguments', () => {
    expect(() => cacheHandler('nope' as never)).toThrow(OptionsError);
    expect(() => cacheHandler(async () => new Response(), { fetch } as never)).toThrow(
      OptionsError,
    );
  });
});
