import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedFetch, cacheStatus, createFetch } from '../../src/index.ts';
import { LookupCounter } from '../helpers/lookups.ts';
import {
  type ReceivedRequest,
  resetConnection,
  startOrigin,
  type TestOrigin,
} from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

/**
 * A cache whose origin answers `path` once `callers` requests have looked their key up, so each
 * has joined the first one's origin request (or gone its own way) before that request is answered.
 */
function heldUntilLookedUp(
  path: string,
  callers: number,
  answer: (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>,
): CachedFetch {
  const storage = new LookupCounter();
  origin.route(path, async (req, res) => {
    await storage.answered(callers);
    await answer(req, res);
  });
  return createFetch({ storage });
}

describe('request coalescing', () => {
  it('1,000 concurrent identical requests cost one origin request, each with its own body', async () => {
    const cachedFetch = heldUntilLookedUp('/popular', 1000, (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('shared body');
    });
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
    const langs = ['en', 'fr', 'en', 'de', 'fr'];
    const cachedFetch = heldUntilLookedUp('/lang', langs.length, (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' });
      res.end(String(req.headers['accept-language']));
    });
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
    const users = ['a', 'b', 'c', 'd'];
    const cachedFetch = heldUntilLookedUp('/private', users.length, (req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' }).end(String(req.headers['x-user']));
    });
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
    // The origin sends the first chunk, and the other 31 once the first caller has cancelled.
    const cancelled = Promise.withResolvers<void>();
    const cachedFetch = heldUntilLookedUp('/stream', 3, async (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      res.write(chunk);
      await cancelled.promise;
      for (let sent = 1; sent < 32; sent++) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    });
    const [first, second, third] = await Promise.all(
      [1, 2, 3].map(() => cachedFetch(`${origin.url}/stream`)),
    );
    await first?.body?.cancel();
    cancelled.resolve();
    const sizes = await Promise.all(
      [second, third].map(async (res) => (await res?.arrayBuffer())?.byteLength),
    );
    expect(sizes).toEqual([2 * 1024 * 1024, 2 * 1024 * 1024]);
    expect(origin.count('/stream')).toBe(1);
    // Read to the end by the others, the body was stored.
    await cachedFetch.idle();
    const hit = await cachedFetch(`${origin.url}/stream`);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect((await hit.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
    await cachedFetch.close();
  });

  it('an origin error reaches every waiter', async () => {
    // The origin resets the connection it got the request on: one error for all five.
    const cachedFetch = heldUntilLookedUp('/down', 5, (_req, res) => resetConnection(res));
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => cachedFetch(`${origin.url}/down`)),
    );
    const reasons = results.map((r) => (r.status === 'rejected' ? r.reason : r.value));
    expect(reasons[0]).toBeInstanceOf(TypeError);
    expect(reasons[0]).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } });
    for (const reason of reasons) expect(reason).toBe(reasons[0]);
    expect(origin.count('/down')).toBe(1);
    await cachedFetch.close();
  });
});
