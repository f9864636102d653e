import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CodecError, cacheStatus, createFetch, StorageError } from '../../src/index.ts';
import { S3Storage } from '../../src/s3.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { missHitRevalidate, storeEvent } from './fetch-e2e.ts';
import { BUCKET, sha256, startS3, type TestS3 } from './s3-helpers.ts';

/**
 * S3Storage behind the cache: `createFetch` against a real origin and a real S3-compatible
 * server, when all is well, when an entry is corrupted and when S3 goes away.
 */

const run = promisify(execFile);
let s3: TestS3;
let origin: TestOrigin;
const runId = randomBytes(4).toString('hex');
let prefixes = 0;

beforeAll(async () => {
  [s3, origin] = await Promise.all([startS3(), startOrigin()]);
});
afterAll(async () => {
  await Promise.all([s3?.close(), origin?.close()]);
});
beforeEach(() => {
  origin.requests.length = 0;
});

function storageOn(server: TestS3, clock?: () => number): S3Storage {
  const prefix = `${runId}/fetch-${++prefixes}`;
  const client = server.client();
  return new S3Storage({ client, bucket: BUCKET, prefix, ...(clock ? { clock } : {}) });
}

describe('S3Storage with createFetch', () => {
  it('stores a miss, serves a hit without the origin, and freshens the entry on a 304', async () => {
    const clock = manualClock();
    await missHitRevalidate(origin, storageOn(s3, clock), clock, 'hello, s3');
  });

  it('a corrupted entry is an error event and a miss served by the origin', async () => {
    origin.route('/corrupt', {
      headers: { 'cache-control': 'max-age=600' },
      body: 'fresh from the origin',
    });
    const storage = storageOn(s3);
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/corrupt`;
    const storing = storeEvent(cachedFetch);
    await (await cachedFetch(url)).text();
    await storing;
    await cachedFetch.idle();
    const name = `${storage.prefix}/entries/${sha256(`GET ${url}`)}/${sha256('')}.json`;
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: name, Body: 'garbage' }));
    const errors: unknown[] = [];
    cachedFetch.cache.on('error', (event) => errors.push(event.error));
    const response = await cachedFetch(url);
    expect(await response.text()).toBe('fresh from the origin');
    expect(cacheStatus(response)?.fromCache).toBe(false);
    expect(origin.count('/corrupt')).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CodecError);
    await cachedFetch.close();
  });

  it('S3 stopped: requests go to the origin with an error event, and S3 back serves hits again', async () => {
    const own = await startS3();
    try {
      origin.route('/outage', { headers: { 'cache-control': 'max-age=600' }, body: 'from origin' });
      const cachedFetch = createFetch({ storage: storageOn(own) });
      const url = `${origin.url}/outage`;
      const storing = storeEvent(cachedFetch);
      await (await cachedFetch(url)).text();
      await storing;
      await cachedFetch.idle();

      await own.stop();
      const errors: { operation: string; error: unknown }[] = [];
      cachedFetch.cache.on('error', (event) => errors.push(event));
      // No deadline here: a request that waited on S3 for good would fail by the test's timeout.
      const response = await cachedFetch(url);
      expect(await response.text()).toBe('from origin');
      expect(cacheStatus(response)?.fromCache).toBe(false);
      expect(origin.count('/outage')).toBe(2);
      expect(errors[0]?.operation).toBe('get');
      expect(errors[0]?.error).toBeInstanceOf(StorageError);

      await own.restart();
      const hit = await cachedFetch(url);
      expect(await hit.text()).toBe('from origin');
      expect(cacheStatus(hit)?.fromCache).toBe(true);
      expect(origin.count('/outage')).toBe(2);
      await cachedFetch.close();
    } finally {
      await own.close();
    }
  });
});

describe('httpcache/s3 without @aws-sdk/client-s3', () => {
  it('loads, and its first operation says what to install', async () => {
    const entry = new URL('../../src/s3.ts', import.meta.url).href;
    const script = `
      import { registerHooks } from 'node:module';
      registerHooks({
        resolve(specifier, context, next) {
          if (specifier.startsWith('@aws-sdk/')) throw new Error('Cannot find package ' + specifier);
          return next(specifier, context);
        },
      });
      const { S3Storage } = await import(${JSON.stringify(entry)});
      const storage = new S3Storage({ client: { send() {} }, bucket: 'b' });
      const error = await storage.get('k').catch((e) => e);
      console.log(JSON.stringify({ name: error.name, message: error.message }));
    `;
    const { stdout: output } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(output)).toEqual({
      name: 'StorageError',
      message: expect.stringContaining('npm install @aws-sdk/client-s3'),
    });
  });
});
