import { stringify } from 'node:querystring';
import type { Dispatcher } from 'undici';
import { ANSWER, type Answer, isStoredAnswer } from '../engine/answer.ts';
import { HttpCache } from '../engine/http-cache.ts';
import type { HttpCacheOptions } from '../engine/options.ts';
import type { CacheRequestInit } from '../engine/request.ts';
import { OptionsError } from '../errors.ts';
import { bodyKeyed, bodyMembers, replayedBody } from './body.ts';
import { type CacheControls, controlsInit } from './controls.ts';
import { flatHeaders, requestHeaders } from './undici/headers.ts';
import { dispatchToResponse } from './undici/origin.ts';
import { Reply } from './undici/reply.ts';

/**
 * `httpcache/undici`: the cache as an undici interceptor, so a dispatcher (and with
 * `setGlobalDispatcher()`, every `fetch` and `undici.request` in the process) goes through it.
 *
 * @module
 */

export type { CacheControls } from './controls.ts';
export type { CacheContext } from './undici/reply.ts';

/** Options of {@link cacheInterceptor}: those of `createFetch()`, without `fetch`. */
export type CacheInterceptorOptions = Omit<HttpCacheOptions, 'fetch'>;

// Per-request controls in undici's own option types, so that `request(url, { httpcache })`
// type-checks as written (undici's types do not otherwise know the member).
declare module 'undici' {
  namespace Dispatcher {
    interface DispatchOptions {
      /**
       * httpcache's per-request controls (needs `cacheInterceptor()`): `cache` (a Fetch cache
       * mode), `maxAge`, `ttl`, `forceStore`, `bypass`, `key`, `bodyKey`.
       * @default undefined (the cache's own behaviour)
       * @example await request(url, { httpcache: { ttl: 60 } })
       */
      httpcache?: CacheControls;
    }
  }
}

/** Dispatch options with httpcache's per-request controls. */
export interface CacheDispatchOptions extends Dispatcher.DispatchOptions {
  /**
   * Per-request cache controls: `cache` (a Fetch cache mode), `maxAge`, `ttl`, `forceStore`,
   * `bypass`, `key`, `bodyKey`.
   * @default undefined (the cache's own behaviour)
   * @example
   * ```ts
   * await request(url, { dispatcher, httpcache: { ttl: 60 } });
   * ```
   */
  httpcache?: CacheControls;
}

/** An interceptor for `Dispatcher.compose()`, with the cache behind it. */
export interface CacheInterceptor extends Dispatcher.DispatcherComposeInterceptor {
  /** The cache behind this interceptor, for events and storage. */
  readonly cache: HttpCache;
  /** Stops background work and closes the storage. */
  close(): Promise<void>;
}

/** What the origin function needs to send one caller's request on through the next dispatch. */
interface DispatchContext {
  readonly dispatch: Dispatcher.Dispatch;
  readonly opts: Dispatcher.DispatchOptions;
  /** The headers handed to the engine, to tell whether it added validators. */
  readonly headers: Headers;
  readonly reply: Reply;
  /** Whether the request went to the origin (its body was used). */
  sent: boolean;
}

const CONTEXT = Symbol('httpcache.undici.context');

type DispatchInit = CacheRequestInit & { [CONTEXT]?: DispatchContext };

/**
 * An undici interceptor that puts an RFC 9111 cache in front of the next dispatcher. Same
 * options, storages, metadata and `Cache-Status` as `createFetch()`; the origin is whatever the
 * dispatcher it is composed onto sends requests to.
 *
 * @example
 * ```ts
 * import { Agent, setGlobalDispatcher } from 'undici';
 * import { cacheInterceptor } from 'httpcache/undici';
 *
 * setGlobalDispatcher(new Agent().compose(cacheInterceptor({ shared: false })));
 * const res = await fetch('https://example.com/'); // cached
 * ```
 */
