import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import {
  currentAge,
  DEFAULT_HEURISTICS,
  dateOf,
  explicitLifetime,
  freshness,
  freshnessUnder,
  heuristicLifetime,
  isFresh,
  ttlOf,
} from '../../src/core/freshness.ts';
import type { HeuristicOptions } from '../../src/core/types.ts';
import { httpDate, NOW, options, S, type StoredInit, stored } from './fixtures.ts';

describe('RFC 9111 §4.2.1 calculating freshness lifetime', () => {
  it.each<
    [name: string, headers: Record<string, string>, shared: boolean, expected: number | undefined]
  >([
    ['max-age, private cache', { 'cache-control': 'max-age=60' }, false, 60],
    ['max-age, shared cache', { 'cache-control': 'max-age=60' }, true, 60],
    ['max-age=0', { 'cache-control': 'max-age=0' }, false, 0],
    [
      's-maxage wins over max-age in a shared cache',
      { 'cache-control': 'max-age=60, s-maxage=30' },
      true,
      30,
    ],
    [
      's-maxage is ignored by a private cache',
      { 'cache-control': 'max-age=60, s-maxage=30' },
      false,
      60,
    ],
    ['s-maxage alone, shared cache', { 'cache-control': 's-maxage=30' }, true, 30],
    [
      's-maxage alone, private cache: no explicit lifetime',
      { 'cache-control': 's-maxage=30' },
      false,
      undefined,
    ],
    [
      's-maxage=0 in a shared cache beats max-age',
      { 'cache-control': 's-maxage=0, max-age=600' },
      true,
      0,
    ],
    [
      'max-age wins over Expires',
      { 'cache-control': 'max-age=60', date: httpDate(0), expires: httpDate(3600) },
      false,
      60,
    ],
    [
      's-maxage wins over Expires (shared)',
      { 'cache-control': 's-maxage=10', date: httpDate(0), expires: httpDate(3600) },
      true,
      10,
    ],
    [
      's-maxage without max-age falls back to Expires (private)',
      { 'cache-control': 's-maxage=10', date: httpDate(0), expires: httpDate(3600) },
      false,
      3600,
    ],
    ['Expires − Date', { date: httpDate(-100), expires: httpDate(200) }, false, 300],
    ['Expires equal to Date', { date: httpDate(0), expires: httpDate(0) }, false, 0],
    [
      'Expires before Date is 0, never negative',
      { date: httpDate(0), expires: httpDate(-3600) },
      false,
      0,
    ],
    ['Expires without Date: Expires − response_time', { expires: httpDate(120) }, false, 120],
    [
      'Expires with an invalid Date: Expires − response_time',
      { date: 'yesterday', expires: httpDate(120) },
      false,
      120,
    ],
    ['invalid Expires "0" is already expired', { date: httpDate(0), expires: '0' }, false, 0],
    ['invalid Expires "-1" is already expired', { date: httpDate(0), expires: '-1' }, false, 0],
    ['invalid Expires garbage is already expired', { expires: 'next tuesday' }, false, 0],
    ['empty Expires is already expired', { expires: '' }, false, 0],
    [
      'RFC 850 Expires',
      { date: 'Sunday, 06-Nov-94 08:49:37 GMT', expires: 'Sunday, 06-Nov-94 08:50:37 GMT' },
      false,
      60,
    ],
    [
      'asctime Expires',
      { date: 'Sun Nov  6 08:49:37 1994', expires: 'Sun Nov  6 09:49:37 1994' },
      false,
      3600,
    ],
    // "When there is more than one value present for a given directive (e.g., two Expires header
    // field lines ...), either the first occurrence should be used or the response should be
    // considered stale."
    [
      'two Expires lines: the first, or stale',
      { expires: `${httpDate(60)}, ${httpDate(120)}` },
      false,
      0,
    ],
    [
      'two max-age directives: the most restrictive',
      { 'cache-control': 'max-age=60, max-age=30' },
      false,
      30,
    ],
    ['no explicit information', {}, false, undefined],
    ['only Last-Modified is not explicit', { 'last-modified': httpDate(-1000) }, false, undefined],
    [
      'unrelated directives are not explicit',
      { 'cache-control': 'public, must-revalidate' },
      true,
      undefined,
    ],
  ])('%s', (_name, headers, shared, expected) => {
    const s = stored({ headers });
    expect(explicitLifetime(s, parseCacheControl(headers['cache-control']), shared)).toBe(expected);
  });

  it('uses the exact response_time, not a whole second, when Date is absent', () => {
    const s = stored({ headers: { expires: httpDate(100) }, responseAt: 0.5 });
    expect(explicitLifetime(s, {}, false)).toBe(99.5);
  });
});

