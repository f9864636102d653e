import { HttpCache } from '../../engine/http-cache.ts';
import type { HttpCacheOptions } from '../../engine/options.ts';
import type { CacheRequestInit } from '../../engine/request.ts';
import { OptionsError } from '../../errors.ts';

/**
 * A shared cache in front of any fetch-style server handler: Hono's `app.fetch`, `Bun.serve`,
 * `Deno.serve`, Cloudflare Workers, or a Node adapter that speaks `Request`/`Response`.
 *
 * @module
 */

/** A server handler: a `Request` in, a `Response` out, plus whatever the platform passes. */
export type FetchHandler<Rest extends unknown[] = []> = (
  request: Request,
  ...rest: Rest
) => Response | Promise<Response>;

/** A handler with a cache in front of it. */
export interface CachedHandler<Rest extends unknown[] = []> {
  (request: Request, ...rest: Rest): Promise<Response>;
  /** The cache, for events and storage. */
  readonly cache: HttpCache;
  /** Stops background work and closes the storage. */
  close(): Promise<void>;
}

/** Options of {@link cacheHandler}: those of `createFetch()` without `fetch`, shared by default. */
export interface CacheHandlerOptions extends Omit<HttpCacheOptions, 'fetch'> {
  /**
   * A shared cache, as in front of a server: `s-maxage`, `private`, `Authorization` and
   * `proxy-revalidate` are honoured, `Set-Cookie` is never stored.
   * @default true
   * @example cacheHandler(app.fetch, { shared: false }) // a per-user cache
   */
  readonly shared?: boolean;
}

const ARGUMENTS = Symbol('httpcache.handler.arguments');

type HandlerInit = CacheRequestInit & { [ARGUMENTS]?: unknown[] };

/**
 * Wraps a server handler with a shared RFC 9111 cache: responses the handler marks cacheable
 * (`Cache-Control: s-maxage=60`, `max-age`, `ETag` for revalidation, …) are served from storage
 * without calling it again.
 *
 * The extra arguments (Workers' `env` and `ctx`, Bun's `server`) reach the handler as given;
 * a background revalidation (`stale-while-revalidate`) reuses those of the request that started it.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { cacheHandler } from 'httpcache/server';
 *
 * const app = new Hono().get('/items', (c) => c.json(items, 200, { 'cache-control': 's-maxage=60' }));
 * export default { fetch: cacheHandler(app.fetch) };
 * ```
 */
export function cacheHandler<Rest extends unknown[] = []>(
  handler: FetchHandler<Rest>,
  options: CacheHandlerOptions = {},
): CachedHandler<Rest> {
  if (typeof handler !== 'function') throw new OptionsError('handler', 'must be a function');
  if ('fetch' in options) {
    throw new OptionsError('fetch', 'cacheHandler() sends requests to the handler it wraps');
  }
  function toHandler(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const rest = ((init as HandlerInit | undefined)?.[ARGUMENTS] ?? []) as Rest;
    const request =
      input instanceof Request && init?.headers === undefined
        ? input
        : new Request(input, init?.headers === undefined ? undefined : { headers: init.headers });
    return Promise.resolve(handler(request, ...rest));
  }
  const cache = new HttpCache({ shared: true, ...options, fetch: toHandler });
  const cached = (request: Request, ...rest: Rest): Promise<Response> =>
    // A server's redirect is its answer: stored redirects are served as they are.
    cache.fetch(request, { redirect: 'manual', [ARGUMENTS]: rest } as HandlerInit);
  return Object.assign(cached, { cache, close: () => cache.close() });
}
