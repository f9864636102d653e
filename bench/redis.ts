/**
 * The `redis` group: a 1 KiB hit from httpcache's RedisStorage next to
 * undici-cache-redis (the Redis store of undici's cache), and from RedisStorage's memory tier
 * next to a MemoryStorage hit, against a redis-server this group starts on a free loopback port
 * and stops at the end; then how long another process's change takes to reach the tier.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { Agent, type Dispatcher, interceptors, fetch as undiciFetch } from 'undici';
import { RedisCacheStore } from 'undici-cache-redis';
import { cacheStatus, createFetch, MemoryStorage } from '../src/index.ts';
import { RedisStorage } from '../src/redis.ts';
import type { EntryToStore } from '../src/storage/types.ts';
import { type Case, type Figure, type Group, measure, removeTemp, tempDir } from './harness.ts';
import { bodyOf, responseHeaders } from './origin.ts';

const SIZE = 1024;
const MINE = 'hit 1 KiB: httpcache RedisStorage';
const FLOOR = 'hit 1 KiB: floor (one HMGET + Response)';
const THEIRS = 'hit 1 KiB: undici-cache-redis';
const TRACKING = 'hit 1 KiB: undici-cache-redis, tracking';
const TIER = 'hit 1 KiB: httpcache RedisStorage, memory tier';
const MEMORY = 'hit 1 KiB: httpcache MemoryStorage';
/** Rounds of the invalidation measure. */
const INVALIDATIONS = 50;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Starts redis-server (no persistence) on a free loopback port; stopped at exit at the latest. */
async function startRedis(): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = tempDir('redis');
  const server: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const kill = () => server.exitCode === null && server.kill('SIGKILL');
  process.on('exit', kill);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    server.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return {
    port,
    stop: async () => {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      process.off('exit', kill);
      removeTemp(dir);
    },
  };
}

export const redis: Group = async (context) => {
  const { origin } = context;
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('\n== redis: skipped: redis-server not found (apt-get install redis-server)');
    return [];
  }
  const server = await startRedis();
  const url = (name: string) => `${origin.url}/${name}/${SIZE}`;
  const client = new Redis({ host: '127.0.0.1', port: server.port });
  const cached = createFetch({ storage: new RedisStorage({ client, prefix: 'bench:' }) });
  const tierStorage = new RedisStorage({ client, prefix: 'bench-tier:', tier: { maxBytes: 1e7 } });
  const tracking = new Promise((resolve) => tierStorage.onTier(resolve));
  const tiered = createFetch({ storage: tierStorage });
  const memory = createFetch({ storage: new MemoryStorage() });
  // undici-cache-redis keeps a client-side copy of what it read ("tracking", on by default), so
  // its hits need not reach Redis at all: measured both ways.
  const stores = [false, true].map(
    (tracking) =>
      new RedisCacheStore({
        clientOpts: { host: '127.0.0.1', port: server.port, keyPrefix: `undici-${tracking}:` },
        tracking,
      }),
  );
  // Its types predate undici 8's (and exactOptionalPropertyTypes): the store itself fits.
  type CacheOptions = NonNullable<Parameters<typeof interceptors.cache>[0]>;
  const [plain, tracked] = stores.map((store) =>
    new Agent({ keepAliveTimeout: 60_000 }).compose(
      interceptors.cache({ store } as unknown as CacheOptions),
    ),
  ) as [Dispatcher, Dispatcher];

  // The floor: one round trip for the headers (JSON) and body of a response, then the Response.
  await client.hset('bench-floor', {
    headers: JSON.stringify(Object.entries(responseHeaders(SIZE, 'max-age=3600'))),
    body: Buffer.from(bodyOf(SIZE)),
  });

  const cases: Case[] = [
    {
      name: MINE,
      hit: `/redis/${SIZE}`,
      run: async () => {
        const res = await cached(url('redis'));
        await res.arrayBuffer();
        if (cacheStatus(res)?.fromCache !== true) throw new Error(`${MINE}: not a hit`);
      },
    },
    {
      name: TIER,
      hit: `/redis-tier/${SIZE}`,
      run: async () => {
        const res = await tiered(url('redis-tier'));
        await res.arrayBuffer();
        if (cacheStatus(res)?.fromCache !== true) throw new Error(`${TIER}: not a hit`);
      },
    },
    {
      name: MEMORY,
      hit: `/memory/${SIZE}`,
      run: async () => {
        const res = await memory(url('memory'));
        await res.arrayBuffer();
        if (cacheStatus(res)?.fromCache !== true) throw new Error(`${MEMORY}: not a hit`);
      },
    },
    {
      name: FLOOR,
      run: async () => {
        const [headers, body] = await client.hmgetBuffer('bench-floor', 'headers', 'body');
        if (!headers || !body) throw new Error('floor: not stored');
        const init = { headers: JSON.parse(headers.toString()) as [string, string][] };
        await new Response(body as Uint8Array<ArrayBuffer>, init).arrayBuffer();
      },
    },
    {
      name: THEIRS,
      hit: `/undici-redis/${SIZE}`,
      run: async () => {
        await (await undiciFetch(url('undici-redis'), { dispatcher: plain })).arrayBuffer();
      },
    },
    {
      name: TRACKING,
      hit: `/undici-redis-tracking/${SIZE}`,
      run: async () => {
        await (
          await undiciFetch(url('undici-redis-tracking'), { dispatcher: tracked })
        ).arrayBuffer();
      },
    },
  ];
  try {
    // Tracking starts with the first lookup; hits are measured once it is on.
    await tierStorage.get('warm-up');
    if (((await tracking) as { type: string }).type !== 'tracking') throw new Error('no tracking');
    const figures = await measure(
      `redis: 1 KiB hits from redis-server on 127.0.0.1:${server.port}`,
      cases,
      [
        { label: 'Redis hit / undici-cache-redis', numerator: MINE, denominator: THEIRS },
        {
          label: 'Redis hit / undici-cache-redis, tracking',
          numerator: MINE,
          denominator: TRACKING,
        },
        { label: 'Redis hit / floor (one HMGET + Response)', numerator: MINE, denominator: FLOOR },
        {
          label: 'tier hit / MemoryStorage hit',
          numerator: TIER,
          denominator: MEMORY,
          target: 1.5,
        },
        { label: 'tier hit / Redis hit', numerator: TIER, denominator: MINE },
      ],
      context,
    );
    return [...figures, await invalidationDelay(tierStorage, server.port)];
  } finally {
    await cached.close();
    await tiered.close();
    await memory.close();
    await plain.close();
    await tracked.close();
    for (const store of stores) await store.close();
    client.disconnect();
    await server.stop();
  }
};

