/**
 * What we expect of the conformance cases beyond "passes": the known gaps (where httpcache
 * knowingly differs from a case, with the reason and the exact failure it produces), and the check
 * cases whose behaviour we claim.
 */
/** A failure as a known gap names it: a message exactly, or a pattern. */
export type ExpectedFailure = string | RegExp;

/** A case httpcache knowingly fails. */
export interface KnownGap {
  /** Why, in a few words: the design choice, or how the case and the RFC part. */
  readonly reason: string;
  /** The RFC section (and its sentence, or the gist of it) that justifies the gap. */
  readonly rfc: string;
  /**
   * The failure it must produce: the failed check's message (`[setup] ` first for a setup
   * check), or `fault: <message>` when the cache itself fails; by door name, or by mode
   * (`private`, `shared`), where they differ.
   */
  readonly failure: ExpectedFailure | Readonly<Record<string, ExpectedFailure>>;
  /** Where it applies: in one mode, through some doors; everywhere the case runs when absent. */
  readonly only?: { readonly shared?: boolean; readonly doors?: readonly string[] };
}

/** The failure `gap` names for `door` in the mode `shared`. */
export function expectedFailure(gap: KnownGap, door: string, shared: boolean): ExpectedFailure {
  const { failure } = gap;
  if (typeof failure === 'string' || failure instanceof RegExp) return failure;
  const mode = shared ? 'shared' : 'private';
  const named = failure[door] ?? failure[mode];
  if (named === undefined)
    throw new Error(`the known gap "${gap.reason}" names no failure for ${door} (${mode})`);
  return named;
}

const NOT_CACHED = 'Response 2 does not come from cache';
const REUSED = 'Response 2 comes from cache';

const PARTIAL: KnownGap = {
  reason:
    'the case\'s 206 says "bytes 4-9/10" (six bytes) but carries five; a part whose length disagrees with its Content-Range is not stored',
  rfc: 'RFC 9110 §14.4: Content-Range names the range the content holds; RFC 9111 §3.3 lets a cache store an incomplete response, not one it cannot place',
  failure: NOT_CACHED,
};
const SET_COOKIE: Omit<KnownGap, 'failure'> = {
  reason:
    'a shared cache strips Set-Cookie from what it stores unless storeSetCookie is on (docs/security.md)',
  rfc: 'RFC 9111 §7.3: Set-Cookie "does not inhibit caching"; replaying one client\'s cookie to every other is the risk we refuse by default',
  only: { shared: true },
};
/**
 * The cache asks again without conditions, and this harness's origin answers the unexpected
 * request with status 999, which every door carries through (test/conformance/unknown-status.test.ts).
 */
const RETRY = '[setup] retry: the origin saw request numbers 1 2 2';
const AGE: KnownGap = {
  reason:
    'this version of the case treats an Age that RFC 9111 ignores or truncates as making the response stale',
  rfc: 'RFC 9111 §5.1: a cache "SHOULD use the first member" of a list-based Age, and "SHOULD ignore the field" when it is invalid',
  failure: REUSED,
};
const ERROR_504: KnownGap = {
  reason:
    'the origin drops the connection and the cache answers with its own 504, which this version of the case counts as a reuse',
  rfc: 'RFC 9111 §5.2.2.2: a cache that cannot validate "MUST generate an error response rather than reuse the stale response", status 504 by default',
  failure: REUSED,
};
const SHARED_ONLY_504: KnownGap = {
  ...ERROR_504,
  reason: `${ERROR_504.reason}; a private cache ignores the directive and passes the dropped connection on`,
  rfc: `${ERROR_504.rfc}; §5.2.2.8 and §5.2.2.10: proxy-revalidate and s-maxage apply to shared caches only`,
  failure: {
    // undici's fetch and axios' http adapter say it their own way.
    private:
      /^Request 2 failed: (TypeError: fetch failed \(SocketError: other side closed\)|Error: socket hang up \(Error: socket hang up\))$/,
    shared: REUSED,
  },
};

/**
 * Where httpcache knowingly differs from a case, by id. Each runs and must fail exactly as
 * stated; a different failure fails the test, and so does a pass (the entry must then go).
 * Several differ only from the version of the suite the package holds, where a later version of
 * the suite follows RFC 9111 as httpcache does.
 */
