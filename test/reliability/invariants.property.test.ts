/**
 * Property tests of the core's invariants over generated requests, responses, stored variants
 * and clocks. Each property states a guarantee of docs/reliability.md; the oracles are written
 * independently of src/core from the structured data the generators produce.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import { parseCacheStatus } from '../../src/core/cache-status.ts';
import { decide } from '../../src/core/decision.ts';
import { newEntry } from '../../src/core/entry.ts';
import { currentAge, freshnessUnder, isFresh, ttlOf } from '../../src/core/freshness.ts';
import { formatHttpDate } from '../../src/core/http-date.ts';
import { defaultKey, normalizeUrl } from '../../src/core/key.ts';
import { UNDERSTOOD_STATUSES } from '../../src/core/status-codes.ts';
import { storability } from '../../src/core/storable.ts';
import { responseDirectives } from '../../src/core/targeted.ts';
import type {
  CacheMode,
  HeaderPairs,
  PolicyOptions,
  RequestHead,
  StoredResponse,
} from '../../src/core/types.ts';
import { selectVariants } from '../../src/core/vary.ts';
import { cacheStatus, createFetch, MemoryStorage } from '../../src/index.ts';
import { options } from '../core/fixtures.ts';
import { type ManualClock, manualClock } from '../helpers/clock.ts';
import { runs } from './arbitraries.ts';

/** A fixed instant: Wed, 15 Jan 2025 12:00:00 GMT. */
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** Request fields and the values they take; the values hold no quotes, so the oracle is simple. */
const REQUEST_VALUES = {
  'accept-encoding': ['gzip', 'br', 'gzip, br', 'gzip,br', 'GZIP', 'br , gzip'],
  'accept-language': ['en', 'fr', 'en, fr', 'EN'],
  cookie: ['session=alice', 'session=bob'],
  authorization: ['Bearer alice', 'Bearer bob'],
  'x-custom': ['a', 'b', 'A', 'a, b'],
} as const;
type RequestField = keyof typeof REQUEST_VALUES;
type RequestFields = Partial<Record<RequestField, string>>;

const requestFields: fc.Arbitrary<RequestFields> = fc.record(
  {
    'accept-encoding': fc.constantFrom(...REQUEST_VALUES['accept-encoding']),
    'accept-language': fc.constantFrom(...REQUEST_VALUES['accept-language']),
    cookie: fc.constantFrom(...REQUEST_VALUES.cookie),
    authorization: fc.constantFrom(...REQUEST_VALUES.authorization),
    'x-custom': fc.constantFrom(...REQUEST_VALUES['x-custom']),
  },
  { requiredKeys: [] },
);

/** Request Cache-Control members. */
const requestDirectives = fc.subarray([
  'no-store',
  'NO-STORE',
  'no-cache',
  'max-age=0',
  'max-age=30',
  'max-stale',
  'max-stale=10',
  'min-fresh=10',
  'only-if-cached',
]);

interface GeneratedRequest {
  readonly fields: RequestFields;
  readonly cacheControl: readonly string[];
  readonly pragma: boolean;
}

const generatedRequest: fc.Arbitrary<GeneratedRequest> = fc.record({
  fields: requestFields,
  cacheControl: requestDirectives,
  pragma: fc.boolean(),
});

