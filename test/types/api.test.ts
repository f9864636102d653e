import { describe, expectTypeOf, it } from 'vitest';
import {
  type CachedFetch,
  type CacheFilter,
  type CacheMetadata,
  type CacheRequestInit,
  type CacheStats,
  cacheStatus,
  createFetch,
  type ForwardReason,
  HttpCache,
  type HttpCacheOptions,
  isHttpCacheError,
  type MemoryStorage,
  type RequestCacheOptions,
  type Storage,
} from '../../src/index.ts';
import type { CachedAxiosResponse } from '../../src/integrations/axios.ts';

// These assertions are checked by `npm run typecheck`; at run time they do nothing.
describe('public types', () => {
  it('createFetch returns a fetch-compatible function', () => {
    const cachedFetch = createFetch();
    expectTypeOf(cachedFetch).toExtend<
      (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
    >();
    expectTypeOf(cachedFetch).toEqualTypeOf<CachedFetch>();
    expectTypeOf(cachedFetch.close).toEqualTypeOf<() => Promise<void>>();
    expectTypeOf(cachedFetch.cache).toEqualTypeOf<HttpCache>();
    void cachedFetch.close();
  });

  it('accepts per-request controls in init.httpcache and rejects unknown ones', () => {
    expectTypeOf<NonNullable<CacheRequestInit['httpcache']>>().toEqualTypeOf<RequestCacheOptions>();
    expectTypeOf<RequestCacheOptions['ttl']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RequestCacheOptions['bodyKey']>().toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error: ttl is a number of seconds
    const wrong: CacheRequestInit = { httpcache: { ttl: '60' } };
    void wrong;
  });

  it('cacheStatus returns metadata or undefined', () => {
    expectTypeOf(cacheStatus).parameter(0).toEqualTypeOf<Response>();
    expectTypeOf(cacheStatus).returns.toEqualTypeOf<CacheMetadata | undefined>();
    expectTypeOf<CacheMetadata['fromCache']>().toEqualTypeOf<boolean>();
    expectTypeOf<CacheMetadata['createdAt']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CacheMetadata['stale']>().toEqualTypeOf<boolean>();
    expectTypeOf<CacheMetadata['forwarded']>().toEqualTypeOf<ForwardReason | undefined>();
    expectTypeOf<ForwardReason>().toEqualTypeOf<
      'bypass' | 'method' | 'uri-miss' | 'vary-miss' | 'request' | 'stale' | 'partial'
    >();
    expectTypeOf<CachedAxiosResponse['cached']>().toEqualTypeOf<boolean>();
  });

  it('policy options: filter, defaultMaxAge, per-request maxAge', () => {
    expectTypeOf<HttpCacheOptions['filter']>().toEqualTypeOf<CacheFilter | undefined>();
    expectTypeOf<NonNullable<CacheFilter['response']>>().returns.toEqualTypeOf<
      boolean | Promise<boolean>
    >();
    expectTypeOf<NonNullable<CacheFilter['request']>>().parameter(0).toEqualTypeOf<Request>();
    expectTypeOf<HttpCacheOptions['defaultMaxAge']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RequestCacheOptions['maxAge']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error: a request filter answers synchronously
    const wrong: CacheFilter = { request: async () => true };
    void wrong;
  });

  it('storages implement the Storage contract', () => {
    expectTypeOf<MemoryStorage>().toExtend<Storage>();
    expectTypeOf<HttpCacheOptions['storage']>().toEqualTypeOf<Storage | undefined>();
    expectTypeOf(new HttpCache().stats()).toEqualTypeOf<CacheStats>();
  });

  it('events are typed by name', () => {
    const cache = new HttpCache();
    cache.on('miss', (event) =>
      expectTypeOf(event.reason).toEqualTypeOf<
        'bypass' | 'method' | 'uri-miss' | 'vary-miss' | 'request' | 'stale' | 'partial'
      >(),
    );
    // @ts-expect-error: there is no such event
    cache.on('nope', () => undefined);
    void cache.close();
  });

  it('isHttpCacheError narrows', () => {
    const value: unknown = new Error('x');
    if (isHttpCacheError(value))
      expectTypeOf(value.code).toEqualTypeOf<
        | 'ERR_HTTPCACHE_OPTIONS'
        | 'ERR_HTTPCACHE_REQUEST'
        | 'ERR_HTTPCACHE_STORAGE'
        | 'ERR_HTTPCACHE_CODEC'
        | 'ERR_HTTPCACHE_CLOSED'
        | 'ERR_HTTPCACHE_INVALIDATION'
      >();
  });
});
