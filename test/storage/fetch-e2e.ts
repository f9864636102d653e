import { expect } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import type { EntryMeta, Storage } from '../../src/storage/types.ts';
import type { ManualClock } from '../helpers/clock.ts';
import type { TestOrigin } from '../helpers/origin.ts';

/**
 * A persistent storage behind `createFetch`, end to end against a real origin: the checks every
 * backend's tests share.
 *
 * @module
 */

/**
 * Through `createFetch` on `storage`: a miss stored, a hit that does not reach the origin, a 304
 * that freshens the stored entry, and a hit again. Returns the entry as stored after the 304.
 */
export async function missHitRevalidate(
  origin: TestOrigin,
  storage: Storage,
  clock: ManualClock,
  body: string,
): Promise<EntryMeta | undefined> {
  origin.route('/e2e', (req, res) => {
    // Dated by the test's clock, not the origin's: ages are the clock's.
    const headers = {
      etag: '"v1"',
      'cache-control': 'max-age=60',
      date: new Date(clock()).toUTCString(),
    };
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { ...headers, 'x-validated': 'yes' }).end();
    } else {
      res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end(body);
    }
  });
  const cachedFetch = createFetch({ storage, clock });
  const url = `${origin.url}/e2e`;

  const stored = storeEvent(cachedFetch);
  const miss = await cachedFetch(url);
  expect(await miss.text()).toBe(body);
  expect(cacheStatus(miss)).toMatchObject({ fromCache: false, stored: true });
  await stored;
  await cachedFetch.idle();

  clock.advance(10);
  const hit = await cachedFetch(url);
  expect(await hit.text()).toBe(body);
  expect(cacheStatus(hit)).toMatchObject({ fromCache: true, revalidated: false });
  expect(hit.headers.get('age')).toBe('10');
  expect(origin.count('/e2e')).toBe(1);

  clock.advance(100);
  const revalidated = await cachedFetch(url);
  expect(await revalidated.text()).toBe(body);
  expect(cacheStatus(revalidated)).toMatchObject({ fromCache: true, revalidated: true });
  expect(origin.count('/e2e')).toBe(2);
  expect(origin.requests[1]?.headers['if-none-match']).toBe('"v1"');
  const [entry] = await storage.get(`GET ${url}`);
  expect(entry?.responseTime).toBe(clock());
  expect(entry?.staleAt).toBe(clock() + 60_000);
  expect(entry?.headers).toContainEqual(['x-validated', 'yes']);

  clock.advance(10);
  const again = await cachedFetch(url);
  expect(cacheStatus(again)?.fromCache).toBe(true);
  await again.body?.cancel();
  expect(origin.count('/e2e')).toBe(2);
  return entry;
}

/** Resolves when the cache has stored a response. */
export function storeEvent(cachedFetch: ReturnType<typeof createFetch>): Promise<void> {
  return new Promise((resolve) => {
    const off = cachedFetch.cache.on('store', () => {
      off();
      resolve();
    });
  });
}