function requestHead(request: GeneratedRequest, url = 'https://example.com/r'): RequestHead {
  const headers = new Headers(request.fields as Record<string, string>);
  if (request.cacheControl.length > 0)
    headers.set('cache-control', request.cacheControl.join(', '));
  if (request.pragma) headers.set('pragma', 'no-cache');
  return { method: 'GET', url, headers };
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** One Cache-Control directive as structured data. */
interface Directive {
  readonly name: string;
  readonly arg?: string;
}

const DIRECTIVE_NAMES = [
  'max-age',
  'MAX-AGE',
  's-maxage',
  'no-store',
  'No-Store',
  'private',
  'PRIVATE',
  'Private',
  'public',
  'must-revalidate',
  'proxy-revalidate',
  'must-understand',
  'no-cache',
  'stale-while-revalidate',
  'stale-if-error',
  'immutable',
  'x-extension',
];
const ARGS = [
  '0',
  '60',
  '3600',
  '-1',
  'abc',
  '99999999999999999999',
  '',
  ',',
  'set-cookie',
  'Set-Cookie',
  'x-user',
  'x-user, set-cookie',
  ' , ',
];

const directive: fc.Arbitrary<Directive> = fc.record(
  { name: fc.constantFrom(...DIRECTIVE_NAMES), arg: fc.constantFrom(...ARGS) },
  { requiredKeys: ['name'] },
);

/** Serialises directives: token arguments bare, others quoted. */
function serialise(list: readonly Directive[]): string {
  return list
    .map((d) => {
      if (d.arg === undefined) return d.name;
      return TOKEN.test(d.arg) ? `${d.name}=${d.arg}` : `${d.name}="${d.arg}"`;
    })
    .join(', ');
}

/** Field names in a qualified argument (RFC 9111 §5.2.2.4, §5.2.2.7), the oracle's reading. */
function fieldsOf(arg: string): string[] {
  return arg
    .split(',')
    .map((s) => s.trim())
    .filter((s) => TOKEN.test(s))
    .map((s) => s.toLowerCase());
}

/** What a list of directives says, read by the oracle. */
interface Meaning {
  readonly noStore: boolean;
  readonly mustUnderstand: boolean;
  readonly privateUnqualified: boolean;
  readonly privateFields: ReadonlySet<string>;
  readonly noCacheFields: ReadonlySet<string>;
  /** RFC 9111 §3.5: the directives that let a shared cache store an Authorization response. */
  readonly allowsAuthorization: boolean;
}

function meaning(list: readonly Directive[]): Meaning {
  const has = (name: string) => list.some((d) => d.name.toLowerCase() === name);
  const privateFields = new Set<string>();
  const noCacheFields = new Set<string>();
  let privateUnqualified = false;
  let noCacheUnqualified = false;
  for (const d of list) {
    const name = d.name.toLowerCase();
    if (name !== 'private' && name !== 'no-cache') continue;
    const fields = d.arg === undefined ? [] : fieldsOf(d.arg);
    if (fields.length === 0) {
      if (name === 'private') privateUnqualified = true;
      else noCacheUnqualified = true;
    }
    for (const f of fields) (name === 'private' ? privateFields : noCacheFields).add(f);
  }
  // An unqualified no-cache makes the whole response revalidate before reuse (RFC 9111
  // §5.2.2.4), which covers every field a qualified one names.
  if (noCacheUnqualified) noCacheFields.clear();
  return {
    noStore: has('no-store'),
    mustUnderstand: has('must-understand'),
    privateUnqualified,
    privateFields,
    noCacheFields,
    allowsAuthorization: has('public') || has('must-revalidate') || has('s-maxage'),
  };
}

/** A CDN-Cache-Control member (RFC 9213): an RFC 8941 Dictionary of lower-case keys. */
const targetedDirective: fc.Arbitrary<Directive> = fc.oneof(
  fc.record({ name: fc.constantFrom('max-age', 's-maxage'), arg: fc.constantFrom('0', '60') }),
  fc.record({
    name: fc.constantFrom('no-store', 'private', 'public', 'must-revalidate', 'no-cache'),
  }),
);

const VARY_NAMES = ['accept-encoding', 'Accept-Language', 'cookie', 'x-custom', 'authorization'];
const varyValue: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.subarray(VARY_NAMES, { minLength: 1 }).map((names) => names.join(', ')),
  fc.constantFrom('*', 'cookie, *', 'x-missing'),
);

/** Dates relative to the response time, in seconds; strings that are not dates too. */
const relativeDate: fc.Arbitrary<number | string> = fc.oneof(
  fc.integer({ min: -400 * 86_400, max: 400 * 86_400 }),
  fc.constantFrom('0', 'garbage', '', 'Sun, 06 Nov 1994 08:49:37 GMT'),
);

interface GeneratedResponse {
  readonly status: number;
  /** One or two Cache-Control field lines. */
  readonly cacheControl: readonly (readonly Directive[])[];
  readonly targeted: readonly Directive[] | undefined;
  readonly vary: string | undefined;
  readonly date: number | string | undefined;
  readonly expires: number | string | undefined;
  readonly lastModified: number | string | undefined;
  readonly age: string | undefined;
  readonly etag: boolean;
  readonly setCookie: boolean;
  readonly connection: boolean;
}