/**
 * How long a change made through another client (another process, as far as Redis can tell)
 * takes to leave the tier: from the write's start to the tier's `invalidate` event, the median
 * of {@link INVALIDATIONS} rounds on loopback.
 */
async function invalidationDelay(tier: RedisStorage, port: number): Promise<Figure> {
  const other = new Redis({ host: '127.0.0.1', port });
  const writer = new RedisStorage({ client: other, prefix: 'bench-tier:', coalesce: false });
  const entry = (n: number): EntryToStore =>
    ({
      key: 'GET https://bench.example/invalidated',
      url: 'https://bench.example/invalidated',
      method: 'GET',
      variant: '',
      vary: {},
      status: 200,
      statusText: 'OK',
      headers: [['cache-control', 'max-age=600']],
      requestTime: n,
      responseTime: n,
      createdAt: Date.now(),
      staleAt: Date.now() + 600_000,
      deleteAt: Date.now() + 600_000,
    }) as EntryToStore;
  const delays: number[] = [];
  try {
    for (let n = 0; n < INVALIDATIONS; n++) {
      await writer.put(entry(n), new Blob([`version ${n}`]).stream());
      // Held in the tier: read once tracking is on.
      await tier.get(entry(n).key);
      const seen = new Promise<void>((resolve) => {
        const stop = tier.onTier((event) => {
          if (event.type !== 'invalidate') return;
          stop();
          resolve();
        });
      });
      const start = performance.now();
      await writer.delete(entry(n).key);
      await seen;
      delays.push(performance.now() - start);
    }
  } finally {
    await writer.close();
    other.disconnect();
  }
  delays.sort((a, b) => a - b);
  const median = delays[Math.floor(delays.length / 2)] ?? Number.NaN;
  const worst = delays.at(-1) ?? Number.NaN;
  console.log(
    `\n== redis: a delete by another client reaches the tier in ${median.toFixed(2)} ms (median of ${INVALIDATIONS}, worst ${worst.toFixed(2)} ms; target 100 ms)`,
  );
  return { label: 'tier invalidation, median', value: median, unit: ' ms', target: 100 };
}
