/**
 * `npm run bench`: httpcache against a floor, undici's cache and plain fetch; see README.md.
 * `npm run bench -- --quick` is a smoke run whose numbers mean little.
 */
import { cpus } from 'node:os';
import { Agent, cacheStores, interceptors, fetch as undiciFetch } from 'undici';
import { type CachedFetch, cacheStatus, createFetch, MemoryStorage } from '../src/index.ts';
import {
  type Case,
  formatNs,
  formatOps,
  ratio,
  runCases,
  type Settings,
  table,
} from './harness.ts';
import { bodyOf, responseHeaders, startOrigin } from './origin.ts';

const quick = process.argv.includes('--quick');
const settings: Settings = quick
  ? { warmupMs: 200, batchMs: 20, rounds: 8 }
  : { warmupMs: 1000, batchMs: 100, rounds: 40 };

const SIZES = [
  ['1 KiB', 1024],
  ['256 KiB', 256 * 1024],
] as const;
const REVALIDATION = 'revalidation (304): httpcache';
const MISS = 'miss + store: httpcache';
const PLAIN = 'plain fetch (no cache)';

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

const origin = await startOrigin();
const cached = createFetch({ storage: new MemoryStorage() });
const undiciCache = new Agent({ keepAliveTimeout: 60_000 }).compose(
  interceptors.cache({ store: new cacheStores.MemoryCacheStore() }),
);
/** The floor: the least any in-memory cache does for a hit, a Map lookup and a Response. */
const floor = new Map<string, { body: Uint8Array<ArrayBuffer>; headers: [string, string][] }>();

const cases: Case[] = [];
for (const [label, size] of SIZES) {
  const url = `${origin.url}/fresh/${size}`;
  await store(cached, url);
  const hit = await cached(url);
  await hit.arrayBuffer();
  expect(cacheStatus(hit)?.fromCache === true, `httpcache does not hit ${url}`);
  await (await undiciFetch(url, { dispatcher: undiciCache })).arrayBuffer();
  floor.set(url, {
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
        const entry = floor.get(url);
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

// A stale stored response with an ETag: the origin answers every request with 304.
const revalidating = createFetch({ storage: new MemoryStorage() });
const staleUrl = `${origin.url}/stale/1024`;
await store(revalidating, staleUrl);
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

// Hits must be hits in both caches: their URLs must not reach the origin again.
const before = SIZES.map(([, size]) => origin.count(`/fresh/${size}`));
const started = performance.now();
const results = await runCases(cases, settings);
const seconds = (performance.now() - started) / 1000;
SIZES.forEach(([, size], i) => {
  expect(
    origin.count(`/fresh/${size}`) === before[i],
    `a hit on /fresh/${size} reached the origin`,
  );
});

const byName = new Map(results.map((r) => [r.name, r]));
/** [label, numerator, denominator, target] */
const RATIOS: [string, string, string, number | undefined][] = [
  ...SIZES.flatMap(([label]): [string, string, string, number | undefined][] => [
    [
      `hit ${label} / floor`,
      `hit ${label}: httpcache`,
      `hit ${label}: floor (Map + Response)`,
      1.5,
    ],
    [
      `hit ${label} / undici cache`,
      `hit ${label}: httpcache`,
      `hit ${label}: undici cache`,
      undefined,
    ],
  ]),
  ['revalidation / plain fetch', REVALIDATION, PLAIN, 1.1],
  ['miss + store / plain fetch', MISS, PLAIN, 1.1],
];

console.log(
  `\nhttpcache bench: Node ${process.version}, ${cpus().length} CPUs, ${settings.rounds} interleaved rounds of ~${settings.batchMs} ms per case, ${seconds.toFixed(0)} s\n`,
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
console.log();
console.log(
  table([
    ['ratio (lower is better)', 'value', 'target', ''],
    ...RATIOS.map(([label, a, b, target]) => {
      const [ra, rb] = [byName.get(a), byName.get(b)];
      const value = ra === undefined || rb === undefined ? Number.NaN : ratio(ra, rb);
      const verdict =
        target === undefined ? '' : Number(value.toFixed(2)) <= target ? 'ok' : 'MISSED';
      return [label, `${value.toFixed(2)}x`, target === undefined ? '-' : `<= ${target}x`, verdict];
    }),
  ]),
);
console.log();

await cached.close();
await revalidating.close();
await storing.close();
await undiciCache.close();
await origin.close();
