/**
 * `npm run bench`: httpcache against a floor, undici's cache and plain fetch. See README.md.
 * `npm run bench -- --quick` runs a short smoke version.
 */
import { Agent, cacheStores, interceptors, fetch as undiciFetch } from 'undici';
import { type CachedFetch, cacheStatus, createFetch, MemoryStorage } from '../src/index.ts';
import { type Case, formatNs, formatOps, runCases, type Settings, table } from './harness.ts';
import { bodyOf, responseHeaders, startOrigin } from './origin.ts';

const quick = process.argv.includes('--quick');
const settings: Settings = quick
  ? { warmupMs: 200, batchMs: 20, rounds: 8 }
  : { warmupMs: 1000, batchMs: 100, rounds: 30 };

const SIZES = [
  ['1 KiB', 1024],
  ['256 KiB', 256 * 1024],
] as const;

const origin = await startOrigin();
const cached = createFetch({ storage: new MemoryStorage() });
const undiciCache = new Agent({ keepAliveTimeout: 60_000 }).compose(
  interceptors.cache({ store: new cacheStores.MemoryCacheStore() }),
);

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench: ${what}`);
}

/** Fetches `url` through `cache` and waits until the response is stored. */
async function store(cache: CachedFetch, url: string): Promise<void> {
  const stored = new Promise<void>((resolve) => {
    const off = cache.cache.on('store', () => {
      off();
      resolve();
    });
  });
  await (await cache(url)).arrayBuffer();
  await stored;
}

// The floor: what any in-memory cache must at least do for a hit.
const floorStore = new Map<
  string,
  { body: Uint8Array<ArrayBuffer>; headers: [string, string][] }
>();

const cases: Case[] = [];
for (const [label, size] of SIZES) {
  const url = `${origin.url}/fresh/${size}`;
  // Store the response in both caches, and check that the next request is a hit.
  await store(cached, url);
  const hit = await cached(url);
  await hit.arrayBuffer();
  expect(cacheStatus(hit)?.fromCache === true, `httpcache does not hit ${url}`);
  for (let i = 0; i < 2; i++)
    await (await undiciFetch(url, { dispatcher: undiciCache })).arrayBuffer();
  floorStore.set(url, {
    body: bodyOf(size),
    headers: Object.entries(responseHeaders(size, 'max-age=3600')),
  });
  cases.push(
    {
      name: `hit ${label}: httpcache`,
      run: async () => {
        const res = await cached(url);
        await res.arrayBuffer();
        if (cacheStatus(res)?.fromCache !== true) throw new Error('not a hit');
      },
    },
    {
      name: `hit ${label}: floor (Map + Response)`,
      run: async () => {
        const entry = floorStore.get(url);
        if (entry === undefined) throw new Error('not stored');
        await new Response(entry.body, { headers: entry.headers }).arrayBuffer();
      },
    },
    {
      name: `hit ${label}: undici cache`,
      run: async () => {
        await (await undiciFetch(url, { dispatcher: undiciCache })).arrayBuffer();
      },
    },
  );
}

// Revalidation: a stale stored response with an ETag; the origin answers 304 every time.
const revalidating = createFetch({ storage: new MemoryStorage() });
const staleUrl = `${origin.url}/stale/1024`;
await store(revalidating, staleUrl);
// Misses get their own cache: evicting their entries must not evict the one being revalidated.
const storing = createFetch({ storage: new MemoryStorage() });
let n = 0;
cases.push(
  {
    name: 'revalidation (304): httpcache',
    run: async () => {
      const res = await revalidating(staleUrl);
      await res.arrayBuffer();
      if (cacheStatus(res)?.revalidated !== true) throw new Error('not revalidated');
    },
  },
  {
    name: 'miss + store: httpcache',
    run: async () => {
      const res = await storing(`${origin.url}/miss/1024?n=${n++}`);
      await res.arrayBuffer();
      if (cacheStatus(res)?.stored !== true) throw new Error('not stored');
    },
  },
  {
    name: 'plain fetch (no cache)',
    run: async () => {
      await (await fetch(`${origin.url}/plain/1024?n=${n++}`)).arrayBuffer();
    },
  },
);

const before = SIZES.map(([, size]) => origin.count(`/fresh/${size}`));
const started = performance.now();
const results = await runCases(cases, settings);
const elapsed = (performance.now() - started) / 1000;
SIZES.forEach(([, size], i) => {
  expect(
    origin.count(`/fresh/${size}`) === before[i],
    `a cached /fresh/${size} reached the origin`,
  );
});

const ns = (name: string): number => results.find((r) => r.name === name)?.ns ?? Number.NaN;
console.log(
  `\nhttpcache bench: Node ${process.version}, ${settings.rounds} interleaved rounds of ~${settings.batchMs} ms per case, ${elapsed.toFixed(0)} s\n`,
);
console.log(
  table([
    ['case', 'time/op', 'ops/s', '±', 'iterations'],
    ...results.map((r) => [
      r.name,
      formatNs(r.ns),
      formatOps(r.ns),
      `${(r.spread * 100).toFixed(1)}%`,
      r.iterations.toLocaleString('en-US'),
    ]),
  ]),
);

const ratios: [string, number, number | undefined][] = [];
for (const [label] of SIZES) {
  const hit = ns(`hit ${label}: httpcache`);
  ratios.push([`hit ${label} / floor`, hit / ns(`hit ${label}: floor (Map + Response)`), 1.5]);
  ratios.push([`hit ${label} / undici cache`, hit / ns(`hit ${label}: undici cache`), undefined]);
}
const plain = ns('plain fetch (no cache)');
ratios.push(['revalidation / plain fetch', ns('revalidation (304): httpcache') / plain, 1.1]);
ratios.push(['miss + store / plain fetch', ns('miss + store: httpcache') / plain, 1.1]);
console.log(
  `\n${table([
    ['ratio (lower is better)', 'value', 'target', ''],
    ...ratios.map(([name, value, target]) => [
      name,
      `${value.toFixed(2)}x`,
      target === undefined ? '-' : `<= ${target}x`,
      target === undefined ? '' : value <= target ? 'ok' : 'MISSED',
    ]),
  ])}\n`,
);

await cached.close();
await revalidating.close();
await storing.close();
await undiciCache.close();
await origin.close();
