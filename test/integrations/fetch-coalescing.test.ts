import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

/** A route that answers after `ms`, so concurrent requests overlap. */
function slow(
  path: string,
  ms: number,
  headers: Record<string, string>,
  body: (req: { headers: Record<string, unknown> }) => string,
) {
  origin.route(path, (req, res) => {
    setTimeout(() => res.writeHead(200, headers).end(body(req)), ms);
  });
}

describe('request coalescing', () => {
  it('1,000 concurrent identical requests cost one origin request, each with its own body', async () => {
    slow('/popular', 50, { 'cache-control': 'max-age=60' }, () => 'shared body');
    const cachedFetch = createFetch();
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => cachedFetch(`${origin.url}/popular`)),
    );
    const bodies = await Promise.all(responses.map((res) => res.text()));
    expect(new Set(bodies)).toEqual(new Set(['shared body']));
    expect(origin.count('/popular')).toBe(1);
    const collapsed = responses.filter((res) => cacheStatus(res)?.collapsed);
    expect(collapsed).toHaveLength(999);
    expect(collapsed[0]?.headers.get('cache-status')).toMatch(
      /^httpcache; fwd=uri-miss; fwd-status=200; ttl=\d+; stored; collapsed$/,
    );
    await cachedFetch.close();
  });

  it('does not coalesce requests for different variants', async () => {
    origin.route('/lang', (req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' });
        res.end(String(req.headers['accept-language']));
      }, 30);
    });
    const cachedFetch = createFetch();
    const langs = ['en', 'fr', 'en', 'de', 'fr'];
    const bodies = await Promise.all(
      langs.map(async (lang) =>
        (await cachedFetch(`${origin.url}/lang`, { headers: { 'accept-language': lang } })).text(),
      ),
    );
    expect(bodies).toEqual(langs);
    // The first request leads; the other variants go on their own once its response shows the Vary.
    expect(origin.count('/lang')).toBeGreaterThanOrEqual(3);
    expect(origin.count('/lang')).toBeLessThanOrEqual(4);
    await cachedFetch.close();
  });

  it('does not share a response that may not be stored', async () => {
    origin.route('/private', (req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'cache-control': 'no-store' }).end(String(req.headers['x-user']));
      }, 30);
    });
    const cachedFetch = createFetch();
    const users = ['a', 'b', 'c', 'd'];
    const bodies = await Promise.all(
      users.map(async (user) =>
        (await cachedFetch(`${origin.url}/private`, { headers: { 'x-user': user } })).text(),
      ),
    );
    expect(bodies).toEqual(users);
    expect(origin.count('/private')).toBe(4);
    await cachedFetch.close();
  });

  it('a caller that cancels its body does not cancel the others', async () => {
    origin.route('/stream', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const timer = setInterval(() => {
        res.write(chunk);
        if (++sent === 32) {
          clearInterval(timer);
          res.end();
        }
      }, 1);
    });
    const cachedFetch = createFetch();
    const [first, second, third] = await Promise.all(
      [1, 2, 3].map(() => cachedFetch(`${origin.url}/stream`)),
    );
    await first?.body?.cancel();
    const sizes = await Promise.all(
      [second, third].map(async (res) => (await res?.arrayBuffer())?.byteLength),
    );
    expect(sizes).toEqual([2 * 1024 * 1024, 2 * 1024 * 1024]);
    expect(origin.count('/stream')).toBe(1);
    // Read to the end by the others, the body was stored.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const hit = await cachedFetch(`${origin.url}/stream`);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect((await hit.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
    await cachedFetch.close();
  });

  it('an origin error reaches every waiter', async () => {
    let calls = 0;
    const failure = new TypeError('fetch failed');
    const cachedFetch = createFetch({
      fetch: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw failure;
      },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => cachedFetch('http://127.0.0.1:9/down')),
    );
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.value))).toEqual(
      Array(5).fill(failure),
    );
    expect(calls).toBe(1);
    await cachedFetch.close();
  });
});
