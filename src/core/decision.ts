import { type CacheControl, parseCacheControl } from './cache-control.ts';
import { type Freshness, freshnessUnder, isFresh } from './freshness.ts';
import { requestWantsNoCache } from './storable.ts';
import type { PolicyOptions, RequestControls, RequestHead, StoredResponse } from './types.ts';
import { conditionalHeaders, isConditional, satisfiesConditional } from './validation.ts';
import { selectVariants } from './vary.ts';

/**
 * The answer to "here is a request and the stored variants": what to do next.
 *
 * @module
 */

/** RFC 9211 §2.2 `fwd` reasons this cache reports when it goes to the origin. */
export type ForwardReason =
  | 'bypass'
  | 'method'
  | 'uri-miss'
  | 'vary-miss'
  | 'request'
  | 'stale'
  /** The cache holds part of the response and asks for the rest (RFC 9111 §3.4). */
  | 'partial';

/** What to do with a request, given what is stored. */
export type RequestDecision<T extends StoredResponse> =
  /** Serve the stored response, which is fresh. */
  | { readonly type: 'fresh'; readonly entry: T; readonly freshness: Freshness }
  /** Answer 304: the caller's own validators match a fresh stored response (RFC 9111 §4.3.2). */
  | { readonly type: 'not-modified'; readonly entry: T; readonly freshness: Freshness }
  /** Serve the stored response although it is stale: the request allows it. */
  | { readonly type: 'stale'; readonly entry: T; readonly freshness: Freshness }
  /**
   * RFC 5861 §3: serve the stale stored response now and revalidate it in the background with
   * `conditions` (if any).
   */
  | {
      readonly type: 'stale-while-revalidate';
      readonly entry: T;
      readonly freshness: Freshness;
      readonly conditions: Readonly<Record<string, string>> | undefined;
    }
  /**
   * Ask the origin. `entry` is the stored response being revalidated, if any; `conditions` are
   * the validators to add (RFC 9111 §4.3.1), if any.
   */
  | {
      readonly type: 'forward';
      readonly fwd: ForwardReason;
      readonly entry: T | undefined;
      readonly freshness: Freshness | undefined;
      readonly conditions: Readonly<Record<string, string>> | undefined;
    }
  /** RFC 9111 §5.2.1.7: `only-if-cached` with nothing usable stored: answer 504. */
  | { readonly type: 'gateway-timeout' };

/** The inputs of {@link decide}. */
export interface DecisionInput<T extends StoredResponse> {
  readonly request: RequestHead;
  /** The request's Cache-Control (parsed once by the caller). */
  readonly requestCc: CacheControl;
  /** Every stored response under the request's primary key. */
  readonly variants: readonly T[];
  readonly controls: RequestControls;
  readonly options: PolicyOptions;
  readonly now: number;
}

const GATEWAY_TIMEOUT = { type: 'gateway-timeout' } as const;

/** RFC 9111 §4: "Constructing Responses from Caches". */
export function decide<T extends StoredResponse>(input: DecisionInput<T>): RequestDecision<T> {
  const { request, variants, controls, options, now } = input;
  const requestCc = honouredRequestDirectives(input.requestCc, options);
  const onlyIfCached = isOnlyIfCached(requestCc, controls);
  const selected = selectVariants(variants, request.headers, options.varyNormalizers);
  const entry = selected[0];
  if (entry === undefined) {
    if (onlyIfCached) return GATEWAY_TIMEOUT;
    const fwd = variants.length === 0 ? 'uri-miss' : 'vary-miss';
    return forward<T>(
      fwd,
      undefined,
      undefined,
      plainRequest(request) ? conditionalHeaders(undefined, variants) : undefined,
    );
  }
  const f = freshnessUnder(entry, now, options, controls.maxAge);
  // Fetch standard: force-cache and only-if-cached use a stored response "not paying attention to staleness".
  if (controls.mode === 'force-cache' || controls.mode === 'only-if-cached') {
    if (preconditionsHold(request, entry)) return { type: 'not-modified', entry, freshness: f };
    return { type: isFresh(f) ? 'fresh' : 'stale', entry, freshness: f };
  }
  const reason = revalidationReason(request, requestCc, f, controls, options);
  if (reason === undefined) {
    // RFC 9111 §4.3.2: the cache answers the caller's conditional request itself.
    if (preconditionsHold(request, entry)) return { type: 'not-modified', entry, freshness: f };
    return { type: 'fresh', entry, freshness: f };
  }
  // RFC 9111 §5.2.1.1: with max-age, "unless the max-stale request directive is also present,
  // the client does not wish to receive a stale response"; and an older one than max-age not at all.
  const staleServable =
    reason === 'stale' &&
    !options.alwaysRevalidate &&
    (requestCc.maxAge === undefined || f.age <= requestCc.maxAge);
  if (staleServable && staleAllowed(requestCc, f, options.shared)) {
    return { type: 'stale', entry, freshness: f };
  }
  if (staleServable && withinStaleWhileRevalidate(f, options.shared)) {
    // The background revalidation is the cache's own plain request (no caller preconditions, no
    // range), so it always carries the cache's validators.
    const own = conditionalHeaders(entry, variants);
    return { type: 'stale-while-revalidate', entry, freshness: f, conditions: own };
  }
  const conditions = plainRequest(request) ? conditionalHeaders(entry, variants) : undefined;
  if (onlyIfCached) return GATEWAY_TIMEOUT;
  return forward(reason, entry, f, conditions);
}