const generatedResponse: fc.Arbitrary<GeneratedResponse> = fc.record({
  status: fc.constantFrom(200, 200, 200, 203, 204, 206, 301, 302, 304, 404, 410, 500, 501, 599),
  cacheControl: fc.array(fc.array(directive, { maxLength: 5 }), { maxLength: 2 }),
  targeted: fc.option(fc.array(targetedDirective, { minLength: 1, maxLength: 3 }), {
    nil: undefined,
  }),
  vary: varyValue,
  date: fc.option(relativeDate, { nil: undefined }),
  expires: fc.option(relativeDate, { nil: undefined }),
  lastModified: fc.option(relativeDate, { nil: undefined }),
  age: fc.option(fc.constantFrom('0', '30', '-1', 'abc', '99999999999', '10, 20'), {
    nil: undefined,
  }),
  etag: fc.boolean(),
  setCookie: fc.boolean(),
  connection: fc.boolean(),
});

function dateField(value: number | string, base: number): string {
  return typeof value === 'number' ? formatHttpDate(base + value * 1000) : value;
}

/** The response's header fields as the engine hands them to the core: `[...response.headers]`. */
function responsePairs(r: GeneratedResponse, responseTime: number): HeaderPairs {
  const h = new Headers();
  for (const line of r.cacheControl)
    if (line.length > 0) h.append('cache-control', serialise(line));
  if (r.targeted !== undefined) h.set('cdn-cache-control', serialise(r.targeted));
  if (r.vary !== undefined) h.set('vary', r.vary);
  if (r.date !== undefined) h.set('date', dateField(r.date, responseTime));
  if (r.expires !== undefined) h.set('expires', dateField(r.expires, responseTime));
  if (r.lastModified !== undefined) h.set('last-modified', dateField(r.lastModified, responseTime));
  if (r.age !== undefined) h.set('age', r.age);
  if (r.etag) h.set('etag', '"v1"');
  if (r.setCookie) h.append('set-cookie', 'session=secret; Path=/');
  if (r.connection) {
    h.set('connection', 'x-hop');
    h.set('x-hop', 'hop-by-hop');
    h.set('keep-alive', 'timeout=5');
  }
  h.set('content-type', 'text/plain');
  return [...h];
}

/** The directives that govern the response for this cache (RFC 9213 §2.1 in a shared cache). */
function governing(r: GeneratedResponse, shared: boolean): Meaning {
  if (shared && r.targeted !== undefined) return meaning(r.targeted);
  return meaning(r.cacheControl.flat());
}

interface Timing {
  /** Seconds from T0 the request was sent. */
  readonly requestAt: number;
  /** Seconds the response took (negative: a clock that went backwards). */
  readonly delay: number;
}

const timing: fc.Arbitrary<Timing> = fc.record({
  requestAt: fc.integer({ min: -86_400, max: 86_400 }),
  delay: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: -5, max: 0 })),
});

function policyFor(shared: boolean, extra: Partial<PolicyOptions> = {}): PolicyOptions {
  return options({ shared, targeted: shared ? ['cdn-cache-control'] : [], ...extra });
}

/** The core's storing decision for one exchange, as the engine makes it. */
function store(
  request: RequestHead,
  response: GeneratedResponse,
  t: Timing,
  policy: PolicyOptions,
  forceStore: boolean,
) {
  const requestTime = T0 + t.requestAt * 1000;
  const responseTime = requestTime + t.delay * 1000;
  const headers = responsePairs(response, responseTime);
  const { cc } = responseDirectives(headers, policy.targeted);
  const requestCc = parseCacheControl(request.headers.get('cache-control'));
  const verdict = storability(
    { request, requestCc, status: response.status, headers, cc, forceStore },
    policy,
  );
  const entry = verdict.storable
    ? newEntry(
        {
          requestHeaders: request.headers,
          status: response.status,
          statusText: '',
          headers,
          cc,
          requestTime,
          responseTime,
        },
        policy,
        { mode: 'default', forceStore },
      )
    : undefined;
  return { entry, verdict, responseTime };
}

// ---------------------------------------------------------------------------------------------
// Storing
// ---------------------------------------------------------------------------------------------

