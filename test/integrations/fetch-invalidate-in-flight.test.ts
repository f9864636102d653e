import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedFetch, cacheStatus, createFetch } from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

/**
 * An invalidation that arrives while a response is still being stored: the body the caller reads
 * is whole, and nothing of that response is stored afterwards (a purge is never undone by a
 * write that started before it).
 */

let origin: TestOrigin;
let cachedFetch: CachedFetch;
let release: () => void;

beforeEach(async () => {
  let resolve = (): void => undefined;
  const released = new Promise<void>((r) => {
    resolve = r;
  });
  release = resolve;
  origin = await startOrigin({
    '/slow': async (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'cache-tag': 'news' });
      res.write('first ');
      await released;
      res.end('last');
    },
  });
  cachedFetch = createFetch();
});
afterEach(async () => {
  release();
  await cachedFetch.close();
  await origin.close();
});

/** Starts a miss of /slow and reads its first chunk: the store is then in flight. */
async function missInFlight(): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const response = await cachedFetch(`${origin.url}/slow`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toBe('first ');
  return reader;
}

/** Reads the rest of a body. */
async function rest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += new TextDecoder().decode(chunk.value);
  }
  return text;
}

/** Whether a new request for /slow is answered from the cache, once the origin answers at once. */
async function storedAfterwards(): Promise<boolean> {
  await cachedFetch.idle();
  const response = await cachedFetch(`${origin.url}/slow`);
  await response.text();
  return cacheStatus(response)?.fromCache === true;
}

describe('an invalidation while a response is being stored', () => {
  it.each([
    ['its URL', () => cachedFetch.invalidate(`${origin.url}/slow`)],
    ['a prefix of its URL', () => cachedFetch.invalidate({ prefix: `${origin.url}/sl` })],
    ['its tag', () => cachedFetch.invalidate({ tag: 'news' })],
    ['clear()', () => cachedFetch.clear()],
  ])('by %s: the caller reads the body whole, and it is not stored', async (_, purge) => {
    const reader = await missInFlight();
    await purge();
    release();
    expect(await rest(reader)).toBe('last');
    expect(await storedAfterwards()).toBe(false);
    expect(origin.count('/slow')).toBe(2);
  });

  it.each([
    ['another URL', () => cachedFetch.invalidate(`${origin.url}/other`)],
    ['another tag', () => cachedFetch.invalidate({ tag: 'sports' })],
  ])('by %s: the response is stored as usual', async (_, purge) => {
    const reader = await missInFlight();
    await purge();
    release();
    expect(await rest(reader)).toBe('last');
    expect(await storedAfterwards()).toBe(true);
    expect(origin.count('/slow')).toBe(1);
  });
});
