/**
 * What we expect of the conformance cases beyond "passes": the known gaps (where httpcache
 * knowingly differs from a case, with the reason and the exact failure it produces), the check
 * cases whose behaviour we claim, and the cases whose expectations fetch cannot observe.
 */
import { suites } from './cases.ts';

/** A failure as a known gap names it: a message exactly, or a pattern. */
export type ExpectedFailure = string | RegExp;

/** A case httpcache knowingly fails. */
export interface KnownGap {
  /** Why: the RFC sentence or the design choice. */
  readonly reason: string;
  /**
   * The failure it must produce: the failed check's message (`[setup] ` first for a setup
   * check), or `fault: <message>` when the cache itself fails; by door name where doors differ.
   */
  readonly failure: ExpectedFailure | Readonly<Record<string, ExpectedFailure>>;
  /** Where it applies; everywhere the case runs when absent. */
  readonly only?: { readonly shared: boolean };
}

/** The failure `gap` names for `door`. */
export function expectedFailure(gap: KnownGap, door: string): ExpectedFailure {
  const { failure } = gap;
  if (typeof failure === 'string' || failure instanceof RegExp) return failure;
  const forDoor = failure[door];
  if (forDoor === undefined)
    throw new Error(`the known gap "${gap.reason}" names no failure for ${door}`);
  return forDoor;
}

const NOT_CACHED = 'Response 2 does not come from cache';
const NO_206 = '206 responses are not stored (RFC 9111 §3.3 allows, does not require it)';

/**
 * Where httpcache knowingly differs from a case, by id. Each runs and must fail exactly as
 * stated; a different failure fails the test, and so does a pass (the entry must then go).
 */
export const KNOWN_GAPS: ReadonlyMap<string, KnownGap> = new Map<string, KnownGap>([
  // Required, shared only: a deliberate choice (docs/reliability.md): a shared cache never hands
  // one user's Set-Cookie to another, so it strips Set-Cookie from what it stores.
  [
    'headers-store-Set-Cookie',
    {
      reason: 'a shared cache strips Set-Cookie from stored responses',
      failure: 'Response 2 header Set-Cookie is "null", not "a=c"',
      only: { shared: true },
    },
  ],
  // Optimal. RFC 9111 §4.1: a cache MAY normalise header fields named by Vary; these cases want
  // Accept-Language compared as a language list, which httpcache does not do.
  [
    'vary-normalise-lang-order',
    { reason: 'Accept-Language values are compared in order', failure: NOT_CACHED },
  ],
  [
    'vary-normalise-lang-select',
    {
      reason: 'Accept-Language values are not matched by language negotiation',
      failure: NOT_CACHED,
    },
  ],
  // Optimal. RFC 9111 §3.3: a cache MAY store incomplete (206) responses and combine them;
  // httpcache stores complete responses only (and answers ranges from them).
  ['partial-store-partial-reuse-partial', { reason: NO_206, failure: NOT_CACHED }],
  ['partial-store-partial-reuse-partial-byterange', { reason: NO_206, failure: NOT_CACHED }],
  ['partial-store-partial-reuse-partial-absent', { reason: NO_206, failure: NOT_CACHED }],
  ['partial-store-partial-reuse-partial-suffix', { reason: NO_206, failure: NOT_CACHED }],
  [
    'partial-store-partial-complete',
    { reason: NO_206, failure: 'Request 2 header range is "undefined", not "bytes=5-"' },
  ],
  // Check. RFC 9111 §4.3.4: a 304 whose strong validator matches no stored response updates
  // none, so the cache asks again without conditions, and the test origin answers that request
  // with its "304 Not Generated" status 999. createFetch passes 999 on, as fetch does (the case
  // fails its setup); the undici interceptor and the proxy build a WHATWG Response, which cannot
  // have that status, so the request fails there (RFC 9110 §15: a status outside 100..599
  // should be handled as a 5xx).
  [
    '304-etag-update-response-ETag',
    {
      reason: 'a 304 with a new strong ETag updates nothing; the retry gets status 999',
      failure: {
        fetch: '[setup] retry: the origin saw request numbers 1 2 2',
        undici:
          'fault: Request 2 was rejected: TypeError: fetch failed (RangeError: init["status"] must be in the range of 200 to 599, inclusive.)',
        proxy:
          'fault: Request 2 was rejected: Error: the proxy answered 502: Bad Gateway: init["status"] must be in the range of 200 to 599, inclusive.\n',
      },
    },
  ],
]);

/**
 * "check" cases (upstream reports them without grading) whose behaviour is an RFC requirement
 * httpcache claims: they must pass (or be a known gap), where other check cases are only recorded.
 */
export const CLAIMED_CHECKS: ReadonlySet<string> = new Set([
  'ccreq-no-cache',
  'ccreq-max-stale',
  'invalidate-POST-location',
  'head-200-update',
]);

/** Cases with expectations fetch() cannot observe: they run, and everything else is checked. */
export const UNOBSERVED: ReadonlyMap<string, string> = new Map(
  suites
    .flatMap((s) => s.tests)
    .filter((t) => t.requests.some((r) => r.expected_interim_responses !== undefined))
    .map((t) => [t.id, 'interim (1xx) responses are not exposed by fetch()']),
);
