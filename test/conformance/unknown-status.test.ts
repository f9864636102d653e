/**
 * A status code outside 100-599 through every door. RFC 9110 §15: "All valid status codes are
 * within the range of 100 to 599, inclusive", yet origins send others, and `fetch` hands them on
 * (the Fetch standard's `Response` constructor refuses them, so the doors build the response
 * another way). The cache passes such a response on untouched and never stores it.
 */
import type { ServerResponse } from 'node:http';
import { expect, it } from 'vitest';
import { describeEachDoor } from './each-door.ts';
import { conformanceClock } from './origin.ts';

let paths = 0;

describeEachDoor((_shared, context) => {
  it.each([600, 999])(
    'status %i reaches the client as the origin sent it, never stored',
    async (status) => {
      const { origin, client } = context();
      const path = `/unknown-status/${++paths}`;
      origin.route(path, (_req, res: ServerResponse) => {
        res.writeHead(status, 'Odd', {
          date: new Date(conformanceClock.now).toUTCString(),
          'cache-control': 'public, max-age=600',
          'x-origin': 'yes',
        });
        res.end('odd body');
      });
      for (const seen of [1, 2]) {
        const response = await client.fetch(`${origin.url}${path}`, {});
        expect(response.status).toBe(status);
        expect(response.ok).toBe(false);
        expect(response.headers.get('x-origin')).toBe('yes');
        expect(await response.text()).toBe('odd body');
        await client.idle();
        expect(origin.count(path)).toBe(seen);
      }
      expect(client.errors).toEqual([]);
    },
  );
});