export function cacheInterceptor(options: CacheInterceptorOptions = {}): CacheInterceptor {
  if (typeof options !== 'object' || options === null) {
    throw new OptionsError('options', 'must be an object');
  }
  if ('fetch' in options) {
    throw new OptionsError('fetch', 'cacheInterceptor() sends requests to the next dispatcher');
  }
  const cache = new HttpCache({ ...options, fetch: throughDispatch });
  const interceptor = (
    dispatch: Dispatcher.Dispatch,
    boundOrigin?: string | null,
  ): Dispatcher.Dispatch =>
    function httpcacheDispatch(opts, handler) {
      const url = boundOrigin === null ? undefined : requestUrl(opts);
      const headers = url === undefined ? undefined : headersOf(opts);
      if (url === undefined || headers === undefined) return dispatch(opts, handler);
      const reply = new Reply(handler);
      if (!reply.start()) return true;
      const context: DispatchContext = { dispatch, opts, headers, reply, sent: false };
      const controls = (opts as CacheDispatchOptions).httpcache;
      const init: DispatchInit = {
        method: opts.method,
        headers,
        // Redirects are followed above a dispatcher (by fetch, or a redirect interceptor): here
        // every hop is an answer of its own, stored redirects included.
        redirect: 'manual',
        ...controlsInit(controls),
        ...(bodyKeyed(controls, options) ? bodyMembers(opts.body) : {}),
        [CONTEXT]: context,
      };
      const answer = cache[ANSWER](url, init);
      const deliver = (settled: Answer): void => {
        if (!context.sent) discardBody(opts.body);
        if (isStoredAnswer(settled)) reply.respondStored(settled);
        else reply.respond(settled);
      };
      // A hit from a storage in the same process is written at once, as undici's own cache does.
      if (answer instanceof Promise) answer.then(deliver, (error: unknown) => reply.fail(error));
      else deliver(answer);
      return true;
    };
  return Object.assign(interceptor, { cache, close: () => cache.close() });
}

/** The engine's origin: the request sent on through the next dispatch. */
async function throughDispatch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const context = (init as DispatchInit | undefined)?.[CONTEXT];
  if (context === undefined) {
    throw new TypeError('httpcache/undici: a request without dispatch context');
  }
  context.sent = true;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const headers = init?.headers;
  // Unchanged headers go on as the caller gave them (order, case, duplicates); with the cache's
  // validators added, as the engine built them.
  let opts =
    headers === context.headers || !(headers instanceof Headers)
      ? context.opts
      : { ...context.opts, headers: flatHeaders(headers) };
  // A body-keyed request's body was read for its key; the engine hands it back as bytes.
  const replayed = await replayedBody(input);
  if (replayed !== undefined) {
    opts = { ...opts, body: Buffer.from(replayed.buffer, replayed.byteOffset, replayed.length) };
  }
  const { reply } = context;
  // A background revalidation outlives the caller: neither its abort nor its callbacks apply.
  const foreground = !reply.finished;
  return dispatchToResponse(
    context.dispatch,
    opts,
    url,
    foreground ? reply.signal : undefined,
    foreground ? reply.progress : undefined,
  );
}

/** The absolute URL of dispatch options, or `undefined` for requests the cache leaves alone. */
function requestUrl(opts: Dispatcher.DispatchOptions): string | undefined {
  if (opts.upgrade !== undefined && opts.upgrade !== null && opts.upgrade !== false) return;
  if (opts.method === 'CONNECT' || typeof opts.path !== 'string' || !opts.path.startsWith('/')) {
    return undefined;
  }
  const origin = opts.origin;
  if (typeof origin !== 'string' && !(origin instanceof URL)) return undefined;
  const base = originOf(typeof origin === 'string' ? origin : origin.href);
  if (base === undefined) return undefined;
  let path = opts.path;
  if (opts.query !== undefined && opts.query !== null) {
    const query = stringify(opts.query);
    if (query !== '') path += `${path.includes('?') ? '&' : '?'}${query}`;
  }
  const url = `${base}${path}`;
  return URL.canParse(url) ? url : undefined;
}

/** A dispatcher talks to a handful of origins: their serialisations are kept, up to this many. */
const ORIGINS_KEPT = 64;
const origins = new Map<string, string | undefined>();

/** The serialised origin of a dispatch `origin` option, or `undefined` when it is not a URL. */
function originOf(origin: string): string | undefined {
  let base = origins.get(origin);
  if (base !== undefined || origins.has(origin)) return base;
  base = URL.parse(origin)?.origin;
  if (origins.size >= ORIGINS_KEPT) origins.clear();
  origins.set(origin, base);
  return base;
}

/** The request headers as `Headers`, or `undefined` when they are not valid ones. */
function headersOf(opts: Dispatcher.DispatchOptions): Headers | undefined {
  try {
    return requestHeaders(opts.headers);
  } catch {
    return undefined;
  }
}

/** A request body stream that will not be sent (the cache answered) is released. */
function discardBody(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const stream = body as { destroy?: () => void; on?: (event: string, fn: () => void) => void };
  if (typeof stream.destroy === 'function' && typeof stream.on === 'function') {
    stream.on('error', () => {});
    stream.destroy();
  }
}
