import { noHeaders } from '../core/headers.ts';
import type { CacheMode, HeaderReader } from '../core/types.ts';
import { CONDITIONAL_FIELDS } from '../core/validation.ts';
import { OptionsError, RequestError } from '../errors.ts';
import { bool, nested } from './option-checks.ts';

/**
 * Reading what the cache needs from `fetch` arguments, without building a `Request`.
 *
 * @module
 */

/** Library-specific controls for one request, passed as `init.httpcache`. */
export interface RequestCacheOptions {
  /**
   * How long to keep this response in storage, in seconds (overrides the cache's `ttl`). Keeping
   * is not freshness: once stale, a kept response is revalidated before use; for freshness, see
   * `maxAge`.
   * @example cachedFetch(url, { httpcache: { ttl: 60 } })
   */
  readonly ttl?: number;
  /**
   * Treat the response as fresh for this many seconds, whatever its header fields say (`max-age`,
   * `Expires`, `no-cache`): it is served from storage without asking the origin until then. The
   * response stored keeps this lifetime, and a stored response is fresh for this request when it
   * is younger. It does not make storable what may not be stored (`no-store`, unless
   * `forceStore`). Not to be confused with `ttl`, which only sets how long an entry is kept.
   * @example cachedFetch(url, { httpcache: { maxAge: 60 } })
   */
  readonly maxAge?: number;
  /**
   * Store the response even if `no-store` (or, in a shared cache, `private`) forbids it, as
   * Hishel's `force_cache`. Pair with `cache: 'force-cache'` to reuse it regardless of freshness.
   */
  readonly forceStore?: boolean;
  /** Leave the cache out entirely: no lookup, no storing (Hishel's `cache_disabled`). */
  readonly bypass?: boolean;
  /** Use this primary key instead of the computed one. */
  readonly key?: string;
  /**
   * Key this request by its body too (a SHA-256 digest joins the key), for POST queries such as
   * GraphQL and search APIs. The method must also be in `cacheableMethods`.
   * @example cachedFetch(url, { method: 'POST', body: query, httpcache: { bodyKey: true } })
   */
  readonly bodyKey?: boolean;
}

/** `RequestInit` with httpcache's per-request controls. */
export interface CacheRequestInit extends RequestInit {
  /** Per-request cache controls. */
  httpcache?: RequestCacheOptions;
}

/** A request as the engine sees it. */
export interface IncomingRequest {
  readonly method: string;
  /** The URL as given (absolute). */
  readonly url: string;
  readonly headers: HeaderReader;
  readonly mode: CacheMode;
  /** The Fetch redirect mode: only `manual` takes a redirect itself as the answer. */
  readonly redirect: RequestRedirect;
  readonly controls: RequestCacheOptions;
  readonly input: RequestInfo | URL;
  readonly init: CacheRequestInit | undefined;
}

const STANDARD_METHODS: ReadonlySet<string> = new Set([
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
  'PATCH',
]);
/** The Fetch standard's cache modes (`RequestInit.cache`). */
export const CACHE_MODES: readonly CacheMode[] = [
  'default',
  'no-store',
  'reload',
  'no-cache',
  'force-cache',
  'only-if-cached',
];
const MODES: ReadonlySet<string> = new Set(CACHE_MODES);
const NO_CONTROLS: RequestCacheOptions = {};

/** Resolves a relative URL against the document's base (`location`) where one exists, as fetch does. */
function resolveUrl(url: string): string {
  try {
    const base = (globalThis as { location?: { href?: unknown } }).location?.href;
    return typeof base === 'string' ? new URL(url, base).href : url;
  } catch {
    return url; // no base (Deno throws on `location` without --location) or not a URL
  }
}

/**
 * Describes fetch arguments; `input` may be a string, a URL or a Request (of any realm).
 * @throws {RequestError} for an `input` or `init` of the wrong kind
 * @throws {OptionsError} for an invalid per-request control (`httpcache.ttl`, …)
 */
