import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import {
  declaredLength,
  freshen,
  type NewEntry,
  newEntry,
  STALE_RETENTION,
} from '../../src/core/entry.ts';
import type { PolicyOptions, RequestControls } from '../../src/core/types.ts';
import { httpDate, NOW, options, pairs, reader, S } from './fixtures.ts';

const DAY = STALE_RETENTION * S;
const DEFAULT: RequestControls = { mode: 'default' };

interface Init {
  readonly headers?: [string, string][];
  readonly request?: Record<string, string>;
  readonly status?: number;
  /** Seconds relative to NOW; default 0. */
  readonly requestAt?: number;
  readonly responseAt?: number;
  readonly options?: Partial<PolicyOptions>;
  readonly controls?: RequestControls;
}

function make(init: Init): NewEntry | undefined {
  const headers = init.headers ?? [];
  const cc = headers
    .filter(([n]) => n.toLowerCase() === 'cache-control')
    .map(([, v]) => v)
    .join(', ');
  return newEntry(
    {
      requestHeaders: reader(init.request ?? {}),
      status: init.status ?? 200,
      statusText: 'OK',
      headers,
      cc: parseCacheControl(cc),
      requestTime: NOW + (init.requestAt ?? 0) * S,
      responseTime: NOW + (init.responseAt ?? 0) * S,
    },
    options(init.options),
    init.controls ?? DEFAULT,
  );
}

/** `[staleAt, deleteAt]` in seconds relative to NOW, or `undefined` when not stored. */
function times(e: NewEntry | undefined): [number, number] | undefined {
  return e === undefined ? undefined : [(e.staleAt - NOW) / S, (e.deleteAt - NOW) / S];
}

const DATE: [string, string] = ['date', httpDate(0)];
const cc = (value: string): [string, string] => ['cache-control', value];
const ETAG: [string, string] = ['etag', '"v1"'];

describe('RFC 9111 §3 storing a response: the new entry', () => {
  it('keeps the storable header fields, the request times and the variant', () => {
    expect(
      make({
        headers: [
          ['Content-Type', 'text/plain'],
          ['Connection', 'x-hop'],
          ['X-Hop', '1'],
          DATE,
          cc('max-age=60'),
          ['Vary', 'Accept-Encoding'],
        ],
        request: { 'accept-encoding': 'GZIP, br' },
        requestAt: -1,
      }),
    ).toEqual({
      status: 200,
      statusText: 'OK',
      headers: [
        ['content-type', 'text/plain'],
        ['date', httpDate(0)],
        ['cache-control', 'max-age=60'],
        ['vary', 'Accept-Encoding'],
      ],
      requestTime: NOW - S,
      responseTime: NOW,
      vary: { 'accept-encoding': 'gzip,br' },
      variant: '[["accept-encoding","gzip,br"]]',
      // Age 1 s (the response delay) of a 60 s lifetime.
      staleAt: NOW + 59 * S,
      deleteAt: NOW + 59 * S + DAY,
    });
  });

  // RFC 9110 §6.6.1: "A recipient with a clock that receives a response message without a Date
  // header field MUST record the time it was received and append a corresponding Date header field".
  it('adds a Date of receipt when the response has none', () => {
    const e = make({ headers: [cc('max-age=60')], responseAt: -30 });
    expect(e?.headers).toEqual([
      ['cache-control', 'max-age=60'],
      ['date', httpDate(-30)],
    ]);
  });

  it('keeps an invalid Date as received', () => {
    const e = make({ headers: [['date', 'garbage'], cc('max-age=60')] });
    expect(e?.headers).toEqual([
      ['date', 'garbage'],
      ['cache-control', 'max-age=60'],
    ]);
    expect(times(e)).toEqual([60, 60 + STALE_RETENTION]);
  });

  it('strips Set-Cookie in a shared cache', () => {
    const e = make({
      headers: [DATE, ['set-cookie', 'a=1'], cc('public, max-age=60')],
      options: { shared: true },
    });
    expect(e?.headers).toEqual([DATE, ['cache-control', 'public, max-age=60']]);
  });

  // RFC 9111 §4.1: "A stored response with a Vary header field value containing a member "*"
  // always fails to match", so it is not worth storing.
  it.each<[string, [string, string][]]>([
    ['Vary: *', [DATE, cc('max-age=60'), ['vary', '*']]],
    ['Vary: accept, *', [DATE, cc('max-age=60'), ['vary', 'accept, *']]],
    ['two Vary lines, one *', [DATE, cc('max-age=60'), ['vary', 'accept'], ['vary', '*']]],
    ['Vary: * with a TTL', [DATE, cc('max-age=60'), ['vary', '*']]],
  ])('%s is not stored', (_name, headers) => {
    expect(make({ headers, controls: { mode: 'default', ttl: 3600 } })).toBeUndefined();
  });

  it('no Vary: an empty variant id', () => {
    expect(make({ headers: [DATE, cc('max-age=60')] })?.variant).toBe('');
  });
});

