import { describe, expect, it } from 'vitest';
import { requestCacheControl } from '../../src/core/decision.ts';
import type { NewEntry } from '../../src/core/entry.ts';
import { freshnessUnder } from '../../src/core/freshness.ts';
import { getHeader } from '../../src/core/headers.ts';
import {
  decideResponse,
  type ResponseDecision,
  type ResponseDecisionInput,
} from '../../src/core/response-decision.ts';
import type { PolicyOptions } from '../../src/core/types.ts';
import { httpDate, NOW, options, pairs, request, S, stored } from './fixtures.ts';

type Tagged = NewEntry & { readonly id: string };

/** A stored entry received 10 s ago with `Cache-Control: cc` and `headers`. */
function entry(
  id: string,
  cc: string,
  headers: Record<string, string> = {},
  vary: Record<string, string | null> = {},
  status = 200,
): Tagged {
  const base = stored({
    status,
    headers: { date: httpDate(-10), 'cache-control': cc, ...headers },
    requestAt: -10,
    responseAt: -10,
    vary,
  });
  return { ...base, id, variant: JSON.stringify(vary), staleAt: NOW, deleteAt: NOW + 86_400 * S };
}

interface Case {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly variants?: readonly Tagged[];
  /** The stored response revalidated, by index in `variants`. */
  readonly revalidated?: number;
  readonly conditional?: boolean;
  readonly store?: boolean;
  /** The origin's answer: status and fields, or `error`. */
  readonly origin: { status: number; headers?: Record<string, string> } | 'error';
  readonly options?: Partial<PolicyOptions>;
}

function run(c: Case): ResponseDecision<Tagged> {
  const head = request(c.headers ?? {}, c.method ?? 'GET');
  const variants = c.variants ?? [];
  const entry = c.revalidated === undefined ? undefined : variants[c.revalidated];
  const policy = options(c.options);
  const input: ResponseDecisionInput<Tagged> = {
    request: head,
    requestCc: requestCacheControl(head),
    controls: { mode: 'default' },
    forward: {
      variants,
      entry,
      freshness: entry === undefined ? undefined : freshnessUnder(entry, NOW, policy),
      conditional: c.conditional ?? entry !== undefined,
      store: c.store ?? true,
    },
    origin:
      c.origin === 'error'
        ? { type: 'error' }
        : {
            type: 'response',
            head: {
              status: c.origin.status,
              statusText: '',
              headers: pairs({ date: httpDate(0), ...c.origin.headers }),
              redirected: false,
            },
            requestTime: NOW,
            responseTime: NOW,
          },
    options: policy,
    query: false,
    maxBodySize: 1 << 20,
    now: NOW,
  };
  return decideResponse(input);
}

/** The decision with entries named by id, so tables stay short. */
function summary(d: ResponseDecision<Tagged>): unknown {
  switch (d.type) {
    case 'pass':
      return {
        type: d.type,
        stored: d.storing !== undefined,
        freshen: d.freshen.map((f) => f.target.id),
        dropStored: d.dropStored,
        invalidate: d.invalidate,
      };
    case 'freshen':
      return { type: d.type, freshen: d.freshen.map((f) => f.target.id), serve: d.serve.id };
    case 'serve-stale':
      return { type: d.type, entry: d.entry.id, otherwise: summary(d.otherwise) };
    case 'retry':
    case 'gateway-timeout':
    case 'fail':
      return { type: d.type };
    default:
      return d satisfies never;
  }
}

const pass = (stored: boolean, extra: Record<string, unknown> = {}) => ({
  type: 'pass',
  stored,
  freshen: [],
  dropStored: false,
  invalidate: [],
  ...extra,
});

