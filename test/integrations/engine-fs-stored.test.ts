import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

/**
 * Regression tests: FileSystemStorage reported `stored` before its entry existed (a request right
 * after the body was read missed), and with a directory it could not write. Now `stored` means
 * findable, and a write that fails is an `error` event that no response claims.
 */

let origin: TestOrigin;
let directory: string;

beforeEach(async () => {
  origin = await startOrigin();
  directory = await mkdtemp(join(tmpdir(), 'httpcache-engine-fs-'));
});
afterEach(async () => {
  await origin.close();
  await rm(directory, { recursive: true, force: true });
});

describe('stored means findable, on the file system', () => {
  it.each([
    ['a small body read whole', { 'content-length': '11' }],
    ['a streamed body', {}],
  ])('%s: the request right after reading it is a hit', async (_name, fields) => {
    origin.route('/f', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', ...fields });
      res.end('stored body');
    });
    const cachedFetch = createFetch({ storage: new FileSystemStorage({ directory }) });
    const url = `${origin.url}/f`;
    const first = await cachedFetch(url);
    expect(cacheStatus(first)?.stored).toBe(true);
    expect(await first.text()).toBe('stored body');
    const again = await cachedFetch(url);
    expect(cacheStatus(again)?.fromCache).toBe(true);
    expect(await again.text()).toBe('stored body');
    await cachedFetch.close();
  });

  it('a directory that cannot be written: an error event, and no response says stored', async () => {
    // A regular file where the cache's directory should be: nothing can be written under it.
    const blocked = join(directory, 'file');
    await writeFile(blocked, 'not a directory');
    origin.route('/f', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '4' }).end('body');
    });
    const storage = new FileSystemStorage({ directory: join(blocked, 'cache') });
    const cachedFetch = createFetch({ storage });
    const errors: string[] = [];
    cachedFetch.cache.on('error', (e) => errors.push(e.operation));
    const res = await cachedFetch(`${origin.url}/f`);
    expect(await res.text()).toBe('body');
    expect(res.headers.get('cache-status')).not.toContain('stored');
    expect(errors).toContain('put');
    await cachedFetch.close();
  });
});
