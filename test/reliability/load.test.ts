/**
 * Load: thousands of requests at concurrency 256 through a shared `createFetch()` against a real
 * origin that mixes every kind of caching header (mixed-origin.ts), on memory, SQLite and Redis
 * storage (Redis when redis-server is on PATH). Every body
 * is checked against the request that got it; no unhandled rejection, no storage error, and no
 * response handed out is still held once the cache is closed. `STRESS=1` runs 10,000 requests instead of 2,000.
 *
 * Redirects are requested on two sets of paths, one followed (`redirect`) and one with
 * `redirect: 'manual'` (`redirect-manual`): a path requested in both modes gets wrong answers
 * (the known bug at the end of this file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHttpDate } from '../../src/core/http-date.ts';
import { type CachedFetch, cacheStatus, createFetch, type Storage } from '../../src/index.ts';
import { MemoryStorage } from '../../src/storage/memory.ts';
import { RedisStorage } from '../../src/storage/redis.ts';
import { SqliteStorage } from '../../src/storage/sqlite.ts';
import { type ManualClock, manualClock } from '../helpers/clock.ts';
import { nextEvent } from '../helpers/events.ts';
import { connectRedis, redisAvailable, startRedis } from '../storage/redis/servers.ts';
import {
  bodyFor,
  etagOf,
  type Kind,
  LANGUAGES,
  type MixedOrigin,
  POSTABLE,
  parseSignature,
  redirectTarget,
  startMixedOrigin,
} from './mixed-origin.ts';

const MiB = 1024 * 1024;
const STRESS = process.env.STRESS === '1';
const REQUESTS = STRESS ? 10_000 : 2_000;
const CONCURRENCY = 256;
/** Requests run before memory is measured: connections, storage and JIT are warm by then. */
const WARM_UP = 500;
/** The clock moves a second every this many requests, so entries go stale and expire. */
const REQUESTS_PER_SECOND = 25;
/**
 * Every this many requests after the warm-up, the response handed out is watched (a `WeakRef`):
 * once the cache is closed and garbage collected, nothing may still hold one. Memory growth itself
 * depends on when the collector runs, so it is printed, not asserted.
 */