describe('RFC 9111 §4.2.2 calculating heuristic freshness', () => {
  const lm1000 = { date: httpDate(0), 'last-modified': httpDate(-1000) };

  it.each<[name: string, init: StoredInit, heuristics: HeuristicOptions | false, expected: number]>(
    [
      ['10% of Date − Last-Modified', { headers: lm1000 }, DEFAULT_HEURISTICS, 100],
      ['custom fraction', { headers: lm1000 }, { fraction: 0.25, maxLifetime: 86_400 }, 250],
      ['capped at maxLifetime', { headers: lm1000 }, { fraction: 0.1, maxLifetime: 60 }, 60],
      [
        'default cap is one day',
        { headers: { date: httpDate(0), 'last-modified': httpDate(-30 * 86_400) } },
        DEFAULT_HEURISTICS,
        86_400,
      ],
      [
        'just under the default cap',
        { headers: { date: httpDate(0), 'last-modified': httpDate(-863_990) } },
        DEFAULT_HEURISTICS,
        86_399,
      ],
      ['heuristics turned off', { headers: lm1000 }, false, 0],
      ['no Last-Modified', { headers: { date: httpDate(0) } }, DEFAULT_HEURISTICS, 0],
      [
        'invalid Last-Modified',
        { headers: { date: httpDate(0), 'last-modified': 'a while ago' } },
        DEFAULT_HEURISTICS,
        0,
      ],
      [
        'Last-Modified equal to Date',
        { headers: { date: httpDate(0), 'last-modified': httpDate(0) } },
        DEFAULT_HEURISTICS,
        0,
      ],
      [
        'Last-Modified after Date',
        { headers: { date: httpDate(0), 'last-modified': httpDate(100) } },
        DEFAULT_HEURISTICS,
        0,
      ],
      [
        'without Date, measured from response_time',
        { headers: { 'last-modified': httpDate(-500) }, responseAt: 0 },
        DEFAULT_HEURISTICS,
        50,
      ],
      [
        'without Date and a late response_time',
        { headers: { 'last-modified': httpDate(-500) }, responseAt: 500 },
        DEFAULT_HEURISTICS,
        100,
      ],
      ['not heuristically cacheable: 302', { status: 302, headers: lm1000 }, DEFAULT_HEURISTICS, 0],
      ['not heuristically cacheable: 201', { status: 201, headers: lm1000 }, DEFAULT_HEURISTICS, 0],
      ['not heuristically cacheable: 500', { status: 500, headers: lm1000 }, DEFAULT_HEURISTICS, 0],
      [
        'public makes 302 heuristically cacheable',
        { status: 302, headers: { ...lm1000, 'cache-control': 'public' } },
        DEFAULT_HEURISTICS,
        100,
      ],
      [
        'public makes 500 heuristically cacheable',
        { status: 500, headers: { ...lm1000, 'cache-control': 'public' } },
        DEFAULT_HEURISTICS,
        100,
      ],
    ],
  )('%s', (_name, init, heuristics, expected) => {
    const s = stored(init);
    const cc = parseCacheControl(s.headers.find(([n]) => n === 'cache-control')?.[1]);
    expect(heuristicLifetime(s, cc, heuristics)).toBe(expected);
  });

  // RFC 9110 §15.1: "200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, and 501".
  it.each([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501])(
    'status %i is heuristically cacheable',
    (status) => {
      const s = stored({ status, headers: lm1000 });
      expect(heuristicLifetime(s, {}, DEFAULT_HEURISTICS)).toBe(100);
    },
  );

  it.each([201, 202, 205, 302, 303, 307, 400, 401, 403, 409, 500, 502, 503, 504])(
    'status %i is not heuristically cacheable',
    (status) => {
      const s = stored({ status, headers: lm1000 });
      expect(heuristicLifetime(s, {}, DEFAULT_HEURISTICS)).toBe(0);
    },
  );

  // RFC 9111 §4.2.2: "a cache MUST NOT use heuristics to determine freshness when an explicit
  // expiration time is present in the stored response".
  it.each<
    [
      name: string,
      headers: Record<string, string>,
      shared: boolean,
      lifetime: number,
      explicit: boolean,
    ]
  >([
    ['max-age=0 with Last-Modified', { 'cache-control': 'max-age=0' }, false, 0, true],
    ['max-age=5 with Last-Modified', { 'cache-control': 'max-age=5' }, false, 5, true],
    ['Expires = Date with Last-Modified', { expires: httpDate(0) }, false, 0, true],
    ['invalid Expires with Last-Modified', { expires: '0' }, false, 0, true],
    ['s-maxage=0 in a shared cache', { 'cache-control': 's-maxage=0' }, true, 0, true],
    [
      's-maxage in a private cache is no explicit expiration',
      { 'cache-control': 's-maxage=0' },
      false,
      100,
      false,
    ],
    ['no explicit expiration: heuristic', {}, false, 100, false],
    ['no-cache alone does not stop heuristics', { 'cache-control': 'no-cache' }, false, 100, false],
  ])('freshness(): %s', (_name, headers, shared, lifetime, explicit) => {
    const s = stored({ headers: { ...lm1000, ...headers } });
    const f = freshness(s, NOW, shared, DEFAULT_HEURISTICS);
    expect({ lifetime: f.lifetime, explicit: f.explicit }).toEqual({ lifetime, explicit });
  });

  it('freshness() with heuristics off and no explicit expiration has lifetime 0', () => {
    const f = freshness(stored({ headers: lm1000 }), NOW, false, false);
    expect(f).toEqual({ cc: {}, lifetime: 0, age: 0, explicit: false });
  });
});

