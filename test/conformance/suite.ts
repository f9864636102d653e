/**
 * The conformance cases, loaded at test time from the `http-cache-tests` devDependency (the
 * suite behind cache-tests.fyi): nothing of it is kept in this repository. The types below are our
 * description of the fields its cases use; loading fails, naming the field, when a case uses one
 * the harness does not know, so a new version of the suite cannot be half-run in silence.
 */
import upstream from 'http-cache-tests/tests/index.mjs';

/** A header; a number value is a date offset in seconds from the origin's "now" (Date, Expires, Last-Modified, If-Modified-Since, If-Unmodified-Since). The optional third member `false` means "do not check this header on the client". */
export type HeaderSpec =
  | readonly [name: string, value: string | number]
  | readonly [name: string, value: string | number, check: boolean];

/** An expected response header: presence (name), exact value, or a comparison (`['Age', '>', 2]`, `['A', '=', 'B']`). */
export type ExpectedHeader =
  | string
  | readonly [name: string, value: string | number]
  | readonly [name: string, op: '>' | '=', operand: string | number];

/** What the client should see: a stored response, a new one, or a validated one. */
export type ExpectedType = 'cached' | 'not_cached' | 'etag_validated' | 'lm_validated';

/** The checks of a request whose failure means "the case could not be set up". */
export type SetupTest =
  | 'expected_type'
  | 'expected_status'
  | 'expected_response_headers'
  | 'expected_response_text'
  | 'expected_request_headers';

/** One request of a case: what the client sends, what the origin answers, what is expected. */
export interface RequestCase {
  readonly request_method?: string;
  readonly request_headers?: readonly HeaderSpec[];
  readonly request_body?: string;
  readonly query_arg?: string;
  readonly filename?: string;
  readonly mode?: string;
  readonly credentials?: string;
  readonly cache?: RequestCache;
  readonly redirect?: RequestRedirect;
  readonly pause_after?: boolean;
  readonly disconnect?: boolean;
  readonly magic_locations?: boolean;
  readonly magic_ims?: boolean;
  readonly rfc850date?: readonly string[];
  readonly response_status?: readonly [status: number, phrase: string];
  readonly response_headers?: readonly HeaderSpec[];
  readonly response_body?: string | null;
  readonly check_body?: boolean;
  readonly expected_type?: ExpectedType;
  readonly expected_method?: string;
  readonly expected_status?: number | null;
  readonly expected_request_headers?: readonly (string | readonly [string, string])[];
  readonly expected_request_headers_missing?: readonly (string | readonly [string, string])[];
  readonly expected_response_headers?: readonly ExpectedHeader[];
  readonly expected_response_headers_missing?: readonly (string | readonly [string, string])[];
  readonly expected_response_text?: string | null;
  readonly setup?: boolean;
  readonly setup_tests?: readonly SetupTest[];
}

/** One case of the suite. */
export interface ConformanceCase {
  /** The suite's id of the case: known gaps and claimed checks name cases by it. */
  readonly id: string;
  readonly name: string;
  /** Absent means 'required'. */
  readonly kind?: 'required' | 'optimal' | 'check';
  /** Only for private (browser) caches. */
  readonly browser_only?: boolean;
  /** Not for private (browser) caches. */
  readonly browser_skip?: boolean;
  /** Only for CDNs / shared caches (never run on browsers). */
  readonly cdn_only?: boolean;
  readonly depends_on?: readonly string[];
  readonly requests: readonly RequestCase[];
}

/** A group of cases. */
export interface ConformanceSuite {
  readonly id: string;
  readonly name: string;
  readonly tests: readonly ConformanceCase[];
}

/** The request fields the harness acts on or checks; `mode` and `credentials` only matter in browsers. */
const REQUEST_FIELDS = new Set<string>([
  'request_method',
  'request_headers',
  'request_body',
  'query_arg',
  'filename',
  'mode',
  'credentials',
  'cache',
  'redirect',
  'pause_after',
  'disconnect',
  'magic_locations',
  'magic_ims',
  'rfc850date',
  'response_status',
  'response_headers',
  'response_body',
  'check_body',
  'expected_type',
  'expected_method',
  'expected_status',
  'expected_request_headers',
  'expected_request_headers_missing',
  'expected_response_headers',
  'expected_response_headers_missing',
  'expected_response_text',
  'setup',
  'setup_tests',
]);
/** The case fields the harness reads, and those that only document the case. */
const CASE_FIELDS = new Set<string>([
  'id',
  'name',
  'kind',
  'browser_only',
  'browser_skip',
  'cdn_only',
  'depends_on',
  'requests',
  'spec_anchors',
]);

function fail(where: string, what: string): never {
  throw new Error(`http-cache-tests: ${where} ${what}; the conformance harness must learn it`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkCase(value: unknown, suite: string): ConformanceCase {
  if (!isRecord(value) || typeof value.id !== 'string' || !Array.isArray(value.requests))
    fail(`a case of ${suite}`, 'has no id or requests');
  const id = value.id;
  for (const field of Object.keys(value))
    if (!CASE_FIELDS.has(field)) fail(`case ${id}`, `has the unknown field ${field}`);
  for (const request of value.requests) {
    if (!isRecord(request)) fail(`case ${id}`, 'has a request that is not an object');
    for (const field of Object.keys(request))
      if (!REQUEST_FIELDS.has(field))
        fail(`case ${id}`, `has a request with the unknown field ${field}`);
  }
  return value as unknown as ConformanceCase;
}

function checkSuites(value: unknown): readonly ConformanceSuite[] {
  if (!Array.isArray(value)) fail('the default export of tests/index.mjs', 'is not a list');
  return value.map((suite: unknown): ConformanceSuite => {
    if (!isRecord(suite) || typeof suite.id !== 'string' || !Array.isArray(suite.tests))
      fail('a group', 'has no id or tests');
    const id = suite.id;
    return {
      id,
      name: typeof suite.name === 'string' ? suite.name : id,
      tests: suite.tests.map((test: unknown) => checkCase(test, id)),
    };
  });
}

/** The suite's groups of cases, in its order. */
export const suites: readonly ConformanceSuite[] = checkSuites(upstream);
