import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedFetch, cacheStatus, createFetch } from '../../src/index.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { files, pattern, tempDir } from './fs-helpers.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

/** Fetches and reads the body, then waits until the cache has stored it when it was to be stored. */
async function fetched(cachedFetch: CachedFetch, url: string) {
  const stored = new Promise<void>((done) => {
    const off = cachedFetch.cache.on('store', () => {
      off();
      done();
    });
  });
  const res = await cachedFetch(url);
  const body = new Uint8Array(await res.arrayBuffer());
  if (cacheStatus(res)?.stored === true) await stored;
  return { res, body };
}

describe('createFetch with a FileSystemStorage, against a real origin', () => {
  it('misses, hits without the origin, and freshens the stored entry on a 304', async () => {
    const clock = manualClock();
    const content = pattern(200_000, 9);
    let version = 'one';
    origin.route('/file', (req, res) => {
      const date = new Date(clock()).toUTCString();
      const headers = { etag: '"e1"', date, 'cache-control': 'max-age=10', 'x-version': version };
      if (req.headers['if-none-match'] === '"e1"') res.writeHead(304, headers).end();
      else
        res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' }).end(content);
    });
    const directory = await tempDir();
    const cachedFetch = createFetch({ storage: new FileSystemStorage({ directory }), clock });
    const url = `${origin.url}/file`;

    const miss = await fetched(cachedFetch, url);
    expect(cacheStatus(miss.res)).toMatchObject({ fromCache: false, stored: true });
    expect(miss.body).toEqual(content);
    const bodyFile = (await files(directory)).find((f) => f.endsWith('.body'));
    expect(new Uint8Array(await readFile(join(directory, bodyFile ?? '')))).toEqual(content);

    const hit = await fetched(cachedFetch, url);
    expect(cacheStatus(hit.res)).toMatchObject({ fromCache: true, revalidated: false });
    expect(hit.body).toEqual(content);
    expect(origin.count('/file')).toBe(1);

    clock.advance(20);
    version = 'two';
    const revalidated = await fetched(cachedFetch, url);
    expect(cacheStatus(revalidated.res)).toMatchObject({ fromCache: true, revalidated: true });
    expect(revalidated.res.headers.get('x-version')).toBe('two');
    expect(revalidated.body).toEqual(content);
    expect(origin.count('/file')).toBe(2);
    const metaFile = (await files(directory)).find((f) => f.endsWith('.meta.json'));
    const meta = JSON.parse(await readFile(join(directory, metaFile ?? ''), 'utf8'));
    expect(meta.headers).toContainEqual(['x-version', 'two']);

    const after = await fetched(cachedFetch, url);
    expect(cacheStatus(after.res)).toMatchObject({ fromCache: true, revalidated: false });
    expect(after.res.headers.get('x-version')).toBe('two');
    expect(origin.count('/file')).toBe(2);
    await cachedFetch.close();

    // Another cache on the same directory, as another process would be, hits too.
    const reopened = createFetch({ storage: new FileSystemStorage({ directory }), clock });
    const persisted = await fetched(reopened, url);
    expect(cacheStatus(persisted.res)?.fromCache).toBe(true);
    expect(persisted.body).toEqual(content);
    expect(origin.count('/file')).toBe(2);
    await reopened.close();
  });
});
