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
   * RFC 9111 §4.3.5: a HEAD response shows that the stored response no longer describes the
   * representation (its length or validators differ, or it answered the cache's conditional
   * request with 200): the stored responses under the key are to be dropped.
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
 * nothing (a 200 to the cache's conditional request replaces the stored response; it never
 * freshens it).
 */
export function planFreshening<T extends NewEntry>(input: FresheningInput<T>): FresheningPlan<T> {
  const { request, status, variants } = input;
  const head200 = request.method === 'HEAD' && status === 200;
  if ((status !== 304 && !head200) || variants.length === 0) return NOTHING;
  // RFC 9111 §4.3.3: a full response to the cache's conditional request means the stored
  // response's validators no longer match: it is not freshened, and no longer valid.
  if (head200 && input.conditional) return { ...NOTHING, invalid: true };
  const response = pairsReader(input.headers);
  const candidates = responsesToUpdate(
    [...variants].sort(newestFirst),
    response,
    input.conditional ? input.revalidated : undefined,
  );
  // RFC 9111 §4.3.5: "If the Content-Length, ETag, or Last-Modified ... differ, the cache
  // SHOULD mark the stored response as stale" rather than update it.
  if (head200 && candidates.some((c) => !describesSame(c.headers, input.headers))) {
    return { ...NOTHING, invalid: true };
  }
  const freshened = candidates.map(
    (target): Freshening<T> => ({
      target,
      updated: freshen(
        target,
        input.headers,
        input.requestTime,
        input.responseTime,
        input.options,
        input.controls,
      ),
    }),
  );
  // RFC 9111 §4.1: never rewrite a stored response this request's Vary values do not select.
  const write = freshened.filter(
    (f) => matchesVariant(f.target, request.headers) && mayStoreFor(request, f.updated, input),
  );
  const serve =
    freshened.find((f) => f.target === input.revalidated) ??
    freshened.find((f) => matchesVariant(f.target, request.headers)) ??
    freshened[0];
  return { write, serve: serve?.updated, invalid: false };
}

/** Whether stored and HEAD fields agree on length and validators, where both carry them. */
function describesSame(stored: HeaderPairs, head: HeaderPairs): boolean {
  return HEAD_COMPARED.every((name) => {
    const a = getHeader(stored, name);
    const b = getHeader(head, name);
    return a === null || b === null || a === b;
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
