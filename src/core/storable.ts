import type { CacheControl } from './cache-control.ts';
import { explicitLifetime } from './freshness.ts';
import { hasPragmaNoCache } from './header-values.ts';
import { getHeader } from './headers.ts';
import { HEURISTICALLY_CACHEABLE, isFinalStatus, UNDERSTOOD_STATUSES } from './status-codes.ts';
import type { HeaderPairs, PolicyOptions, RequestHead } from './types.ts';

/**
 * Whether a response may be stored: RFC 9111 §3.
 *
 * @module
 */

/** Why a response was not stored. */
export type UnstorableReason =
  | 'method'
  | 'status'
  | 'no-store'
  | 'private'
  | 'authorization'
  | 'no-freshness'
  | 'vary-star';

/** The verdict on storing a response. */
export type Storability =
  | { readonly storable: true }
  | { readonly storable: false; readonly reason: UnstorableReason };

const STORABLE: Storability = { storable: true };

/** The facts about a response that {@link storability} looks at. */
export interface StorabilityInput {
  readonly request: RequestHead;
  readonly requestCc: CacheControl;
  readonly status: number;
  /** Response header fields, lower-case names. */
  readonly headers: HeaderPairs;
  readonly cc: CacheControl;
  /** Store even where `no-store` or `private` forbid it (a per-request override). */
  readonly forceStore: boolean;
}

/** RFC 9111 §3: "A cache MUST NOT store a response to a request unless ..." */
export function storability(input: StorabilityInput, options: PolicyOptions): Storability {
  const { request, requestCc, status, headers, cc, forceStore } = input;
  // §3: "the request method is understood by the cache"
  if (!options.cacheableMethods.has(request.method)) return { storable: false, reason: 'method' };
  // §3: "the response status code is final"
  if (!isFinalStatus(status)) return { storable: false, reason: 'status' };
  // §3: "if the response status code is 206 or 304, or the must-understand cache directive is
  // present: the cache understands the response status code". Partial content is (see partial.ts).
  if (
    (status === 206 || status === 304 || cc.mustUnderstand === true) &&
    !UNDERSTOOD_STATUSES.has(status)
  ) {
    return { storable: false, reason: 'status' };
  }
  if (options.cacheableStatuses !== undefined && !options.cacheableStatuses.has(status)) {
    return { storable: false, reason: 'status' };
  }
  if (forceStore) return STORABLE;
  // §5.2.2.3: "the cache SHOULD ignore the no-store directive if it understands and implements
  // the status code's caching requirements" when must-understand is present.
  const noStore = cc.noStore === true && cc.mustUnderstand !== true;
  // §5.2.1.5 and §5.2.2.5: no-store in the request or the response.
  if (noStore || requestCc.noStore === true) return { storable: false, reason: 'no-store' };
  // §5.2.2.7: unqualified private forbids a shared cache to store; a qualified one only the fields.
  if (options.shared && cc.private === true) return { storable: false, reason: 'private' };
  // §3.5: a shared cache stores a response to a request with Authorization only when public,
  // must-revalidate or s-maxage allow it.
  if (
    options.shared &&
    request.headers.get('authorization') !== null &&
    cc.public !== true &&
    cc.mustRevalidate !== true &&
    cc.sMaxage === undefined
  ) {
    return { storable: false, reason: 'authorization' };
  }
  return hasReuseInformation(status, headers, cc, options)
    ? STORABLE
    : { storable: false, reason: 'no-freshness' };
}

/**
 * RFC 9111 §3: "the response contains at least one of" public, private (private caches),
 * Expires, max-age, s-maxage (shared caches), or a heuristically cacheable status.
 */
function hasReuseInformation(
  status: number,
  headers: HeaderPairs,
  cc: CacheControl,
  options: PolicyOptions,
): boolean {
  if (cc.public === true || (!options.shared && cc.private !== undefined)) return true;
  if (explicitLifetime({ headers, responseTime: 0 }, cc, options.shared) !== undefined) return true;
  return HEURISTICALLY_CACHEABLE.has(status);
}

/** Whether stored headers carry a validator (RFC 9110 §8.8). */
export function hasValidator(headers: HeaderPairs): boolean {
  return getHeader(headers, 'etag') !== null || getHeader(headers, 'last-modified') !== null;
}

/**
 * RFC 9111 §5.4: `Pragma: no-cache` in a request without `Cache-Control` is the same as
 * `Cache-Control: no-cache`.
 */
export function requestWantsNoCache(request: RequestHead, requestCc: CacheControl): boolean {
  if (requestCc.noCache !== undefined) return true;
  return (
    request.headers.get('cache-control') === null && hasPragmaNoCache(request.headers.get('pragma'))
  );
}
