import type {
  AxiosAdapter,
  AxiosInstance,
  AxiosRequestConfig,
  AxiosResponse,
  InternalAxiosRequestConfig,
} from 'axios';
import { ANSWER } from '../engine/answer.ts';
import { HttpCache } from '../engine/http-cache.ts';
import type { CacheMetadata } from '../engine/metadata.ts';
import type { HttpCacheOptions } from '../engine/options.ts';
import type { CacheRequestInit } from '../engine/request.ts';
import { OptionsError } from '../errors.ts';
import { toHeaders } from './axios/headers.ts';
import { loadAxios } from './axios/load.ts';
import { type AdapterCall, callAdapter } from './axios/origin.ts';
import { toAxiosResponse } from './axios/response.ts';
import { bodyKeyed, bodyMembers } from './body.ts';
import { type CacheControls, controlsInit } from './controls.ts';

/**
 * `httpcache/axios`: the cache in an axios instance's adapter, so interceptors, transforms,
 * `responseType`, timeouts and cancellation work as before.
 *
 * @module
 */

export type { CacheControls } from './controls.ts';

declare module 'axios' {
  // Must repeat axios' own declarations, type parameters included, to merge with them.
  // biome-ignore lint/suspicious/noExplicitAny: axios' declaration has these defaults
  interface AxiosRequestConfig<D = any, P = any> {
    /**
     * httpcache's per-request controls (needs `withCache()`): `cache` (a Fetch cache mode),
     * `maxAge`, `ttl`, `forceStore`, `bypass`, `key`, `bodyKey`.
     * @default undefined (the cache's own behaviour)
     * @example await api.get('/items', { httpcache: { ttl: 60 } })
     */
    httpcache?: CacheControls;
  }
  // biome-ignore lint/suspicious/noExplicitAny: axios' declaration has these defaults
  // biome-ignore lint/complexity/noBannedTypes: axios' declaration has this default
  interface AxiosResponse<T = any, D = any, H = {}, P = any> {
    /**
     * Whether the body came from the cache's storage. `withCache()` always sets it (on
     * `error.response` too); it is optional here only because this declaration merges into every
     * axios response, those of other instances and custom adapters included.
     * {@link CachedAxiosResponse} has it required.
     */
    cached?: boolean;
    /** What the cache did, as `cacheStatus(response)` returns for fetch (set by `withCache()`). */
    cacheStatus?: CacheMetadata | undefined;
  }
}

/** Options of {@link withCache}: those of `createFetch()`, without `fetch`. */
export type AxiosCacheOptions = Omit<HttpCacheOptions, 'fetch'>;

/**
 * A response of an instance made by {@link withCache}: `cached` and `cacheStatus` always present.
 *
 * @example
 * ```ts
 * const res = await api.get<Item, CachedAxiosResponse<Item>>('/items/1');
 * const fromStorage: boolean = res.cached;
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: axios' own defaults for T and D
export type CachedAxiosResponse<T = any, D = any> = AxiosResponse<T, D> & {
  cached: boolean;
  cacheStatus: CacheMetadata | undefined;
};

/** An axios instance with a cache in its adapter. */
export type CachedAxiosInstance<T extends AxiosInstance = AxiosInstance> = T & {
  /** The cache behind the instance, for events, storage and `close()`. */
  readonly httpcache: HttpCache;
};

const CONTEXT = Symbol('httpcache.axios.call');
const CACHED = Symbol.for('httpcache.axios.adapter');

type AdapterInit = CacheRequestInit & { [CONTEXT]?: AdapterCall };

/**
 * Adds an RFC 9111 cache to an axios instance, in front of the adapter it already uses (the Node.js
 * http adapter, the fetch adapter, or a custom one), and returns the instance. Every response gets
 * `cached` and `cacheStatus`, and `Cache-Status` and `Age` headers.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { withCache } from 'httpcache/axios';
 *
 * const api = withCache(axios.create({ baseURL: 'https://api.example.com' }));
 * const res = await api.get('/items');
 * res.cached; // false, then true while fresh
 * ```
 */
