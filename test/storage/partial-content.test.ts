import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { FileSystemStorage } from '../../src/fs.ts';
import { MemoryStorage } from '../../src/index.ts';
import { S3Storage } from '../../src/s3.ts';
import { SqliteStorage } from '../../src/sqlite.ts';
import { RedisStorage } from '../../src/storage/redis.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { completePart, fetchInRanges } from './partial-e2e.ts';
import { connectRedis, type RedisServer, redisAvailable, startRedis } from './redis/servers.ts';
import { BUCKET, startS3, type TestS3 } from './s3-helpers.ts';

/**
 * Every storage keeps parts, combines them, and completes them (RFC 9111 §3.3, §3.4): a
 * 100 MiB resource fetched in four ranges ends up as one complete stored response on memory,
 * SQLite and the file system; Redis and S3 do the same with smaller resources.
 */

const MiB = 1024 * 1024;
const LARGE = 100 * MiB;
const SLOW = 240_000;

let origin: TestOrigin;
let directory = '';

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'httpcache-partial-'));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});
// Storing 100 MiB in SQLite blocks the event loop for seconds: the origin keeps its idle
// connections longer than that, so that no request goes out on one it is just closing.
beforeEach(async () => {
  origin = await startOrigin({}, { keepAliveTimeout: 120_000 });
});
afterEach(async () => {
  await origin.close();
});

describe('partial content on MemoryStorage', () => {
  it('a 100 MiB resource fetched in 4 ranges is stored whole', { timeout: SLOW }, async () => {
    await fetchInRanges(origin, new MemoryStorage({ maxBytes: 256 * MiB }), LARGE, 4);
  });
  it('a stored part is completed with the missing bytes', async () => {
    await completePart(origin, new MemoryStorage(), 300_000, 100_000);
  });
});

describe('partial content on SqliteStorage', () => {
  it('a 100 MiB resource fetched in 4 ranges is stored whole', { timeout: SLOW }, async () => {
    const storage = new SqliteStorage({ path: join(directory, 'large.db') });
    await fetchInRanges(origin, storage, LARGE, 4);
  });
  it('a stored part is completed with the missing bytes', async () => {
    await completePart(
      origin,
      new SqliteStorage({ path: join(directory, 'small.db') }),
      300_000,
      5,
    );
  });
});

describe('partial content on FileSystemStorage', () => {
  it('a 100 MiB resource fetched in 4 ranges is stored whole', { timeout: SLOW }, async () => {
    const storage = new FileSystemStorage({ directory: join(directory, 'fs-large') });
    await fetchInRanges(origin, storage, LARGE, 4);
  });
  it('a stored part is completed with the missing bytes', async () => {
    const storage = new FileSystemStorage({ directory: join(directory, 'fs-small') });
    await completePart(origin, storage, 300_000, 100_000);
  });
});

describe.skipIf(!redisAvailable())('partial content on RedisStorage', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis(join(directory, 'redis'));
  });
  afterAll(async () => {
    await server?.stop();
  });
  it('a resource fetched in 5 ranges is stored whole, and a part is completed', async () => {
    const client = await connectRedis(server.port);
    try {
      await fetchInRanges(origin, new RedisStorage({ client }), 3 * MiB + 17, 5);
      await completePart(origin, new RedisStorage({ client }), 300_000, 100_000);
    } finally {
      client.disconnect();
    }
  });
});

describe('partial content on S3Storage', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3?.close();
  });
  it('a resource fetched in 3 ranges is stored whole, and a part is completed', async () => {
    const storage = (prefix: string) =>
      new S3Storage({ client: s3.client(), bucket: BUCKET, prefix });
    await fetchInRanges(origin, storage('ranges'), MiB + 3, 3);
    await completePart(origin, storage('complete'), 300_000, 100_000);
  });
});