describe('RFC 9111 §4.2 staleAt and deleteAt of a new entry', () => {
  it.each<[name: string, init: Init, expected: [staleAt: number, deleteAt: number] | undefined]>([
    ['max-age', { headers: [DATE, cc('max-age=60')] }, [60, 60 + STALE_RETENTION]],
    ['Expires', { headers: [DATE, ['expires', httpDate(120)]] }, [120, 120 + STALE_RETENTION]],
    [
      's-maxage in a shared cache',
      { headers: [DATE, cc('max-age=60, s-maxage=10')], options: { shared: true } },
      [10, 10 + STALE_RETENTION],
    ],
    [
      's-maxage in a private cache',
      { headers: [DATE, cc('max-age=60, s-maxage=10')] },
      [60, 60 + STALE_RETENTION],
    ],
    [
      'Age eats into the lifetime',
      { headers: [DATE, cc('max-age=60'), ['age', '30']] },
      [30, 30 + STALE_RETENTION],
    ],
    [
      'response delay eats into the lifetime',
      { headers: [DATE, cc('max-age=60')], requestAt: -2 },
      [58, 58 + STALE_RETENTION],
    ],
    [
      'a Date in the past eats into the lifetime',
      { headers: [['date', httpDate(-100)], cc('max-age=160')] },
      [60, 60 + STALE_RETENTION],
    ],
    [
      'a later response time',
      { headers: [['date', httpDate(50)], cc('max-age=60')], requestAt: 50, responseAt: 50 },
      [110, 110 + STALE_RETENTION],
    ],
    [
      'heuristic freshness',
      { headers: [DATE, ['last-modified', httpDate(-1000)]] },
      [100, 100 + STALE_RETENTION],
    ],
    [
      'heuristics off, validator kept for revalidation',
      { headers: [DATE, ['last-modified', httpDate(-1000)]], options: { heuristics: false } },
      [0, STALE_RETENTION],
    ],
    // Stale on arrival and nothing to revalidate or serve stale with: not stored.
    ['max-age=0 without a validator', { headers: [DATE, cc('max-age=0')] }, undefined],
    ['no-cache without a validator', { headers: [DATE, cc('no-cache, max-age=0')] }, undefined],
    ['invalid Expires without a validator', { headers: [DATE, ['expires', '0']] }, undefined],
    // A validator keeps it for cheap revalidation.
    ['max-age=0 with an ETag', { headers: [DATE, cc('max-age=0'), ETAG] }, [0, STALE_RETENTION]],
    [
      'max-age=0 with Last-Modified',
      { headers: [DATE, cc('max-age=0'), ['last-modified', httpDate(-10)]] },
      [0, STALE_RETENTION],
    ],
    // RFC 5861 windows and allowStale keep it as long as it may be served stale.
    [
      'max-age=0, stale-while-revalidate',
      { headers: [DATE, cc('max-age=0, stale-while-revalidate=30')] },
      [0, 30],
    ],
    [
      'max-age=0, stale-if-error',
      { headers: [DATE, cc('max-age=0, stale-if-error=300')] },
      [0, 300],
    ],
    [
      'max-age=0, the larger window',
      { headers: [DATE, cc('max-age=0, stale-if-error=300, stale-while-revalidate=400')] },
      [0, 400],
    ],
    [
      'max-age=0, allowStale',
      { headers: [DATE, cc('max-age=0')], options: { allowStale: 600 } },
      [0, 600],
    ],
    [
      'must-revalidate closes the stale-if-error window',
      { headers: [DATE, cc('max-age=0, must-revalidate, stale-if-error=300')] },
      undefined,
    ],
    [
      'proxy-revalidate closes it in a shared cache',
      {
        headers: [DATE, cc('max-age=0, proxy-revalidate, stale-if-error=300')],
        options: { shared: true },
      },
      undefined,
    ],
    [
      'proxy-revalidate is ignored by a private cache',
      { headers: [DATE, cc('max-age=0, proxy-revalidate, stale-if-error=300')] },
      [0, 300],
    ],
    [
      'a window longer than a day',
      { headers: [DATE, cc('max-age=60, stale-while-revalidate=100000')] },
      [60, 100_060],
    ],
    // ttl: the per-request one wins over the policy's, and both over everything derived.
    ['policy ttl', { headers: [DATE, cc('max-age=60')], options: { ttl: 20 } }, [60, 20]],
    [
      'request ttl',
      { headers: [DATE, cc('max-age=60')], controls: { mode: 'default', ttl: 10 } },
      [60, 10],
    ],
    [
      'request ttl wins',
      {
        headers: [DATE, cc('max-age=60')],
        options: { ttl: 20 },
        controls: { mode: 'default', ttl: 5 },
      },
      [60, 5],
    ],
    [
      'ttl keeps a response stale on arrival',
      { headers: [DATE, cc('max-age=0')], options: { ttl: 3600 } },
      [0, 3600],
    ],
    [
      'ttl 0 does not keep it',
      { headers: [DATE, cc('max-age=60')], options: { ttl: 0 } },
      undefined,
    ],
    [
      'ttl counts from the response time',
      {
        headers: [['date', httpDate(7)], cc('max-age=60')],
        requestAt: 7,
        responseAt: 7,
        options: { ttl: 3 },
      },
      [67, 10],
    ],
  ])('%s', (_name, init, expected) => {
    expect(times(make(init))).toEqual(expected);
  });
});

