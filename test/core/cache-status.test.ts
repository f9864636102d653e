import { describe, expect, it } from 'vitest';
import {
  appendCacheStatus,
  type CacheStatusEntry,
  formatCacheStatus,
  parseCacheStatus,
} from '../../src/core/cache-status.ts';

describe('RFC 9211 §2 Cache-Status: formatting a member', () => {
  it.each<[name: string, entry: CacheStatusEntry, expected: string]>([
    ['name only', { cache: 'httpcache' }, 'httpcache'],
    // §2.1 hit, §2.4 ttl
    ['hit with ttl', { cache: 'httpcache', hit: true, ttl: 42 }, 'httpcache; hit; ttl=42'],
    // §2.2 fwd, §2.3 fwd-status, §2.5 stored
    [
      'forwarded and stored',
      { cache: 'httpcache', fwd: 'uri-miss', fwdStatus: 200, stored: true },
      'httpcache; fwd=uri-miss; fwd-status=200; stored',
    ],
    [
      'every parameter in order',
      {
        cache: 'c',
        hit: true,
        fwd: 'stale',
        fwdStatus: 304,
        ttl: -5,
        stored: true,
        collapsed: true,
        key: 'k',
        detail: 'd',
      },
      'c; hit; fwd=stale; fwd-status=304; ttl=-5; stored; collapsed; key="k"; detail=d',
    ],
    [
      'false booleans are left out',
      { cache: 'c', hit: false, stored: false, collapsed: false },
      'c',
    ],
    // §2.4: ttl is an Integer.
    ['ttl truncated', { cache: 'c', ttl: 41.9 }, 'c; ttl=41'],
    ['negative ttl truncated toward zero', { cache: 'c', ttl: -3.7 }, 'c; ttl=-3'],
    ['ttl between -1 and 0 is 0', { cache: 'c', ttl: -0.5 }, 'c; ttl=0'],
    ['ttl 0', { cache: 'c', ttl: 0 }, 'c; ttl=0'],
    // §2: the cache name is a String or a Token.
    ['token name with punctuation', { cache: 'Example.Cache-1:edge/2' }, 'Example.Cache-1:edge/2'],
    [
      'name with a space is a String',
      { cache: 'CDN Company Here', hit: true },
      '"CDN Company Here"; hit',
    ],
    ['name starting with a digit is a String', { cache: '1cache' }, '"1cache"'],
    ['name with a quote and a backslash', { cache: 'a"b\\c' }, '"a\\"b\\\\c"'],
    ['non-ASCII name stays a valid String', { cache: 'café' }, '"caf%C3%A9"'],
    ['control character in a name', { cache: 'a\nb' }, '"a%0Ab"'],
    // §2.7 key is a String, always quoted.
    ['key', { cache: 'c', key: 'GET https://example.com/a' }, 'c; key="GET https://example.com/a"'],
    ['token-like key is still a String', { cache: 'c', key: 'abc' }, 'c; key="abc"'],
    ['key with a quote', { cache: 'c', key: 'say "hi"' }, 'c; key="say \\"hi\\""'],
    // §2.8 detail is a String or a Token.
    ['detail as a token', { cache: 'c', detail: 'memory' }, 'c; detail=memory'],
    ['detail as a String', { cache: 'c', detail: 'body too large' }, 'c; detail="body too large"'],
  ])('%s', (_name, entry, expected) => {
    expect(formatCacheStatus(entry)).toBe(expected);
  });

  // §2: "caches SHOULD ... append their member to the end of the field value".
  it.each<[existing: string | null, expected: string]>([
    [null, 'httpcache; hit'],
    ['', 'httpcache; hit'],
    ['   ', 'httpcache; hit'],
    ['OriginCache; fwd=uri-miss', 'OriginCache; fwd=uri-miss, httpcache; hit'],
    ['a; hit, b; fwd=stale', 'a; hit, b; fwd=stale, httpcache; hit'],
  ])('append to %j', (existing, expected) => {
    expect(appendCacheStatus(existing, { cache: 'httpcache', hit: true })).toBe(expected);
  });
});

