import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import {
  decide,
  mustRevalidate,
  type RequestDecision,
  requestCacheControl,
  staleAllowed,
} from '../../src/core/decision.ts';
import type { CacheMode, PolicyOptions, StoredResponse } from '../../src/core/types.ts';
import { httpDate, NOW, options, request, stored } from './fixtures.ts';

type Tagged = StoredResponse & { readonly id: string };

const LM = httpDate(-86_400);

/**
 * A response received 10 s ago (Date too), with `Cache-Control: cc`, an ETag `"<id>"` and a
 * Last-Modified a day old unless `headers` says otherwise.
 */
function entry(
  id: string,
  cc: string | undefined,
  headers: Record<string, string> = {},
  vary: Record<string, string | null> = {},
): Tagged {
  const base: Record<string, string> = {
    date: httpDate(-10),
    etag: `"${id}"`,
    'last-modified': LM,
  };
  if (cc !== undefined) base['cache-control'] = cc;
  return {
    ...stored({ headers: { ...base, ...headers }, requestAt: -10, responseAt: -10, vary }),
    id,
  };
}

function withoutValidators(t: Tagged): Tagged {
  return { ...t, headers: t.headers.filter(([n]) => n !== 'etag' && n !== 'last-modified') };
}

/** Age 10 s, lifetime 60 s: fresh for another 50 s. */
const FRESH = entry('fresh', 'max-age=60');
/** Age 10 s, lifetime 5 s: stale by 5 s. */
const STALE = entry('stale', 'max-age=5');
const BOTH = { 'if-none-match': '"stale"', 'if-modified-since': LM };

interface Case {
  readonly variants?: readonly Tagged[];
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly mode?: CacheMode;
  readonly options?: Partial<PolicyOptions>;
}

type Summary =
  | { type: 'fresh' | 'stale' | 'not-modified'; entry: string }
  | {
      type: 'forward';
      fwd: string;
      entry: string | undefined;
      conditions: Record<string, string> | undefined;
    }
  | {
      type: 'stale-while-revalidate';
      entry: string;
      conditions: Record<string, string> | undefined;
    }
  | { type: 'gateway-timeout' };

function run(c: Case): RequestDecision<Tagged> {
  const head = request(c.headers ?? {}, c.method ?? 'GET');
  return decide({
    request: head,
    requestCc: requestCacheControl(head),
    variants: c.variants ?? [],
    controls: { mode: c.mode ?? 'default' },
    options: options(c.options),
    now: NOW,
  });
}

function summary(d: RequestDecision<Tagged>): Summary {
  switch (d.type) {
    case 'gateway-timeout':
      return { type: d.type };
    case 'forward':
      return {
        type: d.type,
        fwd: d.fwd,
        entry: d.entry?.id,
        conditions: d.conditions === undefined ? undefined : { ...d.conditions },
      };
    case 'stale-while-revalidate':
      return {
        type: d.type,
        entry: d.entry.id,
        conditions: d.conditions === undefined ? undefined : { ...d.conditions },
      };
    default:
      return { type: d.type, entry: d.entry.id };
  }
}

const fresh = (id = 'fresh'): Summary => ({ type: 'fresh', entry: id });
const stale = (id = 'stale'): Summary => ({ type: 'stale', entry: id });
const notModified = (id = 'fresh'): Summary => ({ type: 'not-modified', entry: id });
const forward = (
  fwd: string,
  id: string | undefined,
  conditions: Record<string, string> | undefined,
): Summary => ({ type: 'forward', fwd, entry: id, conditions });
const swr = (id: string, conditions: Record<string, string> | undefined): Summary => ({
  type: 'stale-while-revalidate',
  entry: id,
  conditions,
});
const timeout: Summary = { type: 'gateway-timeout' };
const revalidate = (fwd: 'request' | 'stale', id = 'stale'): Summary =>
  forward(fwd, id, { 'if-none-match': `"${id}"`, 'if-modified-since': LM });

function check(c: Case, expected: Summary): void {
  expect(summary(run(c))).toEqual(expected);
}