describe('RFC 9111 §3 and §4.4: passing the origin’s response on', () => {
  it.each<[string, Case, unknown]>([
    [
      'a storable 200 is stored',
      { origin: { status: 200, headers: { 'cache-control': 'max-age=60' } } },
      pass(true),
    ],
    [
      'no-store: not stored',
      { origin: { status: 200, headers: { 'cache-control': 'no-store' } } },
      pass(false),
    ],
    [
      'a range request’s response is not stored',
      { store: false, origin: { status: 200, headers: { 'cache-control': 'max-age=60' } } },
      pass(false),
    ],
    [
      'a HEAD response is never stored',
      { method: 'HEAD', origin: { status: 200, headers: { 'cache-control': 'max-age=60' } } },
      pass(false),
    ],
    [
      // §4.4: "A cache MUST invalidate the target URI" for a non-error answer to an unsafe method.
      'a POST invalidates its target URI',
      { method: 'POST', origin: { status: 201, headers: {} } },
      pass(false, { invalidate: ['https://example.com/r'] }),
    ],
    [
      'a POST answered with an error invalidates nothing',
      { method: 'POST', origin: { status: 400, headers: {} } },
      pass(false),
    ],
    [
      // RFC 9110 §9.3.3: a POST response naming its URL in Content-Location answers later GETs.
      'a fresh POST response naming its URL is stored as the GET response',
      {
        method: 'POST',
        origin: {
          status: 200,
          headers: { 'cache-control': 'max-age=60', 'content-location': 'https://example.com/r' },
        },
      },
      pass(true, { invalidate: ['https://example.com/r'] }),
    ],
  ])('%s', (_name, c, expected) => expect(summary(run(c))).toEqual(expected));

  it('a POST response answering GETs is stored under GET', () => {
    const d = run({
      method: 'POST',
      origin: {
        status: 200,
        headers: { 'cache-control': 'max-age=60', 'content-location': '/r' },
      },
    });
    expect(d.type === 'pass' && d.storing?.method).toBe('GET');
  });

  it('waiting requests get the stored fields: no Set-Cookie in a shared cache, no added Date', () => {
    const head = request();
    const d = decideResponse<Tagged>({
      request: head,
      requestCc: requestCacheControl(head),
      controls: { mode: 'default' },
      forward: {
        variants: [],
        entry: undefined,
        freshness: undefined,
        conditional: false,
        store: true,
      },
      origin: {
        type: 'response',
        head: {
          status: 200,
          statusText: 'OK',
          headers: pairs({ 'cache-control': 'max-age=60', 'set-cookie': 'sid=alice' }),
          redirected: false,
        },
        requestTime: NOW,
        responseTime: NOW,
      },
      options: options({ shared: true }),
      query: false,
      maxBodySize: 1 << 20,
      now: NOW,
    });
    expect(d.type).toBe('pass');
    if (d.type !== 'pass') return;
    expect(d.storing?.waitingHeaders).toEqual([['cache-control', 'max-age=60']]);
    expect(getHeader(d.storing?.entry.headers ?? [], 'date')).not.toBeNull();
  });
});

describe('RFC 9111 §4.3.3 and §4.3.4: a 304 to the cache’s conditional request', () => {
  const a = entry('a', 'max-age=5', { etag: '"a"' });
  const b = entry('b', 'max-age=5', { etag: '"b"' });
  const en = entry('en', 'max-age=5', { etag: '"en"' }, { 'accept-language': 'en' });
  it.each<[string, Case, unknown]>([
    [
      'a strong validator selects the stored response',
      { variants: [a, b], revalidated: 0, origin: { status: 304, headers: { etag: '"a"' } } },
      { type: 'freshen', freshen: ['a'], serve: 'a' },
    ],
    [
      'a 304 without validators selects the revalidated response',
      { variants: [a, b], revalidated: 1, origin: { status: 304 } },
      { type: 'freshen', freshen: ['b'], serve: 'b' },
    ],
    [
      'a 304 selecting nothing: ask again, unconditionally',
      { variants: [a], revalidated: 0, origin: { status: 304, headers: { etag: '"z"' } } },
      { type: 'retry' },
    ],
    [
      // §4.1: a variant the request does not select is served once, not rewritten.
      'a 304 selecting a variant this request does not select serves it without rewriting it',
      {
        variants: [en],
        headers: { 'accept-language': 'fr' },
        conditional: true,
        origin: { status: 304, headers: { etag: '"en"' } },
      },
      { type: 'freshen', freshen: [], serve: 'en' },
    ],
    [
      // §3.5: a shared cache stores a response to a request with Authorization only when public,
      // must-revalidate or s-maxage allow it; the same holds for a 304's fields.
      'shared cache, Authorization, a 304 without public: served, not written',
      {
        variants: [a],
        revalidated: 0,
        headers: { authorization: 'Bearer alice' },
        options: { shared: true },
        origin: { status: 304, headers: { etag: '"a"', 'cache-control': 'max-age=60' } },
      },
      { type: 'freshen', freshen: [], serve: 'a' },
    ],
    [
      'shared cache, Authorization, a public 304: written',
      {
        variants: [a],
        revalidated: 0,
        headers: { authorization: 'Bearer alice' },
        options: { shared: true },
        origin: { status: 304, headers: { etag: '"a"', 'cache-control': 'public, max-age=60' } },
      },
      { type: 'freshen', freshen: ['a'], serve: 'a' },
    ],
    [
      // §4.3.3: a full response means the representation changed: it replaces, never freshens.
      'a 200 replaces the stored response',
      {
        variants: [a],
        revalidated: 0,
        origin: { status: 200, headers: { etag: '"a"', 'cache-control': 'max-age=60' } },
      },
      pass(true),
    ],
  ])('%s', (_name, c, expected) => expect(summary(run(c))).toEqual(expected));

  it('the served response carries the 304’s fields', () => {
    const d = run({
      variants: [a],
      revalidated: 0,
      origin: { status: 304, headers: { etag: '"a"', 'x-new': '1' } },
    });
    expect(d.type === 'freshen' && getHeader(d.serve.headers, 'x-new')).toBe('1');
  });
});