function forward<T extends StoredResponse>(
  fwd: ForwardReason,
  entry: T | undefined,
  f: Freshness | undefined,
  conditions: Record<string, string> | undefined,
): RequestDecision<T> {
  return { type: 'forward', fwd, entry, freshness: f, conditions };
}

/**
 * The request directives the cache honours. RFC 9111 §5.2.1.1, §5.2.1.3 and §5.2.1.4 word
 * `max-age`, `min-fresh` and `no-cache` as what "the client prefers" (§5.4: `Pragma: no-cache`
 * too); by default the cache honours them, so any client can make it ask the origin. A shared
 * cache with `ignoreRequestNoCache` ignores them to protect its origin, as CDNs do, and serves a
 * fresh stored response; `max-stale` and `only-if-cached`, which never reach the origin, still
 * apply.
 */
export function honouredRequestDirectives(
  requestCc: CacheControl,
  options: PolicyOptions,
): CacheControl {
  if (options.ignoreRequestNoCache !== true) return requestCc;
  const { noCache: _noCache, maxAge: _maxAge, minFresh: _minFresh, ...kept } = requestCc;
  return kept;
}

/** RFC 9111 §5.2.1.7 and the Fetch `only-if-cached` mode: never go to the origin. */
export function isOnlyIfCached(requestCc: CacheControl, controls: RequestControls): boolean {
  return controls.mode === 'only-if-cached' || requestCc.onlyIfCached === true;
}

/**
 * RFC 9110 §13.2.1: preconditions are evaluated only "when the response to the request without
 * those conditionals would have been ... a 2xx (Successful)"; a stored 404 is sent as it is.
 */
function preconditionsHold(request: RequestHead, entry: StoredResponse): boolean {
  return entry.status >= 200 && entry.status < 300 && satisfiesConditional(request.headers, entry);
}

/** The cache adds its own validators only when the caller sent none (RFC 9111 §4.3.2). */
function plainRequest(request: RequestHead): boolean {
  return !isConditional(request.headers);
}

/**
 * Why a selected stored response cannot be used without asking the origin, or `undefined` when it
 * can: `request` when the request's semantics forbid it, `stale` when the response does.
 */
function revalidationReason(
  request: RequestHead,
  requestCc: CacheControl,
  f: Freshness,
  controls: RequestControls,
  options: PolicyOptions,
): 'request' | 'stale' | undefined {
  // RFC 8246 §2: "clients SHOULD NOT issue a conditional request during the response's freshness
  // lifetime (e.g., upon a reload) unless explicitly overridden by the user (e.g., a force
  // reload)": a fresh immutable response survives the Fetch `no-cache` mode and `max-age`, not an
  // explicit `Cache-Control: no-cache` or Pragma.
  const immutable = f.cc.immutable === true && isFresh(f);
  // RFC 9111 §5.2.1.4 / §5.4 and the Fetch `no-cache` mode: the request asks for validation.
  // With `ignoreRequestNoCache` neither the directive (see honouredRequestDirectives) nor Pragma.
  if (!options.ignoreRequestNoCache && requestWantsNoCache(request, requestCc)) return 'request';
  if (controls.mode === 'no-cache' && !immutable) return 'request';
  // RFC 9111 §5.2.2.4: an unqualified no-cache response "MUST NOT be used to satisfy any other
  // request without forwarding it for validation".
  if (f.cc.noCache === true || options.alwaysRevalidate) return 'stale';
  if (!isFresh(f)) return 'stale';
  // RFC 9111 §5.2.1.1: max-age: "the client prefers a response whose age is less than or equal to the specified number of seconds"
  if (requestCc.maxAge !== undefined && f.age > requestCc.maxAge && !immutable) return 'request';
  // RFC 9111 §5.2.1.3: min-fresh: "fresh for at least the specified number of seconds"
  if (requestCc.minFresh !== undefined && f.lifetime - f.age < requestCc.minFresh) return 'request';
  return undefined;
}

/**
 * RFC 9111 §4.2.4 and §5.2.1.2: a stale response may be served when the request's `max-stale`
 * covers its staleness, unless a response directive forbids serving it stale (`must-revalidate`;
 * in a shared cache also `proxy-revalidate` and `s-maxage`, RFC 9111 §5.2.2.8 and §5.2.2.10).
 */
export function staleAllowed(requestCc: CacheControl, f: Freshness, shared: boolean): boolean {
  if (requestCc.maxStale === undefined || mustRevalidate(f.cc, shared)) return false;
  return f.age - f.lifetime <= requestCc.maxStale;
}

/**
 * RFC 5861 §3: "the cache MAY serve the response in which it appears after it becomes stale, up
 * to the indicated number of seconds", unless directives require revalidation (RFC 9111 §4.2.4).
 */
export function withinStaleWhileRevalidate(f: Freshness, shared: boolean): boolean {
  const window = f.cc.staleWhileRevalidate;
  if (window === undefined || mustRevalidate(f.cc, shared)) return false;
  return f.age - f.lifetime <= window;
}

/** Whether response directives forbid serving the response stale (RFC 9111 §4.2.4). */
export function mustRevalidate(cc: CacheControl, shared: boolean): boolean {
  if (cc.mustRevalidate === true || cc.noCache === true) return true;
  return shared && (cc.proxyRevalidate === true || cc.sMaxage !== undefined);
}

/** Parses a request's Cache-Control once for {@link decide} and the storing decision. */
export function requestCacheControl(request: RequestHead): CacheControl {
  return parseCacheControl(request.headers.get('cache-control'));
}