describe('RFC 9211 §2 Cache-Status: lenient parsing', () => {
  it.each<[value: string | null | undefined, expected: CacheStatusEntry[]]>([
    [null, []],
    [undefined, []],
    ['', []],
    [' , ,', []],
    // RFC 9211 §3 examples.
    ['ExampleCache; hit', [{ cache: 'ExampleCache', hit: true }]],
    ['ExampleCache; fwd=uri-miss', [{ cache: 'ExampleCache', fwd: 'uri-miss' }]],
    [
      'ExampleCache; fwd=uri-miss; stored',
      [{ cache: 'ExampleCache', fwd: 'uri-miss', stored: true }],
    ],
    [
      'ExampleCache; fwd=vary-miss; fwd-status=304; collapsed',
      [{ cache: 'ExampleCache', fwd: 'vary-miss', fwdStatus: 304, collapsed: true }],
    ],
    ['ExampleCache; hit; ttl=376', [{ cache: 'ExampleCache', hit: true, ttl: 376 }]],
    ['ExampleCache; hit; ttl=-412', [{ cache: 'ExampleCache', hit: true, ttl: -412 }]],
    [
      'ExampleCache; fwd=stale; fwd-status=304',
      [{ cache: 'ExampleCache', fwd: 'stale', fwdStatus: 304 }],
    ],
    [
      'OriginCache; hit; ttl=1100, "CDN Company Here"; hit; ttl=545',
      [
        { cache: 'OriginCache', hit: true, ttl: 1100 },
        { cache: 'CDN Company Here', hit: true, ttl: 545 },
      ],
    ],
    [
      'ReverseProxyCache; hit; key="GET https://example.com/a"',
      [{ cache: 'ReverseProxyCache', hit: true, key: 'GET https://example.com/a' }],
    ],
    ['c; detail=memory', [{ cache: 'c', detail: 'memory' }]],
    ['c; detail="a long detail"', [{ cache: 'c', detail: 'a long detail' }]],
    // Quoted strings keep their commas, semicolons and escapes.
    ['c; key="a, b; c"', [{ cache: 'c', key: 'a, b; c' }]],
    ['c; key="say \\"hi\\""', [{ cache: 'c', key: 'say "hi"' }]],
    ['"a\\\\b"; hit', [{ cache: 'a\\b', hit: true }]],
    // Leniency: whitespace, case, unknown and malformed parameters.
    ['  c ;  hit ;ttl=5  ', [{ cache: 'c', hit: true, ttl: 5 }]],
    ['c; HIT; TTL=7', [{ cache: 'c', hit: true, ttl: 7 }]],
    ['c; hit; unknown=1; x', [{ cache: 'c', hit: true }]],
    ['c; ttl=1.5', [{ cache: 'c' }]],
    ['c; ttl=abc', [{ cache: 'c' }]],
    ['c; ttl=', [{ cache: 'c' }]],
    ['c; ttl', [{ cache: 'c' }]],
    ['c; fwd-status=2000', [{ cache: 'c' }]],
    ['c; fwd-status=abc', [{ cache: 'c' }]],
    ['c; fwd', [{ cache: 'c' }]],
    ['c; key', [{ cache: 'c' }]],
    ['c; fwd="uri-miss"', [{ cache: 'c', fwd: 'uri-miss' }]],
    ['; hit, d; stored', [{ cache: 'd', stored: true }]],
    ['""; hit, d', [{ cache: 'd' }]],
    ['c; key="unterminated', [{ cache: 'c', key: 'unterminated' }]],
  ])('%j', (value, expected) => {
    expect(parseCacheStatus(value)).toEqual(expected);
  });

  it('never throws on hostile input', () => {
    for (const value of [
      '"',
      '\\',
      ';;;;',
      '"\\',
      `${'"a'.repeat(10_000)}`,
      '=;=,=',
      '\u0000; hit',
    ]) {
      expect(() => parseCacheStatus(value)).not.toThrow();
    }
  });

  it.each<CacheStatusEntry>([
    { cache: 'httpcache', hit: true, ttl: 42 },
    { cache: 'CDN Company Here', fwd: 'uri-miss', fwdStatus: 200, stored: true, collapsed: true },
    {
      cache: 'c',
      fwd: 'stale',
      ttl: -10,
      key: 'GET https://example.com/a?x="1", y',
      detail: 'x y',
    },
  ])('round-trips %j', (entry) => {
    expect(parseCacheStatus(formatCacheStatus(entry))).toEqual([entry]);
  });

  // Regression test: RFC 9211 §2.1, §2.5 and §2.6 define hit, stored and collapsed as Booleans,
  // and RFC 8941 §3.3.6 spells false `?0`, once read as true.
  it.each<[value: string, param: 'hit' | 'stored' | 'collapsed']>([
    ['c; hit=?0', 'hit'],
    ['c; stored=?0', 'stored'],
    ['c; collapsed=?0', 'collapsed'],
  ])('Boolean false %j is not read as true', (value, param) => {
    expect(parseCacheStatus(value)[0]?.[param] ?? false).toBe(false);
  });

  it.each<[value: string, param: 'hit' | 'stored' | 'collapsed']>([
    ['c; hit=?1', 'hit'],
    ['c; stored=?1', 'stored'],
    ['c; collapsed=?1', 'collapsed'],
  ])('Boolean true %j is true', (value, param) => {
    expect(parseCacheStatus(value)[0]?.[param]).toBe(true);
  });
});