describe('RFC 9111 §4.2.3 calculating age', () => {
  it.each<[name: string, init: StoredInit, nowOffset: number, expected: number]>([
    ['just received, no Date', {}, 0, 0],
    ['resident time only', { headers: { date: httpDate(0) } }, 10, 10],
    ['resident time in milliseconds', { headers: { date: httpDate(0) } }, 2.5, 2.5],
    ['Age header adds to resident time', { headers: { date: httpDate(0), age: '30' } }, 10, 40],
    [
      'response delay is added to Age',
      { headers: { date: httpDate(0), age: '30' }, requestAt: -2 },
      10,
      42,
    ],
    ['response delay without Age', { headers: { date: httpDate(0) }, requestAt: -3 }, 0, 3],
    ['Date in the past: apparent age', { headers: { date: httpDate(-100) } }, 0, 100],
    [
      'apparent age beats a smaller corrected Age',
      { headers: { date: httpDate(-100), age: '30' } },
      5,
      105,
    ],
    [
      'corrected Age beats a smaller apparent age',
      { headers: { date: httpDate(-10), age: '30' }, requestAt: -1 },
      5,
      36,
    ],
    ['Date in the future: apparent age is 0', { headers: { date: httpDate(3600) } }, 7, 7],
    ['Date in the future with Age', { headers: { date: httpDate(3600), age: '20' } }, 0, 20],
    ['no Date: response_time stands in', { headers: { age: '5' } }, 1, 6],
    ['invalid Date: response_time stands in', { headers: { date: 'garbage', age: '5' } }, 1, 6],
    ['invalid Age "-5" is ignored', { headers: { date: httpDate(0), age: '-5' } }, 10, 10],
    ['invalid Age "abc" is ignored', { headers: { date: httpDate(0), age: 'abc' } }, 10, 10],
    ['invalid Age "1.5" is ignored', { headers: { date: httpDate(0), age: '1.5' } }, 10, 10],
    ['empty Age is ignored', { headers: { date: httpDate(0), age: '' } }, 10, 10],
    [
      'invalid Age still gets the response delay',
      { headers: { date: httpDate(0), age: 'x' }, requestAt: -2 },
      0,
      2,
    ],
    [
      'repeated Age: the first value',
      {
        headers: [
          ['date', httpDate(0)],
          ['age', '5'],
          ['age', '50'],
        ],
      },
      0,
      5,
    ],
    [
      'huge Age is capped at 2^31',
      { headers: { date: httpDate(0), age: '99999999999' } },
      0,
      2_147_483_648,
    ],
    [
      'response_time before request_time: no negative delay',
      { headers: { date: httpDate(0) }, requestAt: 5 },
      0,
      0,
    ],
    [
      'now before response_time: no negative resident time',
      { headers: { date: httpDate(0), age: '8' } },
      -10,
      8,
    ],
    [
      'later response, earlier request',
      { headers: { date: httpDate(-60) }, requestAt: -70, responseAt: -60 },
      0,
      70,
    ],
  ])('%s', (_name, init, nowOffset, expected) => {
    expect(currentAge(stored(init), NOW + nowOffset * S)).toBe(expected);
  });

  it('freshness() reports the same age', () => {
    const s = stored({ headers: { date: httpDate(-20), age: '5', 'cache-control': 'max-age=60' } });
    expect(freshness(s, NOW + 10 * S, false, DEFAULT_HEURISTICS)).toEqual({
      cc: { maxAge: 60 },
      lifetime: 60,
      age: 30,
      explicit: true,
    });
  });
});

describe('RFC 9110 §6.6.1 Date, or the time of receipt', () => {
  it.each<[name: string, init: StoredInit, expected: number]>([
    ['valid Date', { headers: { date: httpDate(-42) }, responseAt: 3 }, NOW - 42 * S],
    ['no Date', { responseAt: 3 }, NOW + 3 * S],
    ['invalid Date', { headers: { date: 'not a date' }, responseAt: 3 }, NOW + 3 * S],
  ])('%s', (_name, init, expected) => {
    expect(dateOf(stored(init))).toBe(expected);
  });
});

