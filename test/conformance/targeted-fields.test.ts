/**
 * RFC 9213 targeted cache-control fields end to end: `CDN-Cache-Control` through every door of a
 * shared cache (where it is obeyed by default) and of a private one (where it is not), against a
 * real origin on 127.0.0.1 and the manual clock of the conformance doors. These behaviours are
 * not in the packaged version of the conformance suite, so they are tested here.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { chosenDoors, type DoorClient } from './doors.ts';
import { conformanceClock } from './origin.ts';

let origin: TestOrigin;
let paths = 0;

beforeAll(async () => {
  origin = await startOrigin();
});

afterAll(async () => {
  await origin.close();
});

/** A fresh path answering 200 with `headers` and a `Date` of the manual clock. */
function route(headers: Record<string, string>): string {
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

/** Sends a GET to `path` through `client`; returns how many requests the origin has seen there. */
async function get(client: DoorClient, path: string): Promise<number> {
  const response = await client.fetch(`${origin.url}${path}`, {});
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(`body of ${path}`);
  await client.idle();
  expect(client.errors).toEqual([]);
  return origin.count(path);
}

/** Sends two GETs to `path` at once on the manual clock; returns what {@link get} does. */
async function twice(client: DoorClient, path: string): Promise<number> {
  await get(client, path);
  return get(client, path);
}

for (const door of chosenDoors(process.env.CONFORMANCE_DOORS)) {
  for (const shared of door.modes) {
    describe(`${door.name}: ${shared ? 'shared' : 'private'} cache`, () => {
      let client: DoorClient;
      beforeAll(async () => {
        client = await door.open(shared, origin.url);
      });
      afterAll(async () => {
        await client.close();
      });

      if (!shared) {
        // RFC 9213 §2: CDN-Cache-Control targets CDN caches; a private cache is not one.
        it('RFC 9213 §2: a private cache ignores CDN-Cache-Control', async () => {
          const path = route({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' });
          expect(await twice(client, path)).toBe(2);
        });
        return;
      }

      // RFC 9213 §2.1: the cache "MUST ignore the Cache-Control and Expires header fields" when
      // the targeted field has a valid, non-empty value.
      it('RFC 9213 §2.1: the targeted max-age wins over Cache-Control: no-store', async () => {
        const path = route({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' });
        expect(await twice(client, path)).toBe(1);
      });

      it('RFC 9213 §2.1: the targeted max-age wins over an Expires in the past', async () => {
        const path = route({
          expires: new Date(conformanceClock.now - 3_600_000).toUTCString(),
          'cdn-cache-control': 'max-age=600',
        });
        expect(await twice(client, path)).toBe(1);
      });

      it('RFC 9213 §2.1: the targeted no-store wins over Cache-Control: max-age', async () => {
        const path = route({ 'cache-control': 'max-age=600', 'cdn-cache-control': 'no-store' });
        expect(await twice(client, path)).toBe(2);
      });

      it('RFC 9213 §2.1: a targeted max-age=0 leaves nothing fresh to reuse', async () => {
        const path = route({ 'cache-control': 'max-age=600', 'cdn-cache-control': 'max-age=0' });
        expect(await twice(client, path)).toBe(2);
      });

      it('RFC 9213 §2.1: a targeted private keeps the response out of a shared cache', async () => {
        const path = route({ 'cache-control': 'max-age=600', 'cdn-cache-control': 'private' });
        expect(await twice(client, path)).toBe(2);
      });

      it('RFC 9213 §2.1: a targeted no-cache sends every reuse to the origin', async () => {
        const path = route({ 'cache-control': 'max-age=600', 'cdn-cache-control': 'no-cache' });
        expect(await twice(client, path)).toBe(2);
      });

      it('RFC 9213 §2.1: the targeted max-age counts the Age the response arrived with', async () => {
        const path = route({ age: '599', 'cdn-cache-control': 'max-age=600' });
        // Reused at once (age 599 of 600), then stale two seconds later.
        expect(await twice(client, path)).toBe(1);
        conformanceClock.now += 2000;
        expect(await get(client, path)).toBe(2);
      });

      // RFC 9213 §2.1: a targeted field that is empty or fails to parse "MUST be ignored by the
      // cache", which then falls back to Cache-Control.
      it('RFC 9213 §2.1: an unparsable targeted field falls back to Cache-Control', async () => {
        const path = route({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600,,' });
        expect(await twice(client, path)).toBe(2);
      });

      it('RFC 9213 §2.1: an empty targeted field falls back to Cache-Control', async () => {
        const path = route({ 'cache-control': 'max-age=600', 'cdn-cache-control': '' });
        expect(await twice(client, path)).toBe(1);
      });

      // RFC 9213 §2.1: field names are case-insensitive (RFC 9110 §5.1), and the value is an
      // RFC 8941 Dictionary, whose keys are lowercase: an uppercase key does not parse.
      it('RFC 9213 §2.1: an uppercase directive name makes the field unparsable', async () => {
        const path = route({ 'cache-control': 'no-store', 'cdn-cache-control': 'MAX-AGE=600' });
        expect(await twice(client, path)).toBe(2);
      });
    });
  }
}