describe('RFC 9111 §3: what is never stored', () => {
  const exchange = fc.record({
    request: generatedRequest,
    response: generatedResponse,
    timing,
    shared: fc.boolean(),
    forceStore: fc.boolean(),
  });

  it('nothing is stored under no-store in the request or the governing response directives, unless forceStore', () => {
    let stored = 0;
    let refused = 0;
    fc.assert(
      fc.property(exchange, ({ request, response, timing: t, shared, forceStore }) => {
        const head = requestHead(request);
        const { entry, verdict } = store(head, response, t, policyFor(shared), forceStore);
        if (!verdict.storable && verdict.reason === 'no-store') refused++;
        if (entry === undefined || forceStore) return;
        stored++;
        const m = governing(response, shared);
        // RFC 9111 §5.2.2.3: must-understand lets a cache that understands the status ignore no-store.
        const responseNoStore =
          m.noStore && !(m.mustUnderstand && UNDERSTOOD_STATUSES.has(response.status));
        expect(responseNoStore, 'response no-store').toBe(false);
        expect(
          request.cacheControl.some((d) => d.toLowerCase() === 'no-store'),
          'request no-store',
        ).toBe(false);
      }),
      { numRuns: runs(1500) },
    );
    // The generators reach both sides of the rule.
    expect(stored).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('a shared cache stores nothing private, nor an Authorization response unless §3.5 allows it', () => {
    const reasons = new Map<string, number>();
    let storedWithAuthorization = 0;
    fc.assert(
      fc.property(exchange, ({ request, response, timing: t, forceStore }) => {
        const head = requestHead(request);
        const { entry, verdict } = store(head, response, t, policyFor(true), forceStore);
        if (!verdict.storable) reasons.set(verdict.reason, (reasons.get(verdict.reason) ?? 0) + 1);
        if (entry === undefined || forceStore) return;
        if (request.fields.authorization !== undefined) storedWithAuthorization++;
        const m = governing(response, true);
        // RFC 9111 §5.2.2.7: an unqualified private response is not stored by a shared cache.
        expect(m.privateUnqualified, 'unqualified private').toBe(false);
        // RFC 9111 §3.5: Authorization only with public, must-revalidate or s-maxage.
        if (request.fields.authorization !== undefined) {
          expect(m.allowsAuthorization, 'Authorization without §3.5 permission').toBe(true);
        }
      }),
      { numRuns: runs(1500) },
    );
    expect(reasons.get('private') ?? 0).toBeGreaterThan(20);
    expect(reasons.get('authorization') ?? 0).toBeGreaterThan(20);
    expect(storedWithAuthorization).toBeGreaterThan(20);
  });

  it('stored header fields: never Set-Cookie or private fields in a shared cache, never no-cache fields or hop-by-hop ones', () => {
    let strippedCookies = 0;
    fc.assert(
      fc.property(
        exchange,
        fc.boolean(),
        ({ request, response, timing: t, forceStore }, shared) => {
          const head = requestHead(request);
          const { entry } = store(head, response, t, policyFor(shared), forceStore);
          if (entry === undefined) return;
          if (shared && response.setCookie) strippedCookies++;
          const names = new Set(entry.headers.map(([name]) => name));
          const m = governing(response, shared);
          for (const hop of ['connection', 'keep-alive', 'x-hop', 'transfer-encoding']) {
            expect(names.has(hop), hop).toBe(false);
          }
          // RFC 9111 §5.2.2.4: qualified no-cache fields are not reused without revalidation.
          for (const f of meaning(response.cacheControl.flat()).noCacheFields) {
            expect(names.has(f), `no-cache="${f}"`).toBe(false);
          }
          if (shared) {
            expect(names.has('set-cookie'), 'set-cookie in a shared cache').toBe(false);
            for (const f of m.privateFields) expect(names.has(f), `private="${f}"`).toBe(false);
          }
          // RFC 9111 §4.1: Vary: * always fails to match, so it is never stored.
          expect(response.vary?.split(',').some((v) => v.trim() === '*') ?? false).toBe(false);
          // Absolute times storage relies on are numbers, and the entry outlives its arrival.
          expect(Number.isFinite(entry.staleAt)).toBe(true);
          expect(entry.deleteAt).toBeGreaterThan(entry.responseTime);
        },
      ),
      { numRuns: runs(1500) },
    );
    expect(strippedCookies).toBeGreaterThan(50);
  });
});

// ---------------------------------------------------------------------------------------------
// Ages and freshness over time
// ---------------------------------------------------------------------------------------------

/** A stored response with any header values and any (even inconsistent) times. */
const storedResponse: fc.Arbitrary<StoredResponse> = fc
  .record({ response: generatedResponse, timing, status: fc.constantFrom(200, 203, 301, 404) })
  .map(({ response, timing: t, status }) => {
    const requestTime = T0 + t.requestAt * 1000;
    const responseTime = requestTime + t.delay * 1000;
    return {
      status,
      statusText: '',
      headers: responsePairs(response, responseTime),
      requestTime,
      responseTime,
      vary: {},
    };
  });

/** Instants around T0, to the millisecond. */
const instant = fc.integer({ min: T0 - 3 * 86_400_000, max: T0 + 3 * 86_400_000 });

describe('RFC 9111 §4.2.3: ages', () => {
  it('the current age is never negative, nor NaN, whatever the Date, Age and clocks say', () => {
    fc.assert(
      fc.property(storedResponse, instant, fc.boolean(), (stored, now, shared) => {
        const age = currentAge(stored, now);
        expect(Number.isFinite(age)).toBe(true);
        expect(age).toBeGreaterThanOrEqual(0);
        const f = freshnessUnder(stored, now, policyFor(shared));
        expect(f.age).toBeGreaterThanOrEqual(0);
        expect(Number.isNaN(f.lifetime)).toBe(false);
        expect(f.lifetime).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: runs(1500) },
    );
  });
});

describe('RFC 9111 §4.2: a response never becomes fresher as time passes', () => {
  it('remaining freshness is non-increasing in now, and fresh later means fresh earlier', () => {
    fc.assert(
      fc.property(
        storedResponse,
        instant,
        fc.integer({ min: 0, max: 2 * 86_400_000 }),
        fc.boolean(),
        (stored, t1, dt, shared) => {
          const policy = policyFor(shared);
          const early = freshnessUnder(stored, t1, policy);
          const late = freshnessUnder(stored, t1 + dt, policy);
          expect(ttlOf(late)).toBeLessThanOrEqual(ttlOf(early));
          expect(late.age).toBeGreaterThanOrEqual(early.age);
          if (isFresh(late)) expect(isFresh(early)).toBe(true);
        },
      ),
      { numRuns: runs(1500) },
    );
  });

  it('a decision to serve without the origin at a later time is taken at every earlier time', () => {
    let servedLate = 0;
    const mode = fc.constantFrom<CacheMode>('default', 'no-cache', 'force-cache');
    fc.assert(
      fc.property(
        storedResponse,
        generatedRequest,
        mode,
        instant,
        fc.integer({ min: 0, max: 2 * 86_400_000 }),
        fc.boolean(),
        (stored, request, m, t1, dt, shared) => {
          const head = requestHead(request);
          const input = {
            request: head,
            requestCc: parseCacheControl(head.headers.get('cache-control')),
            variants: [stored],
            controls: { mode: m },
            options: policyFor(shared),
          };
          const early = decide({ ...input, now: t1 });
          const late = decide({ ...input, now: t1 + dt });
          if (late.type === 'fresh') servedLate++;
          if (late.type === 'fresh' || late.type === 'not-modified') {
            expect(early.type).toBe(late.type);
          }
          if (early.type === 'forward' && early.fwd === 'stale') {
            expect(late.type).not.toBe('fresh');
          }
        },
      ),
      { numRuns: runs(1500) },
    );
    expect(servedLate).toBeGreaterThan(50);
  });

  it('an entry is fresh exactly until its staleAt', () => {
    fc.assert(
      fc.property(
        generatedRequest,
        generatedResponse,
        timing,
        fc.integer({ min: 0, max: 2 * 86_400_000 }),
        fc.boolean(),
        (request, response, t, after, shared) => {
          const policy = policyFor(shared);
          const { entry, responseTime } = store(requestHead(request), response, t, policy, true);
          if (entry === undefined) return;
          const now = responseTime + after;
          // One millisecond either side of staleAt absorbs floating-point rounding.
          if (Math.abs(now - entry.staleAt) <= 1) return;
          expect(isFresh(freshnessUnder(entry, now, policy))).toBe(now < entry.staleAt);
        },
      ),
      { numRuns: runs(1500) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Variants and URLs
// ---------------------------------------------------------------------------------------------

/** RFC 9111 §4.1 normalisation, the oracle's: list members trimmed, accept-* case-folded. */
function normalised(name: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const joined = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(',');
  return name.startsWith('accept') ? joined.toLowerCase() : joined;
}

function varyNames(vary: string | null | undefined): string[] {
  if (vary === null || vary === undefined) return [];
  return vary
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/** Whether a response stored for request fields `stored` may answer request fields `now`. */
function sameVariant(vary: string | null | undefined, stored: RequestFields, now: RequestFields) {
  return varyNames(vary).every(
    (name) =>
      name !== '*' &&
      normalised(name, stored[name as RequestField]) ===
        normalised(name, now[name as RequestField]),
  );
}

describe('RFC 9111 §4.1: a decision never serves another variant', () => {
  it('whatever is stored under a key, only a response whose Vary fields match is selected or served', () => {
    let servedVaried = 0;
    const exchanges = fc.array(
      fc.record({ request: generatedRequest, response: generatedResponse, timing }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        exchanges,
        generatedRequest,
        fc.constantFrom<CacheMode>('default', 'force-cache', 'only-if-cached', 'no-cache'),
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        fc.boolean(),
        (list, incoming, m, offset, shared) => {
          const policy = policyFor(shared);
          const origins = new Map<StoredResponse, RequestFields>();
          const vary = new Map<StoredResponse, string | undefined>();
          for (const { request, response, timing: t } of list) {
            const { entry } = store(requestHead(request), response, t, policy, true);
            if (entry === undefined) continue;
            origins.set(entry, request.fields);
            vary.set(entry, response.vary);
          }
          const variants = [...origins.keys()];
          const head = requestHead(incoming);
          for (const selected of selectVariants(variants, head.headers)) {
            expect(
              sameVariant(vary.get(selected), origins.get(selected) ?? {}, incoming.fields),
            ).toBe(true);
          }
          const decision = decide({
            request: head,
            requestCc: parseCacheControl(head.headers.get('cache-control')),
            variants,
            controls: { mode: m },
            options: policy,
            now: T0 + offset,
          });
          if (decision.type === 'gateway-timeout' || decision.entry === undefined) return;
          const served = decision.entry;
          if (Object.keys(served.vary).length > 0) servedVaried++;
          expect(sameVariant(vary.get(served), origins.get(served) ?? {}, incoming.fields)).toBe(
            true,
          );
        },
      ),
      { numRuns: runs(1500) },
    );
    expect(servedVaried).toBeGreaterThan(50);
  });
});

/** Spellings of a few URLs: some name the same resource, some do not. */
const URL_SPELLINGS = [
  'http://o.test/p0',
  'http://O.TEST/p0',
  'http://o.test:80/p0',
  'http://o.test/p0#fragment',
  'http://o.test/./p0',
  'http://o.test/p0?',
  'http://o.test/p0?a=1',
  'http://o.test/P0',
  'http://o.test/p1',
  'http://o.test:8080/p0',
  'https://o.test/p0',
  'http://p.test/p0',
  'http://o.test/p%30',
];

/** The oracle's idea of the resource a URL names: WHATWG parsing, fragment dropped. */
function resource(url: string): string {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}

describe('RFC 9111 §2: a key never mixes URLs', () => {
  it('two URLs share a default key exactly when they name the same resource', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...URL_SPELLINGS),
        fc.constantFrom(...URL_SPELLINGS),
        fc.constantFrom('GET', 'HEAD', 'POST'),
        (a, b, method) => {
          const same = defaultKey(method, normalizeUrl(a)) === defaultKey(method, normalizeUrl(b));
          expect(same).toBe(resource(a) === resource(b));
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: createFetch over a real origin that signs every body with its URL and variant
// ---------------------------------------------------------------------------------------------

/** How the origin answers one path. */
interface Behaviour {
  readonly status: number;
  readonly cacheControl: string;
  readonly vary: string | undefined;
  readonly etag: boolean;
  readonly lastModified: boolean;
}

const behaviour: fc.Arbitrary<Behaviour> = fc.record({
  status: fc.constantFrom(200, 200, 200, 200, 404, 410, 500),
  cacheControl: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'max-age=60',
        'public, max-age=600',
        'max-age=5, stale-while-revalidate=30',
        'max-age=600, must-revalidate',
        's-maxage=60, private="set-cookie"',
        'no-cache',
        '',
      ),
    },
    { weight: 1, arbitrary: fc.array(directive, { maxLength: 4 }).map(serialise) },
  ),
  vary: varyValue,
  etag: fc.boolean(),
  lastModified: fc.boolean(),
});

interface Step {
  /** Which of the end-to-end URL spellings (see {@link spellingsOver}) it requests. */
  readonly spelling: number;
  readonly fields: RequestFields;
  readonly mode: CacheMode | undefined;
  readonly method: 'GET' | 'HEAD';
  /** Seconds the clock moves before the request. */
  readonly advance: number;
  /** The origin changes the resource (new version) before the request. */
  readonly change: boolean;
}

/**
 * Spellings of a few URLs on two real origins `a` and `b` (`http://127.0.0.1:<port>`): some
 * name the same resource, some do not. Index 0 is /p0 on `a`, 8 is /p1 on `a`.
 */
function spellingsOver(a: string, b: string): readonly string[] {
  const port = new URL(a).port;
  return [
    `${a}/p0`,
    `http://127.1:${port}/p0`,
    `HTTP://127.0.0.1:${port}/p0`,
    `${a}/p0#fragment`,
    `${a}/./p0`,
    `${a}/p0?`,
    `${a}/p0?a=1`,
    `${a}/P0`,
    `${a}/p1`,
    `${b}/p0`,
    `${a}/p%30`,
  ];
}
const SPELLINGS = 11;

/** The request fields a step sends: often none or one, so that variants repeat. */
const stepFields: fc.Arbitrary<RequestFields> = fc.oneof(
  fc.constant({}),
  fc.constantFrom<RequestFields>(
    { 'accept-encoding': 'gzip' },
    { 'accept-encoding': 'GZIP' },
    { 'accept-encoding': 'br' },
    { cookie: 'session=alice' },
    { cookie: 'session=bob' },
    { 'x-custom': 'a' },
  ),
  requestFields,
);

const step: fc.Arbitrary<Step> = fc.record({
  spelling: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, 8) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: SPELLINGS - 1 }) },
  ),
  fields: stepFields,
  mode: fc.constantFrom<CacheMode | undefined>(
    undefined,
    undefined,
    undefined,
    'no-cache',
    'force-cache',
    'only-if-cached',
    'reload',
    'no-store',
  ),
  method: fc.constantFrom<'GET' | 'HEAD'>('GET', 'GET', 'GET', 'HEAD'),
  advance: fc.constantFrom(0, 0, 0, 1, 4, 10, 59, 61, 3600),
  change: fc.constantFrom(false, false, false, true),
});

/** What the origin writes in every body: the URL and the request fields it answered. */
interface Signature {
  readonly url: string;
  readonly vary: readonly string[];
  readonly seen: Readonly<Record<string, string | null>>;
}

/** What the origin answers from: the scenario of the run under way. */
interface Scenario {
  readonly behaviours: readonly Behaviour[];
  /** The version of each resource, bumped when a step changes it. */
  readonly versions: Map<string, number>;
  readonly clock: ManualClock;
}

let scenario: Scenario | undefined;

function fieldOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

/** The origin: answers from the scenario, signing each body with the resource and variant. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const current = scenario;
  if (current === undefined) {
    res.writeHead(503).end('no scenario');
    return;
  }
  const { behaviours, versions, clock } = current;
  const url = `http://${req.headers.host}${req.url}`;
  const b = behaviours[new URL(url).pathname === '/p1' ? 1 : 0] ?? behaviours[0]!;
  const names = varyNames(b.vary).filter((n) => n !== '*');
  const seen = Object.fromEntries(names.map((n) => [n, fieldOf(req, n)]));
  const version = versions.get(url) ?? 0;
  const variantTag = Buffer.from(
    JSON.stringify([url, version, names.map((n) => normalised(n, seen[n]))]),
  ).toString('base64url');
  const etag = `"${variantTag}"`;
  const headers: Record<string, string> = {
    date: formatHttpDate(clock()),
    'content-type': 'application/json',
  };
  if (b.cacheControl !== '') headers['cache-control'] = b.cacheControl;
  if (b.vary !== undefined) headers.vary = b.vary;
  if (b.etag) headers.etag = etag;
  if (b.lastModified) headers['last-modified'] = formatHttpDate(T0 - 86_400_000);
  if (
    b.etag &&
    fieldOf(req, 'if-none-match')
      ?.split(',')
      .some((t) => t.trim() === etag)
  ) {
    res.writeHead(304, headers).end();
    return;
  }
  const signature: Signature = { url, vary: names, seen };
  res
    .writeHead(b.status, headers)
    .end(req.method === 'HEAD' ? undefined : JSON.stringify(signature));
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('end to end: createFetch never answers with another URL’s or another variant’s body', () => {
  // Two real origins on 127.0.0.1 (two ports: two origins), one handler.
  const servers = [createServer(answer), createServer(answer)];
  let spellings: readonly string[] = [];
  /** What the origin sees of a field the caller did not send: fetch adds some of its own. */
  let defaults: Readonly<Record<string, string | null>> = {};

  beforeAll(async () => {
    const [a, b] = await Promise.all(servers.map(listen));
    spellings = spellingsOver(a!, b!);
    // Learn what fetch sends on its own: a scenario whose response varies on every field.
    const clock = manualClock(T0);
    const probe = { status: 200, cacheControl: '', etag: false, lastModified: false };
    scenario = {
      behaviours: [{ ...probe, vary: Object.keys(REQUEST_VALUES).join(', ') }],
      versions: new Map(),
      clock,
    };
    const response = await fetch(`${a}/probe`);
    defaults = ((await response.json()) as Signature).seen;
    scenario = undefined;
  });

  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  });

  it('holds over generated request sequences, modes and clocks', async () => {
    let hits = 0;
    let variedHits = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(behaviour, { minLength: 2, maxLength: 2 }),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (behaviours, steps, shared) => {
          const clock = manualClock(T0);
          const versions = new Map<string, number>();
          scenario = { behaviours, versions, clock };
          const cachedFetch = createFetch({ clock, shared, storage: new MemoryStorage({ clock }) });
          try {
            for (const s of steps) {
              const url = spellings[s.spelling]!;
              clock.advance(s.advance);
              if (s.change) versions.set(resource(url), (versions.get(resource(url)) ?? 0) + 1);
              const init: RequestInit = {
                method: s.method,
                headers: s.fields as Record<string, string>,
                ...(s.mode === undefined ? {} : { cache: s.mode }),
              };
              const response = await cachedFetch(url, init);
              const text = await response.text();
              // Background stores and revalidations finish before the next step.
              await cachedFetch.idle();
              // The cache answers 304 only to a conditional request; these are not.
              expect(response.status).not.toBe(304);
              const age = response.headers.get('age');
              if (age !== null) expect(age).toMatch(/^\d+$/);
              expect(parseCacheStatus(response.headers.get('cache-status')).at(-1)?.cache).toBe(
                'httpcache',
              );
              if (response.status === 504 || s.method === 'HEAD') continue;
              const signature = JSON.parse(text) as Signature;
              if (cacheStatus(response)?.fromCache === true) {
                hits++;
                if (signature.vary.length > 0) variedHits++;
              }
              expect(signature.url, 'URL').toBe(resource(url));
              for (const name of signature.vary) {
                const sent = s.fields[name as RequestField];
                expect(
                  normalised(name, signature.seen[name]),
                  `Vary: ${name} (${response.headers.get('cache-status')})`,
                ).toBe(normalised(name, sent ?? defaults[name]));
              }
            }
          } finally {
            await cachedFetch.close();
            scenario = undefined;
          }
        },
      ),
      { numRuns: runs(150) },
    );
    expect(hits).toBeGreaterThan(50);
    expect(variedHits).toBeGreaterThan(10);
  });
});
