import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import {
  hasValidator,
  requestWantsNoCache,
  type Storability,
  storability,
  type UnstorableReason,
} from '../../src/core/storable.ts';
import type { PolicyOptions } from '../../src/core/types.ts';
import { httpDate, options, pairs, request } from './fixtures.ts';

interface Case {
  readonly method?: string;
  readonly requestHeaders?: Record<string, string>;
  readonly status?: number;
  /** Response header fields; `cache-control` among them is parsed for `cc`. */
  readonly headers?: Record<string, string>;
  readonly forceStore?: boolean;
  readonly options?: Partial<PolicyOptions>;
}

function verdict(c: Case): Storability {
  const requestHeaders = c.requestHeaders ?? {};
  const headers = c.headers ?? {};
  return storability(
    {
      request: request(requestHeaders, c.method ?? 'GET'),
      requestCc: parseCacheControl(requestHeaders['cache-control']),
      status: c.status ?? 200,
      headers: pairs(headers),
      cc: parseCacheControl(headers['cache-control']),
      forceStore: c.forceStore ?? false,
    },
    options(c.options),
  );
}

function not(reason: UnstorableReason): Storability {
  return { storable: false, reason };
}

const OK: Storability = { storable: true };
const MAX_AGE = { 'cache-control': 'max-age=60' };
const SHARED = { shared: true };

describe('RFC 9111 §3 storing responses in caches', () => {
  it.each<[name: string, c: Case, expected: Storability]>([
    ['GET 200 with max-age', { headers: MAX_AGE }, OK],
    ['HEAD 200 with max-age', { method: 'HEAD', headers: MAX_AGE }, OK],
    // "the request method is understood by the cache"
    [
      'POST is not a cacheable method by default',
      { method: 'POST', headers: MAX_AGE },
      not('method'),
    ],
    ['DELETE', { method: 'DELETE', headers: MAX_AGE }, not('method')],
    ['lower-case get is another method', { method: 'get', headers: MAX_AGE }, not('method')],
    [
      'POST when configured cacheable',
      { method: 'POST', headers: MAX_AGE, options: { cacheableMethods: new Set(['GET', 'POST']) } },
      OK,
    ],
    [
      'GET when configured out',
      { headers: MAX_AGE, options: { cacheableMethods: new Set(['POST']) } },
      not('method'),
    ],
    // "the response status code is final"
    ['1xx is not final', { status: 103, headers: MAX_AGE }, not('status')],
    ['199 is not final', { status: 199, headers: MAX_AGE }, not('status')],
    ['600 is not a status', { status: 600, headers: MAX_AGE }, not('status')],
    // "if the response status code is 206 or 304 ... the cache understands the response status code"
    ['206 is understood (stored as a part, partial.ts)', { status: 206, headers: MAX_AGE }, OK],
    ['304 is never stored', { status: 304, headers: MAX_AGE }, not('status')],
    // Understanding the status is required only for 206, 304 and must-understand.
    ['an unknown final status with max-age', { status: 299, headers: MAX_AGE }, OK],
    ['an unknown final status with nothing', { status: 299 }, not('no-freshness')],
    ['418 with max-age', { status: 418, headers: MAX_AGE }, OK],
    ['201 with max-age', { status: 201, headers: MAX_AGE }, OK],
    ['302 with max-age', { status: 302, headers: MAX_AGE }, OK],
    ['503 with max-age', { status: 503, headers: MAX_AGE }, OK],
    // cacheableStatuses narrows the understood set.
    [
      'status outside cacheableStatuses',
      { status: 404, options: { cacheableStatuses: new Set([200]) } },
      not('status'),
    ],
    [
      'status inside cacheableStatuses',
      { status: 200, options: { cacheableStatuses: new Set([200]) } },
      OK,
    ],
    [
      'cacheableStatuses cannot add a status the cache does not understand',
      { status: 304, headers: MAX_AGE, options: { cacheableStatuses: new Set([200, 304]) } },
      not('status'),
    ],
    [
      'an empty cacheableStatuses stores nothing',
      { status: 200, options: { cacheableStatuses: new Set() } },
      not('status'),
    ],
  ])('%s', (_name, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });

  // "the response contains at least one of the following: a public response directive; a
  // private response directive, if the cache is not shared; an Expires header field; a max-age
  // response directive; if the cache is shared: an s-maxage response directive; ... a status code
  // that is defined as heuristically cacheable"
  it.each<[name: string, c: Case, expected: Storability]>([
    ['201 with nothing', { status: 201 }, not('no-freshness')],
    ['302 with nothing', { status: 302 }, not('no-freshness')],
    ['500 with nothing', { status: 500 }, not('no-freshness')],
    ['200 with nothing: heuristically cacheable', { status: 200 }, OK],
    ['404 with nothing: heuristically cacheable', { status: 404 }, OK],
    ['301 with nothing: heuristically cacheable', { status: 301 }, OK],
    ['201 public', { status: 201, headers: { 'cache-control': 'public' } }, OK],
    ['201 private, private cache', { status: 201, headers: { 'cache-control': 'private' } }, OK],
    [
      '201 qualified private, private cache',
      { status: 201, headers: { 'cache-control': 'private="x-a"' } },
      OK,
    ],
    [
      '201 qualified private, shared cache',
      { status: 201, headers: { 'cache-control': 'private="x-a"' }, options: SHARED },
      not('no-freshness'),
    ],
    ['201 Expires', { status: 201, headers: { expires: httpDate(60) } }, OK],
    ['201 invalid Expires still counts', { status: 201, headers: { expires: '0' } }, OK],
    ['201 max-age=0', { status: 201, headers: { 'cache-control': 'max-age=0' } }, OK],
    [
      '201 s-maxage, shared cache',
      { status: 201, headers: { 'cache-control': 's-maxage=60' }, options: SHARED },
      OK,
    ],
    [
      '201 s-maxage, private cache',
      { status: 201, headers: { 'cache-control': 's-maxage=60' } },
      not('no-freshness'),
    ],
    [
      '201 with only Last-Modified',
      { status: 201, headers: { 'last-modified': httpDate(-60) } },
      not('no-freshness'),
    ],
    ['200 no-cache is storable', { headers: { 'cache-control': 'no-cache' } }, OK],
    [
      '201 no-cache alone is not',
      { status: 201, headers: { 'cache-control': 'no-cache' } },
      not('no-freshness'),
    ],
    [
      '201 must-revalidate alone is not',
      { status: 201, headers: { 'cache-control': 'must-revalidate' } },
      not('no-freshness'),
    ],
  ])('reuse information: %s', (_name, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });
});

