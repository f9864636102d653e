import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('metadata: stale and forwarded', () => {
  it('says whether the stored response served was stale', async () => {
    const clock = manualClock();
    origin.route('/swr', {
      headers: { 'cache-control': 'max-age=10, stale-while-revalidate=60' },
      body: 'v',
    });
    const cachedFetch = createFetch({ clock });
    const miss = await cachedFetch(`${origin.url}/swr`);
    await miss.text();
    expect(cacheStatus(miss)).toMatchObject({ stale: false, forwarded: 'uri-miss' });
    const fresh = await cachedFetch(`${origin.url}/swr`);
    await fresh.text();
    expect(cacheStatus(fresh)).toMatchObject({ fromCache: true, stale: false });
    clock.advance(20);
    const stale = await cachedFetch(`${origin.url}/swr`);
    await stale.text();
    expect(cacheStatus(stale)).toMatchObject({ fromCache: true, stale: true, forwarded: 'stale' });
    await cachedFetch.idle();
    await cachedFetch.close();
  });
});