describe('RFC 9111 §4.2 freshness: fresh while age < lifetime', () => {
  it.each<[lifetime: number, age: number, fresh: boolean, ttl: number]>([
    [60, 0, true, 60],
    [60, 59.999, true, 60 - 59.999],
    [60, 60, false, 0],
    [60, 61, false, -1],
    [0, 0, false, 0],
  ])('lifetime %d, age %d: fresh %s, ttl %d', (lifetime, age, fresh, ttl) => {
    const f = { cc: {}, lifetime, age, explicit: true };
    expect(isFresh(f)).toBe(fresh);
    expect(ttlOf(f)).toBe(ttl);
  });

  it.each<[name: string, headers: Record<string, string>, nowOffset: number, fresh: boolean]>([
    ['max-age=60 at 59s', { date: httpDate(0), 'cache-control': 'max-age=60' }, 59, true],
    ['max-age=60 at 60s', { date: httpDate(0), 'cache-control': 'max-age=60' }, 60, false],
    ['Expires in 30s at 29s', { date: httpDate(0), expires: httpDate(30) }, 29, true],
    ['Expires in 30s at 30s', { date: httpDate(0), expires: httpDate(30) }, 30, false],
    ['heuristic 100s at 99s', { date: httpDate(0), 'last-modified': httpDate(-1000) }, 99, true],
    ['heuristic 100s at 100s', { date: httpDate(0), 'last-modified': httpDate(-1000) }, 100, false],
    [
      'Age eats into max-age',
      { date: httpDate(0), age: '50', 'cache-control': 'max-age=60' },
      10,
      false,
    ],
  ])('%s', (_name, headers, nowOffset, fresh) => {
    const f = freshness(stored({ headers }), NOW + nowOffset * S, false, DEFAULT_HEURISTICS);
    expect(isFresh(f)).toBe(fresh);
  });
});

describe('RFC 9213 §2.1 targeted cache-control fields and the freshness lifetime', () => {
  const base = { date: httpDate(0), 'cache-control': 'max-age=60', expires: httpDate(30) };
  it.each<
    [
      name: string,
      headers: Record<string, string>,
      targets: string[],
      lifetime: number,
      explicit: boolean,
    ]
  >([
    [
      'no target list: Cache-Control',
      { ...base, 'cdn-cache-control': 'max-age=600' },
      [],
      60,
      true,
    ],
    [
      'the targeted field replaces Cache-Control',
      { ...base, 'cdn-cache-control': 'max-age=600' },
      ['cdn-cache-control'],
      600,
      true,
    ],
    [
      'first in target order wins',
      { ...base, 'a-cache-control': 'max-age=1', 'cdn-cache-control': 'max-age=600' },
      ['a-cache-control', 'cdn-cache-control'],
      1,
      true,
    ],
    [
      'an absent targeted field falls through',
      { ...base, 'cdn-cache-control': 'max-age=600' },
      ['a-cache-control', 'cdn-cache-control'],
      600,
      true,
    ],
    [
      'an invalid targeted field is ignored',
      { ...base, 'cdn-cache-control': 'max-age=600;;' },
      ['cdn-cache-control'],
      60,
      true,
    ],
    [
      'an empty targeted field is ignored',
      { ...base, 'cdn-cache-control': '' },
      ['cdn-cache-control'],
      60,
      true,
    ],
    // "it MUST ignore the Cache-Control and Expires header fields in that response"
    [
      'Expires is ignored too',
      {
        date: httpDate(0),
        expires: httpDate(30),
        'last-modified': httpDate(-1000),
        'cdn-cache-control': 'public',
      },
      ['cdn-cache-control'],
      100,
      false,
    ],
  ])('%s', (_name, headers, targets, lifetime, explicit) => {
    const f = freshness(stored({ headers }), NOW, true, DEFAULT_HEURISTICS, targets);
    expect({ lifetime: f.lifetime, explicit: f.explicit }).toEqual({ lifetime, explicit });
  });

  it('freshnessUnder() applies the policy', () => {
    const s = stored({ headers: { ...base, 'cdn-cache-control': 'max-age=600' } });
    const policy = options({ shared: true, targeted: ['cdn-cache-control'] });
    expect(freshnessUnder(s, NOW + 5 * S, policy)).toEqual({
      cc: { maxAge: 600 },
      lifetime: 600,
      age: 5,
      explicit: true,
    });
    expect(freshnessUnder(s, NOW, options({ heuristics: false })).lifetime).toBe(60);
  });
});
