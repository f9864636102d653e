/**
 * Interim (1xx) responses end to end, through every door and mode, against a real origin on
 * 127.0.0.1: the final response behind them is what gets stored and reused, and nothing of an
 * interim response is. (Whether a door forwards the 1xx itself to its client is not tested here:
 * fetch() does not expose interim responses.) These behaviours are not in the packaged version of
 * the conformance suite, so they are tested here.
 */
import type { ServerResponse } from 'node:http';
import { expect, it } from 'vitest';
import { type DoorContext, describeEachDoor } from './each-door.ts';
import { conformanceClock } from './origin.ts';

let paths = 0;

/** A fresh path answering 102 Processing, then 103 Early Hints with `hints`, then a 200 with `headers`. */
function route(
  { origin }: DoorContext,
  hints: Record<string, string>,
  headers: Record<string, string>,
): string {
  const path = `/interim/${++paths}`;
  origin.route(path, (_req, res: ServerResponse) => {
    res.writeProcessing();
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style', ...hints });
    res.writeHead(200, {
      date: new Date(conformanceClock.now).toUTCString(),
      'content-type': 'text/plain',
      ...headers,
    });
    res.end(`final answer of ${path}`);
  });
  return path;
}

/** Sends a GET to `path`; returns the response's headers and the origin's count there. */
async function get(
  { origin, client }: DoorContext,
  path: string,
): Promise<{ headers: Headers; seen: number }> {
  const response = await client.fetch(`${origin.url}${path}`, {});
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(`final answer of ${path}`);
  await client.idle();
  expect(client.errors).toEqual([]);
  return { headers: response.headers, seen: origin.count(path) };
}

describeEachDoor((_shared, context) => {
  // RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx responses received prior to
  // a final response, even if the client does not expect one." RFC 9111 §3: only a response
  // whose status code is final may be stored.
  it('RFC 9110 §15.2: the final response behind 1xx responses is stored and reused', async () => {
    const c = context();
    const path = route(c, {}, { 'cache-control': 'max-age=600' });
    expect((await get(c, path)).seen).toBe(1);
    const reused = await get(c, path);
    expect(reused.seen).toBe(1);
    expect(reused.headers.get('cache-control')).toBe('max-age=600');
  });

  it('RFC 9111 §3: the fields of a 103 do not make its final response storable', async () => {
    const c = context();
    const path = route(c, { 'cache-control': 'max-age=9999' }, { 'cache-control': 'no-store' });
    expect((await get(c, path)).seen).toBe(1);
    expect((await get(c, path)).seen).toBe(2);
  });

  it('RFC 9111 §3: the fields of a 103 are not stored with the final response', async () => {
    const c = context();
    const path = route(c, { 'x-hint-only': 'yes' }, { 'cache-control': 'max-age=600' });
    expect((await get(c, path)).headers.get('x-hint-only')).toBeNull();
    const reused = await get(c, path);
    expect(reused.seen).toBe(1);
    expect(reused.headers.get('x-hint-only')).toBeNull();
    expect(reused.headers.get('link')).toBeNull();
  });
});