describe('RFC 9111 §5.2.1.5 / §5.2.2.5 no-store', () => {
  it.each<[name: string, c: Case, expected: Storability]>([
    [
      'response no-store',
      { headers: { 'cache-control': 'no-store, max-age=60' } },
      not('no-store'),
    ],
    [
      'response no-store, mixed case',
      { headers: { 'cache-control': 'No-Store' } },
      not('no-store'),
    ],
    [
      'response no-store, shared cache',
      { headers: { 'cache-control': 'no-store' }, options: SHARED },
      not('no-store'),
    ],
    [
      'request no-store',
      { requestHeaders: { 'cache-control': 'no-store' }, headers: MAX_AGE },
      not('no-store'),
    ],
    [
      'request no-store beats public',
      {
        requestHeaders: { 'cache-control': 'no-store' },
        headers: { 'cache-control': 'public, max-age=60' },
      },
      not('no-store'),
    ],
    [
      'request Pragma: no-cache is not no-store',
      { requestHeaders: { pragma: 'no-cache' }, headers: MAX_AGE },
      OK,
    ],
    [
      'request no-cache is not no-store',
      { requestHeaders: { 'cache-control': 'no-cache' }, headers: MAX_AGE },
      OK,
    ],
  ])('%s', (_name, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });
});

describe('RFC 9111 §5.2.2.3 must-understand', () => {
  it.each<[name: string, c: Case, expected: Storability]>([
    // "the cache SHOULD ignore the no-store directive if it understands and implements the status
    // code's caching requirements"
    [
      'understood 200: no-store ignored',
      { headers: { 'cache-control': 'must-understand, no-store, max-age=60' } },
      OK,
    ],
    [
      'understood 404: no-store ignored',
      { status: 404, headers: { 'cache-control': 'no-store, must-understand' } },
      OK,
    ],
    [
      'understood status, shared cache',
      { headers: { 'cache-control': 'must-understand, no-store, max-age=60' }, options: SHARED },
      OK,
    ],
    // "A cache MUST NOT store a response with must-understand unless it understands the status code"
    [
      'unknown status 299',
      { status: 299, headers: { 'cache-control': 'must-understand, no-store, max-age=60' } },
      not('status'),
    ],
    [
      '206, understood',
      { status: 206, headers: { 'cache-control': 'must-understand, max-age=60' } },
      OK,
    ],
    [
      'status configured out',
      {
        headers: { 'cache-control': 'must-understand, no-store, max-age=60' },
        options: { cacheableStatuses: new Set([404]) },
      },
      not('status'),
    ],
    [
      'must-understand does not lift a request no-store',
      {
        requestHeaders: { 'cache-control': 'no-store' },
        headers: { 'cache-control': 'must-understand, no-store, max-age=60' },
      },
      not('no-store'),
    ],
    [
      'must-understand does not lift private in a shared cache',
      {
        headers: { 'cache-control': 'must-understand, no-store, private, max-age=60' },
        options: SHARED,
      },
      not('private'),
    ],
  ])('%s', (_name, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });
});

