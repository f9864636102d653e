/**
 * The `core` group: httpcache's in-memory hits against a floor and undici's cache (misses and
 * revalidations are the `misses` group's).
 */
import { Agent, cacheStores, interceptors, fetch as undiciFetch } from 'undici';
import { cacheStatus, createFetch, MemoryStorage } from '../src/index.ts';
import { type Case, type Group, measure, type RatioSpec } from './harness.ts';
import { bodyOf, responseHeaders } from './origin.ts';

const SIZES = [
  ['1 KiB', 1024],
  ['256 KiB', 256 * 1024],
] as const;

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
      {
        label: `hit ${label} / floor`,
        numerator: mine,
        denominator: least,
        target: 1.5,
        explain: 'the bookkeeping of a hit costs more than building the Response itself',
        chart: { row: `hit ${label}, memory (x floor)`, bar: 'httpcache' },
      },
      {
        label: `undici cache hit ${label} / floor`,
        numerator: undici,
        denominator: least,
        chart: { row: `hit ${label}, memory (x floor)`, bar: 'undici cache' },
      },
      { label: `hit ${label} / undici cache`, numerator: mine, denominator: undici },
    );
  }

  try {
    return await measure('core: in-memory hits', cases, ratios, context);
  } finally {
    await cached.close();
    await undiciCache.close();
  }
};
