import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedFetch, cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { FaultyStorage } from '../reliability/faulty-storage.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin({
    '/big': { headers: { 'cache-control': 'max-age=60' }, body: 'x'.repeat(200_000) },
    '/swr': { headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' }, body: 'v' },
  });
});
afterEach(async () => {
  await origin.close();
});

/** A storage whose writes end, as `end` says, only when the test lets them. */
function heldWrites(end: (stored: unknown) => unknown = (stored) => stored) {
  const storage = new FaultyStorage();
  const gate = Promise.withResolvers<void>();
  storage.fail('put', async (stored) => {
    await gate.promise;
    return end(stored);
  });
  return { storage, release: () => gate.resolve() };
}

/**
 * Reads `/big`, checks that idle() waits while its write is held, then lets the write end. (A
 * streamed body ends only once its write has settled, so the body is read on while it is held.)
 */
async function idleAcrossHeldWrite(
  cachedFetch: CachedFetch,
  held: ReturnType<typeof heldWrites>,
): Promise<void> {
  const read = (await cachedFetch(`${origin.url}/big`)).text();
  let idle = false;
  const settled = cachedFetch.idle().then(() => {
    idle = true;
  });
  // The write is held: idle() has not resolved.
  await Promise.resolve();
  expect(held.storage.injected).toEqual(['put']);
  expect(idle).toBe(false);
  held.release();
  await settled;
  expect(await read).toHaveLength(200_000);
}

describe('idle()', () => {
  it('waits for a teed body to be stored, so the next request is a hit', async () => {
    const held = heldWrites();
    const cachedFetch = createFetch({ storage: held.storage });
    const stored: string[] = [];
    cachedFetch.cache.on('store', (e) => stored.push(e.url));
    await idleAcrossHeldWrite(cachedFetch, held);
    expect(stored).toEqual([`${origin.url}/big`]);
    const again = await cachedFetch(`${origin.url}/big`);
    expect(cacheStatus(again)?.fromCache).toBe(true);
    await again.text();
    await cachedFetch.close();
  });

  it('waits for a store that fails, which has reported its error by then', async () => {
    const held = heldWrites(() => {
      throw new Error('disk full');
    });
    const cachedFetch = createFetch({ storage: held.storage });
    const errors: string[] = [];
    const stored: string[] = [];
    cachedFetch.cache.on('error', (e) =>
      errors.push(`${e.operation}: ${(e.error as Error).message}`),
    );
    cachedFetch.cache.on('store', (e) => stored.push(e.url));
    await idleAcrossHeldWrite(cachedFetch, held);
    expect(errors).toEqual(['put: disk full']);
    expect(stored).toEqual([]);
    await cachedFetch.close();
  });

  it('waits for a background revalidation and the store it starts', async () => {
    const clock = manualClock();
    const cachedFetch = createFetch({ clock });
    const events: string[] = [];
    cachedFetch.cache.on('store', () => events.push('store'));
    cachedFetch.cache.on('revalidate', (e) => events.push(`revalidate ${e.status}`));
    await (await cachedFetch(`${origin.url}/swr`)).text();
    await cachedFetch.idle();
    clock.advance(10);
    const stale = await cachedFetch(`${origin.url}/swr`);
    expect(stale.headers.get('cache-status')).toContain('fwd=stale');
    await stale.text();
    await cachedFetch.idle();
    expect(events).toEqual(['store', 'revalidate 200', 'store']);
    expect(origin.count('/swr')).toBe(2);
    await cachedFetch.close();
  });

  it('resolves at once when nothing is pending', async () => {
    const cachedFetch = createFetch();
    await cachedFetch.idle();
    await cachedFetch.close();
  });
});
