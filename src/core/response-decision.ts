import type { CacheControl } from './cache-control.ts';
import { mustRevalidate } from './decision.ts';
import { declaredLength, type NewEntry, newEntry } from './entry.ts';
import { type Freshening, planFreshening } from './freshening.ts';
import { explicitLifetime, type Freshness, freshnessUnder } from './freshness.ts';
import { pairsReader } from './headers.ts';
import { invalidatedUrls } from './invalidation.ts';
import { normalizeUrl } from './key.ts';
import { asPart } from './partial.ts';
import { canServeStaleOnError, STALE_IF_ERROR_STATUSES } from './stale.ts';
import { storability } from './storable.ts';
import { responseDirectives } from './targeted.ts';
import type { HeaderPairs, PolicyOptions, RequestControls, RequestHead } from './types.ts';

/**
 * The answer to "here is the origin's response (or error)": what to do with it, as data. The
 * request phase's counterpart is {@link decide}.
 *
 * @module
 */

/** The head of the origin's response, as the policy sees it. */
export interface OriginHead {
  readonly status: number;
  readonly statusText: string;
  /** Header fields as received, lower-case names. */
  readonly headers: HeaderPairs;
  /** The origin reached it through redirects: it answers another URL. */
  readonly redirected: boolean;
}

/** What came back from the origin. */
export type OriginOutcome =
  | {
      readonly type: 'response';
      readonly head: OriginHead;
      /** When the request was sent and the response received (RFC 9111 §4.2.3). */
      readonly requestTime: number;
      readonly responseTime: number;
    }
  /** The origin could not be reached (or its response head could not be read). */
  | { readonly type: 'error' };

/** What the cache knew when it went to the origin. */
export interface ForwardState<T extends NewEntry> {
  /** Every stored response under the request's key. */
  readonly variants: readonly T[];
  /** The stored response being revalidated, if any. */
  readonly entry: T | undefined;
  /** Its freshness when the request was decided. */
  readonly freshness: Freshness | undefined;
  /** Whether the cache added validators of its own (RFC 9111 §4.3.1). */
  readonly conditional: boolean;
  /**
   * Whether the response may be stored under the request's own method (not for a method the
   * cache does not store, nor for a range request). A POST response that answers GETs is
   * stored as the GET response whatever this says.
   */
  readonly store: boolean;
}

/** The inputs of {@link decideResponse}. */
export interface ResponseDecisionInput<T extends NewEntry> {
  /** The request, its URL normalised ({@link normalizeUrl}). */
  readonly request: RequestHead;
  readonly requestCc: CacheControl;
  readonly controls: RequestControls;
  readonly forward: ForwardState<T>;
  readonly origin: OriginOutcome;
  readonly options: PolicyOptions;
  /** A request keyed by its body (a query): it invalidates nothing and is stored as it is. */
  readonly query: boolean;
  /** Bodies declared longer than this are not stored. */
  readonly maxBodySize: number;
  readonly now: number;
}

/** A response to store, and what any request waiting for it gets. */
export interface Storing {
  /** The entry to write once the body is complete. */
  readonly entry: NewEntry;
  /** The method it is stored under: `GET` for a POST response that answers GETs (RFC 9110 §9.3.3). */
  readonly method: string;
  /**
   * The header fields a waiting (coalesced) request gets: those stored, less the `Date` added
   * for storing. Never another user's `Set-Cookie` or fields a shared cache strips.
   */
  readonly waitingHeaders: HeaderPairs;
}

/** What to do with the origin's answer. */
export type ResponseDecision<T extends NewEntry> =
  /**
   * Pass the origin's response on, storing it as {@link Storing} says (when `storing` is set),
   * after freshening `freshen` (a HEAD response, or a 304 to the caller's own conditional
   * request), dropping the stored responses under the key when `dropStored`, and invalidating
   * `invalidate` (RFC 9111 §4.4).
   */
  | {
      readonly type: 'pass';
      readonly storing: Storing | undefined;
      readonly freshen: readonly Freshening<T>[];
      readonly dropStored: boolean;
      readonly invalidate: readonly string[];
    }
  /**
   * A 304 to the cache's conditional request: rewrite `freshen`, and serve `serve` (freshened)
   * with its stored body (RFC 9111 §4.3.3, §4.3.4).
   */
  | { readonly type: 'freshen'; readonly freshen: readonly Freshening<T>[]; readonly serve: T }
  /** RFC 9111 §4.3.3: the 304 selects no stored response: ask again, unconditionally. */
  | { readonly type: 'retry' }
  /**
   * RFC 9111 §4.2.4, RFC 5861 §4: serve the stored response instead of the failed origin;
   * `otherwise` is what to do when its body is gone.
   */
  | {
      readonly type: 'serve-stale';
      readonly entry: T;
      readonly freshness: Freshness;
      readonly otherwise: ResponseDecision<T>;
    }
  /** RFC 9111 §5.2.2.2: disconnected, and the stored response must be revalidated: answer 504. */
  | { readonly type: 'gateway-timeout' }
  /** The origin failed and nothing stands in for it: its error reaches the caller. */
  | { readonly type: 'fail' };