describe('RFC 9111 §4.3.4 freshening a stored response', () => {
  // Stored two minutes ago with a 60 s lifetime: stale by 60 s now.
  const base = make({
    headers: [
      ['date', httpDate(-120)],
      cc('max-age=60'),
      ETAG,
      ['content-type', 'text/plain'],
      ['content-length', '5'],
      ['set-cookie', 'a=1'],
    ],
    request: { accept: 'text/plain' },
    requestAt: -120,
    responseAt: -120,
  });
  if (base === undefined) throw new Error('fixture not stored');
  const stored = { ...base, key: 'GET https://example.com/r' };

  function refresh(
    newer: Iterable<readonly [string, string]>,
    opts: Partial<PolicyOptions> = {},
    controls: RequestControls = DEFAULT,
  ) {
    return freshen(stored, newer, NOW - S, NOW, options(opts), controls);
  }

  it('the fixture is stale', () => {
    expect(times(stored)).toEqual([-60, -60 + STALE_RETENTION]);
  });

  it('takes the new exchange times and the 304’s fields, keeps the rest', () => {
    expect(refresh(pairs({ date: httpDate(0), 'cache-control': 'max-age=300' }))).toEqual({
      ...stored,
      headers: [
        ['etag', '"v1"'],
        ['content-type', 'text/plain'],
        ['content-length', '5'],
        ['set-cookie', 'a=1'],
        ['date', httpDate(0)],
        ['cache-control', 'max-age=300'],
      ],
      requestTime: NOW - S,
      responseTime: NOW,
      // Age 1 s (the response delay).
      staleAt: NOW + 299 * S,
      deleteAt: NOW + 299 * S + DAY,
    });
  });

  it.each<
    [
      name: string,
      newer: [string, string][],
      opts: Partial<PolicyOptions>,
      expected: [number, number],
    ]
  >([
    ['304 with Date and the same max-age', [DATE], {}, [59, 59 + STALE_RETENTION]],
    // RFC 9110 §6.6.1: a 304 without Date gets the time it was received; the stored Date, two
    // minutes old, must not make the freshened response stale at once.
    ['304 without Date', [ETAG], {}, [59, 59 + STALE_RETENTION]],
    ['304 with Age', [DATE, ['age', '10']], {}, [49, 49 + STALE_RETENTION]],
    [
      '304 with Expires: the stored max-age still wins',
      [DATE, ['expires', httpDate(10)]],
      {},
      [59, 59 + STALE_RETENTION],
    ],
    ['304 with max-age=0', [DATE, cc('max-age=0')], {}, [-1, -1 + STALE_RETENTION]],
    [
      '304 with mixed-case names',
      [
        ['Date', httpDate(0)],
        ['Cache-Control', 'max-age=100'],
      ],
      {},
      [99, 99 + STALE_RETENTION],
    ],
    [
      '304 with s-maxage in a shared cache',
      [DATE, cc('s-maxage=20')],
      { shared: true },
      [19, 19 + STALE_RETENTION],
    ],
    [
      '304 with stale-if-error',
      [DATE, cc('max-age=0, stale-if-error=100000')],
      {},
      [-1, -1 + 100_000],
    ],
    ['policy ttl', [DATE], { ttl: 30 }, [59, 30]],
  ])('%s', (_name, newer, opts, expected) => {
    expect(times(refresh(newer, opts))).toEqual(expected);
  });

  it('a per-request ttl wins', () => {
    expect(times(refresh([DATE], { ttl: 30 }, { mode: 'default', ttl: 7 }))).toEqual([59, 7]);
  });

  it('Content-Length in a 304 does not replace the stored one', () => {
    const e = refresh([DATE, ['content-length', '0']]);
    expect(declaredLength(e)).toBe(5);
  });

  it('a shared cache does not take Set-Cookie from the 304', () => {
    const e = refresh([DATE, ['set-cookie', 'b=2']], { shared: true });
    expect(e.headers.filter(([n]) => n === 'set-cookie')).toEqual([['set-cookie', 'a=1']]);
  });

  it('keeps the variant, the Vary values and the caller’s own properties', () => {
    const e = refresh([DATE, ['vary', 'accept-language']]);
    expect({ key: e.key, variant: e.variant, vary: e.vary, status: e.status }).toEqual({
      key: 'GET https://example.com/r',
      variant: stored.variant,
      vary: stored.vary,
      status: 200,
    });
  });

  it('reads the 304 from a Headers object', () => {
    const e = refresh(new Headers({ Date: httpDate(0), 'Cache-Control': 'max-age=10' }));
    expect(times(e)).toEqual([9, 9 + STALE_RETENTION]);
  });

  // Regression test: a one-shot iterable of 304 fields (a generator) was once read twice, so no
  // field replaced the stored ones (RFC 9111 §3.2).
  it('accepts a one-shot iterable of 304 fields', () => {
    function* fields(): Generator<[string, string]> {
      yield ['date', httpDate(0)];
      yield ['cache-control', 'max-age=10'];
    }
    const e = refresh(fields());
    expect(e.headers.filter(([n]) => n === 'cache-control')).toEqual([
      ['cache-control', 'max-age=10'],
    ]);
  });
});

describe('RFC 9110 §8.6 declared Content-Length', () => {
  it.each<[fields: Record<string, string>, expected: number | undefined]>([
    [{}, undefined],
    [{ 'content-length': '0' }, 0],
    [{ 'content-length': '12345' }, 12_345],
    [{ 'content-length': '007' }, 7],
    [{ 'content-length': '' }, undefined],
    [{ 'content-length': '-1' }, undefined],
    [{ 'content-length': '1.5' }, undefined],
    [{ 'content-length': ' 5' }, undefined],
    [{ 'content-length': '5, 5' }, undefined],
    [{ 'content-length': 'abc' }, undefined],
  ])('%j → %s', (fields, expected) => {
    expect(declaredLength({ headers: pairs(fields) })).toBe(expected);
  });
});