describe('RFC 9111 §4 constructing responses from caches: misses', () => {
  const gzip = entry('gzip', 'max-age=60', {}, { 'accept-encoding': 'gzip' });
  const br = entry('br', 'max-age=60', { etag: 'W/"br"' }, { 'accept-encoding': 'br' });
  it.each<[name: string, c: Case, expected: Summary]>([
    ['nothing stored: uri-miss', {}, forward('uri-miss', undefined, undefined)],
    [
      'nothing stored, conditional caller',
      { headers: { 'if-none-match': '"x"' } },
      forward('uri-miss', undefined, undefined),
    ],
    [
      // §4.3.1: a vary-miss still sends every stored entity tag, so a 304 can select one.
      'no variant matches: vary-miss with every stored entity tag',
      { variants: [gzip, br], headers: { 'accept-encoding': 'zstd' } },
      forward('vary-miss', undefined, { 'if-none-match': '"gzip", W/"br"' }),
    ],
    [
      'vary-miss without entity tags sends no conditions',
      { variants: [withoutValidators(entry('v', 'max-age=60', {}, { accept: 'a' }))] },
      forward('vary-miss', undefined, undefined),
    ],
    [
      'vary-miss, conditional caller: the caller’s validators only',
      { variants: [gzip], headers: { 'if-modified-since': LM } },
      forward('vary-miss', undefined, undefined),
    ],
    [
      'a matching variant is a hit',
      { variants: [gzip, br], headers: { 'accept-encoding': 'br' } },
      fresh('br'),
    ],
    [
      'Vary: * never matches',
      { variants: [entry('star', 'max-age=60', {}, { '*': null })] },
      forward('vary-miss', undefined, { 'if-none-match': '"star"' }),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));

  it('several matching variants: the most recent by Date is used', () => {
    const older = entry('older', 'max-age=60', { date: httpDate(-20) });
    const newer = entry('newer', 'max-age=60', { date: httpDate(-5) });
    check({ variants: [older, newer] }, fresh('newer'));
    check({ variants: [newer, older] }, fresh('newer'));
  });

  it('a stale newest variant is revalidated with the entity tags of all of them', () => {
    const older = entry('older', 'max-age=600', { date: httpDate(-20) });
    const newer = entry('newer', 'max-age=0', { date: httpDate(-5) });
    check(
      { variants: [older, newer] },
      forward('stale', 'newer', { 'if-none-match': '"newer", "older"', 'if-modified-since': LM }),
    );
  });
});

describe('RFC 9111 §4.2 fresh and stale responses', () => {
  it.each<[name: string, c: Case, expected: Summary]>([
    ['fresh', { variants: [FRESH] }, fresh()],
    ['stale: revalidated with both validators', { variants: [STALE] }, revalidate('stale')],
    [
      'stale without validators: forwarded without conditions',
      { variants: [withoutValidators(STALE)] },
      forward('stale', 'stale', undefined),
    ],
    [
      'exactly at the end of its lifetime is stale',
      { variants: [entry('edge', 'max-age=10')] },
      revalidate('stale', 'edge'),
    ],
    [
      'fresh by Expires',
      { variants: [entry('exp', undefined, { expires: httpDate(30) })] },
      fresh('exp'),
    ],
    [
      'stale by an invalid Expires',
      { variants: [entry('exp', undefined, { expires: '0' })] },
      revalidate('stale', 'exp'),
    ],
    // Heuristic: 10% of (Date − Last-Modified) = 10% of 86,390 s.
    ['heuristically fresh', { variants: [entry('h', undefined)] }, fresh('h')],
    [
      'heuristics off: stale',
      { variants: [entry('h', undefined)], options: { heuristics: false } },
      revalidate('stale', 'h'),
    ],
    [
      'no heuristics for a 302',
      { variants: [{ ...entry('h', undefined), status: 302 }] },
      revalidate('stale', 'h'),
    ],
    [
      // RFC 9111 §5.2.2.10: s-maxage "overrides the maximum age specified by either the max-age
      // directive or the Expires header field" in shared caches.
      's-maxage makes it stale in a shared cache',
      { variants: [entry('s', 'max-age=60, s-maxage=5')], options: { shared: true } },
      revalidate('stale', 's'),
    ],
    [
      's-maxage is ignored by a private cache',
      { variants: [entry('s', 'max-age=60, s-maxage=5')] },
      fresh('s'),
    ],
    [
      's-maxage makes it fresh in a shared cache',
      { variants: [entry('s', 'max-age=5, s-maxage=60')], options: { shared: true } },
      fresh('s'),
    ],
    [
      'Age counts against freshness',
      { variants: [entry('age', 'max-age=60', { age: '55' })] },
      revalidate('stale', 'age'),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));
});

describe('RFC 9111 §5.2.1 request directives', () => {
  it.each<[name: string, c: Case, expected: Summary]>([
    // §5.2.1.1 max-age: "the client prefers a response whose age is less than or equal to the
    // specified number of seconds"
    [
      'max-age above the age',
      { variants: [FRESH], headers: { 'cache-control': 'max-age=11' } },
      fresh(),
    ],
    [
      'max-age equal to the age',
      { variants: [FRESH], headers: { 'cache-control': 'max-age=10' } },
      fresh(),
    ],
    [
      'max-age below the age',
      { variants: [FRESH], headers: { 'cache-control': 'max-age=9' } },
      revalidate('request', 'fresh'),
    ],
    [
      'max-age=0',
      { variants: [FRESH], headers: { 'cache-control': 'max-age=0' } },
      revalidate('request', 'fresh'),
    ],
    [
      'max-age on a stale response',
      { variants: [STALE], headers: { 'cache-control': 'max-age=100' } },
      revalidate('stale'),
    ],
    // §5.2.1.3 min-fresh: "fresh for at least the specified number of seconds" (50 s left).
    ['min-fresh met', { variants: [FRESH], headers: { 'cache-control': 'min-fresh=50' } }, fresh()],
    [
      'min-fresh not met',
      { variants: [FRESH], headers: { 'cache-control': 'min-fresh=51' } },
      revalidate('request', 'fresh'),
    ],
    // §5.2.1.2 max-stale: "the client will accept a response that has exceeded its freshness
    // lifetime" by at most that many seconds (stale by 5 s here).
    [
      'max-stale covering the staleness',
      { variants: [STALE], headers: { 'cache-control': 'max-stale=5' } },
      stale(),
    ],
    [
      'max-stale generous',
      { variants: [STALE], headers: { 'cache-control': 'max-stale=3600' } },
      stale(),
    ],
    [
      'max-stale too small',
      { variants: [STALE], headers: { 'cache-control': 'max-stale=4' } },
      revalidate('stale'),
    ],
    [
      'max-stale without a value accepts any staleness',
      {
        variants: [entry('old', 'max-age=0', { date: httpDate(-1e6) })],
        headers: { 'cache-control': 'max-stale' },
      },
      stale('old'),
    ],
    [
      'max-stale on a fresh response',
      { variants: [FRESH], headers: { 'cache-control': 'max-stale=5' } },
      fresh(),
    ],
    // §5.2.1.4 no-cache: "a cache MUST NOT use a stored response to satisfy the request without
    // successful validation on the origin server"
    [
      'no-cache',
      { variants: [FRESH], headers: { 'cache-control': 'no-cache' } },
      revalidate('request', 'fresh'),
    ],
    [
      'no-cache on a stale response',
      { variants: [STALE], headers: { 'cache-control': 'no-cache' } },
      revalidate('request'),
    ],
    [
      'no-cache beats max-stale',
      { variants: [STALE], headers: { 'cache-control': 'no-cache, max-stale' } },
      revalidate('request'),
    ],
    // §5.4: Pragma: no-cache without Cache-Control.
    [
      'Pragma: no-cache',
      { variants: [FRESH], headers: { pragma: 'no-cache' } },
      revalidate('request', 'fresh'),
    ],
    [
      'Pragma: no-cache with Cache-Control is ignored',
      { variants: [FRESH], headers: { pragma: 'no-cache', 'cache-control': 'max-age=60' } },
      fresh(),
    ],
    // §5.2.1.5 no-store does not stop a cache from answering from what it has.
    ['request no-store', { variants: [FRESH], headers: { 'cache-control': 'no-store' } }, fresh()],
    // §5.2.1.7 only-if-cached: "The cache SHOULD either respond using a stored response consistent
    // with the other constraints of the request or respond with a 504 (Gateway Timeout) status code."
    [
      'only-if-cached, fresh',
      { variants: [FRESH], headers: { 'cache-control': 'only-if-cached' } },
      fresh(),
    ],
    ['only-if-cached, nothing stored', { headers: { 'cache-control': 'only-if-cached' } }, timeout],
    [
      'only-if-cached, vary-miss',
      {
        variants: [entry('v', 'max-age=60', {}, { accept: 'a' })],
        headers: { 'cache-control': 'only-if-cached' },
      },
      timeout,
    ],
    [
      'only-if-cached, stale',
      { variants: [STALE], headers: { 'cache-control': 'only-if-cached' } },
      timeout,
    ],
    [
      'only-if-cached with max-stale, stale',
      { variants: [STALE], headers: { 'cache-control': 'only-if-cached, max-stale=60' } },
      stale(),
    ],
    [
      'only-if-cached with no-cache',
      { variants: [FRESH], headers: { 'cache-control': 'only-if-cached, no-cache' } },
      timeout,
    ],
    [
      'only-if-cached with an unmet max-age',
      { variants: [FRESH], headers: { 'cache-control': 'only-if-cached, max-age=1' } },
      timeout,
    ],
    [
      'only-if-cached, response no-cache',
      {
        variants: [entry('nc', 'no-cache, max-age=60')],
        headers: { 'cache-control': 'only-if-cached' },
      },
      timeout,
    ],
  ])('%s', (_name, c, expected) => check(c, expected));

  // Regression test: a stale response was once served to `max-age=5, max-stale=100` at age 10 s.
  // RFC 9111 §5.2.1.1: max-age means "the client prefers a response whose age is less than or
  // equal to the specified number of seconds"; max-stale relaxes freshness, not that limit.
  it('max-age still bounds the age of a stale response allowed by max-stale', () => {
    const d = run({ variants: [STALE], headers: { 'cache-control': 'max-age=5, max-stale=100' } });
    // Forwarded for validation (whichever fwd reason), not served.
    expect(d.type).toBe('forward');
  });
});

describe('RFC 9111 §5.2.2 response directives', () => {
  const SHARED = { shared: true };
  it.each<[name: string, c: Case, expected: Summary]>([
    // §5.2.2.4 no-cache: "MUST NOT be used to satisfy any other request without forwarding it for validation"
    [
      'no-cache, fresh',
      { variants: [entry('nc', 'no-cache, max-age=60')] },
      revalidate('stale', 'nc'),
    ],
    [
      'no-cache with max-stale',
      {
        variants: [entry('nc', 'no-cache, max-age=60')],
        headers: { 'cache-control': 'max-stale' },
      },
      revalidate('stale', 'nc'),
    ],
    [
      'qualified no-cache does not force validation',
      { variants: [entry('nc', 'no-cache="set-cookie", max-age=60')] },
      fresh('nc'),
    ],
    // §5.2.2.2 must-revalidate: once stale, not without validation.
    [
      'must-revalidate, fresh',
      { variants: [entry('mr', 'must-revalidate, max-age=60')] },
      fresh('mr'),
    ],
    [
      'must-revalidate, stale, max-stale',
      {
        variants: [entry('mr', 'must-revalidate, max-age=5')],
        headers: { 'cache-control': 'max-stale' },
      },
      revalidate('stale', 'mr'),
    ],
    // §5.2.2.8 proxy-revalidate: must-revalidate for shared caches only.
    [
      'proxy-revalidate, stale, max-stale, shared',
      {
        variants: [entry('pr', 'proxy-revalidate, max-age=5')],
        headers: { 'cache-control': 'max-stale' },
        options: SHARED,
      },
      revalidate('stale', 'pr'),
    ],
    [
      'proxy-revalidate, stale, max-stale, private',
      {
        variants: [entry('pr', 'proxy-revalidate, max-age=5')],
        headers: { 'cache-control': 'max-stale' },
      },
      stale('pr'),
    ],
    // §5.2.2.10 s-maxage "also implies the semantics of proxy-revalidate".
    [
      's-maxage, stale, max-stale, shared',
      {
        variants: [entry('sm', 's-maxage=5')],
        headers: { 'cache-control': 'max-stale' },
        options: SHARED,
      },
      revalidate('stale', 'sm'),
    ],
    [
      's-maxage, stale, max-stale, private',
      {
        variants: [entry('sm', 's-maxage=5, max-age=5')],
        headers: { 'cache-control': 'max-stale' },
      },
      stale('sm'),
    ],
    // RFC 8246 immutable: no revalidation during the freshness lifetime.
    [
      'immutable ignores request max-age=0',
      {
        variants: [entry('im', 'max-age=60, immutable')],
        headers: { 'cache-control': 'max-age=0' },
      },
      fresh('im'),
    ],
    [
      'immutable does not ignore request no-cache',
      {
        variants: [entry('im', 'max-age=60, immutable')],
        headers: { 'cache-control': 'no-cache' },
      },
      revalidate('request', 'im'),
    ],
    [
      'immutable does not ignore min-fresh',
      {
        variants: [entry('im', 'max-age=60, immutable')],
        headers: { 'cache-control': 'min-fresh=51' },
      },
      revalidate('request', 'im'),
    ],
    [
      'immutable, stale',
      { variants: [entry('im', 'max-age=5, immutable')] },
      revalidate('stale', 'im'),
    ],
    // alwaysRevalidate: every stored response as if it had no-cache.
    [
      'alwaysRevalidate, fresh',
      { variants: [FRESH], options: { alwaysRevalidate: true } },
      revalidate('stale', 'fresh'),
    ],
    [
      'alwaysRevalidate, immutable',
      { variants: [entry('im', 'max-age=60, immutable')], options: { alwaysRevalidate: true } },
      revalidate('stale', 'im'),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));

  // Regression test: with alwaysRevalidate, a request's max-stale once got a stored response
  // served without validation; alwaysRevalidate acts as a response no-cache (RFC 9111 §5.2.2.4).
  it('alwaysRevalidate is not bypassed by a request max-stale', () => {
    check(
      {
        variants: [FRESH],
        headers: { 'cache-control': 'max-stale' },
        options: { alwaysRevalidate: true },
      },
      revalidate('stale', 'fresh'),
    );
  });
});

describe('RFC 5861 §3 stale-while-revalidate', () => {
  const v = (id: string) => ({ 'if-none-match': `"${id}"`, 'if-modified-since': LM });
  it.each<[name: string, c: Case, expected: Summary]>([
    // "the cache MAY serve the response in which it appears after it becomes stale, up to the
    // indicated number of seconds" (stale by 5 s here).
    [
      'within the window',
      { variants: [entry('w', 'max-age=5, stale-while-revalidate=5')] },
      swr('w', v('w')),
    ],
    [
      'beyond the window',
      { variants: [entry('w', 'max-age=5, stale-while-revalidate=4')] },
      revalidate('stale', 'w'),
    ],
    [
      'fresh: the window does not matter',
      { variants: [entry('w', 'max-age=60, stale-while-revalidate=5')] },
      fresh('w'),
    ],
    [
      'without validators: background request without conditions',
      { variants: [withoutValidators(entry('w', 'max-age=5, stale-while-revalidate=60'))] },
      swr('w', undefined),
    ],
    // The background request is the cache's own plain request, whatever the caller sent.
    [
      'a conditional caller: the background request carries the cache’s validators',
      {
        variants: [entry('w', 'max-age=5, stale-while-revalidate=60')],
        headers: { 'if-none-match': '"x"' },
      },
      swr('w', v('w')),
    ],
    [
      'a range request: the background request carries the cache’s validators',
      {
        variants: [entry('w', 'max-age=5, stale-while-revalidate=60')],
        headers: { range: 'bytes=0-1' },
      },
      swr('w', v('w')),
    ],
    // RFC 9111 §4.2.4: no stale response where a directive forbids it.
    [
      'must-revalidate wins',
      { variants: [entry('w', 'max-age=5, stale-while-revalidate=60, must-revalidate')] },
      revalidate('stale', 'w'),
    ],
    [
      'no-cache wins',
      { variants: [entry('w', 'max-age=60, stale-while-revalidate=60, no-cache')] },
      revalidate('stale', 'w'),
    ],
    [
      'proxy-revalidate wins in a shared cache',
      {
        variants: [entry('w', 'max-age=5, stale-while-revalidate=60, proxy-revalidate')],
        options: { shared: true },
      },
      revalidate('stale', 'w'),
    ],
    [
      'proxy-revalidate, private cache',
      { variants: [entry('w', 'max-age=5, stale-while-revalidate=60, proxy-revalidate')] },
      swr('w', v('w')),
    ],
    [
      'alwaysRevalidate wins',
      {
        variants: [entry('w', 'max-age=5, stale-while-revalidate=60')],
        options: { alwaysRevalidate: true },
      },
      revalidate('stale', 'w'),
    ],
    [
      'request no-cache wins',
      {
        variants: [entry('w', 'max-age=5, stale-while-revalidate=60')],
        headers: { 'cache-control': 'no-cache' },
      },
      revalidate('request', 'w'),
    ],
    [
      'request max-stale covering it serves stale without revalidating',
      {
        variants: [entry('w', 'max-age=5, stale-while-revalidate=60')],
        headers: { 'cache-control': 'max-stale=5' },
      },
      stale('w'),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));
});

describe('RFC 5861 §3 stale-while-revalidate and request max-age', () => {
  // Regression test: a request's max-age once did not stop a stale-while-revalidate response
  // being served stale. RFC 9111 §5.2.1.1: "Unless the max-stale request directive is also
  // present, the client does not wish to receive a stale response."
  it('request max-age=0 is not answered stale under stale-while-revalidate', () => {
    const d = run({
      variants: [entry('w', 'max-age=5, stale-while-revalidate=60')],
      headers: { 'cache-control': 'max-age=0' },
    });
    // Forwarded for validation (whichever fwd reason), not served stale.
    expect(d.type).toBe('forward');
  });
});

describe('Fetch cache modes', () => {
  const mustRevalidateStale = entry('mr', 'must-revalidate, max-age=5');
  it.each<[name: string, c: Case, expected: Summary]>([
    ['default, fresh', { variants: [FRESH], mode: 'default' }, fresh()],
    ['default, stale', { variants: [STALE], mode: 'default' }, revalidate('stale')],
    // "no-cache": a conditional request when there is a match.
    ['no-cache, fresh', { variants: [FRESH], mode: 'no-cache' }, revalidate('request', 'fresh')],
    ['no-cache, stale', { variants: [STALE], mode: 'no-cache' }, revalidate('request')],
    // RFC 8246 §2: "clients SHOULD NOT issue a conditional request during the response's
    // freshness lifetime (e.g., upon a reload)".
    [
      'no-cache, fresh immutable',
      { variants: [entry('im', 'max-age=60, immutable')], mode: 'no-cache' },
      fresh('im'),
    ],
    [
      'no-cache, stale immutable',
      { variants: [entry('im', 'max-age=5, immutable')], mode: 'no-cache' },
      revalidate('request', 'im'),
    ],
    [
      'no-cache, fresh immutable, request max-age=0',
      {
        variants: [entry('im', 'max-age=60, immutable')],
        mode: 'no-cache',
        headers: { 'cache-control': 'max-age=0' },
      },
      fresh('im'),
    ],
    ['no-cache, nothing stored', { mode: 'no-cache' }, forward('uri-miss', undefined, undefined)],
    // "force-cache": any stored response, "not paying attention to staleness".
    ['force-cache, fresh', { variants: [FRESH], mode: 'force-cache' }, fresh()],
    ['force-cache, stale', { variants: [STALE], mode: 'force-cache' }, stale()],
    [
      'force-cache, stale must-revalidate',
      { variants: [mustRevalidateStale], mode: 'force-cache' },
      stale('mr'),
    ],
    [
      'force-cache, nothing stored',
      { mode: 'force-cache' },
      forward('uri-miss', undefined, undefined),
    ],
    // "only-if-cached": like force-cache, but a network error (here 504) on a miss.
    ['only-if-cached, fresh', { variants: [FRESH], mode: 'only-if-cached' }, fresh()],
    ['only-if-cached, stale', { variants: [STALE], mode: 'only-if-cached' }, stale()],
    ['only-if-cached, nothing stored', { mode: 'only-if-cached' }, timeout],
    [
      'only-if-cached, vary-miss',
      { variants: [entry('v', 'max-age=60', {}, { accept: 'a' })], mode: 'only-if-cached' },
      timeout,
    ],
  ])('%s', (_name, c, expected) => check(c, expected));
});

describe('RFC 9111 §4.3.2 the caller’s own conditional request', () => {
  it.each<[name: string, c: Case, expected: Summary]>([
    [
      'If-None-Match matches a fresh response: 304',
      { variants: [FRESH], headers: { 'if-none-match': '"fresh"' } },
      notModified(),
    ],
    [
      'If-None-Match * on a fresh response: 304',
      { variants: [FRESH], headers: { 'if-none-match': '*' } },
      notModified(),
    ],
    [
      'If-None-Match differs: the full response',
      { variants: [FRESH], headers: { 'if-none-match': '"other"' } },
      fresh(),
    ],
    [
      'If-Modified-Since satisfied: 304',
      { variants: [FRESH], headers: { 'if-modified-since': httpDate(0) } },
      notModified(),
    ],
    [
      'If-Modified-Since older: the full response',
      { variants: [FRESH], headers: { 'if-modified-since': httpDate(-100_000) } },
      fresh(),
    ],
    [
      'stale: forwarded with only the caller’s validators',
      { variants: [STALE], headers: { 'if-none-match': '"stale"' } },
      forward('stale', 'stale', undefined),
    ],
    [
      'request no-cache: forwarded with only the caller’s validators',
      { variants: [FRESH], headers: { 'if-none-match': '"fresh"', 'cache-control': 'no-cache' } },
      forward('request', 'fresh', undefined),
    ],
    [
      'If-Match: forwarded conditions left to the caller',
      { variants: [STALE], headers: { 'if-match': '"stale"' } },
      forward('stale', 'stale', undefined),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));
});

describe('RFC 9111 §4 the decision carries the freshness it used', () => {
  it('fresh', () => {
    const d = run({ variants: [FRESH] });
    expect(
      d.type === 'fresh' ? { lifetime: d.freshness.lifetime, age: d.freshness.age } : d,
    ).toEqual({
      lifetime: 60,
      age: 10,
    });
  });

  it('forward', () => {
    const d = run({ variants: [STALE] });
    expect(d.type === 'forward' ? d.freshness : d).toEqual({
      cc: { maxAge: 5 },
      lifetime: 5,
      age: 10,
      explicit: true,
    });
  });

  it('HEAD is answered from the stored GET response', () => {
    check({ variants: [FRESH], method: 'HEAD' }, fresh());
  });

  it('the revalidation conditions use exactly the stored validators', () => {
    check({ variants: [STALE] }, forward('stale', 'stale', BOTH));
  });
});

describe('RFC 9111 §4.2.4 serving stale responses', () => {
  it.each<[name: string, cc: string, shared: boolean, expected: boolean]>([
    ['nothing', '', false, false],
    ['must-revalidate', 'must-revalidate', false, true],
    ['no-cache', 'no-cache', false, true],
    ['qualified no-cache', 'no-cache="x"', false, false],
    ['proxy-revalidate, private cache', 'proxy-revalidate', false, false],
    ['proxy-revalidate, shared cache', 'proxy-revalidate', true, true],
    ['s-maxage, private cache', 's-maxage=10', false, false],
    ['s-maxage, shared cache', 's-maxage=10', true, true],
    ['max-age, shared cache', 'max-age=10', true, false],
  ])('mustRevalidate: %s', (_name, cc, shared, expected) => {
    expect(mustRevalidate(parseCacheControl(cc), shared)).toBe(expected);
  });

  it.each<
    [requestCc: string, responseCc: string, age: number, lifetime: number, expected: boolean]
  >([
    ['', '', 20, 10, false],
    ['max-stale=10', '', 20, 10, true],
    ['max-stale=9', '', 20, 10, false],
    ['max-stale', '', 1e9, 10, true],
    ['max-stale=0', '', 10, 10, true],
    ['max-stale=0', '', 10.001, 10, false],
    ['max-stale', 'must-revalidate', 20, 10, false],
    ['max-stale', 'no-cache', 20, 10, false],
  ])('staleAllowed(%j, %j, age %d, lifetime %d) is %s', (req, res, age, lifetime, expected) => {
    const f = { cc: parseCacheControl(res), lifetime, age, explicit: true };
    expect(staleAllowed(parseCacheControl(req), f, false)).toBe(expected);
  });

  it('requestCacheControl parses the request’s Cache-Control', () => {
    expect(requestCacheControl(request({ 'cache-control': 'max-age=5, only-if-cached' }))).toEqual({
      maxAge: 5,
      onlyIfCached: true,
    });
    expect(requestCacheControl(request())).toEqual({});
  });
});

describe('RFC 9110 §13.2.1 preconditions apply only when the response would be 2xx', () => {
  const missing = { ...entry('gone', 'max-age=60'), status: 404, statusText: 'Not Found' };
  it.each<[name: string, c: Case, expected: Summary]>([
    [
      'If-None-Match: * on a stored 404',
      { variants: [missing], headers: { 'if-none-match': '*' } },
      fresh('gone'),
    ],
    [
      'a matching If-None-Match on a stored 404',
      { variants: [missing], headers: { 'if-none-match': '"gone"' } },
      fresh('gone'),
    ],
    [
      'If-Modified-Since on a stored 404',
      { variants: [missing], headers: { 'if-modified-since': httpDate(0) } },
      fresh('gone'),
    ],
    [
      'force-cache, If-None-Match: * on a stored 404',
      { variants: [missing], headers: { 'if-none-match': '*' }, mode: 'force-cache' },
      fresh('gone'),
    ],
    [
      'If-None-Match: * on a stored 200',
      { variants: [FRESH], headers: { 'if-none-match': '*' } },
      notModified(),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));
});

describe('ignoreRequestNoCache: origin protection against RFC 9111 §5.2.1', () => {
  const protect = { shared: true, ignoreRequestNoCache: true };
  const swrEntry = entry('swr', 'max-age=5, stale-while-revalidate=60');
  it.each<[name: string, c: Case, expected: Summary]>([
    // §5.2.1.4 and §5.4: the client "prefers" validation; a protected origin is not asked.
    [
      'no-cache on a fresh response',
      { variants: [FRESH], headers: { 'cache-control': 'no-cache' }, options: protect },
      fresh(),
    ],
    [
      'Pragma: no-cache on a fresh response',
      { variants: [FRESH], headers: { pragma: 'no-cache' }, options: protect },
      fresh(),
    ],
    [
      'max-age=0 on a fresh response',
      { variants: [FRESH], headers: { 'cache-control': 'max-age=0' }, options: protect },
      fresh(),
    ],
    [
      'min-fresh not met',
      { variants: [FRESH], headers: { 'cache-control': 'min-fresh=51' }, options: protect },
      fresh(),
    ],
    [
      'the caller’s own validators are still answered',
      {
        variants: [FRESH],
        headers: { 'cache-control': 'no-cache', 'if-none-match': '"fresh"' },
        options: protect,
      },
      notModified(),
    ],
    // What never reaches the origin, or what the response requires, still applies.
    [
      'no-cache on a stale response is revalidated',
      { variants: [STALE], headers: { 'cache-control': 'no-cache' }, options: protect },
      revalidate('stale'),
    ],
    [
      'max-stale still serves a stale response',
      { variants: [STALE], headers: { 'cache-control': 'max-stale=5' }, options: protect },
      stale(),
    ],
    [
      'max-age=0 under stale-while-revalidate',
      { variants: [swrEntry], headers: { 'cache-control': 'max-age=0' }, options: protect },
      swr('swr', { 'if-none-match': '"swr"', 'if-modified-since': LM }),
    ],
    [
      'only-if-cached with nothing stored',
      { headers: { 'cache-control': 'only-if-cached, no-cache' }, options: protect },
      timeout,
    ],
    [
      'a no-cache response is still revalidated',
      { variants: [entry('nc', 'no-cache')], headers: { pragma: 'no-cache' }, options: protect },
      revalidate('stale', 'nc'),
    ],
    [
      'the Fetch no-cache mode, the caller’s own choice, still revalidates',
      { variants: [FRESH], mode: 'no-cache', options: protect },
      revalidate('request', 'fresh'),
    ],
    // The default: RFC 9111 §5.2.1.4.
    [
      'off by default',
      { variants: [FRESH], headers: { 'cache-control': 'no-cache' }, options: { shared: true } },
      revalidate('request', 'fresh'),
    ],
  ])('%s', (_name, c, expected) => check(c, expected));
});
