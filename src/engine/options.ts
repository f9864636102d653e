import { DEFAULT_HEURISTICS } from '../core/freshness.ts';
import type { UrlNormalization } from '../core/key.ts';
import type { HeaderReader, HeuristicOptions, PolicyOptions } from '../core/types.ts';
import type { VaryNormalizer } from '../core/vary-normalizers.ts';
import { OptionsError } from '../errors.ts';
import type { Storage } from '../storage/types.ts';
import { type CacheFilter, filterOption } from './filter.ts';
import { bool, fn, nested } from './option-checks.ts';
import { rejectUnknownNames } from './option-names.ts';
import { resolveTagOptions, type TagOptions } from './tags.ts';
import { varyNormalizers } from './vary-option.ts';

/** The request a key function sees. */
export interface KeyRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Absolute URL, normalised, without fragment. */
  readonly url: string;
  readonly headers: HeaderReader;
}

/** A function that computes the primary cache key of a request. */
export type KeyFunction = (request: KeyRequest) => string;

/** Options of {@link HttpCache} and `createFetch()`. */
export interface HttpCacheOptions {
  /**
   * The origin: the `fetch` that requests go to when the cache cannot answer.
   * @default globalThis.fetch
   */
  readonly fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /**
   * Where responses are stored.
   * @default new MemoryStorage()
   * @example createFetch({ storage: new MemoryStorage({ maxBytes: 32 * 1024 * 1024 }) })
   */
  readonly storage?: Storage;
  /**
   * `false`: a private cache, like a browser's, for one user. `true`: a shared cache, like a proxy
   * or CDN: honours `s-maxage` and `proxy-revalidate`, never stores `private` responses or
   * responses to requests with `Authorization` unless allowed (RFC 9111 §3.5), and strips
   * `Set-Cookie` from what it stores (see `storeSetCookie`).
   * @default false
   */
  readonly shared?: boolean;
  /**
   * Methods whose responses may be stored. HEAD requests are answered from stored GET responses.
   * @default ['GET', 'HEAD']
   */
  readonly cacheableMethods?: readonly string[];
  /**
   * Status codes that may be stored. By default every final status code whose caching rules the
   * cache implements (RFC 9110 §15), when the response allows it.
   * @example createFetch({ cacheableStatuses: [200, 203, 301, 404] })
   */
  readonly cacheableStatuses?: readonly number[];
  /**
   * Heuristic freshness for responses without explicit expiration (RFC 9111 §4.2.2): a fraction
   * of the time since `Last-Modified`, capped. `false` turns it off.
   * @default { fraction: 0.1, maxLifetime: 86400 }
   */
  readonly heuristics?: boolean | Partial<HeuristicOptions>;
  /**
   * The freshness lifetime, in seconds, of a storable response that has no explicit freshness
   * (`max-age`, `s-maxage`, `Expires`) and no heuristic one (no `Last-Modified`, or heuristics
   * off), as undici's `cacheByDefault` and axios-cache-interceptor's `ttl`. As heuristics, it
   * applies only to status codes that are heuristically cacheable (200, 203, 204, 300, 301, 308,
   * 404, 405, 410, 414, 501) or `public` responses, and never to `no-store` ones. Off by default.
   * How long an entry is kept in storage is `ttl`; the freshness of one request's response is the
   * per-request `maxAge`.
   * @default undefined (no default freshness)
   * @example createFetch({ defaultMaxAge: 60 })
   */
  readonly defaultMaxAge?: number;
  /**
   * Serve a stale stored response when the origin fails (a network error, or 500, 502, 503, 504),
   * for up to this many seconds past its freshness (`true`: any staleness), in addition to the
   * response's own `stale-if-error`. Never for `must-revalidate` or `no-cache` responses.
   * @default false
   */
  readonly allowStale?: boolean | number;
  /**
   * Revalidate every stored response with the origin before serving it, as if it had `no-cache`.
   * @default false
   */
  readonly alwaysRevalidate?: boolean;
  /**
   * Origin protection for a shared cache, as CDNs offer: a request's `Cache-Control: no-cache`,
   * `max-age` or `min-fresh`, or `Pragma: no-cache`, no longer makes the cache ask the origin when
   * a fresh response is stored; the stored response is served. RFC 9111 §5.2.1 says a cache
   * honours these directives, so by default any client can send every request on to the origin
   * (a reload, or a flood of `no-cache` requests). Turning this on departs from the RFC for the
   * origin's sake: clients can no longer force a refresh, so an origin that needs a stored
   * response replaced must make it expire (short `s-maxage`, `must-revalidate`) or have it
   * removed from storage. Stale responses are still revalidated, and `only-if-cached` and
   * `max-stale` still apply. Meant for shared caches (`shared: true`).
   * @default false
   * @example createProxy({ upstream, ignoreRequestNoCache: true })
   */
  readonly ignoreRequestNoCache?: boolean;
  /**
   * Keep `Set-Cookie` in the responses a shared cache stores, as RFC 9111 §7.3 allows (the field
   * "does not inhibit caching"). Off by default, because every later user would then receive the
   * cookies the origin set for the first one: a session, a CSRF token. Turn it on only for an
   * origin whose cacheable responses set cookies meant for everyone (a consent or A/B bucket
   * cookie), or that marks personal ones with `private="set-cookie"` or `no-cache="set-cookie"`,
   * which are still honoured. A private cache always keeps `Set-Cookie`.
   * @default false
   * @example createProxy({ upstream, storeSetCookie: true })
   */
  readonly storeSetCookie?: boolean;
  /**
   * How the request fields a response's `Vary` names are compared, by field name (RFC 9111
   * §4.1): `'list'` (whitespace and line breaks aside), `'weighted'` (a case-insensitive list with
   * quality values, members of equal weight kept in order), `'unordered'` (the same, in any
   * order), `'language'` (`Accept-Language` only: `'weighted'`, and a stored `Content-Language`
   * answers every request whose single first choice it is), or a function returning a value's
   * canonical form. Named fields replace the defaults; the others keep them. See
   * {@link VaryNormalizer} for what each one assumes of the origin.
   * @default { accept: 'weighted', 'accept-charset': 'weighted', 'accept-encoding': 'weighted', 'accept-language': 'weighted' }, others 'list'
   * @example createFetch({ varyNormalizers: { 'accept-language': 'unordered' } })
   */
  readonly varyNormalizers?: Readonly<Record<string, VaryNormalizer>>;
  /**
   * How long entries stay in storage, in seconds, whatever their freshness. By default an entry
   * is kept while it is fresh or servable stale, and for a day past that when it has a validator.
   * Keeping is not freshness: a kept stale entry is revalidated before use (see `defaultMaxAge`
   * and the per-request `maxAge` for freshness).
   * @example createFetch({ ttl: 3600 })
   */
  readonly ttl?: number;
  /**
   * The largest body to store, in bytes; larger bodies pass through uncached.
   * @default Infinity
   */
  readonly maxBodySize?: number;
  /**
   * Your say on top of RFC 9111 (as Hishel's `FilterPolicy`): `request` decides whether the cache
   * is used at all for a request (`false`: straight to the origin, as the per-request `bypass`);
   * `response` decides whether a response that may be stored is stored, and may read its body
   * (the body is then read once from the origin; the bytes stored are those served). A filter
   * that throws is an `error` event and counts as `false`; the request itself never fails for it.
   * @example
   * ```ts
   * createFetch({
   *   filter: {
   *     request: (req) => new URL(req.url).pathname.startsWith('/api/'),
   *     response: async (res) => (await res.json()).ok === true,
   *   },
   * })
   * ```
   */
  readonly filter?: CacheFilter;
  /**
   * Computes the primary key. The default is the method (HEAD as GET) and the normalised URL.
   * @example createFetch({ key: ({ method, url }) => `${method} ${url.split('?')[0]}` })
   */
  readonly key?: KeyFunction;
  /**
   * Targeted cache-control fields (RFC 9213) this cache obeys, most specific first: the first
   * valid one present replaces `Cache-Control` and `Expires` for this cache's decisions.
   * @default ['cdn-cache-control'] when `shared`, else []
   * @example createFetch({ shared: true, targetedCacheControl: ['myproxy-cache-control', 'cdn-cache-control'] })
   */
  readonly targetedCacheControl?: readonly string[];
  /**
   * Key requests that have a body (POST) by a digest of the body too, for GraphQL and search
   * APIs. Responses to POST are stored only when `cacheableMethods` includes `'POST'`; such
   * requests are then treated as queries and do not invalidate stored responses (RFC 9111 §4.4
   * still applies to PUT, DELETE, PATCH and POST requests that are not cacheable).
   * @default false
   * @example createFetch({ cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true })
   */
  readonly bodyKey?: boolean;
  /**
   * Canonicalises URLs for keys: sort query parameters, leave some out (tracking parameters).
   * Applies to the default key; a custom `key` function sees the URL as normalised.
   * @example createFetch({ normalizeUrl: { sortQuery: true, ignoreQueryParams: [/^utm_/, 'fbclid'] } })
   */
  readonly normalizeUrl?: UrlNormalization;
  /**
   * Extend an entry's `ttl` from each use, as Hishel's `refresh_ttl_on_access` (needs `ttl`).
   * @default false
   */
  readonly refreshTtlOnAccess?: boolean;
  /**
   * How long a storage operation a request waits for (a lookup, a body, an update) may take
   * before the cache gives up on it, reports it as an `error` event and goes on without storage,
   * in ms. Also how long storage may fall behind a body it is storing before it is dropped from
   * it, and how long `close()` waits for background writes.
   * @default 5000
   */
  readonly storageTimeout?: number;
  /**
   * The clock, in ms since the epoch.
   * @default Date.now
   */
  readonly clock?: () => number;
  /**
   * The `Cache-Status` response header (RFC 9211): the cache's name in it, and whether to show
   * the key. `false` leaves the header out.
   * @default { name: 'httpcache', key: false }
   */
  readonly cacheStatus?: false | { readonly name?: string; readonly key?: boolean };
  /**
   * The response fields whose tags are stored with an entry, for `invalidate({ tag })`:
   * `Surrogate-Key` holds space-separated tags, every other field comma-separated ones. `false`
   * stores no tags.
   * @default ['cache-tag', 'surrogate-key']
   * @example createFetch({ tagHeaders: ['edge-cache-tag'] })
   */
  readonly tagHeaders?: readonly string[] | false;
  /**
   * Leave the `tagHeaders` fields out of stored entries and of the responses the cache returns,
   * as a CDN keeps its tags to itself (the tags are still stored with the entry).
   * @default true when `shared`, else false
   */
  readonly stripTagHeaders?: boolean;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  readonly storage: Storage | undefined;
  readonly policy: PolicyOptions;
  readonly maxBodySize: number;
  readonly filter: CacheFilter | undefined;
  readonly bodyKey: boolean;
  readonly normalizeUrl: UrlNormalization | undefined;
  readonly refreshTtlOnAccess: boolean;
  readonly storageTimeout: number;
  readonly key: KeyFunction | undefined;
  readonly clock: () => number;
  readonly cacheStatus: { readonly name: string; readonly key: boolean } | false;
  readonly tags: TagOptions;
}

