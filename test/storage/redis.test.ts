import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  CodecError,
  cacheStatus,
  createFetch,
  OptionsError,
  StorageError,
} from '../../src/index.ts';
import type { RedisClientLike } from '../../src/redis.ts';
import { CHUNK_SIZE } from '../../src/storage/redis/keys.ts';
import { RedisStorage } from '../../src/storage/redis.ts';
import { runCli } from '../cli/run.ts';
import { nextEvent } from '../helpers/events.ts';
import { startOrigin } from '../helpers/origin.ts';
import { blackHole } from './black-hole.ts';
import { entry, readBytes, storageContract, streamOf } from './contract.ts';
import {
  connectCluster,
  connectRedis,
  type RedisCluster,
  type RedisServer,
  redisAvailable,
  startCluster,
  startRedis,
} from './redis/servers.ts';

const run = promisify(execFile);
const available = redisAvailable();
let directory = '';
let server: RedisServer | undefined;
let cluster: RedisCluster | undefined;
let client: Redis;
let clusterClient: Cluster;
const clients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  if (!available) return;
  directory = mkdtempSync(join(tmpdir(), 'httpcache-redis-'));
  // Both settle before a failure is thrown, so that afterAll stops whichever did start.
  const started = await Promise.allSettled([
    startRedis(join(directory, 'single')).then((s) => {
      server = s;
    }),
    startCluster(directory).then((c) => {
      cluster = c;
    }),
  ]);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  if (server === undefined || cluster === undefined) throw new Error('no servers');
  client = await connectRedis(server.port);
  clusterClient = await connectCluster(cluster);
  clients.push(client, clusterClient);
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.allSettled([server?.stop(), cluster?.stop()]);
  if (directory !== '') rmSync(directory, { recursive: true, force: true });
});

const MiB = 1024 * 1024;
const title = available
  ? 'RedisStorage'
  : 'RedisStorage (skipped: redis-server is not on PATH; apt-get install redis-server)';

