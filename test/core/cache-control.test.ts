import { describe, expect, test } from 'vitest';
import { type CacheControl, parseCacheControl } from '../../src/core/cache-control.ts';

const MAX = 2147483648;

type Case = readonly [input: string | null | undefined, expected: CacheControl];

describe('RFC 9111 §5.2: Cache-Control syntax', () => {
  test.for<Case>([
    [null, {}],
    [undefined, {}],
    ['', {}],
    ['   ', {}],
    [',', {}],
    [' , ,, \t,', {}],
    ['max-age=60', { maxAge: 60 }],
    ['MAX-AGE=60', { maxAge: 60 }],
    ['Max-Age=60, No-Store', { maxAge: 60, noStore: true }],
    ['  max-age=60  ,  public  ', { maxAge: 60, public: true }],
    ['\tmax-age=60\t', { maxAge: 60 }],
    ['max-age=60,,,public', { maxAge: 60, public: true }],
    ['max-age = 60', { maxAge: 60 }],
    ['public,max-age=1,must-revalidate', { public: true, maxAge: 1, mustRevalidate: true }],
    // Unknown directives, with or without arguments, are ignored (§5.2.3).
    ['foo, bar=baz, max-age=5', { maxAge: 5 }],
    ['community="UCI", max-age=5', { maxAge: 5 }],
    ['x-ext="a, max-age=0", max-age=5', { maxAge: 5 }],
    ['x-ext="a \\" , max-age=0", max-age=5', { maxAge: 5 }],
    // Names are exact tokens: no prefix or suffix matching.
    ['max-ages=5, xmax-age=5, max_age=5', {}],
    ['nostore, no store', {}],
  ])('%j', ([input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });
});

describe('RFC 9111 §5.2: arguments in token or quoted-string form', () => {
  test.for<Case>([
    ['max-age="60"', { maxAge: 60 }],
    ['max-age= "60" ', { maxAge: 60 }],
    ['s-maxage="0"', { sMaxage: 0 }],
    ['max-age="\\6\\0"', { maxAge: 60 }],
    ['max-age="60"x', { maxAge: 0 }],
    ['max-age="60', { maxAge: 0 }],
    ['max-age=" 60"', { maxAge: 0 }],
    ['no-cache="Set-Cookie"', { noCache: ['set-cookie'] }],
    ['no-cache=Set-Cookie', { noCache: ['set-cookie'] }],
    ['no-cache="a, B", max-age=5', { noCache: ['a', 'b'], maxAge: 5 }],
    ['no-cache="a,b" , public', { noCache: ['a', 'b'], public: true }],
    ['private="x\\-y"', { private: ['x-y'] }],
    // An unbalanced quote runs to the end: later directives are swallowed.
    ['no-cache="a, max-age=5', { noCache: true }],
    ['x-ext="unterminated, no-store, max-age=5', {}],
    ['max-age=5, x="\\', { maxAge: 5 }],
  ])('%j', ([input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });
});

describe('RFC 9111 §1.2.2: delta-seconds', () => {
  test.for<readonly [string, number]>([
    ['0', 0],
    ['1', 1],
    ['007', 7],
    ['86400', 86400],
    ['2147483647', 2147483647],
    ['2147483648', MAX],
    ['2147483649', MAX],
    ['99999999999999999999999999999999', MAX],
    [`1${'0'.repeat(400)}`, MAX],
    [`${'0'.repeat(400)}12`, 12],
  ])('max-age=%s -> %d', ([arg, expected]) => {
    expect(parseCacheControl(`max-age=${arg}`).maxAge).toBe(expected);
    expect(parseCacheControl(`s-maxage=${arg}`).sMaxage).toBe(expected);
    expect(parseCacheControl(`max-stale=${arg}`).maxStale).toBe(expected);
    expect(parseCacheControl(`min-fresh=${arg}`).minFresh).toBe(expected);
    expect(parseCacheControl(`stale-while-revalidate=${arg}`).staleWhileRevalidate).toBe(expected);
    expect(parseCacheControl(`stale-if-error=${arg}`).staleIfError).toBe(expected);
  });
});

describe('RFC 9111 §4.2.1: invalid freshness information counts as 0 (stale)', () => {
  const directives = [
    ['max-age', 'maxAge'],
    ['s-maxage', 'sMaxage'],
    ['max-stale', 'maxStale'],
    ['min-fresh', 'minFresh'],
    ['stale-while-revalidate', 'staleWhileRevalidate'],
    ['stale-if-error', 'staleIfError'],
  ] as const;
  const invalid = ['', '-1', '-0', '+5', '1.5', '1e3', '0x10', 'abc', '5s', '5 6', '""', '"-1"'];
  test.for(directives.flatMap(([name, key]) => invalid.map((arg) => [name, arg, key] as const)))(
    '%s=%s -> 0',
    ([name, arg, key]) => {
      expect(parseCacheControl(`${name}=${arg}`)[key]).toBe(0);
    },
  );

  test.for(directives.filter(([name]) => name !== 'max-stale'))(
    '%s without an argument -> 0',
    ([name, key]) => {
      expect(parseCacheControl(name)[key]).toBe(0);
    },
  );

  // RFC 9111 §5.2.1.2: max-stale without an argument accepts a response of any staleness.
  test.for<Case>([
    ['max-stale', { maxStale: Number.POSITIVE_INFINITY }],
    ['MAX-STALE , max-age=0', { maxStale: Number.POSITIVE_INFINITY, maxAge: 0 }],
    ['max-stale=', { maxStale: 0 }],
    ['max-stale=""', { maxStale: 0 }],
  ])('%j', ([input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });
});

describe('RFC 9111 §4.2.1: duplicated directives use the most restrictive', () => {
  test.for<Case>([
    ['max-age=60, max-age=30', { maxAge: 30 }],
    ['max-age=30, max-age=60', { maxAge: 30 }],
    ['max-age=60, max-age=abc', { maxAge: 0 }],
    ['max-age=60, max-age', { maxAge: 0 }],
    ['s-maxage=9, s-maxage=10', { sMaxage: 9 }],
    ['min-fresh=5, min-fresh=4', { minFresh: 4 }],
    ['stale-while-revalidate=5, stale-while-revalidate=4', { staleWhileRevalidate: 4 }],
    ['stale-if-error=5, stale-if-error=40', { staleIfError: 5 }],
    ['max-stale, max-stale=10', { maxStale: 10 }],
    ['max-stale=10, max-stale', { maxStale: 10 }],
    ['max-stale=10, max-stale=3', { maxStale: 3 }],
    ['max-age=99999999999, max-age=3000000000', { maxAge: MAX }],
    ['no-cache="a", no-cache="b, A"', { noCache: ['a', 'b'] }],
    ['private=a, private="c,b", private=a', { private: ['a', 'c', 'b'] }],
    ['no-cache="a", no-cache', { noCache: true }],
    ['no-cache, no-cache="a"', { noCache: true }],
    ['private="a", private=""', { private: true }],
    ['private=a, private=,', { private: true }],
    ['no-cache="a", no-cache="(x)"', { noCache: true }],
    ['no-cache="a", no-cache="b', { noCache: true }],
    ['no-store, no-store', { noStore: true }],
  ])('%j', ([input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });
});

describe('RFC 9111 §5.2.2.4, §5.2.2.7: qualified no-cache and private', () => {
  test.for<Case>([
    ['no-cache', { noCache: true }],
    ['private', { private: true }],
    ['private="Set-Cookie, Authorization"', { private: ['set-cookie', 'authorization'] }],
    ['no-cache=" x-a ,\tX-B "', { noCache: ['x-a', 'x-b'] }],
    ['no-cache="a,,b,"', { noCache: ['a', 'b'] }],
    ['no-cache="a, a, A"', { noCache: ['a'] }],
    // Degenerate arguments read as the unqualified directive: the safe reading.
    ['private=', { private: true }],
    ['private=""', { private: true }],
    ['private=,', { private: true }],
    ['private= , max-age=5', { private: true, maxAge: 5 }],
    ['private=" , "', { private: true }],
    ['no-cache=""', { noCache: true }],
    ['no-cache="a"b', { noCache: true }],
    // Members that are not field names are dropped; none left means unqualified.
    ['no-cache="a b, c"', { noCache: ['c'] }],
    ['no-cache="(x)"', { noCache: true }],
    ['no-cache="é"', { noCache: true }],
    ['private=a"b', { private: true }],
  ])('%j', ([input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });
});

describe('RFC 9111 §5.2.1, §5.2.2: directives without arguments', () => {
  test.for<Case>([
    ['no-store', { noStore: true }],
    ['public', { public: true }],
    ['must-revalidate', { mustRevalidate: true }],
    ['proxy-revalidate', { proxyRevalidate: true }],
    ['must-understand', { mustUnderstand: true }],
    ['no-transform', { noTransform: true }],
    ['immutable', { immutable: true }],
    ['only-if-cached', { onlyIfCached: true }],
    // A stray argument does not hide the directive.
    ['no-store=1', { noStore: true }],
    ['public="x"', { public: true }],
    [
      'public, private, no-store, no-cache, must-revalidate, proxy-revalidate, must-understand, ' +
        'no-transform, immutable, only-if-cached, max-age=1, s-maxage=2, max-stale=3, ' +
        'min-fresh=4, stale-while-revalidate=5, stale-if-error=6',
      {
        public: true,
        private: true,
        noStore: true,
        noCache: true,
        mustRevalidate: true,
        proxyRevalidate: true,
        mustUnderstand: true,
        noTransform: true,
        immutable: true,
        onlyIfCached: true,
        maxAge: 1,
        sMaxage: 2,
        maxStale: 3,
        minFresh: 4,
        staleWhileRevalidate: 5,
        staleIfError: 6,
      },
    ],
  ])('%j', ([input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });
});

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RFC 9111 §5.2 (robustness): hostile input never throws', () => {
  const kib64 = 64 * 1024;
  test.for<readonly [name: string, input: string, expected: CacheControl]>([
    ['64 KiB of commas', ','.repeat(kib64), {}],
    ['64 KiB of spaces', ' '.repeat(kib64), {}],
    ['64 KiB of quotes', '"'.repeat(kib64), {}],
    ['64 KiB of backslashes', '\\'.repeat(kib64), {}],
    ['64 KiB of =', '='.repeat(kib64), {}],
    ['64 KiB name', `${'a'.repeat(kib64)}, max-age=1`, { maxAge: 1 }],
    ['64 KiB digits', `max-age=${'9'.repeat(kib64)}`, { maxAge: MAX }],
    ['64 KiB of directives', 'max-age=1,'.repeat(kib64 / 10), { maxAge: 1 }],
    ['64 KiB unbalanced quote', `no-cache="${'a,'.repeat(kib64 / 2)}`, { noCache: true }],
    [
      '64 KiB field list',
      `private="${Array.from({ length: 8000 }, (_, i) => `h${i % 4000}`).join(',')}"`,
      { private: Array.from({ length: 4000 }, (_, i) => `h${i}`) },
    ],
    ['control characters', 'max-age=5, \u0007no-store, public\r\n, \u0000', { maxAge: 5 }],
    ['NUL in argument', 'max-age=5\u0000', { maxAge: 0 }],
    ['non-ASCII', 'máx-age=5, max-age=٣, no-store', { maxAge: 0, noStore: true }],
    ['lone surrogates', '\ud800max-age=1, max-age=\udc00', { maxAge: 0 }],
    ['only quotes and commas', '",",",","', {}],
    ['prototype names', '__proto__=1, constructor, toString=2, hasOwnProperty', {}],
  ])('%s', ([, input, expected]) => {
    expect(parseCacheControl(input)).toStrictEqual(expected);
  });

  test('random strings over the syntax alphabet', () => {
    const next = random(0x9111);
    const alphabet = [
      'max-age',
      'no-cache',
      'private',
      'max-stale',
      '=',
      ',',
      '"',
      '\\',
      ' ',
      '\t',
    ];
    alphabet.push('5', '-', 'a', '\u0000', 'é', '\ud800', 'x');
    for (let n = 0; n < 2000; n++) {
      let input = '';
      const parts = Math.floor(next() * 20);
      for (let k = 0; k < parts; k++) input += alphabet[Math.floor(next() * alphabet.length)];
      const cc = parseCacheControl(input);
      for (const v of [cc.maxAge, cc.maxStale]) {
        if (v === undefined || v === Number.POSITIVE_INFINITY) continue;
        expect(Number.isInteger(v) && v >= 0 && v <= MAX).toBe(true);
      }
      for (const list of [cc.noCache, cc.private]) {
        if (list === undefined || list === true) continue;
        expect(list.length).toBeGreaterThan(0);
      }
    }
  });
});