/** Every option's name (the `satisfies` keeps the list complete). */
export const CACHE_OPTION_NAMES: readonly string[] = Object.keys({
  fetch: true,
  storage: true,
  shared: true,
  cacheableMethods: true,
  cacheableStatuses: true,
  heuristics: true,
  defaultMaxAge: true,
  allowStale: true,
  alwaysRevalidate: true,
  ignoreRequestNoCache: true,
  storeSetCookie: true,
  varyNormalizers: true,
  ttl: true,
  maxBodySize: true,
  filter: true,
  key: true,
  targetedCacheControl: true,
  bodyKey: true,
  normalizeUrl: true,
  refreshTtlOnAccess: true,
  storageTimeout: true,
  clock: true,
  cacheStatus: true,
  tagHeaders: true,
  stripTagHeaders: true,
} satisfies Record<keyof HttpCacheOptions, true>);

/** The methods of {@link Storage}: `true` for those every storage must have. */
const STORAGE_METHODS = Object.entries({
  get: true,
  body: true,
  put: true,
  update: true,
  touch: true,
  delete: true,
  deleteUrl: true,
  deleteTag: false,
  deletePrefix: false,
  list: true,
  stats: true,
  prune: true,
  clear: true,
  close: true,
  setReporter: false,
  setEvictionListener: false,
} satisfies Record<keyof Storage, boolean>);