/** RFC 9111 §4.3 and §4.4, RFC 5861 §4: what to do with the origin's answer. */
export function decideResponse<T extends NewEntry>(
  input: ResponseDecisionInput<T>,
): ResponseDecision<T> {
  const { origin, forward, options } = input;
  if (origin.type === 'error') {
    // RFC 9111 §5.2.2.2: "if a cache is disconnected, the cache MUST generate an error response
    // rather than reuse the stale response. The generated status code SHOULD be 504".
    const otherwise: ResponseDecision<T> =
      forward.freshness !== undefined && mustRevalidate(forward.freshness.cc, options.shared)
        ? { type: 'gateway-timeout' }
        : { type: 'fail' };
    return staleOnError(input, otherwise);
  }
  const answer = answered(input, origin);
  // RFC 5861 §4: stale-if-error covers 500, 502, 503 and 504 answers too.
  return STALE_IF_ERROR_STATUSES.has(origin.head.status) ? staleOnError(input, answer) : answer;
}

/** The decision for a response the origin gave. */
function answered<T extends NewEntry>(
  input: ResponseDecisionInput<T>,
  origin: Extract<OriginOutcome, { type: 'response' }>,
): ResponseDecision<T> {
  const { request, forward, options } = input;
  const { head } = origin;
  const plan = planFreshening({
    request,
    controls: input.controls,
    variants: forward.variants,
    revalidated: forward.entry,
    conditional: forward.conditional,
    status: head.status,
    headers: head.headers,
    requestTime: origin.requestTime,
    responseTime: origin.responseTime,
    options,
  });
  if (head.status === 304 && forward.conditional) {
    return plan.serve === undefined
      ? { type: 'retry' }
      : { type: 'freshen', freshen: plan.write, serve: plan.serve };
  }
  return {
    type: 'pass',
    storing: storing(input, origin),
    freshen: plan.write,
    dropStored: plan.invalid,
    invalidate: input.query
      ? []
      : invalidatedUrls(request.method, request.url, head.status, pairsReader(head.headers)),
  };
}

/** A stale stored response instead of the failed origin, where allowed; `otherwise` if not. */
function staleOnError<T extends NewEntry>(
  input: ResponseDecisionInput<T>,
  otherwise: ResponseDecision<T>,
): ResponseDecision<T> {
  const entry = input.forward.entry;
  if (entry === undefined) return otherwise;
  const { options } = input;
  const freshness = freshnessUnder(entry, input.now, options);
  if (!canServeStaleOnError(freshness, input.requestCc, options.allowStale, options.shared)) {
    return otherwise;
  }
  return { type: 'serve-stale', entry, freshness, otherwise };
}

/** What to store of the origin's response, or `undefined` when it is not to be stored. */
function storing<T extends NewEntry>(
  input: ResponseDecisionInput<T>,
  origin: Extract<OriginOutcome, { type: 'response' }>,
): Storing | undefined {
  const { request, options } = input;
  const { head } = origin;
  // A redirected response answers another URL; a HEAD response has no body to store.
  if (head.redirected || request.method === 'HEAD') return undefined;
  const { cc, targeted } = responseDirectives(head.headers, options.targeted);
  const asGet = answersGet(input, head, cc, targeted);
  if (!input.forward.store && !asGet) return undefined;
  const method = asGet ? 'GET' : request.method;
  const verdict = storability(
    {
      request: { ...request, method },
      requestCc: input.requestCc,
      status: head.status,
      headers: head.headers,
      cc,
      forceStore: input.controls.forceStore === true,
    },
    options,
  );
  if (!verdict.storable) return undefined;
  const made = newEntry(
    {
      requestHeaders: request.headers,
      status: head.status,
      statusText: head.statusText,
      headers: head.headers,
      cc,
      requestTime: origin.requestTime,
      responseTime: origin.responseTime,
    },
    options,
    input.controls,
  );
  // RFC 9111 §3.3: a 206 is stored as a part of the representation, beside the whole one.
  const entry = made !== undefined && head.status === 206 ? asPart(made) : made;
  if (entry === undefined) return undefined;
  const length = declaredLength(entry);
  if (length !== undefined && length > input.maxBodySize) return undefined;
  const dated = head.headers.some(([name]) => name === 'date');
  return {
    entry,
    method,
    waitingHeaders: dated ? entry.headers : entry.headers.filter(([name]) => name !== 'date'),
  };
}

/**
 * RFC 9110 §9.3.3: "a cached POST response can be reused to satisfy a later GET or HEAD request"
 * when it has explicit freshness and a `Content-Location` naming the target URI (RFC 9110 §8.7).
 */
function answersGet<T extends NewEntry>(
  input: ResponseDecisionInput<T>,
  head: OriginHead,
  cc: CacheControl,
  targeted: boolean,
): boolean {
  const { request, options } = input;
  if (request.method !== 'POST' || input.query || !options.cacheableMethods.has('GET')) {
    return false;
  }
  const location = pairsReader(head.headers).get('content-location');
  if (location === null || !URL.canParse(location, request.url)) return false;
  if (normalizeUrl(new URL(location, request.url).href) !== request.url) return false;
  const lifetime = explicitLifetime(
    { headers: head.headers, responseTime: 0 },
    cc,
    options.shared,
    targeted,
  );
  return lifetime !== undefined;
}
