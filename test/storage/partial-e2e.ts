import { expect } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import type { Storage } from '../../src/storage/types.ts';
import type { TestOrigin } from '../helpers/origin.ts';
import { digestBody, digestOf, rangedRoute } from '../helpers/ranged.ts';

/**
 * Partial content on a storage, end to end (RFC 9111 §3.3, §3.4): a resource fetched in ranges
 * ends up as one complete stored response, and a stored part is completed with only the missing
 * bytes. Bodies are streamed and checked by digest, never held whole by the test.
 *
 * @module
 */

const digests = new Map<number, string>();

/** The digest of the whole generated representation of `size` bytes (computed once). */
function wholeDigest(size: number): string {
  let digest = digests.get(size);
  if (digest === undefined) {
    digest = digestOf(0, size - 1);
    digests.set(size, digest);
  }
  return digest;
}

/**
 * Fetches a generated resource of `size` bytes in `count` ranges, out of order, through
 * `createFetch` on `storage`; then checks that storage holds it as one complete response, which
 * answers a plain request without the origin.
 */
export async function fetchInRanges(
  origin: TestOrigin,
  storage: Storage,
  size: number,
  count: number,
  path = '/ranged',
): Promise<void> {
  origin.route(path, rangedRoute({ size }));
  const cachedFetch = createFetch({ storage });
  const url = `${origin.url}${path}`;
  const step = Math.ceil(size / count);
  // Every other range first, then the gaps: parts are stored apart before they join.
  const order = [...Array(count).keys()].sort((a, b) => (a % 2) - (b % 2) || a - b);
  for (const index of order) {
    const start = index * step;
    const end = Math.min(size, start + step) - 1;
    const response = await cachedFetch(url, { headers: { range: `bytes=${start}-${end}` } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
    expect(await digestBody(response)).toEqual({
      digest: digestOf(start, end),
      size: end - start + 1,
    });
    await cachedFetch.idle();
  }
  const entries = await storage.get(`GET ${url}`);
  expect(entries.map((e) => [e.status, e.size])).toEqual([[200, size]]);
  const whole = await cachedFetch(url);
  expect(whole.status).toBe(200);
  expect(cacheStatus(whole)?.fromCache).toBe(true);
  expect(await digestBody(whole)).toEqual({ digest: wholeDigest(size), size });
  expect(origin.count(path)).toBe(count);
  await cachedFetch.close();
}

/**
 * Stores the first `stored` bytes of a resource of `size` bytes as a part; a plain request then
 * gets the whole resource, the origin asked only for the rest (with If-Range), and storage ends
 * up with the complete response.
 */
export async function completePart(
  origin: TestOrigin,
  storage: Storage,
  size: number,
  stored: number,
  path = '/completed',
): Promise<void> {
  origin.route(path, rangedRoute({ size }));
  const cachedFetch = createFetch({ storage });
  const url = `${origin.url}${path}`;
  const first = await cachedFetch(url, { headers: { range: `bytes=0-${stored - 1}` } });
  await digestBody(first);
  await cachedFetch.idle();
  const whole = await cachedFetch(url);
  expect(whole.status).toBe(200);
  expect(await digestBody(whole)).toEqual({ digest: wholeDigest(size), size });
  const asked = origin.requests.filter((r) => r.path === path).map((r) => r.headers.range);
  expect(asked).toEqual([`bytes=0-${stored - 1}`, `bytes=${stored}-`]);
  await cachedFetch.idle();
  const entries = await storage.get(`GET ${url}`);
  expect(entries.map((e) => [e.status, e.size])).toEqual([[200, size]]);
  await cachedFetch.close();
}