export function withCache<T extends AxiosInstance>(
  instance: T,
  options: AxiosCacheOptions = {},
): CachedAxiosInstance<T> {
  if (typeof instance !== 'function' || typeof instance.defaults !== 'object') {
    throw new OptionsError('instance', 'must be an axios instance');
  }
  if ('fetch' in options) {
    throw new OptionsError('fetch', "withCache() sends requests through the instance's adapter");
  }
  const origin = instance.defaults.adapter;
  if (typeof origin === 'function' && CACHED in origin) {
    throw new OptionsError('instance', 'already has a cache (withCache() was called on it)');
  }
  const cache = new HttpCache({ ...options, fetch: throughAdapter });

  async function httpcacheAdapter(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const loading = loadAxios();
    const axios = loading instanceof Promise ? await loading : loading;
    const adapter = axios.getAdapter(origin ?? axios.defaults.adapter, config);
    const url = absoluteUrl(instance, config);
    const headers = url === undefined ? undefined : headersOf(config);
    // A request the cache cannot describe goes to the adapter untouched.
    if (url === undefined || headers === undefined) return adapter(config);
    const call: AdapterCall = {
      adapter,
      config,
      headers,
      node: (adapter as { adapterName?: unknown }).adapterName === 'http',
      request: undefined,
    };
    const init: AdapterInit = {
      method: (config.method ?? 'get').toUpperCase(),
      headers,
      // With redirects off, a redirect is the answer; otherwise the adapter follows them.
      redirect: config.maxRedirects === 0 ? 'manual' : 'follow',
      ...controlsInit(config.httpcache),
      ...(bodyKeyed(config.httpcache, options) ? bodyMembers(config.data) : {}),
      [CONTEXT]: call,
    };
    // A hit from a storage in the same process comes at once, and is answered without a promise.
    const answer = cache[ANSWER](url, init);
    const response = toAxiosResponse(
      axios,
      answer instanceof Promise ? await answer : answer,
      config,
      call,
    );
    return response instanceof Promise ? await response : response;
  }
  Object.defineProperty(httpcacheAdapter, CACHED, { value: true });
  instance.defaults.adapter = httpcacheAdapter satisfies AxiosAdapter;
  Object.defineProperty(instance, 'httpcache', { value: cache, configurable: true });
  return instance as CachedAxiosInstance<T>;
}

/** The engine's origin: the original adapter. */
function throughAdapter(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const call = (init as AdapterInit | undefined)?.[CONTEXT];
  if (call === undefined) {
    return Promise.reject(new TypeError('httpcache/axios: a request without adapter context'));
  }
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return callAdapter(call, input, url, init?.headers);
}

/** The request's absolute URL (base URL and params applied), if it has one. */
function absoluteUrl(instance: AxiosInstance, config: AxiosRequestConfig): string | undefined {
  try {
    const url = plainUrl(config) ?? instance.getUri(config);
    return URL.canParse(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

const HTTP_URL = /^https?:\/\//i;
/** A scheme and `//`, or a bare `//`: what axios takes for an absolute URL. */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The URL of a request without `params`, from its `url` and `baseURL` as axios joins them (the
 * base without trailing slashes, one slash, the path without leading ones), found without
 * `getUri()`, which merges the instance's defaults into the config once more (the adapter's
 * config has them already). `undefined` when the request needs `getUri()`.
 */
function plainUrl(config: AxiosRequestConfig): string | undefined {
  const { url, baseURL, params } = config;
  if (params !== undefined && params !== null) return undefined;
  if (typeof url !== 'string') return undefined;
  if (HTTP_URL.test(url) && (!baseURL || config.allowAbsoluteUrls !== false)) return url;
  if (typeof baseURL !== 'string' || !HTTP_URL.test(baseURL) || ABSOLUTE_URL.test(url)) {
    return undefined;
  }
  return url === '' ? baseURL : `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

function headersOf(config: InternalAxiosRequestConfig): Headers | undefined {
  try {
    return toHeaders(config.headers);
  } catch {
    return undefined;
  }
}
