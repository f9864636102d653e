/**
 * Finding 5: `Vary: User-Agent` and clients that send a new User-Agent each time. Variants per
 * key stay at the storage's cap (least recently used out), MemoryStorage's bytes count the Vary
 * values it holds, and every lookup reads no more than the cap, so filling stays linear.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { MemoryStorage } from '../../src/storage/memory.ts';
import { RedisStorage } from '../../src/storage/redis.ts';
import { SqliteStorage } from '../../src/storage/sqlite.ts';
import type { Storage } from '../../src/storage/types.ts';
import {
  connectRedis,
  type RedisServer,
  redisAvailable,
  startRedis,
} from '../storage/redis/servers.ts';
import { type RecordingUpstream, startUpstream } from './sockets.ts';

const MAX_VARIANTS = 16;
const CLIENTS = 400;
/** A long User-Agent, so that Vary values dwarf the bodies. */
const agent = (i: number): string => `agent-${i}-${'x'.repeat(1024)}`;
/** 400 requests one after another: on a busy machine that takes a while; a guard against hangs. */
const FAN_OUT_TIMEOUT = 120_000;

let upstream: RecordingUpstream | undefined;
let proxy: CachingProxy | undefined;
let directory: string | undefined;
let redis: RedisServer | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  await redis?.stop();
  redis = undefined;
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  proxy = upstream = directory = undefined;
});

/** The storage, with the number of entries each `get` returned recorded. */
function counted<S extends Storage>(storage: S): { storage: S; reads: number[] } {
  const reads: number[] = [];
  const get = storage.get.bind(storage);
  storage.get = async (key: string) => {
    const entries = await get(key);
    reads.push(entries.length);
    return entries;
  };
  return { storage, reads };
}

async function fanOut(storage: Storage): Promise<void> {
  upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600', vary: 'User-Agent' });
    res.end('hi');
  });
  proxy = await createProxy({ upstream: upstream.url, storage });
  for (let i = 0; i < CLIENTS; i++) {
    const response = await fetch(`${proxy.url}/page`, { headers: { 'user-agent': agent(i) } });
    expect(await response.text()).toBe('hi');
  }
  await proxy.cache.idle();
}

/** Fills one key with {@link CLIENTS} variants and checks the cap held at every lookup. */
async function keepsTheCap(storage: Storage): Promise<void> {
  const { reads } = counted(storage);
  await fanOut(storage);
  expect((await storage.stats()).entries).toBe(MAX_VARIANTS);
  expect(reads).toHaveLength(CLIENTS);
  expect(Math.max(...reads)).toBeLessThanOrEqual(MAX_VARIANTS);
  // The most recent clients' variants are the ones kept.
  const last = await fetch(`${proxy?.url}/page`, {
    headers: { 'user-agent': agent(CLIENTS - 1) },
  });
  expect(last.headers.get('cache-status')).toMatch(/hit/);
  await last.text();
  await storage.close();
}

describe.each([
  ['MemoryStorage', async () => new MemoryStorage({ maxVariants: MAX_VARIANTS })],
  [
    'SqliteStorage',
    async () => {
      directory = await mkdtemp(join(tmpdir(), 'httpcache-vary-'));
      return new SqliteStorage({ path: join(directory, 'c.sqlite'), maxVariants: MAX_VARIANTS });
    },
  ],
  [
    'FileSystemStorage',
    async () => {
      directory = await mkdtemp(join(tmpdir(), 'httpcache-vary-'));
      return new FileSystemStorage({ directory, maxVariants: MAX_VARIANTS });
    },
  ],
])('%s: hundreds of User-Agent variants', (_name, open) => {
  it('keeps variants per key at the cap, and no lookup reads more', {
    timeout: FAN_OUT_TIMEOUT,
  }, async () => {
    await keepsTheCap(await open());
  });
});

describe.skipIf(!redisAvailable())('RedisStorage: hundreds of User-Agent variants', () => {
  it('keeps variants per key at the cap in its commit script, and no lookup reads more', {
    timeout: FAN_OUT_TIMEOUT,
  }, async () => {
    directory = await mkdtemp(join(tmpdir(), 'httpcache-vary-'));
    redis = await startRedis(directory);
    const client = await connectRedis(redis.port);
    await keepsTheCap(new RedisStorage({ client, maxVariants: MAX_VARIANTS, closeClient: true }));
  });
});

describe('MemoryStorage counts what it holds', () => {
  it('reported bytes include the Vary values of every variant', async () => {
    const storage = new MemoryStorage({ maxVariants: MAX_VARIANTS });
    await fanOut(storage);
    const held = MAX_VARIANTS * agent(0).length;
    expect(storage.bytes).toBeGreaterThanOrEqual(held);
    expect(storage.bytes).toBeLessThanOrEqual(held * 4);
    await storage.close();
  });
});
