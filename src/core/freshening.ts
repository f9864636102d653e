import { parseCacheControl } from './cache-control.ts';
import { freshen, type NewEntry } from './entry.ts';
import { getHeader, pairsReader } from './headers.ts';
import type { HeaderPairs, PolicyOptions, RequestControls, RequestHead } from './types.ts';
import { responsesToUpdate } from './validation.ts';
import { matchesVariant, newestFirst } from './vary.ts';

/**
 * Which stored responses a 304 or a HEAD response updates, and how: RFC 9111 §4.3.4 and §4.3.5.
 *
 * @module
 */

/** A stored response and what it becomes once freshened. */
export interface Freshening<T> {
  readonly target: T;
  readonly updated: T;
}

/** What a 304 or a HEAD response does to the stored responses. */
export interface FresheningPlan<T> {
  /** The stored responses to rewrite, with their new metadata. */
  readonly write: readonly Freshening<T>[];
  /**
   * The freshened response to serve for a 304 to the cache's own conditional request: the one
   * revalidated when the 304 selects it, else the newest selected. It may not be among
   * {@link write} (a variant this request does not select, or a 304 storage must not take).
   */
  readonly serve: T | undefined;
  /**
   * RFC 9111 §4.3.5: a HEAD response shows that a stored response no longer describes the
   * representation (its length or validators differ): the stored responses under the key are
   * to be dropped.
   */
  readonly invalid: boolean;
}

/** The facts {@link planFreshening} looks at. */
export interface FresheningInput<T> {
  readonly request: RequestHead;
  readonly controls: RequestControls;
  /** Every stored response under the request's key. */
  readonly variants: readonly T[];
  /** The stored response the cache revalidated, when it sent validators of its own. */
  readonly revalidated: T | undefined;
  /** Whether the cache sent validators of its own (RFC 9111 §4.3.1). */
  readonly conditional: boolean;
  readonly status: number;
  readonly headers: HeaderPairs;
  readonly requestTime: number;
  readonly responseTime: number;
  readonly options: PolicyOptions;
}

const NOTHING: FresheningPlan<never> = { write: [], serve: undefined, invalid: false };

/** RFC 9111 §4.3.5: the fields whose difference shows a HEAD response describes another body. */
const HEAD_COMPARED: readonly string[] = ['content-length', 'etag', 'last-modified'];

/**
 * RFC 9111 §4.3.4 and §4.3.5: what a 304 or a HEAD 200 updates. Any other response updates
 * nothing (a GET's 200 to the cache's conditional request replaces the stored response; it
 * never freshens it).
 */
export function planFreshening<T extends NewEntry>(input: FresheningInput<T>): FresheningPlan<T> {
  const { request, status, variants } = input;
  if (variants.length === 0) return NOTHING;
  if (request.method === 'HEAD' && status === 200) return planHead(input);
  if (status !== 304) return NOTHING;
  const candidates = responsesToUpdate(
    [...variants].sort(newestFirst),
    pairsReader(input.headers),
    input.conditional ? input.revalidated : undefined,
  );
  const freshened = candidates.map((target) => freshening(target, input));
  // RFC 9111 §4.1: never rewrite a stored response this request's Vary values do not select.
  const write = freshened.filter(
    (f) =>
      matchesVariant(f.target, request.headers, input.options.varyNormalizers) &&
      mayStoreFor(request, f.updated, input),
  );
  const serve =
    freshened.find((f) => f.target === input.revalidated) ??
    freshened.find((f) =>
      matchesVariant(f.target, request.headers, input.options.varyNormalizers),
    ) ??
    freshened[0];
  return { write, serve: serve?.updated, invalid: false };
}

/**
 * RFC 9111 §4.3.5: "the cache SHOULD update or invalidate each of its stored GET responses that
 * could have been chosen for that request": those the request's Vary values select. Each is
 * updated when "the stored response and HEAD response have matching values for any received
 * validator fields (ETag and Last-Modified) and, if the HEAD response has a Content-Length
 * header field, the value of Content-Length matches"; "otherwise, the cache SHOULD consider the
 * stored response to be stale".
 */
function planHead<T extends NewEntry>(input: FresheningInput<T>): FresheningPlan<T> {
  const chosen = input.variants.filter((v) =>
    matchesVariant(v, input.request.headers, input.options.varyNormalizers),
  );
  // A stored response of another status (a 404, a redirect) does not describe what a 200 does.
  if (chosen.some((c) => c.status !== 200 || !describesSame(c.headers, input.headers))) {
    return { ...NOTHING, invalid: true };
  }
  const write = chosen
    .map((target) => freshening(target, input))
    .filter((f) => mayStoreFor(input.request, f.updated, input));
  return { write, serve: undefined, invalid: false };
}

function freshening<T extends NewEntry>(target: T, input: FresheningInput<T>): Freshening<T> {
  return {
    target,
    updated: freshen(
      target,
      input.headers,
      input.requestTime,
      input.responseTime,
      input.options,
      input.controls,
    ),
  };
}

/** Whether the stored fields have the values the HEAD response has for length and validators. */
function describesSame(stored: HeaderPairs, head: HeaderPairs): boolean {
  return HEAD_COMPARED.every((name) => {
    const received = getHeader(head, name);
    return received === null || getHeader(stored, name) === received;
  });
}

/**
 * RFC 9111 §3.5: in a shared cache, a response to a request with `Authorization` is stored only
 * with `public`, `must-revalidate` or `s-maxage`; a 304 answering such a request freshens storage
 * only where its fields would have let it be stored, or one user's fields would reach everyone.
 */
function mayStoreFor<T extends NewEntry>(
  request: RequestHead,
  updated: T,
  input: FresheningInput<T>,
): boolean {
  if (!input.options.shared || request.headers.get('authorization') === null) return true;
  const cc = parseCacheControl(getHeader(updated.headers, 'cache-control'));
  return cc.public === true || cc.mustRevalidate === true || cc.sMaxage !== undefined;
}
