/**
 * The `misses` group: what the cache costs on the way to the origin. A miss that stores, and a
 * revalidation the origin answers 304, with `MemoryStorage` and `SqliteStorage`, against the same
 * request with no cache (a plain fetch, and a plain conditional fetch answered 304), next to
 * undici's cache with its memory and SQLite stores doing the same.
 */
import { join } from 'node:path';
import { Agent, cacheStores, type Dispatcher, interceptors, fetch as undiciFetch } from 'undici';
import { cacheStatus, createFetch, MemoryStorage, type Storage } from '../src/index.ts';
import { SqliteStorage } from '../src/sqlite.ts';
import { type Case, type Group, measure, type RatioSpec, removeTemp, tempDir } from './harness.ts';

const PLAIN = 'plain fetch (no cache)';
const CONDITIONAL = 'plain conditional fetch (304)';
/** Stored entries kept in every miss store: full, so that each store also evicts. */
const ENTRIES = 1000;

const MISS_EXPLAIN =
  'a response the cache stores reaches the caller later than the same fetch without a cache';
const REVALIDATION_EXPLAIN =
  'a stale response revalidated (304) reaches the caller later than a plain conditional fetch';

export const misses: Group = async (context) => {
  const { origin } = context;
  const dir = tempDir('misses');
  let n = 0;
  const staleUrl = `${origin.url}/stale/1024`;
  const first = await fetch(staleUrl);
  await first.arrayBuffer();
  const etag = first.headers.get('etag');
  if (etag === null) throw new Error('bench: the origin sent no ETag');
  const closing: (() => Promise<void>)[] = [];

  const storages: [string, (name: string) => Storage][] = [
    ['memory', () => new MemoryStorage({ maxEntries: ENTRIES })],
    [
      'SQLite',
      (name) => new SqliteStorage({ path: join(dir, `${name}.sqlite`), maxBytes: ENTRIES * 2048 }),
    ],
  ];
  const undiciStores: [string, (name: string) => Dispatcher][] = [
    ['memory', () => agent(new cacheStores.MemoryCacheStore({ maxCount: ENTRIES }))],
    [
      'SQLite',
      (name) =>
        agent(
          new cacheStores.SqliteCacheStore({
            location: join(dir, `undici-${name}.sqlite`),
            maxCount: ENTRIES,
          }),
        ),
    ],
  ];
  const agent = (
    store: NonNullable<NonNullable<Parameters<typeof interceptors.cache>[0]>['store']>,
  ) => {
    const dispatcher = new Agent({ keepAliveTimeout: 60_000 }).compose(
      interceptors.cache({ store }),
    );
    closing.push(() => dispatcher.close());
    return dispatcher;
  };

  const cases: Case[] = [
    {
      name: PLAIN,
      run: async () => {
        await (await fetch(`${origin.url}/plain/1024?n=${n++}`)).arrayBuffer();
      },
    },
    {
      name: CONDITIONAL,
      run: async () => {
        const res = await fetch(staleUrl, { headers: { 'if-none-match': etag } });
        await res.arrayBuffer();
        if (res.status !== 304) throw new Error('plain conditional fetch: not a 304');
      },
    },
  ];
  const ratios: RatioSpec[] = [];
  for (const [name, create] of storages) {
    const storing = createFetch({ storage: create(`miss-${name}`) });
    const revalidating = createFetch({ storage: create(`revalidate-${name}`) });
    closing.push(
      () => storing.close(),
      () => revalidating.close(),
    );
    await (await revalidating(staleUrl)).arrayBuffer();
    await revalidating.idle();
    const [miss, revalidation] = [
      `miss + store, ${name}: httpcache`,
      `revalidation (304), ${name}: httpcache`,
    ];
    cases.push(
      {
        name: miss,
        run: async () => {
          const res = await storing(`${origin.url}/miss/1024?n=${n++}`);
          await res.arrayBuffer();
          if (cacheStatus(res)?.stored !== true) throw new Error('not stored');
        },
      },
      {
        name: revalidation,
        run: async () => {
          const res = await revalidating(staleUrl);
          await res.arrayBuffer();
          if (cacheStatus(res)?.revalidated !== true) throw new Error('not revalidated');
        },
      },
    );
    ratios.push(
      {
        label: `miss + store, ${name} / plain fetch`,
        numerator: miss,
        denominator: PLAIN,
        target: name === 'memory' ? 1.1 : 1.2,
        explain: MISS_EXPLAIN,
        chart: { row: `miss + store, ${name} (x plain fetch)`, bar: 'httpcache' },
      },
      {
        label: `revalidation, ${name} / plain conditional fetch`,
        numerator: revalidation,
        denominator: CONDITIONAL,
        target: name === 'memory' ? 1.1 : 1.2,
        explain: REVALIDATION_EXPLAIN,
        chart: { row: `revalidation (304), ${name} (x conditional fetch)`, bar: 'httpcache' },
      },
    );
  }
  for (const [name, create] of undiciStores) {
    const storing = create(`miss-${name}`);
    const revalidating = create(`revalidate-${name}`);
    const stale = `${origin.url}/stale/1024?undici=${name}`;
    await (await undiciFetch(stale, { dispatcher: revalidating })).arrayBuffer();
    const [miss, revalidation] = [
      `miss + store, ${name}: undici cache`,
      `revalidation (304), ${name}: undici cache`,
    ];
    cases.push(
      {
        name: miss,
        run: async () => {
          const url = `${origin.url}/miss/1024?undici=${name}&n=${n++}`;
          await (await undiciFetch(url, { dispatcher: storing })).arrayBuffer();
        },
      },
      {
        name: revalidation,
        run: async () => {
          await (await undiciFetch(stale, { dispatcher: revalidating })).arrayBuffer();
        },
      },
    );
    ratios.push(
      {
        label: `undici cache miss + store, ${name} / plain fetch`,
        numerator: miss,
        denominator: PLAIN,
        chart: { row: `miss + store, ${name} (x plain fetch)`, bar: 'undici cache' },
      },
      {
        label: `undici cache revalidation, ${name} / plain conditional fetch`,
        numerator: revalidation,
        denominator: CONDITIONAL,
        chart: { row: `revalidation (304), ${name} (x conditional fetch)`, bar: 'undici cache' },
      },
    );
  }

  try {
    return await measure('misses: miss + store, revalidation (304)', cases, ratios, context);
  } finally {
    for (const close of closing) await close();
    removeTemp(dir);
  }
};