/**
 * Validates options once, naming the option at fault: a wrong type or value, a name that is not
 * an option (with the closest one when it looks like a typo), a storage without its methods.
 */
export function resolveOptions(options: HttpCacheOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new OptionsError('options', `must be an object, got ${String(options)}`);
  }
  rejectUnknownNames(options, CACHE_OPTION_NAMES);
  // The platform's fetch is called with its receiver (browsers throw `Illegal invocation` otherwise).
  const origin = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof origin !== 'function') throw new OptionsError('fetch', 'must be a fetch function');
  const flag = (name: FlagOption): boolean => bool(name, options[name], false);
  return {
    fetch: origin,
    storage: storageOption(options.storage),
    policy: {
      shared: flag('shared'),
      cacheableMethods: new Set(
        list(
          'cacheableMethods',
          options.cacheableMethods ?? ['GET', 'HEAD'],
          (m) => typeof m === 'string',
        ).map((m) => m.toUpperCase()),
      ),
      cacheableStatuses:
        options.cacheableStatuses === undefined
          ? undefined
          : new Set(
              list(
                'cacheableStatuses',
                options.cacheableStatuses,
                (s) => Number.isInteger(s) && s >= 200 && s <= 599,
              ),
            ),
      heuristics: heuristics(options.heuristics),
      defaultMaxAge:
        options.defaultMaxAge === undefined ? 0 : lifetime('defaultMaxAge', options.defaultMaxAge),
      allowStale:
        options.allowStale === true
          ? Number.POSITIVE_INFINITY
          : seconds('allowStale', options.allowStale || 0),
      alwaysRevalidate: flag('alwaysRevalidate'),
      ignoreRequestNoCache: flag('ignoreRequestNoCache'),
      storeSetCookie: flag('storeSetCookie'),
      varyNormalizers: varyNormalizers(options.varyNormalizers),
      ttl: options.ttl === undefined ? undefined : seconds('ttl', options.ttl),
      targeted: list(
        'targetedCacheControl',
        options.targetedCacheControl ?? (options.shared === true ? ['cdn-cache-control'] : []),
        (name) => typeof name === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name),
      ).map((name) => name.toLowerCase()),
    },
    maxBodySize:
      options.maxBodySize === undefined
        ? Number.POSITIVE_INFINITY
        : seconds('maxBodySize', options.maxBodySize),
    filter: filterOption(options.filter),
    bodyKey: flag('bodyKey'),
    normalizeUrl: urlNormalization(options.normalizeUrl),
    refreshTtlOnAccess: flag('refreshTtlOnAccess'),
    storageTimeout: positiveMs('storageTimeout', options.storageTimeout ?? 5000),
    key: fn('key', options.key),
    clock: fn('clock', options.clock) ?? Date.now,
    cacheStatus: cacheStatusOption(options.cacheStatus),
    tags: resolveTagOptions(options.tagHeaders, options.stripTagHeaders, options.shared === true),
  };
}

