/**
 * Finding 4: a private cache and a shared cache over one storage. The private cache may store a
 * `private` response with its `Set-Cookie` for a request with `Authorization`; the shared cache
 * must never serve or freshen it, to anyone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { servableBy } from '../../src/core/entry.ts';
import { createFetch } from '../../src/integrations/fetch.ts';
import {
  type CachingProxy,
  cacheHandler,
  createProxy,
} from '../../src/integrations/server/index.ts';
import { decodeMeta, encodeMeta } from '../../src/storage/codec.ts';
import { SqliteStorage } from '../../src/storage/sqlite.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let upstream: RecordingUpstream | undefined;
let proxy: CachingProxy | undefined;
let directory: string | undefined;
const storages: SqliteStorage[] = [];

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  for (const storage of storages.splice(0)) await storage.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  proxy = upstream = directory = undefined;
});

async function sqlite(): Promise<SqliteStorage> {
  directory ??= await mkdtemp(join(tmpdir(), 'httpcache-private-'));
  const storage = new SqliteStorage({ path: join(directory, 'cache.sqlite') });
  storages.push(storage);
  return storage;
}

/** An origin that greets the user its Authorization names, privately, with a session cookie. */
async function personalOrigin(): Promise<RecordingUpstream> {
  return startUpstream((req, res) => {
    const user = /alice/.test(req.headers.authorization ?? '') ? 'alice' : 'anonymous';
    res.writeHead(200, {
      'cache-control': 'private, max-age=600',
      etag: `"${user}"`,
      'set-cookie': `session=${user}-secret`,
    });
    res.end(`hello ${user}`);
  });
}

/** Alice's private cache stores her page in `storage`. */
async function aliceStores(url: string, storage: SqliteStorage): Promise<void> {
  const cachedFetch = createFetch({ storage });
  const first = await cachedFetch(`${url}/account`, {
    headers: { authorization: 'Bearer alice' },
  });
  expect(await first.text()).toBe('hello alice');
  await cachedFetch.idle();
  // The private cache did store it: it serves it again without asking the origin.
  const again = await cachedFetch(`${url}/account`, { headers: { authorization: 'Bearer alice' } });
  expect(await again.text()).toBe('hello alice');
  expect(again.headers.get('cache-status')).toMatch(/hit/);
}

describe('a shared cache never serves what a private cache stored', () => {
  it('createProxy over the private cache’s SQLite file answers an anonymous client from the origin', async () => {
    upstream = await personalOrigin();
    await aliceStores(upstream.url, await sqlite());
    proxy = await createProxy({ upstream: upstream.url, storage: await sqlite() });
    const request = 'GET /account HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n';
    const { text } = await exchange(proxy.url, request);
    const [response] = responses(text);
    expect(response?.body).toBe('hello anonymous');
    expect(text).not.toMatch(/alice/);
    expect(upstream.requests.filter((r) => r.path === '/account')).toHaveLength(2);
  });

  it('cacheHandler over the same storage neither serves nor freshens the private entry', async () => {
    upstream = await personalOrigin();
    const storage = await sqlite();
    await aliceStores(upstream.url, storage);
    const origin = upstream.url;
    // The wrapped application answers 304 to any validator: a freshening would serve Alice's page.
    const handler = cacheHandler(
      async (request: Request) => {
        const response = await fetch(`${origin}/account`, { headers: request.headers });
        if (request.headers.has('if-none-match')) return new Response(null, { status: 304 });
        return response;
      },
      { storage },
    );
    const response = await handler(new Request(`${origin}/account`));
    expect(await response.text()).toBe('hello anonymous');
    expect(response.headers.getSetCookie().join()).not.toMatch(/alice/);
    await handler.cache.idle();
  });
});

describe('entries persisted before the flag existed', () => {
  it('a version 1 entry reads as private-stored', () => {
    const { v: _v, ...rest } = encodeMeta({
      id: '1',
      key: 'GET http://s/',
      url: 'http://s/',
      method: 'GET',
      status: 200,
      statusText: 'OK',
      headers: [],
      vary: {},
      variant: '',
      requestTime: 0,
      responseTime: 0,
      createdAt: 0,
      staleAt: 1,
      deleteAt: 2,
      size: 0,
      hits: 0,
      shared: true,
    });
    expect(servableBy(decodeMeta({ ...rest, v: 1, shared: true }), true)).toBe(false);
  });
});
