import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { LookupCounter } from '../helpers/lookups.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

/**
 * Regression tests for defects in request coalescing. Requests join a flight after their storage
 * lookup: the origin holds its answer until every request has looked up, so all of them wait on
 * the first one's origin request, whatever the machine's speed.
 */

/** Resolves once `n` lookups have been answered and those requests have joined a flight. */
async function joined(storage: LookupCounter, n: number): Promise<void> {
  await storage.answered(n);
  await new Promise((resolve) => setImmediate(resolve));
}

/** An origin route that answers only when the test releases it; it records when its socket closes. */
function held(path: string): {
  release: (write: (res: ServerResponse) => void) => void;
  arrived: Promise<ServerResponse>;
  closed: Promise<void>;
} {
  let closed!: () => void;
  const socketClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const arrived = new Promise<ServerResponse>((resolve) => {
    origin.route(path, (_req, res) => {
      res.on('close', closed);
      resolve(res);
    });
  });
  return {
    release: (write) => void arrived.then(write),
    arrived,
    closed: socketClosed,
  };
}

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('waiting requests get the stored headers or an error', () => {
  // Was: when the leader's small body failed to read, waiting requests got the origin's raw
  // header fields, Set-Cookie included, in a shared cache. Now they get the fields a stored entry
  // would carry (or an error), never another user's cookie.
  it('a body that fails does not hand the leader’s Set-Cookie to waiting requests', async () => {
    const storage = new LookupCounter();
    const cachedFetch = createFetch({ shared: true, storage });
    const origin$ = held('/cookie');
    const url = `${origin.url}/cookie`;
    const requests = [cachedFetch(url), cachedFetch(url), cachedFetch(url)];
    await joined(storage, 3);
    origin$.release((res) => {
      res.writeHead(200, {
        'cache-control': 'max-age=60',
        'content-length': '10',
        'set-cookie': 'session=leader',
      });
      res.write('abc', () => res.destroy());
    });
    const [leader, ...followers] = await Promise.allSettled(requests);
    expect(leader?.status).toBe('fulfilled');
    for (const follower of followers) {
      if (follower.status === 'rejected') continue;
      expect(cacheStatus(follower.value)?.collapsed).toBe(true);
      expect(follower.value.headers.get('set-cookie')).toBeNull();
      await expect(follower.value.text()).rejects.toThrow();
    }
    expect(origin.count('/cookie')).toBe(1);
    await cachedFetch.close();
  });
});

describe('aborting a coalesced request', () => {
  // Was: the leader's abort failed every request waiting on its origin request. Now the origin
  // request goes on for those still waiting.
  it('the leader’s abort does not fail the requests waiting on it', async () => {
    const storage = new LookupCounter();
    const cachedFetch = createFetch({ storage });
    const origin$ = held('/lead');
    const url = `${origin.url}/lead`;
    const controller = new AbortController();
    const leader = cachedFetch(url, { signal: controller.signal });
    const follower = cachedFetch(url);
    await joined(storage, 2);
    controller.abort();
    await expect(leader).rejects.toThrow(/abort/i);
    origin$.release((res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end('shared'));
    const res = await follower;
    expect(await res.text()).toBe('shared');
    expect(origin.count('/lead')).toBe(1);
    await cachedFetch.close();
  });

  // Was: a waiting request's own signal was ignored: it resolved when the leader's origin answered.
  // Now it rejects at once, and the others go on.
  it('a waiting request’s own abort rejects it at once', async () => {
    const storage = new LookupCounter();
    const cachedFetch = createFetch({ storage });
    const origin$ = held('/follow');
    const url = `${origin.url}/follow`;
    const controller = new AbortController();
    const leader = cachedFetch(url);
    const follower = cachedFetch(url, { signal: controller.signal });
    await joined(storage, 2);
    controller.abort();
    // The origin has not answered yet: only the follower's own abort can settle it.
    await expect(follower).rejects.toThrow(/abort/i);
    origin$.release((res) => res.writeHead(200, { 'cache-control': 'max-age=60' }).end('leader'));
    expect(await (await leader).text()).toBe('leader');
    await cachedFetch.close();
  });

  it('the origin request is aborted once every waiting request has aborted', async () => {
    const storage = new LookupCounter();
    const cachedFetch = createFetch({ storage });
    const origin$ = held('/all');
    const url = `${origin.url}/all`;
    const controllers = [new AbortController(), new AbortController()];
    const requests = controllers.map((c) => cachedFetch(url, { signal: c.signal }));
    await joined(storage, 2);
    await origin$.arrived;
    for (const c of controllers) c.abort();
    for (const request of requests) await expect(request).rejects.toThrow(/abort/i);
    await origin$.closed;
    expect(origin.count('/all')).toBe(1);
    await cachedFetch.close();
  });

  it('the leader’s abort while the body streams fails its own body alone', async () => {
    const storage = new LookupCounter();
    const cachedFetch = createFetch({ storage });
    const origin$ = held('/stream');
    const url = `${origin.url}/stream`;
    const controller = new AbortController();
    const leader = cachedFetch(url, { signal: controller.signal });
    const follower = cachedFetch(url);
    await joined(storage, 2);
    let finish!: () => void;
    origin$.release((res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.write('first, ');
      finish = () => res.end('second');
    });
    const [lead, follow] = [await leader, await follower];
    const leadReader = (lead.body as ReadableStream<Uint8Array>).getReader();
    const followReader = (follow.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await leadReader.read()).value)).toBe('first, ');
    expect(new TextDecoder().decode((await followReader.read()).value)).toBe('first, ');
    controller.abort();
    await expect(leadReader.read()).rejects.toThrow(/abort/i);
    finish();
    const rest = await new Response(
      new ReadableStream({
        async pull(c) {
          const { done, value } = await followReader.read();
          if (done) c.close();
          else c.enqueue(value);
        },
      }),
    ).text();
    expect(rest).toBe('second');
    expect(origin.count('/stream')).toBe(1);
    await cachedFetch.close();
  });
});