export function describeRequest(
  input: RequestInfo | URL,
  init: CacheRequestInit | undefined,
): IncomingRequest {
  checkArguments(input, init);
  const request = typeof input === 'string' || input instanceof URL ? undefined : input;
  const method = init?.method ?? request?.method ?? 'GET';
  const mode = init?.cache ?? request?.cache ?? 'default';
  // Fetch standard: "normalize" a method: byte-uppercase it when it matches a standard method.
  const upper = method.toUpperCase();
  return {
    method: STANDARD_METHODS.has(upper) ? upper : method,
    url: request?.url ?? (typeof input === 'string' ? resolveUrl(input) : (input as URL).href),
    headers:
      init?.headers === undefined ? (request?.headers ?? noHeaders) : toHeaders(init.headers),
    mode: MODES.has(mode) ? (mode as CacheMode) : 'default',
    redirect: init?.redirect ?? request?.redirect ?? 'follow',
    controls: requestControls(init?.httpcache),
    input,
    init,
  };
}

/** What a `Request` of any realm has that the cache reads. */
function isRequestLike(input: object): boolean {
  const { url, method, headers } = input as { url?: unknown; method?: unknown; headers?: unknown };
  return (
    typeof url === 'string' &&
    typeof method === 'string' &&
    typeof (headers as { get?: unknown } | null | undefined)?.get === 'function'
  );
}

function checkArguments(input: unknown, init: unknown): void {
  const kind = input === null ? 'null' : typeof input;
  if (
    kind !== 'string' &&
    !(input instanceof URL) &&
    !(kind === 'object' && isRequestLike(input as object))
  ) {
    throw new RequestError(
      'input',
      `must be a URL string, a URL or a Request, got ${kind === 'object' ? 'another object' : kind}`,
    );
  }
  if (init !== undefined && init !== null && typeof init !== 'object') {
    throw new RequestError('init', `must be an object, got ${typeof init}`);
  }
}

/** Every per-request control's name (the `satisfies` keeps the list complete). */
const CONTROL_NAMES = Object.keys({
  ttl: true,
  maxAge: true,
  forceStore: true,
  bypass: true,
  key: true,
  bodyKey: true,
} satisfies Record<keyof RequestCacheOptions, true>);

/** `init.httpcache`, checked member by member; an `OptionsError` names the one at fault. */
function requestControls(value: RequestCacheOptions | undefined | null): RequestCacheOptions {
  if (value === undefined || value === null) return NO_CONTROLS;
  nested('httpcache', value, CONTROL_NAMES);
  for (const name of ['ttl', 'maxAge'] as const) {
    const member = value[name];
    // A lifetime is stored with the entry, so it is finite; a `ttl` may be Infinity (keep forever).
    const valid = typeof member === 'number' && member >= 0 && (name === 'ttl' || member < 2 ** 31);
    if (member !== undefined && !valid) {
      throw new OptionsError(
        `httpcache.${name}`,
        `must be a number of seconds >= 0, got ${String(member)}`,
      );
    }
  }
  const { key } = value;
  if (key !== undefined && (typeof key !== 'string' || key === '')) {
    throw new OptionsError('httpcache.key', 'must be a non-empty string');
  }
  for (const flag of ['forceStore', 'bypass', 'bodyKey'] as const) {
    bool(`httpcache.${flag}`, value[flag], undefined);
  }
  return value;
}

function toHeaders(init: HeadersInit): Headers {
  return init instanceof Headers ? init : new Headers(init);
}

/**
 * The arguments to send to the origin, with extra header fields set (the cache's validators).
 * The rest, the `cache` mode included, goes as the caller gave it: a network `fetch` turns the
 * `no-store`, `reload` and `no-cache` modes into request directives for caches further on.
 */
export function originArguments(
  request: IncomingRequest,
  extraHeaders: Readonly<Record<string, string>> | undefined,
  signal?: AbortSignal,
): [RequestInfo | URL, RequestInit | undefined] {
  const { input } = request;
  const init = signal === undefined ? request.init : { ...request.init, signal };
  if (extraHeaders === undefined) return [input, init];
  const headers = headersCopy(request);
  for (const name in extraHeaders) headers.set(name, extraHeaders[name] ?? '');
  return [input, { ...init, headers }];
}