describe('RFC 9111 §5.2.2.7 private and §3.5 Authorization', () => {
  const AUTH = { authorization: 'Bearer t' };
  it.each<[name: string, c: Case, expected: Storability]>([
    [
      'private, shared cache',
      { headers: { 'cache-control': 'private, max-age=60' }, options: SHARED },
      not('private'),
    ],
    ['private, private cache', { headers: { 'cache-control': 'private, max-age=60' } }, OK],
    [
      'private wins over public in a shared cache',
      { headers: { 'cache-control': 'public, private' }, options: SHARED },
      not('private'),
    ],
    [
      'qualified private: a shared cache may store the rest',
      { headers: { 'cache-control': 'private="set-cookie", max-age=60' }, options: SHARED },
      OK,
    ],
    // §3.5: "A shared cache MUST NOT use a cached response to a request with an Authorization
    // header field ... unless a response directive that allows such responses to be stored is present"
    [
      'Authorization, shared cache, max-age only',
      { requestHeaders: AUTH, headers: MAX_AGE, options: SHARED },
      not('authorization'),
    ],
    [
      'Authorization, shared cache, nothing',
      { requestHeaders: AUTH, options: SHARED },
      not('authorization'),
    ],
    [
      'Authorization, shared cache, public',
      { requestHeaders: AUTH, headers: { 'cache-control': 'public' }, options: SHARED },
      OK,
    ],
    [
      'Authorization, shared cache, must-revalidate',
      {
        requestHeaders: AUTH,
        headers: { 'cache-control': 'must-revalidate, max-age=60' },
        options: SHARED,
      },
      OK,
    ],
    [
      'Authorization, shared cache, s-maxage',
      { requestHeaders: AUTH, headers: { 'cache-control': 's-maxage=60' }, options: SHARED },
      OK,
    ],
    [
      'Authorization, shared cache, proxy-revalidate does not allow it',
      {
        requestHeaders: AUTH,
        headers: { 'cache-control': 'proxy-revalidate, max-age=60' },
        options: SHARED,
      },
      not('authorization'),
    ],
    [
      'empty Authorization is still Authorization',
      { requestHeaders: { authorization: '' }, headers: MAX_AGE, options: SHARED },
      not('authorization'),
    ],
    ['Authorization, private cache', { requestHeaders: AUTH, headers: MAX_AGE }, OK],
    [
      'Authorization, private cache, private',
      { requestHeaders: AUTH, headers: { 'cache-control': 'private' } },
      OK,
    ],
  ])('%s', (_name, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });
});

describe('forceStore: a per-request override of no-store and private', () => {
  it.each<[name: string, c: Case, expected: Storability]>([
    ['response no-store', { headers: { 'cache-control': 'no-store' }, forceStore: true }, OK],
    ['request no-store', { requestHeaders: { 'cache-control': 'no-store' }, forceStore: true }, OK],
    [
      'private in a shared cache',
      { headers: { 'cache-control': 'private' }, forceStore: true, options: SHARED },
      OK,
    ],
    [
      'Authorization in a shared cache',
      { requestHeaders: { authorization: 'x' }, forceStore: true, options: SHARED },
      OK,
    ],
    ['no reuse information', { status: 201, forceStore: true }, OK],
    ['does not override the method', { method: 'POST', forceStore: true }, not('method')],
    ['does not override an ununderstood status', { status: 304, forceStore: true }, not('status')],
    ['does not override a non-final status', { status: 100, forceStore: true }, not('status')],
    [
      'does not override cacheableStatuses',
      { status: 404, forceStore: true, options: { cacheableStatuses: new Set([200]) } },
      not('status'),
    ],
  ])('%s', (_name, c, expected) => {
    expect(verdict(c)).toEqual(expected);
  });
});

describe('RFC 9111 §5.4 Pragma and §5.2.1.4 request no-cache', () => {
  it.each<[headers: Record<string, string>, expected: boolean]>([
    [{}, false],
    [{ 'cache-control': 'no-cache' }, true],
    [{ 'cache-control': 'max-age=0, NO-CACHE' }, true],
    [{ 'cache-control': 'max-age=0' }, false],
    [{ pragma: 'no-cache' }, true],
    [{ pragma: 'No-Cache' }, true],
    [{ pragma: 'x-foo, no-cache' }, true],
    [{ pragma: 'no-cache=x' }, false],
    [{ pragma: 'x-foo' }, false],
    // "When the Cache-Control header field is also present and understood in a request, Pragma is ignored."
    [{ pragma: 'no-cache', 'cache-control': 'max-age=10' }, false],
    [{ pragma: 'no-cache', 'cache-control': 'no-cache' }, true],
  ])('%j → %s', (headers, expected) => {
    const r = request(headers);
    expect(requestWantsNoCache(r, parseCacheControl(headers['cache-control']))).toBe(expected);
  });
});

describe('RFC 9110 §8.8 validators', () => {
  it.each<[headers: Record<string, string>, expected: boolean]>([
    [{}, false],
    [{ etag: '"a"' }, true],
    [{ etag: 'W/"a"' }, true],
    [{ 'last-modified': httpDate(-10) }, true],
    [{ date: httpDate(0), 'cache-control': 'max-age=1' }, false],
  ])('%j → %s', (headers, expected) => {
    expect(hasValidator(pairs(headers))).toBe(expected);
  });
});
