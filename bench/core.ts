/**
 * The `core` group: httpcache's in-memory hits against a floor and undici's cache, a revalidation
 * and a miss against plain fetch.
 */
import { Agent, cacheStores, interceptors, fetch as undiciFetch } from 'undici';
import { cacheStatus, createFetch, MemoryStorage } from '../src/index.ts';
import { type Case, type Group, measure, type RatioSpec } from './harness.ts';
import { bodyOf, responseHeaders } from './origin.ts';

const SIZES = [
  ['1 KiB', 1024],
  ['256 KiB', 256 * 1024],
] as const;
const REVALIDATION = 'revalidation (304): httpcache';
const MISS = 'miss + store: httpcache';
const PLAIN = 'plain fetch (no cache)';

export const core: Group = async (context) => {
  const { origin } = context;
  const cached = createFetch({ storage: new MemoryStorage() });
  const undiciCache = new Agent({ keepAliveTimeout: 60_000 }).compose(
    interceptors.cache({ store: new cacheStores.MemoryCacheStore() }),
  );

  const cases: Case[] = [];
  const ratios: RatioSpec[] = [];
  for (const [label, size] of SIZES) {
    const path = `/fresh/${size}`;
    const url = `${origin.url}${path}`;
    // The floor: the least any in-memory cache does for a hit, a lookup and a Response.
    const floor = new Map([
      [url, { body: bodyOf(size), headers: Object.entries(responseHeaders(size, 'max-age=3600')) }],
    ]);
    const [mine, least, undici] = [
      `hit ${label}: httpcache`,
      `hit ${label}: floor (Map + Response)`,
      `hit ${label}: undici cache`,
    ];
    cases.push(
      {
        name: mine,
        hit: path,
        run: async () => {
          const res = await cached(url);
          await res.arrayBuffer();
          if (cacheStatus(res)?.fromCache !== true) throw new Error('not a hit');
        },
      },
      {
        name: least,
        run: async () => {
          const entry = floor.get(url);
          if (entry === undefined) throw new Error('not stored');
          await new Response(entry.body, { headers: entry.headers }).arrayBuffer();
        },
      },
      {
        name: undici,
        hit: path,
        run: async () => {
          await (await undiciFetch(url, { dispatcher: undiciCache })).arrayBuffer();
        },
      },
    );
    ratios.push(
      { label: `hit ${label} / floor`, numerator: mine, denominator: least, target: 1.5 },
      { label: `hit ${label} / undici cache`, numerator: mine, denominator: undici },
    );
  }

  // A stale stored response with an ETag: the origin answers every request with 304.
  const revalidating = createFetch({ storage: new MemoryStorage() });
  const staleUrl = `${origin.url}/stale/1024`;
  const stored = new Promise((resolve) => revalidating.cache.on('store', resolve));
  await (await revalidating(staleUrl)).arrayBuffer();
  await stored;
  // Misses have a cache of their own, kept full so that every store also evicts an entry: the
  // steady state of a long-running process.
  const storing = createFetch({ storage: new MemoryStorage({ maxEntries: 1000 }) });
  let n = 0;
  cases.push(
    {
      name: REVALIDATION,
      run: async () => {
        const res = await revalidating(staleUrl);
        await res.arrayBuffer();
        if (cacheStatus(res)?.revalidated !== true) throw new Error('not revalidated');
      },
    },
    {
      name: MISS,
      run: async () => {
        const res = await storing(`${origin.url}/miss/1024?n=${n++}`);
        await res.arrayBuffer();
        if (cacheStatus(res)?.stored !== true) throw new Error('not stored');
      },
    },
    {
      name: PLAIN,
      run: async () => {
        await (await fetch(`${origin.url}/plain/1024?n=${n++}`)).arrayBuffer();
      },
    },
  );
  ratios.push(
    {
      label: 'revalidation / plain fetch',
      numerator: REVALIDATION,
      denominator: PLAIN,
      target: 1.1,
    },
    { label: 'miss + store / plain fetch', numerator: MISS, denominator: PLAIN, target: 1.1 },
  );

  try {
    return await measure('core: in-memory hits, revalidation, miss', cases, ratios, context);
  } finally {
    await cached.close();
    await revalidating.close();
    await storing.close();
    await undiciCache.close();
  }
};