/** The options that are booleans, `false` by default. */
type FlagOption =
  | 'shared'
  | 'alwaysRevalidate'
  | 'ignoreRequestNoCache'
  | 'storeSetCookie'
  | 'bodyKey'
  | 'refreshTtlOnAccess';

/** A non-negative number (seconds or bytes). */
function seconds(option: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new OptionsError(option, `must be a number >= 0, got ${String(value)}`);
  }
  return value;
}

/** A freshness lifetime in seconds: finite, as the times storage gets must be. */
function lifetime(option: string, value: number): number {
  if (!(seconds(option, value) < 2 ** 31)) {
    throw new OptionsError(option, `must be a finite number of seconds, got ${String(value)}`);
  }
  return value;
}

function list<T>(option: string, value: readonly T[], valid: (item: T) => boolean): T[] {
  if (!Array.isArray(value)) throw new OptionsError(option, 'must be an array');
  for (const item of value) {
    if (!valid(item)) throw new OptionsError(option, `has an invalid member: ${String(item)}`);
  }
  return [...value];
}

/** A storage: an object with every method {@link Storage} requires. */
function storageOption(value: Storage | undefined): Storage | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new OptionsError('storage', 'must be a Storage such as MemoryStorage or SqliteStorage');
  }
  const methods = value as unknown as Record<string, unknown>;
  for (const [method, required] of STORAGE_METHODS) {
    const member = methods[method];
    if (typeof member === 'function' || (!required && member === undefined)) continue;
    throw new OptionsError(
      'storage',
      `must be a Storage: its \`${method}\` is ${member === undefined ? 'missing' : 'not a method'}`,
    );
  }
  return value;
}

function heuristics(value: HttpCacheOptions['heuristics']): HeuristicOptions | false {
  if (value === false) return false;
  if (value === undefined || value === true) return DEFAULT_HEURISTICS;
  nested('heuristics', value, ['fraction', 'maxLifetime']);
  const fraction = value.fraction ?? DEFAULT_HEURISTICS.fraction;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new OptionsError('heuristics.fraction', `must be between 0 and 1, got ${fraction}`);
  }
  return {
    fraction,
    maxLifetime: seconds(
      'heuristics.maxLifetime',
      value.maxLifetime ?? DEFAULT_HEURISTICS.maxLifetime,
    ),
  };
}

function cacheStatusOption(value: HttpCacheOptions['cacheStatus']): ResolvedOptions['cacheStatus'] {
  if (value === false) return false;
  if (value !== undefined) nested('cacheStatus', value, ['name', 'key']);
  const name = value?.name ?? 'httpcache';
  if (typeof name !== 'string' || name.trim() === '')
    throw new OptionsError('cacheStatus.name', 'must be a non-empty string');
  return { name, key: value?.key === true };
}

function urlNormalization(value: UrlNormalization | undefined): UrlNormalization | undefined {
  if (value === undefined) return undefined;
  nested('normalizeUrl', value, ['sortQuery', 'ignoreQueryParams']);
  list(
    'normalizeUrl.ignoreQueryParams',
    value.ignoreQueryParams ?? [],
    (rule) => typeof rule === 'string' || rule instanceof RegExp,
  );
  return value;
}

function positiveMs(option: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new OptionsError(option, `must be a number of milliseconds > 0, got ${String(value)}`);
  }
  return value;
}