describe('RFC 9111 §4.3.5: freshening with a HEAD response', () => {
  const plain = entry('g', 'max-age=5', { 'content-length': '5' });
  const en = entry('en', 'max-age=5', { 'content-length': '2' }, { 'accept-language': 'en' });
  const tagged = entry('t', 'max-age=5', { etag: '"t"', 'content-length': '5' });
  it.each<[string, Case, unknown]>([
    [
      'the same length: the single stored response is freshened',
      {
        method: 'HEAD',
        variants: [plain],
        origin: { status: 200, headers: { 'content-length': '5' } },
      },
      pass(false, { freshen: ['g'] }),
    ],
    [
      // "If the Content-Length, ETag, or Last-Modified ... differ, the cache SHOULD mark the
      // stored response as stale".
      'another length: not freshened, the stored response dropped',
      {
        method: 'HEAD',
        variants: [plain],
        origin: { status: 200, headers: { 'content-length': '9' } },
      },
      pass(false, { dropStored: true }),
    ],
    [
      'another Last-Modified on a response selected by ETag: dropped',
      {
        method: 'HEAD',
        variants: [entry('t', 'max-age=5', { etag: '"t"', 'last-modified': httpDate(-100) })],
        origin: { status: 200, headers: { etag: '"t"', 'last-modified': httpDate(-50) } },
      },
      pass(false, { dropStored: true }),
    ],
    [
      'a 200 to the cache’s conditional HEAD with the same validator and length: freshened',
      {
        method: 'HEAD',
        variants: [tagged],
        revalidated: 0,
        origin: { status: 200, headers: { etag: '"t"', 'content-length': '5' } },
      },
      pass(false, { freshen: ['t'] }),
    ],
    [
      'a 200 to the cache’s conditional HEAD with another validator: dropped',
      {
        method: 'HEAD',
        variants: [tagged],
        revalidated: 0,
        origin: { status: 200, headers: { etag: '"u"', 'content-length': '5' } },
      },
      pass(false, { dropStored: true }),
    ],
    [
      'a stored 404: dropped',
      {
        method: 'HEAD',
        variants: [entry('nf', 'max-age=5', {}, {}, 404)],
        origin: { status: 200, headers: {} },
      },
      pass(false, { dropStored: true }),
    ],
    [
      'an ETag received where the stored response has none: dropped',
      { method: 'HEAD', variants: [plain], origin: { status: 200, headers: { etag: '"n"' } } },
      pass(false, { dropStored: true }),
    ],
    [
      // §4.1: a HEAD for `fr` leaves the stored `en` variant alone.
      'a variant the request does not select is not rewritten',
      {
        method: 'HEAD',
        headers: { 'accept-language': 'fr' },
        variants: [en],
        origin: { status: 200, headers: { 'content-length': '2' } },
      },
      pass(false),
    ],
  ])('%s', (_name, c, expected) => expect(summary(run(c))).toEqual(expected));
});

describe('RFC 9111 §4.2.4, §5.2.2.2 and RFC 5861 §4: when the origin fails', () => {
  const errorOk = entry('e', 'max-age=5, stale-if-error=60');
  const strict = entry('m', 'max-age=5, must-revalidate');
  const plain = entry('p', 'max-age=5');
  it.each<[string, Case, unknown]>([
    [
      'stale-if-error covers an unreachable origin',
      { variants: [errorOk], revalidated: 0, origin: 'error' },
      { type: 'serve-stale', entry: 'e', otherwise: { type: 'fail' } },
    ],
    [
      'stale-if-error covers a 503, which passes on if the stored body is gone',
      { variants: [errorOk], revalidated: 0, origin: { status: 503 } },
      { type: 'serve-stale', entry: 'e', otherwise: pass(false) },
    ],
    [
      'must-revalidate and disconnected: 504',
      { variants: [strict], revalidated: 0, origin: 'error' },
      { type: 'gateway-timeout' },
    ],
    ['nothing stored: the error reaches the caller', { origin: 'error' }, { type: 'fail' }],
    [
      'allowStale lets a stale response stand in',
      { variants: [plain], revalidated: 0, options: { allowStale: 60 }, origin: 'error' },
      { type: 'serve-stale', entry: 'p', otherwise: { type: 'fail' } },
    ],
    [
      'without a stale window the error reaches the caller',
      { variants: [plain], revalidated: 0, origin: 'error' },
      { type: 'fail' },
    ],
  ])('%s', (_name, c, expected) => expect(summary(run(c))).toEqual(expected));
});
