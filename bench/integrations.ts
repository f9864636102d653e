/**
 * The `integrations` group: 1 KiB hits through httpcache's undici interceptor (with
 * undici's `request()` and `fetch`) against undici's own `interceptors.cache()`, and through
 * httpcache's axios integration against axios-cache-interceptor. Every store is in memory, and
 * every case requests a path of its own, so the origin's counts check each one's hits.
 */
import axios from 'axios';
import { setupCache } from 'axios-cache-interceptor';
import { Agent, interceptors, request, fetch as undiciFetch } from 'undici';
import { MemoryStorage } from '../src/index.ts';
import { withCache } from '../src/integrations/axios.ts';
import { type CacheContext, cacheInterceptor } from '../src/integrations/undici.ts';
import { type Case, type Group, measure, type RatioSpec } from './harness.ts';

const SIZE = 1024;
const REQUEST = [
  'undici request(): httpcache interceptor',
  'undici request(): undici cache',
] as const;
const FETCH = ['undici fetch: httpcache interceptor', 'undici fetch: undici cache'] as const;
const AXIOS = ['axios: httpcache withCache', 'axios: axios-cache-interceptor'] as const;

export const integrations: Group = async (context) => {
  const interceptor = cacheInterceptor({ storage: new MemoryStorage() });
  const mine = new Agent({ keepAliveTimeout: 60_000 }).compose(interceptor);
  const theirs = new Agent({ keepAliveTimeout: 60_000 }).compose(interceptors.cache());
  const cachedAxios = withCache(axios.create(), { storage: new MemoryStorage() });
  const theirAxios = setupCache(axios.create());

  /** A hit case on a path of its own; `run` gets the URL. */
  const hit = (name: string, path: string, run: (url: string) => Promise<void>): Case => {
    const url = `${context.origin.url}/${path}/${SIZE}`;
    return { name, hit: `/${path}/${SIZE}`, run: () => run(url) };
  };
  const cases: Case[] = [
    hit(REQUEST[0], 'request-httpcache', async (url) => {
      const res = await request(url, { dispatcher: mine });
      await res.body.arrayBuffer();
      if ((res.context as CacheContext).httpcache?.fromCache !== true) throw new Error('not a hit');
    }),
    hit(REQUEST[1], 'request-undici', async (url) => {
      await (await request(url, { dispatcher: theirs })).body.arrayBuffer();
    }),
    hit(FETCH[0], 'fetch-httpcache', async (url) => {
      const res = await undiciFetch(url, { dispatcher: mine });
      await res.arrayBuffer();
      if (!res.headers.get('cache-status')?.includes('; hit')) throw new Error('not a hit');
    }),
    hit(FETCH[1], 'fetch-undici', async (url) => {
      await (await undiciFetch(url, { dispatcher: theirs })).arrayBuffer();
    }),
    hit(AXIOS[0], 'axios-httpcache', async (url) => {
      const res = await cachedAxios.get(url, { responseType: 'arraybuffer' });
      if (res.cached !== true) throw new Error('not a hit');
    }),
    hit(AXIOS[1], 'axios-cache-interceptor', async (url) => {
      const res = await theirAxios.get(url, { responseType: 'arraybuffer' });
      if (res.cached !== true) throw new Error('not a hit');
    }),
  ];
  // Target (issue 13): each door at least as fast as the cache it replaces.
  const ratio = (
    label: string,
    [numerator, denominator]: readonly [string, string],
    explain: string,
  ): RatioSpec => ({ label, numerator, denominator, target: 1, explain });
  try {
    return await measure(
      'integrations: 1 KiB hits through undici and axios',
      cases,
      [
        ratio(
          'undici request(): httpcache / undici cache',
          REQUEST,
          "a hit through the interceptor costs more than through undici's own cache: the engine's work per hit (lookup, RFC 9111 freshness and Vary, Age, Cache-Status, hit record) outweighs the shorter door",
        ),
        ratio(
          'undici fetch: httpcache / undici cache',
          FETCH,
          "as for request(), through fetch: what is left is the engine's work per hit, which undici's cache does less of",
        ),
        ratio(
          'axios: httpcache / axios-cache-interceptor',
          AXIOS,
          "axios' own pipeline (config merge, transforms, AxiosHeaders) runs around every hit through an adapter, and the engine's work per hit comes on top",
        ),
      ],
      context,
    );
  } finally {
    await interceptor.close();
    await mine.close();
    await theirs.close();
    await cachedAxios.httpcache.close();
  }
};