const WATCH_EVERY = 7;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let unhandled = 0;
const onUnhandled = (): void => {
  unhandled++;
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const directory = mkdtempSync(join(tmpdir(), 'httpcache-load-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** One planned request. */
interface Planned {
  readonly kind: Kind;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly lang: string | undefined;
  readonly user: string;
}

const WEIGHTS: readonly (readonly [Kind | 'POST', number])[] = [
  ['max-age', 16],
  ['s-maxage', 8],
  ['no-cache', 10],
  ['no-store', 5],
  ['private', 5],
  ['vary', 14],
  ['heuristic', 10],
  ['swr', 10],
  ['big', 2],
  ['redirect', 4],
  ['redirect-manual', 4],
  ['missing', 5],
  ['POST', 3],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

/** mulberry32: a small seeded PRNG, so each run plans the same requests. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `i`-th request: a kind by weight, and a popular URL more often than a rare one. */
function plan(i: number): Planned {
  const next = random(0x9e3779b9 ^ i);
  let pick = next() * TOTAL_WEIGHT;
  let choice: Kind | 'POST' = 'max-age';
  for (const [kind, weight] of WEIGHTS) {
    pick -= weight;
    if (pick < 0) {
      choice = kind;
      break;
    }
  }
  const post = choice === 'POST';
  const kind: Kind =
    choice === 'POST' ? (POSTABLE[Math.floor(next() * POSTABLE.length)] ?? 'max-age') : choice;
  const urls = kind === 'big' ? 6 : 40;
  const n = Math.floor(urls * next() ** 2);
  return {
    kind,
    path: `/k/${kind}/${n}`,
    method: post ? 'POST' : 'GET',
    lang: LANGUAGES[Math.floor(next() * LANGUAGES.length)],
    user: `u${Math.floor(next() * 8)}`,
  };
}

/** Kinds whose responses carry an ETag naming their version. */
const WITH_ETAG: ReadonlySet<Kind> = new Set([
  'max-age',
  's-maxage',
  'no-cache',
  'vary',
  'swr',
  'big',
  'redirect',
]);

/** What is wrong with a response to a planned request, if anything. */
async function problemWith(
  p: Planned,
  response: Response,
  origin: MixedOrigin,
  serials: Set<number>,
): Promise<string | undefined> {
  const expectedStatus =
    p.method === 'POST'
      ? 200
      : p.kind === 'missing'
        ? 404
        : p.kind === 'redirect-manual'
          ? 302
          : 200;
  const text = await response.text();
  if (response.status !== expectedStatus) return `status ${response.status}`;
  const s = parseSignature(text);
  if (s === undefined) return `unsigned body ${JSON.stringify(text.slice(0, 80))}`;
  if (text !== bodyFor(s)) return `body damaged (${text.length} bytes)`;
  const path = p.kind === 'redirect' && p.method === 'GET' ? redirectTarget(p.path) : p.path;
  if (s.path !== path) return `body of ${s.path}`;
  // Without an Accept-Language of the caller's, undici's fetch sends `Accept-Language: *`.
  const variant = p.kind === 'vary' && p.method === 'GET' ? (p.lang ?? '*') : '-';
  if (s.variant !== variant) return `variant ${s.variant}, not ${variant}`;
  const user = p.kind === 'private' ? p.user : '-';
  if (s.user !== user) return `user ${s.user}'s body, not ${user}'s`;
  if (s.version > origin.version(path)) return `version ${s.version} from the future`;
  if (p.method === 'POST') return undefined;
  const headers = response.headers;
  if (WITH_ETAG.has(p.kind) && headers.get('etag') !== etagOf(path, variant, s.version)) {
    return `ETag ${headers.get('etag')} on version ${s.version}`;
  }
  if (p.kind === 'heuristic') {
    const made = origin.lastModified(path, s.version);
    const expected = made === undefined ? null : formatHttpDate(made);
    if (headers.get('last-modified') !== expected) {
      return `Last-Modified ${headers.get('last-modified')} on version ${s.version}`;
    }
  }
  if (p.kind === 'redirect-manual' && headers.get('location') !== redirectTarget(p.path)) {
    return `Location ${headers.get('location')}`;
  }
  if (p.kind === 'no-store' || p.kind === 'private') {
    if (cacheStatus(response)?.fromCache !== false) return 'served from storage';
    if (serials.has(s.serial)) return `body #${s.serial} served twice`;
    serials.add(s.serial);
  }
  return undefined;
}

interface RunResult {
  readonly wrong: string[];
  readonly failed: string[];
}

/** Runs requests `from` to `to` at {@link CONCURRENCY}, moving the clock as they are issued. */
async function run(
  cachedFetch: CachedFetch,
  origin: MixedOrigin,
  clock: ManualClock,
  from: number,
  to: number,
  serials: Set<number>,
  watched?: WeakRef<Response>[],
): Promise<RunResult> {
  const wrong: string[] = [];
  const failed: string[] = [];
  let next = from;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < to; i = next++) {
      if (i % REQUESTS_PER_SECOND === 0) clock.advance(1);
      const p = plan(i);
      const headers: Record<string, string> = { 'x-user': p.user };
      if (p.lang !== undefined) headers['accept-language'] = p.lang;
      try {
        const response = await cachedFetch(`${origin.url}${p.path}`, {
          method: p.method,
          headers,
          redirect: p.kind === 'redirect-manual' ? 'manual' : 'follow',
        });
        if (watched !== undefined && i % WATCH_EVERY === 0) watched.push(new WeakRef(response));
        const problem = await problemWith(p, response, origin, serials);
        if (problem !== undefined) wrong.push(`#${i} ${p.method} ${p.path}: ${problem}`);
      } catch (error) {
        failed.push(`#${i} ${p.method} ${p.path}: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { wrong, failed };
}

/**
 * Full garbage collections a few event-loop turns apart (a `WeakRef` target is kept until the
 * turn that read it ends, and buffers undici released are freed over several collections).
 */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc();
}

/** The process's memory after garbage collection, for the report. */
async function memory(): Promise<{ heap: number; buffers: number; rss: number }> {
  await collect();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, buffers: usage.arrayBuffers, rss: usage.rss };
}

/** A storage to run the load on, and what to stop once the cache is closed. */
interface Backend {
  readonly name: string;
  /** Why it cannot run here, if it cannot. */
  readonly unavailable?: string;
  open(clock: () => number): Promise<{ storage: Storage; stop(): Promise<void> }>;
}

const backends: readonly Backend[] = [
  {
    name: 'MemoryStorage',
    open: async (clock) => ({
      storage: new MemoryStorage({ maxBytes: 16 * MiB, clock }),
      stop: async () => undefined,
    }),
  },
  {
    name: 'SqliteStorage',
    open: async (clock) => ({
      storage: new SqliteStorage({ path: join(directory, 'load.sqlite'), clock }),
      stop: async () => undefined,
    }),
  },
  {
    name: 'RedisStorage',
    ...(redisAvailable() ? {} : { unavailable: 'redis-server is not on PATH' }),
    // A redis-server of its own, started and stopped as test/storage/redis.test.ts does.
    open: async (clock) => {
      const server = await startRedis(join(directory, 'redis'));
      const client = await connectRedis(server.port);
      return {
        // A generous timeout: on a busy machine a slow answer is not what this test is about.
        storage: new RedisStorage({ client, prefix: 'load:', clock, timeout: 10_000 }),
        stop: async () => {
          client.disconnect();
          await server.stop();
        },
      };
    },
  },
];

for (const backend of backends) {
  const title = `${backend.name} under load${backend.unavailable ? ` (skipped: ${backend.unavailable})` : ''}`;
  describe.skipIf(backend.unavailable !== undefined)(title, () => {
    it(`answers ${REQUESTS} mixed requests at concurrency ${CONCURRENCY}: 0 wrong bodies, 0 failures, 0 unhandled rejections, nothing held after close`, {
      timeout: STRESS ? 300_000 : 60_000,
    }, async () => {
      const clock = manualClock();
      const origin = await startMixedOrigin(clock);
      const { storage, stop } = await backend.open(clock);
      const cachedFetch = createFetch({ shared: true, clock, storage });
      const errors: string[] = [];
      let staleHits = 0;
      const revalidations = new Map<number, number>();
      cachedFetch.cache.on('error', (e) =>
        errors.push(`${e.operation} ${e.url}: ${String(e.error)}`),
      );
      cachedFetch.cache.on('hit', (e) => {
        if (e.stale) staleHits++;
      });
      cachedFetch.cache.on('revalidate', (e) =>
        revalidations.set(e.status, (revalidations.get(e.status) ?? 0) + 1),
      );
      const unhandledBefore = unhandled;
      const serials = new Set<number>();
      const started = performance.now();
      try {
        const warm = await run(cachedFetch, origin, clock, 0, WARM_UP, serials);
        const before = await memory();
        const watched: WeakRef<Response>[] = [];
        const rest = await run(cachedFetch, origin, clock, WARM_UP, REQUESTS, serials, watched);
        await cachedFetch.close();
        const after = await memory();
        const held = watched.filter((ref) => ref.deref() !== undefined).length;
        const seconds = (performance.now() - started) / 1000;
        const stats = cachedFetch.cache.stats();
        const growth = {
          heap: after.heap - before.heap,
          buffers: after.buffers - before.buffers,
          rss: after.rss - before.rss,
        };
        const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
        console.info(
          `${backend.name}: ${REQUESTS} requests in ${seconds.toFixed(1)} s; origin saw` +
            ` ${origin.requests()} (${JSON.stringify(Object.fromEntries(origin.statuses))});` +
            ` hits ${stats.hit} (stale ${staleHits}), misses ${stats.miss},` +
            ` coalesced ${stats.coalesced},` +
            ` revalidations ${JSON.stringify(Object.fromEntries(revalidations))},` +
            ` invalidations ${stats.invalidate}, stored ${stats.store}; growth after the` +
            ` warm-up: heap ${mib(growth.heap)}, array buffers ${mib(growth.buffers)},` +
            ` rss ${mib(growth.rss)}; responses still held ${held} of ${watched.length}`,
        );
        expect([...warm.wrong, ...rest.wrong].slice(0, 10)).toEqual([]);
        expect([...warm.failed, ...rest.failed].slice(0, 10)).toEqual([]);
        expect(errors.slice(0, 10)).toEqual([]);
        expect(unhandled - unhandledBefore).toBe(0);
        // No leak: once the cache is closed, nothing holds a response it handed out.
        expect(watched.length).toBeGreaterThan(100);
        expect(held).toBe(0);
        // The mix did what it is for: hits, stale hits, misses, coalescing, 304s and
        // invalidations all happened.
        expect(stats.hit).toBeGreaterThan(0);
        expect(staleHits).toBeGreaterThan(0);
        expect(stats.miss).toBeGreaterThan(0);
        expect(stats.coalesced).toBeGreaterThan(0);
        expect(revalidations.get(304) ?? 0).toBeGreaterThan(0);
        expect(stats.invalidate).toBeGreaterThan(0);
      } finally {
        await cachedFetch.close();
        await stop();
        await origin.close();
      }
    });
  });
}

describe('a redirect stored for a request with redirect: manual', () => {
  // Regression test: a stored 3xx used to be served to every request for its URL,
  // whatever its redirect mode; it now answers only `redirect: 'manual'` requests.
  it('is not served to a request that follows redirects', async () => {
    const clock = manualClock();
    const origin = await startMixedOrigin(clock);
    const cachedFetch = createFetch({ shared: true, clock });
    try {
      const url = `${origin.url}/k/redirect-manual/1`;
      const stored = nextEvent(cachedFetch.cache, 'store');
      const manual = await cachedFetch(url, { redirect: 'manual' });
      expect(manual.status).toBe(302);
      await manual.text();
      await stored;
      const plain = await fetch(url);
      const followed = await cachedFetch(url);
      expect([followed.status, await followed.text()]).toEqual([plain.status, await plain.text()]);
    } finally {
      await cachedFetch.close();
      await origin.close();
    }
  });
});
