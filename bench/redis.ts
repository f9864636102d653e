/**
 * The `redis` group: a 1 KiB hit from httpcache's RedisStorage next to
 * undici-cache-redis (the Redis store of undici's cache), against a redis-server this group
 * starts on a free loopback port and stops at the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { Agent, type Dispatcher, interceptors, fetch as undiciFetch } from 'undici';
import { RedisCacheStore } from 'undici-cache-redis';
import { cacheStatus, createFetch } from '../src/index.ts';
import { RedisStorage } from '../src/redis.ts';
import { type Case, type Group, measure, removeTemp, tempDir } from './harness.ts';
import { bodyOf, responseHeaders } from './origin.ts';

const SIZE = 1024;
const MINE = 'hit 1 KiB: httpcache RedisStorage';
const FLOOR = 'hit 1 KiB: floor (one HMGET + Response)';
const THEIRS = 'hit 1 KiB: undici-cache-redis';
const TRACKING = 'hit 1 KiB: undici-cache-redis, tracking';

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
    return await measure(
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
      ],
      context,
    );
  } finally {
    await cached.close();
    await plain.close();
    await tracked.close();
    for (const store of stores) await store.close();
    client.disconnect();
    await server.stop();
  }
};
