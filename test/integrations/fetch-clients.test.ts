/**
 * Clients that take a custom `fetch` (ky, ofetch, openapi-fetch) get the cache by being handed
 * `createFetch()`; nothing of theirs is needed in httpcache.
 */
import ky from 'ky';
import { createFetch as createOfetch } from 'ofetch';
import createClient from 'openapi-fetch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachedFetch, cacheStatus, createFetch } from '../../src/index.ts';
import { nextEvent } from '../helpers/events.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;
let cachedFetch: CachedFetch;

beforeEach(async () => {
  origin = await startOrigin({
    '/todos/1': {
      headers: { 'cache-control': 'max-age=60', 'content-type': 'application/json' },
      body: '{"id":1,"title":"write tests"}',
    },
  });
  cachedFetch = createFetch();
});
afterEach(async () => {
  await cachedFetch.close();
  await origin.close();
});

/** The `paths` type openapi-typescript would generate for the test origin. */
interface paths {
  '/todos/{id}': {
    get: {
      parameters: { path: { id: number } };
      responses: {
        200: { content: { 'application/json': { id: number; title: string } } };
      };
    };
  };
}

describe('clients that take a fetch', () => {
  it('ky', async () => {
    const api = ky.create({ baseUrl: origin.url, fetch: cachedFetch });
    const stored = nextEvent(cachedFetch.cache, 'store');
    expect(await api.get('todos/1').json()).toEqual({ id: 1, title: 'write tests' });
    await stored;
    const hit = await api.get('todos/1');
    expect(hit.headers.get('cache-status')).toMatch(/^httpcache; hit/);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect(await hit.json()).toEqual({ id: 1, title: 'write tests' });
    expect(origin.count('/todos/1')).toBe(1);
  });

  it('ofetch', async () => {
    const $fetch = createOfetch({ fetch: cachedFetch });
    const stored = nextEvent(cachedFetch.cache, 'store');
    expect(await $fetch(`${origin.url}/todos/1`)).toEqual({ id: 1, title: 'write tests' });
    await stored;
    const hit = await $fetch.raw(`${origin.url}/todos/1`);
    expect(hit.headers.get('cache-status')).toMatch(/^httpcache; hit/);
    expect(hit._data).toEqual({ id: 1, title: 'write tests' });
    expect(origin.count('/todos/1')).toBe(1);
  });

  it('openapi-fetch', async () => {
    const client = createClient<paths>({ baseUrl: origin.url, fetch: cachedFetch });
    const stored = nextEvent(cachedFetch.cache, 'store');
    const first = await client.GET('/todos/{id}', { params: { path: { id: 1 } } });
    expect(first.data).toEqual({ id: 1, title: 'write tests' });
    await stored;
    const hit = await client.GET('/todos/{id}', { params: { path: { id: 1 } } });
    expect(hit.data?.title).toBe('write tests');
    expect(hit.response.headers.get('cache-status')).toMatch(/^httpcache; hit/);
    expect(origin.count('/todos/1')).toBe(1);
  });
});
