import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import type { Freshness } from '../../src/core/freshness.ts';
import {
  canServeStaleOnError,
  STALE_IF_ERROR_STATUSES,
  staleIfErrorWindow,
} from '../../src/core/stale.ts';

function f(cc: string, lifetime: number, age: number): Freshness {
  return { cc: parseCacheControl(cc), lifetime, age, explicit: true };
}

describe('RFC 5861 §4 stale-if-error', () => {
  it('covers the 500, 502, 503 and 504 errors', () => {
    expect([...STALE_IF_ERROR_STATUSES].sort()).toEqual([500, 502, 503, 504]);
  });

  it.each<
    [
      name: string,
      responseCc: string,
      requestCc: string,
      allowStale: number,
      shared: boolean,
      window: number,
    ]
  >([
    ['nothing', 'max-age=60', '', 0, false, 0],
    ['response stale-if-error', 'max-age=60, stale-if-error=300', '', 0, false, 300],
    ['request stale-if-error', 'max-age=60', 'stale-if-error=120', 0, false, 120],
    [
      'the larger of response and request',
      'stale-if-error=300',
      'stale-if-error=120',
      0,
      false,
      300,
    ],
    [
      'the larger of request and response',
      'stale-if-error=100',
      'stale-if-error=400',
      0,
      false,
      400,
    ],
    ['allowStale alone', 'max-age=60', '', 900, false, 900],
    ['allowStale below stale-if-error', 'stale-if-error=300', '', 60, false, 300],
    ['allowStale above stale-if-error', 'stale-if-error=300', '', 600, false, 600],
    ['stale-if-error=0', 'stale-if-error=0', '', 0, false, 0],
    ['invalid stale-if-error reads as 0', 'stale-if-error=abc', '', 0, false, 0],
    ['stale-while-revalidate is not stale-if-error', 'stale-while-revalidate=300', '', 0, false, 0],
    // RFC 9111 §4.2.4: "A cache MUST NOT generate a stale response if it is prohibited by an
    // explicit in-protocol directive (e.g., by a no-cache response directive, a must-revalidate
    // response directive, or an applicable s-maxage or proxy-revalidate response directive)".
    [
      'must-revalidate wins over stale-if-error',
      'must-revalidate, stale-if-error=300',
      '',
      0,
      false,
      0,
    ],
    ['must-revalidate wins over the request', 'must-revalidate', 'stale-if-error=300', 0, false, 0],
    ['must-revalidate wins over allowStale', 'must-revalidate', '', 600, false, 0],
    ['no-cache wins', 'no-cache, stale-if-error=300', '', 600, false, 0],
    ['qualified no-cache does not', 'no-cache="x", stale-if-error=300', '', 0, false, 300],
    [
      'proxy-revalidate wins in a shared cache',
      'proxy-revalidate, stale-if-error=300',
      '',
      600,
      true,
      0,
    ],
    [
      'proxy-revalidate is ignored by a private cache',
      'proxy-revalidate, stale-if-error=300',
      '',
      0,
      false,
      300,
    ],
    ['s-maxage wins in a shared cache', 's-maxage=10, stale-if-error=300', '', 600, true, 0],
    [
      's-maxage is ignored by a private cache',
      's-maxage=10, stale-if-error=300',
      '',
      0,
      false,
      300,
    ],
    ['shared cache without prohibitions', 'max-age=10, stale-if-error=300', '', 0, true, 300],
  ])('window: %s', (_name, responseCc, requestCc, allowStale, shared, window) => {
    expect(
      staleIfErrorWindow(f(responseCc, 60, 0), parseCacheControl(requestCc), allowStale, shared),
    ).toBe(window);
  });

  it.each<
    [
      name: string,
      responseCc: string,
      requestCc: string,
      allowStale: number,
      shared: boolean,
      lifetime: number,
      age: number,
      ok: boolean,
    ]
  >([
    ['fresh, no window', 'max-age=60', '', 0, false, 60, 10, true],
    ['stale past a zero window', 'max-age=60', '', 0, false, 60, 60.001, false],
    ['within stale-if-error', 'stale-if-error=300', '', 0, false, 60, 360, true],
    ['past stale-if-error', 'stale-if-error=300', '', 0, false, 60, 361, false],
    ['within the request stale-if-error', '', 'stale-if-error=100', 0, false, 60, 160, true],
    ['past the request stale-if-error', '', 'stale-if-error=100', 0, false, 60, 161, false],
    ['within allowStale', '', '', 100, false, 60, 160, true],
    ['past allowStale', '', '', 100, false, 60, 160.5, false],
    [
      'must-revalidate, stale',
      'must-revalidate, stale-if-error=300',
      '',
      600,
      false,
      60,
      61,
      false,
    ],
    ['must-revalidate, fresh', 'must-revalidate, stale-if-error=300', '', 600, false, 60, 59, true],
    [
      'proxy-revalidate, shared, stale',
      'proxy-revalidate, stale-if-error=300',
      '',
      0,
      true,
      60,
      61,
      false,
    ],
    [
      'proxy-revalidate, private, stale',
      'proxy-revalidate, stale-if-error=300',
      '',
      0,
      false,
      60,
      61,
      true,
    ],
    ['s-maxage, shared, stale', 's-maxage=60, stale-if-error=300', '', 0, true, 60, 61, false],
    ['no-cache, stale', 'no-cache, stale-if-error=300', '', 0, false, 60, 61, false],
  ])(
    'can serve stale on error: %s',
    (_name, responseCc, requestCc, allowStale, shared, lifetime, age, ok) => {
      expect(
        canServeStaleOnError(
          f(responseCc, lifetime, age),
          parseCacheControl(requestCc),
          allowStale,
          shared,
        ),
      ).toBe(ok);
    },
  );

  // Regression test: a fresh no-cache response once stood in for a failed origin. RFC 9111
  // §5.2.2.4: it "MUST NOT be used to satisfy any other request without forwarding it for
  // validation and receiving a successful response".
  it('a no-cache response never stands in for a failed origin, even while fresh', () => {
    expect(canServeStaleOnError(f('no-cache, max-age=60', 60, 10), {}, 600, false)).toBe(false);
  });
});
