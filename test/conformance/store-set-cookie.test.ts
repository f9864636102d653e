/**
 * `storeSetCookie` through every door against a real origin: RFC 9111 §7.3 says `Set-Cookie`
 * "does not inhibit caching", so a cache may store it. By default a shared cache strips it from
 * what it stores (the user whose request reached the origin still receives it); with
 * `storeSetCookie: true` the stored response keeps it, and so does a private cache either way.
 */
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { DoorOptions } from './doors.ts';
import { type DoorContext, describeEachDoor } from './each-door.ts';
import { conformanceClock } from './origin.ts';

let paths = 0;

/** A fresh path answering a public, fresh 200 that sets a cookie. */
function cookieRoute({ origin }: DoorContext): string {
  const path = `/set-cookie/${++paths}`;
  origin.route(path, (_req, res: ServerResponse) => {
    res.writeHead(200, {
      date: new Date(conformanceClock.now).toUTCString(),
      'cache-control': 'public, max-age=600',
      'set-cookie': ['bucket=b; Path=/', 'consent=yes; Path=/'],
      'content-type': 'text/plain',
    });
    res.end('hello');
  });
  return path;
}

/** The `Set-Cookie` lines of a GET to `path`, once the cache has settled. */
async function cookiesOf({ origin, client }: DoorContext, path: string): Promise<string[]> {
  const response = await client.fetch(`${origin.url}${path}`, {});
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('hello');
  await client.idle();
  expect(client.errors).toEqual([]);
  return response.headers.getSetCookie();
}

function defineCases(options: DoorOptions, keptWhenShared: boolean): void {
  describeEachDoor((shared, context) => {
    const kept = !shared || keptWhenShared;
    it(`the stored response ${kept ? 'keeps' : 'loses'} Set-Cookie; the first user gets it`, async () => {
      const path = cookieRoute(context());
      const cookies = ['bucket=b; Path=/', 'consent=yes; Path=/'];
      expect(await cookiesOf(context(), path)).toEqual(cookies);
      expect(await cookiesOf(context(), path)).toEqual(kept ? cookies : []);
      // The second response came from storage.
      expect(context().origin.count(path)).toBe(1);
    });
  }, options);
}

describe('default: a shared cache strips Set-Cookie from what it stores', () => {
  defineCases({}, false);
});

describe('storeSetCookie: true keeps it, as RFC 9111 §7.3 allows', () => {
  defineCases({ storeSetCookie: true }, true);
});