describe.skipIf(!available)(title, () => {
  storageContract(
    'RedisStorage (redis-server)',
    ({ clock, location }) =>
      new RedisStorage({ client, prefix: `contract:${location}:`, clock, maxBodySize: 64 * MiB }),
    { persistent: true, invalidation: true },
  );

  storageContract(
    'RedisStorage (3-node Redis Cluster)',
    ({ clock, location }) =>
      new RedisStorage({
        client: clusterClient,
        prefix: `contract:${location}:`,
        clock,
        maxBodySize: 64 * MiB,
      }),
    { persistent: true, invalidation: true },
  );

  let prefixes = 0;
  const storages: RedisStorage[] = [];
  afterEach(async () => {
    await Promise.allSettled(storages.splice(0).map((s) => s.close()));
  });
  function open(options: Partial<ConstructorParameters<typeof RedisStorage>[0]> = {}) {
    const storage = new RedisStorage({ client, prefix: `t${++prefixes}:`, ...options });
    storages.push(storage);
    return storage;
  }
  const keysOf = async (storage: RedisStorage) => (await client.keys(`${storage.prefix}*`)).sort();
  /** The hash tag part `<prefix>{<hash>}` of the storage's one primary key. */
  const tagOf = async (storage: RedisStorage) =>
    (await keysOf(storage)).find((name) => name.endsWith(':v'))?.slice(0, -2) ?? '';

  describe('keys and expiry', () => {
    it('keeps an entry in keys of one slot, under its prefix, expiring at its deleteAt', async () => {
      const storage = open({ prefix: 'layout:' });
      const stored = await storage.put(
        entry(Date.now, 'GET https://example.com/a'),
        bytes(3 * CHUNK_SIZE),
      );
      const names = await keysOf(storage);
      expect(names).toHaveLength(4);
      const hash = /^layout:\{([0-9a-f]{64})\}:v$/.exec(names.find((n) => n.endsWith(':v')) ?? '');
      expect(hash).not.toBeNull();
      const tag = `layout:{${hash?.[1]}}`;
      expect(names).toEqual(
        expect.arrayContaining([`${tag}:v`, `${tag}:e:${stored.id}`, `${tag}:b:${stored.id}`]),
      );
      expect(await client.llen(`${tag}:b:${stored.id}`)).toBe(3);
      const slots = await Promise.all(
        [`${tag}:v`, `${tag}:e:${stored.id}`, `${tag}:b:${stored.id}`].map((name) =>
          clusterClient.call('cluster', 'keyslot', name),
        ),
      );
      expect(new Set(slots).size).toBe(1);
      for (const name of names) {
        const ttl = await client.pttl(name);
        expect(ttl).toBeGreaterThan(3_500_000);
        expect(ttl).toBeLessThanOrEqual(3_600_000);
      }
    });

    it('lets Redis expire every key of an entry at its deleteAt', async () => {
      const storage = open();
      const before = Date.now();
      const deleteAt = before + 300;
      await storage.put(entry(Date.now, 'k', { deleteAt }), bytes(CHUNK_SIZE + 1));
      const took = Date.now() - before;
      const names = await keysOf(storage);
      expect(names).toHaveLength(4);
      // Every key expires at deleteAt (PEXPIRETIME, Redis 7), give or take the time the put's
      // expiry took to reach Redis (it is sent as a time to live): bracketed, not guessed.
      for (const name of names) {
        const at = Number(await client.call('pexpiretime', name));
        expect(at).toBeGreaterThanOrEqual(deleteAt - 1);
        expect(at).toBeLessThanOrEqual(deleteAt + took + 1);
      }
      // And Redis does expire them: waited for as Redis state, with no deadline of our own.
      await untilRedis(async () => (await keysOf(storage)).length === 0);
      expect(await storage.get('k')).toEqual([]);
    });

    it('moves the expiry of every key when an update moves deleteAt', async () => {
      const storage = open();
      const stored = await storage.put(entry(Date.now, 'k'), bytes(10));
      expect(await storage.update(stored, { deleteAt: Date.now() + 10_000_000 })).toBe(true);
      for (const name of await keysOf(storage)) {
        if (name.endsWith(':url')) continue;
        expect(await client.pttl(name)).toBeGreaterThan(9_000_000);
      }
      expect(await storage.update(stored, { deleteAt: Date.now() - 1 })).toBe(true);
      expect(await storage.get('k')).toEqual([]);
    });

    it('clear deletes only its own prefix; stats count only its own entries', async () => {
      const mine = open({ prefix: 'app1:' });
      const theirs = open({ prefix: 'app1:x:' });
      await mine.put(entry(Date.now, 'a'), bytes(100));
      await theirs.put(entry(Date.now, 'a'), bytes(100));
      await client.set('app1-unrelated', '1');
      expect((await mine.stats()).entries).toBe(1);
      await mine.clear();
      expect(await mine.stats()).toEqual({ entries: 0, bytes: 0 });
      expect(await theirs.get('a')).toHaveLength(1);
      expect(await client.get('app1-unrelated')).toBe('1');
    });
  });

  describe('atomic replacement and the grace period', () => {
    it('keeps a replaced body readable for the grace period, then removes it', async () => {
      const storage = open({ gracePeriod: 300 });
      const old = await storage.put(entry(Date.now, 'k'), bytes(6 * CHUNK_SIZE, 0xaa));
      const body = (await storage.body(old)) as ReadableStream<Uint8Array>;
      const reader = body.getReader();
      await reader.read();
      await storage.put(entry(Date.now, 'k'), bytes(10, 0xbb));
      expect(await storage.body(old)).toBeNull();
      const second = await reader.read();
      expect(second.value?.every((b) => b === 0xaa)).toBe(true);
      // The replaced body is kept for the grace period (its expiry, not a sleep, says so), then
      // Redis removes it; that removal is waited for as Redis state.
      const [replaced] = (await keysOf(storage)).filter((n) => n.includes(`:b:${old.id}`));
      const ttl = await client.pttl(replaced ?? '');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
      await untilRedis(async () => (await client.exists(replaced ?? '')) === 0);
      expect(String(await drain(reader))).toMatch(/grace period over/);
      expect((await keysOf(storage)).filter((n) => n.includes(`:b:${old.id}`))).toEqual([]);
    });

    it('a reader of a deleted entry finishes within the grace period', async () => {
      const storage = open();
      const old = await storage.put(entry(Date.now, 'k'), bytes(4 * CHUNK_SIZE, 0xaa));
      const body = await storage.body(old);
      await storage.delete('k');
      const read = await readBytes(body);
      expect(read.byteLength).toBe(4 * CHUNK_SIZE);
      const [left] = (await keysOf(storage)).filter((name) => name.includes(':b:'));
      expect(await client.pttl(left ?? '')).toBeLessThanOrEqual(30_000);
    });
  });

  describe('maxVariants', () => {
    it('keeps the most recently stored or served variants of a key, deleting the rest', async () => {
      let now = 1_000_000;
      const clock = () => now;
      const storage = open({ maxVariants: 2, clock });
      const variant = (v: string) => entry(clock, 'k', { variant: v, vary: { accept: v } });
      const a = await storage.put(variant('a'), bytes(10));
      now += 10;
      await storage.put(variant('b'), bytes(10));
      now += 10;
      await storage.touch(a, now);
      now += 10;
      await storage.put(variant('c'), bytes(10));
      const kept = (await storage.get('k')).map((e) => e.variant).sort();
      expect(kept).toEqual(['a', 'c']);
      expect((await storage.stats()).entries).toBe(2);
    });
  });

  describe('maxBodySize', () => {
    it('rejects a larger body, cancels its stream and removes its chunks', async () => {
      const storage = open({ maxBodySize: 2 * CHUNK_SIZE });
      const kept = await storage.put(entry(Date.now, 'k'), bytes(10));
      let cancelled: unknown;
      let sent = 0;
      const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
        pull(controller) {
          sent += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024));
        },
        cancel(reason) {
          cancelled = reason;
        },
      });
      const failure = await storage.put(entry(Date.now, 'k'), body).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StorageError);
      expect(String(failure)).toMatch(/larger than maxBodySize \(524288 bytes\)/);
      expect(cancelled).toBe(failure);
      expect(sent).toBeLessThan(3 * CHUNK_SIZE);
      expect(await storage.get('k')).toEqual([kept]);
      expect((await keysOf(storage)).filter((n) => n.includes(':b:'))).toHaveLength(1);
    });

    it('through the cache: a body over the limit reaches the caller whole, uncached', async () => {
      const big = 'x'.repeat(3 * CHUNK_SIZE);
      const origin = await startOrigin({
        '/big': { headers: { 'cache-control': 'max-age=600' }, body: big },
      });
      try {
        const storage = open({ maxBodySize: CHUNK_SIZE });
        const cachedFetch = createFetch({ storage });
        for (let i = 0; i < 2; i++) {
          const response = await cachedFetch(`${origin.url}/big`);
          expect((await response.text()).length).toBe(big.length);
          expect(cacheStatus(response)?.fromCache).toBe(false);
        }
        await cachedFetch.close();
        expect(origin.count('/big')).toBe(2);
        expect(await keysOf(storage)).toEqual([]);
      } finally {
        await origin.close();
      }
    });
  });

  describe('corrupted entries are misses, removed and reported', () => {
    const cases: [string, number, (tag: string, id: string) => Promise<unknown>][] = [
      ['metadata that is not JSON', 10, (tag, id) => client.hset(`${tag}:e:${id}`, 'meta', '{')],
      [
        'metadata of another version',
        10,
        (tag, id) => client.hset(`${tag}:e:${id}`, 'meta', '{"v":99}'),
      ],
      ['a body whose list is gone', 10, (tag, id) => client.del(`${tag}:b:${id}`)],
      ['a body cut short', 3 * CHUNK_SIZE, (tag, id) => client.rpop(`${tag}:b:${id}`)],
      [
        'a first chunk of the wrong size',
        3 * CHUNK_SIZE,
        (t, id) => client.lset(`${t}:b:${id}`, 0, 'x'),
      ],
    ];
    it.each(cases)('%s', async (_, size, damage) => {
      const storage = open();
      const reported: [string, unknown, string | undefined][] = [];
      storage.setReporter((...args) => reported.push(args));
      const stored = await storage.put(entry(Date.now, 'k'), bytes(size));
      await damage(await tagOf(storage), stored.id);
      const [found] = await storage.get('k');
      if (found !== undefined) {
        const body = await storage.body(found);
        if (body !== null)
          expect(await readBytes(body).catch((e: unknown) => e)).toBeInstanceOf(Error);
      }
      expect(reported).toHaveLength(1);
      expect(reported[0]?.[1]).toBeInstanceOf(CodecError);
      expect(reported[0]?.[2]).toBe('k');
      expect(await storage.get('k')).toEqual([]);
      expect((await keysOf(storage)).filter((n) => !n.endsWith(':url'))).toEqual([]);
    });

    it('a chunk lost in the middle ends the stream with an error, and is reported', async () => {
      const storage = open();
      const reported: unknown[] = [];
      storage.setReporter((_, error) => reported.push(error));
      const stored = await storage.put(entry(Date.now, 'k'), bytes(3 * CHUNK_SIZE));
      await client.lset(`${await tagOf(storage)}:b:${stored.id}`, 1, 'short');
      await expect(readBytes(await storage.body(stored))).rejects.toThrow(StorageError);
      expect(reported).toHaveLength(1);
      expect(await storage.get('k')).toEqual([]);
    });
  });

  describe('failures', () => {
    it('rejects with a StorageError when Redis does not answer in time', async () => {
      // A server that never answers (not even the client's handshake, so the command waits in
      // the client's queue): only the storage's timeout can end the wait.
      const silent = await blackHole();
      const mute = new Redis({ host: '127.0.0.1', port: silent.port, lazyConnect: true });
      mute.on('error', () => undefined);
      try {
        const storage = new RedisStorage({ client: mute, timeout: 200 });
        const failure = await storage.get('k').catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(StorageError);
        expect((failure as StorageError).operation).toBe('get');
        expect(String((failure as StorageError).cause)).toMatch(/within 200 ms/);
      } finally {
        mute.disconnect();
        silent.close();
      }
    });

    it('does not commit a body whose chunks Redis lost while it was written', async () => {
      const storage = open();
      let controller!: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>;
      const put = storage.put(
        entry(Date.now, 'k'),
        new ReadableStream({
          start(c) {
            controller = c;
          },
        }),
      );
      controller.enqueue(new Uint8Array(3 * CHUNK_SIZE));
      // Two chunks are written at once; the third waits for the commit.
      const bodyKeys = async () => (await keysOf(storage)).filter((name) => name.includes(':b:'));
      await untilRedis(async () => {
        const [list] = await bodyKeys();
        return list !== undefined && (await client.llen(list)) === 2;
      });
      const written = await bodyKeys();
      expect(written).toHaveLength(1);
      await client.del(...written);
      controller.close();
      await expect(put).rejects.toThrow(/chunks of the body expired or were evicted/);
      expect(await storage.get('k')).toEqual([]);
      expect(await keysOf(storage)).toEqual([]);
    });

    it('validates its options', () => {
      expect(() => new RedisStorage({ client, prefix: 'a{b}:' })).toThrow(OptionsError);
      expect(() => new RedisStorage({ client, prefix: '' })).toThrow(/`prefix`/);
      expect(() => new RedisStorage({ client, maxBodySize: 0 })).toThrow(/`maxBodySize`/);
      expect(() => new RedisStorage({ client, timeout: 0 })).toThrow(/`timeout`/);
      expect(() => new RedisStorage({ client, gracePeriod: 1.5 })).toThrow(/`gracePeriod`/);
      expect(() => new RedisStorage({ client, maxVariants: 1.5 })).toThrow(/`maxVariants`/);
      const prefixed: RedisClientLike = {
        call: async () => null,
        callBuffer: async () => null,
        quit: async () => 'OK',
        options: { keyPrefix: 'x:' },
      };
      expect(() => new RedisStorage({ client: prefixed })).toThrow(/keyPrefix/);
      expect(() => new RedisStorage({ client: {} as RedisClientLike })).toThrow(/`client`/);
    });

    it('takes ioredis Redis and Cluster clients by their shape', () => {
      expectTypeOf<Redis>().toExtend<RedisClientLike>();
      expectTypeOf<Cluster>().toExtend<RedisClientLike>();
    });

    it('closes the client only with closeClient', async () => {
      const own = await connectRedis(server?.port ?? 0);
      clients.push(own);
      await new RedisStorage({ client: own }).close();
      expect(await own.ping()).toBe('PONG');
      await new RedisStorage({ client: own, closeClient: true }).close();
      await expect(own.ping()).rejects.toThrow(/closed/);
    });
  });

  describe('shared by processes', () => {
    const fixture = fileURLToPath(new URL('./fixtures/redis-child.ts', import.meta.url));

    it('one process stores, another is served from the cache without the origin', async () => {
      const body = 'stored by one process, served to another';
      const origin = await startOrigin({
        '/shared': { headers: { 'cache-control': 'max-age=60' }, body },
      });
      try {
        const args = [fixture, String(server?.port), 'processes:', `${origin.url}/shared`];
        const outputs: unknown[] = [];
        // One after the other: the second process starts once the first has stored and exited.
        for (const _ of ['stores', 'hits']) {
          outputs.push(JSON.parse((await run(process.execPath, args)).stdout));
        }
        expect(outputs).toMatchObject([
          { status: 200, body, errors: [], cacheStatus: expect.stringContaining('stored') },
          { status: 200, body, errors: [], cacheStatus: expect.stringContaining('hit') },
        ]);
        expect(origin.count('/shared')).toBe(1);
      } finally {
        await origin.close();
      }
    });
  });

  describe('Redis Cluster', () => {
    it('spreads entries over every master; list, stats and clear see them all', async () => {
      const storage = new RedisStorage({ client: clusterClient, prefix: 'spread:' });
      storages.push(storage);
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      await Promise.all(
        keys.map((key) => storage.put(entry(Date.now, key), bytes(CHUNK_SIZE + 10))),
      );
      const perMaster = await Promise.all(
        clusterClient.nodes('master').map(async (node) => (await node.keys('spread:*')).length),
      );
      expect(perMaster).toHaveLength(3);
      for (const n of perMaster) expect(n).toBeGreaterThan(0);
      const listed = [];
      for await (const meta of storage.list()) listed.push(meta.key);
      expect(listed.sort()).toEqual([...keys].sort());
      expect((await storage.stats()).entries).toBe(30);
      expect(await storage.deleteUrl(entry(Date.now, 'k3').url)).toBe(1);
      await storage.clear();
      for (const node of clusterClient.nodes('master'))
        expect(await node.keys('spread:*')).toEqual([]);
    });
  });

  describe('command line: --store redis://', () => {
    // Four runs of the command line, each a Node.js process: slow on a busy machine.
    it('get stores and then serves hits; stats and purge work on the same store', {
      timeout: 90_000,
    }, async () => {
      const origin = await startOrigin({
        '/cli': { headers: { 'cache-control': 'max-age=600' }, body: 'through the CLI' },
      });
      try {
        const store = `redis://127.0.0.1:${server?.port}/0?prefix=cli:`;
        const url = `${origin.url}/cli`;
        const first = await runCli(['get', url, '--store', store]);
        expect(first).toMatchObject({ code: 0 });
        expect(first.stdout.toString()).toBe('through the CLI');
        const second = await runCli(['get', url, '--store', store]);
        expect(second.stderr).toMatch(/httpcache; hit/);
        expect(origin.count('/cli')).toBe(1);
        const stats = await runCli(['stats', '--json', '--store', store]);
        expect(JSON.parse(stats.stdout.toString())).toMatchObject({
          store: `redis://127.0.0.1:${server?.port}/0?prefix=cli%3A`,
          entries: 1,
          hits: 1,
        });
        expect(await open({ prefix: 'cli:' }).get(`GET ${url}`)).toHaveLength(1);
        expect((await runCli(['purge', url, '--store', store])).code).toBe(0);
        expect(await open({ prefix: 'cli:' }).get(`GET ${url}`)).toEqual([]);
      } finally {
        await origin.close();
      }
    });

    it('a Redis that cannot be reached: a one-line error, at once', async () => {
      const result = await runCli(['ls', '--store', 'redis://127.0.0.1:1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: Storage open failed: cannot connect to Redis at 127\.0\.0\.1:1: connect ECONNREFUSED.*\n$/,
      );
    });
  });

  storageContract(
    'RedisStorage with a memory tier (redis-server)',
    ({ clock, location }) =>
      new RedisStorage({
        client,
        prefix: `tiered:${location}:`,
        clock,
        maxBodySize: 64 * MiB,
        tier: { maxBytes: 8 * MiB },
      }),
    { persistent: true },
  );

  describe('memory tier and coalescing: options and fallback', () => {
    it('checks their options; coalescing is on unless turned off', () => {
      expect(() => new RedisStorage({ client, coalesce: { lockTtl: 0 } })).toThrow(/lockTtl/);
      expect(() => new RedisStorage({ client, coalesce: { maxWait: 0.5 } })).toThrow(/maxWait/);
      expect(() => new RedisStorage({ client, tier: { maxBytes: 0 } })).toThrow(/tier.maxBytes/);
      expect(open().coalescer).toBeDefined();
      expect(open({ coalesce: false }).coalescer).toBeUndefined();
    });

    it('where Redis refuses client tracking: holds entries fallbackTtl ms, and says so', async () => {
      const refusing = await startRedis(join(directory, 'no-tracking'), [
        '--rename-command',
        'CLIENT',
        '',
      ]);
      const own = await connectRedis(refusing.port);
      clients.push(own);
      const storage = new RedisStorage({ client: own, tier: { maxBytes: MiB, fallbackTtl: 50 } });
      const origin = await startOrigin({
        '/f': { headers: { 'cache-control': 'max-age=600' }, body: 'tiered' },
      });
      const cachedFetch = createFetch({ storage });
      try {
        const fallback = new Promise((resolve) => storage.onTier(resolve));
        const reported = nextEvent(cachedFetch.cache, 'error');
        expect(await (await cachedFetch(`${origin.url}/f`)).text()).toBe('tiered');
        expect(await fallback).toMatchObject({ type: 'fallback', ttl: 50 });
        expect(await reported).toMatchObject({ operation: 'tier' });
        await cachedFetch.idle();
        const hit = await cachedFetch(`${origin.url}/f`);
        expect(await hit.text()).toBe('tiered');
        expect(cacheStatus(hit)?.fromCache).toBe(true);
      } finally {
        await cachedFetch.close();
        await origin.close();
        await refusing.stop();
      }
    });
  });

  describe('Redis down', () => {
    it('serves from the origin and reports while Redis is down, and caches again once it is back', async () => {
      const outage = await startRedis(join(directory, 'outage'));
      try {
        const origin = await startOrigin({
          '/o': { headers: { 'cache-control': 'max-age=600' }, body: 'from the origin' },
        });
        const own = await connectRedis(outage.port, 500);
        clients.push(own);
        const cachedFetch = createFetch({
          storage: new RedisStorage({ client: own, timeout: 500 }),
        });
        const errors: { operation: string; error: unknown }[] = [];
        cachedFetch.cache.on('error', (event) => errors.push(event));
        const url = `${origin.url}/o`;
        const fetchText = async () => {
          const response = await cachedFetch(url);
          return { text: await response.text(), fromCache: cacheStatus(response)?.fromCache };
        };
        try {
          const stored = nextEvent(cachedFetch.cache, 'store');
          expect(await fetchText()).toEqual({ text: 'from the origin', fromCache: false });
          await stored;
          expect(await fetchText()).toEqual({ text: 'from the origin', fromCache: true });

          await outage.stop();
          expect(await fetchText()).toEqual({ text: 'from the origin', fromCache: false });
          expect(origin.count('/o')).toBe(2);
          expect(errors.length).toBeGreaterThan(0);
          expect(errors[0]).toMatchObject({ operation: 'get' });
          expect(errors[0]?.error).toBeInstanceOf(StorageError);

          await outage.start();
          if (own.status !== 'ready') await once(own, 'ready');
          const again = nextEvent(cachedFetch.cache, 'store');
          expect(await fetchText()).toEqual({ text: 'from the origin', fromCache: false });
          await again;
          expect(await fetchText()).toEqual({ text: 'from the origin', fromCache: true });
          expect(origin.count('/o')).toBe(3);
        } finally {
          await cachedFetch.close();
          await origin.close();
        }
      } finally {
        await outage.stop();
      }
    });
  });
});

function bytes(size: number, fill = 7): ReadableStream<Uint8Array<ArrayBuffer>> {
  return streamOf(new Uint8Array(size).fill(fill));
}

/** Reads to the end; the error the stream ended with, if any. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<unknown> {
  try {
    while (!(await reader.read()).done);
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Asks Redis until `check` holds: for what Redis does on its own (expiring keys). No deadline of
 * its own; the test's timeout ends a wait that never ends.
 */
async function untilRedis(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}