export const KNOWN_GAPS: ReadonlyMap<string, KnownGap> = new Map<string, KnownGap>([
  [
    'headers-store-Set-Cookie',
    { ...SET_COOKIE, failure: 'Response 2 header Set-Cookie is "null", not "a=c"' },
  ],
  [
    '304-etag-update-response-Set-Cookie',
    { ...SET_COOKIE, failure: 'Response 3 header Set-Cookie is "null", not "a=c"' },
  ],
  [
    'vary-normalise-lang-order',
    {
      reason:
        "Accept-Language languages of equal weight are compared in order by default; varyNormalizers 'unordered' ignores it",
      rfc: 'RFC 9110 §12.5.4: "some recipients treat the order in which language tags are listed as an indication of descending priority, particularly for tags that are assigned equal quality values"',
      failure: NOT_CACHED,
    },
  ],
  [
    'vary-normalise-lang-select',
    {
      reason:
        "a stored Content-Language answers other Accept-Language values only with varyNormalizers 'language'",
      rfc: 'RFC 9111 §4.1: a cache "MUST NOT use that stored response without revalidation unless all the presented request header fields nominated by that Vary field value match those fields in the original request"',
      failure: NOT_CACHED,
    },
  ],
  ['partial-store-partial-reuse-partial', PARTIAL],
  ['partial-store-partial-reuse-partial-byterange', PARTIAL],
  ['partial-store-partial-reuse-partial-absent', PARTIAL],
  ['partial-store-partial-reuse-partial-suffix', PARTIAL],
  [
    '304-etag-update-response-ETag',
    {
      reason:
        'a 304 with a new strong ETag updates nothing, so the cache asks again unconditionally',
      rfc: 'RFC 9111 §4.3.4: a strong validator in the 304 selects the stored responses with that validator; here there are none',
      failure: RETRY,
    },
  ],
  [
    'conditional-etag-vary-headers-mismatch',
    {
      reason:
        'a 304 without a validator selects no stored response that has one, so the cache asks again unconditionally',
      rfc: 'RFC 9111 §4.3.4: a 304 without a validator selects the one stored response only when that response has no validator either',
      failure: RETRY,
    },
  ],
  [
    '304-etag-update-response-Content-MD5',
    {
      reason: 'the 304 updates Content-MD5 like any other field',
      rfc: 'RFC 9111 §3.2: the cache "MUST add each header field in the provided response to the stored response", and Content-MD5 is none of the exceptions',
      failure: /^Response 2 header Content-MD5 is "[^"]+", not "[^"]+"$/,
    },
  ],
  [
    'conditional-lm-fresh-no-lm',
    {
      reason:
        'the If-Modified-Since is 3000 s before the stored Date and there is no Last-Modified, so the representation counts as modified and the cache answers 200',
      rfc: 'RFC 9111 §4.3.2: without Last-Modified "a cache SHOULD use the stored response\'s Date field value ... to evaluate the conditional"; RFC 9110 §13.1.3: the condition is false only when the date "is earlier or equal to the date provided in the field value"',
      failure: 'Response 2 status is 200, not 304',
      only: { shared: true },
    },
  ],
  ...[
    'age-parse-nonnumeric',
    'age-parse-negative',
    'age-parse-float',
    'age-parse-prefix-twoline',
    'age-parse-dup-0',
    'age-parse-dup-0-twoline',
    'age-parse-dup-old',
    'age-parse-parameter',
    'age-parse-numeric-parameter',
  ].map((id): [string, KnownGap] => [id, AGE]),
  ['stale-close-must-revalidate', ERROR_504],
  [
    'stale-close-no-cache',
    {
      ...ERROR_504,
      rfc: 'RFC 9111 §5.2.2.4: a no-cache response "MUST NOT be used to satisfy any other request without forwarding it for validation and receiving a successful response"',
    },
  ],
  [
    'cc-resp-immutable-stale',
    {
      reason:
        "axios has no cache modes: the integration's own `cache: 'no-cache'` revalidates with the stored validators and adds no Cache-Control, which the case (written for browsers) expects from fetch",
      rfc: 'RFC 9111 §5.2.2.1: a stale response, immutable or not, is not reused without revalidation; the Fetch standard, not RFC 9111, adds `Cache-Control: max-age=0` to a no-cache request',
      failure: 'Request 2 header cache-control is "undefined", not "max-age=0"',
      only: { shared: false, doors: ['axios'] },
    },
  ],
  ['stale-close-proxy-revalidate', SHARED_ONLY_504],
  ['stale-close-s-maxage=2', SHARED_ONLY_504],
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
