/**
 * RFC 9213 targeted cache-control fields end to end: `CDN-Cache-Control` through every door of a
 * shared cache (where it is obeyed by default) and of a private one (where it is not), against a
 * real origin on 127.0.0.1 and the manual clock of the conformance doors. These behaviours are
 * not in the packaged version of the conformance suite, so they are tested here.
 */
import type { ServerResponse } from 'node:http';
import { expect, it } from 'vitest';
import { type DoorContext, describeEachDoor } from './each-door.ts';
import { conformanceClock } from './origin.ts';

let paths = 0;

/** A fresh path answering 200 with `headers` and a `Date` of the manual clock. */
function route({ origin }: DoorContext, headers: Record<string, string>): string {
  const path = `/targeted/${++paths}`;
  origin.route(path, (_req, res: ServerResponse) => {
    res.writeHead(200, {
      date: new Date(conformanceClock.now).toUTCString(),
      'content-type': 'text/plain',
      ...headers,
    });
    res.end(`body of ${path}`);
  });
  return path;
}

/** Sends a GET to `path`; returns how many requests the origin has seen there. */
async function get({ origin, client }: DoorContext, path: string): Promise<number> {
  const response = await client.fetch(`${origin.url}${path}`, {});
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(`body of ${path}`);
  await client.idle();
  expect(client.errors).toEqual([]);
  return origin.count(path);
}

/**
 * Responses sent twice at the same instant, and how many of the two requests reach the origin
 * through a shared cache (1: the first response was stored and reused).
 */
const SHARED_CASES: readonly [title: string, headers: Record<string, string>, seen: number][] = [
  // RFC 9213 §2.1: with a valid, non-empty targeted field the cache "MUST ignore the
  // Cache-Control and Expires header fields".
  [
    'the targeted max-age wins over Cache-Control: no-store',
    { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' },
    1,
  ],
  [
    'the targeted max-age wins over an Expires in the past',
    { expires: 'Thu, 01 Jan 1970 00:00:00 GMT', 'cdn-cache-control': 'max-age=600' },
    1,
  ],
  [
    'the targeted no-store wins over Cache-Control: max-age',
    { 'cache-control': 'max-age=600', 'cdn-cache-control': 'no-store' },
    2,
  ],
  [
    'a targeted max-age=0 leaves nothing fresh to reuse',
    { 'cache-control': 'max-age=600', 'cdn-cache-control': 'max-age=0' },
    2,
  ],
  [
    'a targeted private keeps the response out of a shared cache',
    { 'cache-control': 'max-age=600', 'cdn-cache-control': 'private' },
    2,
  ],
  [
    'a targeted no-cache sends every reuse to the origin',
    { 'cache-control': 'max-age=600', 'cdn-cache-control': 'no-cache' },
    2,
  ],
  // RFC 9213 §2.1: a targeted field that is empty or fails to parse "MUST be ignored by the
  // cache", which falls back to Cache-Control.
  [
    'an unparsable targeted field falls back to Cache-Control',
    { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600,,' },
    2,
  ],
  [
    'an empty targeted field falls back to Cache-Control',
    { 'cache-control': 'max-age=600', 'cdn-cache-control': '' },
    1,
  ],
  // RFC 9213 §2.1: the value is an RFC 8941 Dictionary, whose keys are lowercase.
  [
    'an uppercase directive name makes the targeted field unparsable',
    { 'cache-control': 'no-store', 'cdn-cache-control': 'MAX-AGE=600' },
    2,
  ],
];

describeEachDoor((shared, context) => {
  if (!shared) {
    // RFC 9213 §2: CDN-Cache-Control targets CDN caches; a private cache is not one.
    it('RFC 9213 §2: a private cache ignores CDN-Cache-Control', async () => {
      const c = context();
      const path = route(c, { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' });
      await get(c, path);
      expect(await get(c, path)).toBe(2);
    });
    return;
  }
  for (const [title, headers, seen] of SHARED_CASES) {
    it(`RFC 9213 §2.1: ${title}`, async () => {
      const c = context();
      const path = route(c, headers);
      await get(c, path);
      expect(await get(c, path)).toBe(seen);
    });
  }
  it('RFC 9213 §2.1: the targeted max-age counts the Age the response arrived with', async () => {
    const c = context();
    const path = route(c, { age: '599', 'cdn-cache-control': 'max-age=600' });
    // Reused at once (age 599 of 600), then stale two seconds later.
    await get(c, path);
    expect(await get(c, path)).toBe(1);
    conformanceClock.now += 2000;
    expect(await get(c, path)).toBe(2);
  });
});