/** A copy of the request's header fields: those of `init`, else those of the `Request`. */
function headersCopy({ input, init }: IncomingRequest): Headers {
  return new Headers(
    init?.headers ?? (typeof input === 'object' && 'headers' in input ? input.headers : undefined),
  );
}

/** The caller's abort signal, if any. */
export function signalOf(request: IncomingRequest): AbortSignal | undefined {
  const fromInit = request.init?.signal;
  if (fromInit !== undefined && fromInit !== null) return fromInit;
  return request.input instanceof Request ? request.input.signal : undefined;
}

/** Request fields the cache's own background revalidation leaves out: a range and preconditions. */
export const CALLER_ONLY_FIELDS: ReadonlySet<string> = new Set(['range', ...CONDITIONAL_FIELDS]);

/**
 * The cache's own plain request for what `request` asks (RFC 5861 §3 background revalidation):
 * without the caller's range and preconditions, so the full response comes back to be stored,
 * and without the caller's abort signal, which ends with the caller's response.
 */
export function plainRequest(request: IncomingRequest): IncomingRequest {
  const { init } = request;
  const headers = headersCopy(request);
  for (const name of CALLER_ONLY_FIELDS) headers.delete(name);
  return { ...request, headers, init: { ...init, headers, signal: null } };
}

/** Whether the request carries a body. */
export function hasBody(request: IncomingRequest): boolean {
  if (request.init?.body !== undefined && request.init.body !== null) return true;
  return (
    typeof request.input === 'object' && 'body' in request.input && request.input.body !== null
  );
}

/**
 * Reads the request body once, so that its digest can join the cache key, and returns the
 * request rebuilt around those bytes (sent to the origin intact) with the SHA-256 digest in hex.
 */
export async function digestBody(
  request: IncomingRequest,
): Promise<{ request: IncomingRequest; digest: string }> {
  const original = new Request(request.input, stripCacheOptions(request.init));
  const bytes = await original.arrayBuffer();
  const hex = await sha256Hex(bytes);
  const replay = new Request(original, { body: bytes });
  return { request: { ...request, input: replay, init: carried(request.init) }, digest: hex };
}

/**
 * The symbol-keyed members of `init`: the per-request context an integration (undici, axios, the
 * proxy) hands its origin function, which must reach it with the rebuilt request too.
 */
function carried(init: CacheRequestInit | undefined): CacheRequestInit | undefined {
  const symbols = init === undefined ? [] : Object.getOwnPropertySymbols(init);
  if (symbols.length === 0) return undefined;
  const kept: Record<symbol, unknown> = {};
  for (const symbol of symbols) kept[symbol] = (init as Record<symbol, unknown>)[symbol];
  return kept as CacheRequestInit;
}

/**
 * `init` for building a `Request`: without the library's own property, and without the cache
 * mode, which the cache has already read (a `Request` refuses `only-if-cached` outside
 * same-origin mode, and the origin needs no mode of the cache's).
 */
function stripCacheOptions(init: CacheRequestInit | undefined): RequestInit | undefined {
  if (init === undefined) return undefined;
  const { httpcache: _controls, cache: _mode, ...rest } = init;
  return rest;
}

/** Request fields that carry credentials. */
const CREDENTIAL_FIELDS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * The request's fields as the cache sees them: credentials (`Authorization`, `Cookie`) replaced
 * by their SHA-256 digest, so that a response that varies on them is told apart without the
 * credential itself ever being stored as part of a key or variant.
 */
export function withCredentialsDigested(
  headers: HeaderReader,
): HeaderReader | Promise<HeaderReader> {
  // Most requests carry no credentials: they need neither a promise nor a map.
  if (CREDENTIAL_FIELDS.every((name) => headers.get(name) === null)) return headers;
  return digestCredentials(headers);
}

async function digestCredentials(headers: HeaderReader): Promise<HeaderReader> {
  const digests = new Map<string, string>();
  for (const name of CREDENTIAL_FIELDS) {
    const value = headers.get(name);
    if (value !== null)
      digests.set(name, `sha256:${await sha256Hex(new TextEncoder().encode(value))}`);
  }
  if (digests.size === 0) return headers;
  return { get: (name) => digests.get(name.toLowerCase()) ?? headers.get(name) };
}

async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
