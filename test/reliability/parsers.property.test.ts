/**
 * Property tests of every header parser: any string in, a well-shaped answer out, never an
 * exception (RFC 9110 §5.5: recipients must cope with whatever arrives). Round trips where a
 * formatter exists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CacheControl, parseCacheControl } from '../../src/core/cache-control.ts';
import {
  type CacheStatusEntry,
  formatCacheStatus,
  parseCacheStatus,
} from '../../src/core/cache-status.ts';
import {
  hasPragmaNoCache,
  parseAge,
  parseDeltaSeconds,
  parseEntityTags,
  parseVary,
  splitList,
  weakEtagMatch,
} from '../../src/core/header-values.ts';
import { formatHttpDate, parseHttpDate } from '../../src/core/http-date.ts';
import { invalidatedUrls } from '../../src/core/invalidation.ts';
import { answerRange } from '../../src/core/range.ts';
import { parseTargetedCacheControl, responseDirectives } from '../../src/core/targeted.ts';
import type { HeaderReader, StoredResponse } from '../../src/core/types.ts';
import { satisfiesConditional } from '../../src/core/validation.ts';
import { normalizeFieldValue } from '../../src/core/vary.ts';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { nextEvent } from '../helpers/events.ts';
import { startOrigin } from '../helpers/origin.ts';
import { anyValue, HOSTILE_VALUES, huge, runs } from './arbitraries.ts';

/** RFC 9111 §1.2.2: the largest delta-seconds a cache keeps. */
const MAX_DELTA = 2147483648;
/** The instants IMF-fixdate can express: years 0000 to 9999. */
/** `Sat, 01 Jan 0000 00:00:00 GMT`. */
const MIN_DATE = -62_167_219_200_000;
/** `Fri, 31 Dec 9999 23:59:59 GMT`. */
const MAX_DATE = 253_402_300_799_000;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DELTA_KEYS = [
  'maxAge',
  'sMaxage',
  'maxStale',
  'minFresh',
  'staleWhileRevalidate',
  'staleIfError',
] as const;
const FLAG_KEYS = [
  'noStore',
  'public',
  'mustRevalidate',
  'proxyRevalidate',
  'mustUnderstand',
  'noTransform',
  'immutable',
  'onlyIfCached',
] as const;
const FIELD_KEYS = ['noCache', 'private'] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set([...DELTA_KEYS, ...FLAG_KEYS, ...FIELD_KEYS]);

/** Whether every character is printable ASCII (VCHAR or SP), as a field value must be. */
function isPrintableAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** A header reader over anything, including values `Headers` would reject. */
function rawHeaders(fields: Readonly<Record<string, string>>): HeaderReader {
  return { get: (name) => fields[name.toLowerCase()] ?? null };
}

function storedWith(headers: [string, string][]): StoredResponse {
  return {
    status: 200,
    statusText: 'OK',
    headers,
    requestTime: 0,
    responseTime: 1000,
    vary: {},
  };
}

function expectDirectives(cc: CacheControl, capped: boolean): void {
  for (const key of Object.keys(cc)) expect(KNOWN_KEYS.has(key), key).toBe(true);
  for (const key of DELTA_KEYS) {
    const value = cc[key];
    if (value === undefined) continue;
    if (key === 'maxStale' && value === Number.POSITIVE_INFINITY) continue;
    expect(Number.isInteger(value), `${key}=${value}`).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    if (capped) expect(value).toBeLessThanOrEqual(MAX_DELTA);
  }
  for (const key of FLAG_KEYS) if (key in cc) expect(cc[key]).toBe(true);
  for (const key of FIELD_KEYS) {
    const value = cc[key];
    if (value === undefined || value === true) continue;
    // A qualified directive names at least one field; an empty list would read as "no fields".
    expect(value.length).toBeGreaterThan(0);
    for (const name of value) {
      expect(name).toMatch(TOKEN);
      expect(name).toBe(name.toLowerCase());
    }
  }
}

/** Every parser, fed `value`, answering something of its documented shape. */
const PARSERS: ReadonlyArray<readonly [name: string, check: (value: string) => void]> = [
  ['parseCacheControl', (v) => expectDirectives(parseCacheControl(v), true)],
  [
    'parseTargetedCacheControl',
    (v) => {
      const cc = parseTargetedCacheControl(v);
      if (cc !== undefined) expectDirectives(cc, false);
    },
  ],
  [
    'responseDirectives',
    (v) => {
      const { cc } = responseDirectives(
        [
          ['cache-control', v],
          ['cdn-cache-control', v],
        ],
        ['cdn-cache-control'],
      );
      expectDirectives(cc, false);
    },
  ],
  [
    'parseHttpDate',
    (v) => {
      const t = parseHttpDate(v);
      if (t === undefined) return;
      expect(Number.isInteger(t)).toBe(true);
      expect(t % 1000).toBe(0);
      expect(t).toBeGreaterThanOrEqual(MIN_DATE);
      expect(t).toBeLessThanOrEqual(MAX_DATE + 1000);
    },
  ],
  [
    'parseAge',
    (v) => {
      const age = parseAge(v);
      if (age === undefined) return;
      expect(Number.isInteger(age)).toBe(true);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(MAX_DELTA);
    },
  ],
  [
    'parseDeltaSeconds',
    (v) => {
      const n = parseDeltaSeconds(v);
      if (n === undefined) return;
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(MAX_DELTA);
    },
  ],
  [
    'parseVary',
    (v) => {
      const vary = parseVary(v);
      if (vary === '*') return;
      expect(new Set(vary).size).toBe(vary.length);
      for (const name of vary) {
        expect(name).toMatch(TOKEN);
        expect(name).toBe(name.toLowerCase());
      }
    },
  ],
  [
    'hasPragmaNoCache',
    (v) => {
      expect(typeof hasPragmaNoCache(v)).toBe('boolean');
    },
  ],
  [
    'parseEntityTags',
    (v) => {
      const tags = parseEntityTags(v);
      if (tags === '*') return;
      for (const tag of tags) {
        expect(tag).toMatch(/^(W\/)?"[^"]*"$/);
        // RFC 9110 §8.8.3.2: weak comparison is reflexive on well-formed tags.
        expect(weakEtagMatch(tag, tag)).toBe(true);
      }
    },
  ],
  [
    'splitList',
    (v) => {
      for (const member of splitList(v)) {
        expect(member.length).toBeGreaterThan(0);
        expect(member).not.toMatch(/^[ \t]|[ \t]$/);
      }
    },
  ],
  [
    'parseCacheStatus',
    (v) => {
      for (const entry of parseCacheStatus(v)) {
        expect(entry.cache).not.toBe('');
        if (entry.fwdStatus !== undefined) {
          expect(entry.fwdStatus).toBeGreaterThanOrEqual(0);
          expect(entry.fwdStatus).toBeLessThanOrEqual(999);
        }
        if (entry.ttl !== undefined) expect(Number.isSafeInteger(entry.ttl)).toBe(true);
      }
    },
  ],
  [
    'weakEtagMatch',
    (v) => {
      const tag = `"${v}"`;
      expect(weakEtagMatch(v, tag)).toBe(weakEtagMatch(tag, v));
      expect(weakEtagMatch(v, v)).toBe(weakEtagMatch(v, v));
    },
  ],
  [
    'normalizeFieldValue',
    (v) => {
      expect(typeof normalizeFieldValue('accept-encoding', v)).toBe('string');
      expect(typeof normalizeFieldValue('x-anything', v)).toBe('string');
    },
  ],
  [
    'satisfiesConditional',
    (v) => {
      const stored = storedWith([
        ['etag', v],
        ['last-modified', v],
        ['date', v],
      ]);
      for (const field of ['if-none-match', 'if-modified-since']) {
        expect(typeof satisfiesConditional(rawHeaders({ [field]: v }), stored)).toBe('boolean');
      }
    },
  ],
  [
    'answerRange',
    (v) => {
      const stored = storedWith([
        ['etag', '"e"'],
        ['last-modified', v],
      ]);
      // Size 0 is left to its own test below.
      for (const size of [1, 100]) {
        for (const headers of [{ range: v }, { range: v, 'if-range': v }]) {
          const answer = answerRange(rawHeaders(headers), stored, size);
          if (answer.type !== 'partial') continue;
          expect(answer.start).toBeGreaterThanOrEqual(0);
          expect(answer.end).toBeLessThan(size);
          expect(answer.start).toBeLessThanOrEqual(answer.end);
        }
      }
    },
  ],
  [
    'invalidatedUrls',
    (v) => {
      const urls = invalidatedUrls(
        'POST',
        'https://example.com/a',
        201,
        rawHeaders({ location: v, 'content-location': v }),
      );
      for (const url of urls) expect(new URL(url).origin).toBe('https://example.com');
    },
  ],
];

describe('every parser takes any string without throwing', () => {
  for (const [name, check] of PARSERS) {
    it(`${name}: generated values`, () => {
      fc.assert(fc.property(anyValue, check), { numRuns: runs(400) });
    });

    it(`${name}: 64 KiB values`, () => {
      fc.assert(fc.property(huge, check), { numRuns: runs(15) });
    });

    it(`${name}: hand-picked hostile values`, () => {
      for (const value of HOSTILE_VALUES) check(value);
    });
  }

  it('null and undefined mean an absent field', () => {
    expect(parseCacheControl(null)).toEqual({});
    expect(parseCacheControl(undefined)).toEqual({});
    expect(parseHttpDate(null)).toBeUndefined();
    expect(parseAge(undefined)).toBeUndefined();
    expect(parseVary(null)).toEqual([]);
    expect(hasPragmaNoCache(null)).toBe(false);
    expect(parseEntityTags(undefined)).toEqual([]);
    expect(parseCacheStatus(null)).toEqual([]);
  });
});

describe('Range on an empty stored response', () => {
  // Regression test: a suffix range on an empty stored body was once answered 206 with an
  // invalid `Content-Range: bytes 0--1/0` (RFC 9110 §14.4); it is now 416.
  const ranges = ['bytes=-5', 'bytes=-1', 'bytes=0-', 'bytes=0-0'];

  it('is unsatisfiable, whatever the range (RFC 9110 §14.1.1)', () => {
    const stored = storedWith([['etag', '"e"']]);
    for (const range of ranges) {
      expect(answerRange(rawHeaders({ range }), stored, 0)).toEqual({ type: 'unsatisfiable' });
    }
  });

  it('is answered 416 with `Content-Range: bytes */0` by the cache', async () => {
    const origin = await startOrigin({
      '/empty': { headers: { etag: '"e"', 'cache-control': 'max-age=600' }, body: '' },
    });
    const cachedFetch = createFetch();
    try {
      const url = `${origin.url}/empty`;
      const stored = nextEvent(cachedFetch.cache, 'store');
      expect(await (await cachedFetch(url)).text()).toBe('');
      await stored;
      for (const range of ranges) {
        const response = await cachedFetch(url, { headers: { range } });
        expect([range, response.status, response.headers.get('content-range')]).toEqual([
          range,
          416,
          'bytes */0',
        ]);
        expect(cacheStatus(response)?.fromCache).toBe(true);
        await response.body?.cancel();
      }
      expect(origin.count('/empty')).toBe(1);
    } finally {
      await cachedFetch.close();
      await origin.close();
    }
  });
});

/** One Cache-Control directive, as structured data. */
interface Directive {
  readonly name: string;
  readonly arg?: { readonly quoted: boolean; readonly value: string };
}

const directiveName = fc.constantFrom(
  'max-age',
  's-maxage',
  'max-stale',
  'min-fresh',
  'stale-while-revalidate',
  'stale-if-error',
  'no-cache',
  'private',
  'no-store',
  'public',
  'must-revalidate',
  'immutable',
  'x-unknown',
);
const argValue = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.constantFrom('', 'abc', '-1', '99999999999999999999', 'set-cookie', 'a, B', ',', 'x-y,z'),
);
const directive: fc.Arbitrary<Directive> = fc.record(
  {
    name: directiveName,
    arg: fc.record({ quoted: fc.boolean(), value: argValue }),
  },
  { requiredKeys: ['name'] },
);

/** Serialises directives with random case and optional whitespace, as real origins do. */
function serialise(list: readonly Directive[], upper: readonly boolean[]): string {
  return list
    .map((d, i) => {
      const name = upper[i % Math.max(upper.length, 1)] === true ? d.name.toUpperCase() : d.name;
      if (d.arg === undefined) return name;
      // A token argument cannot hold commas or spaces; quote those.
      const quoted = d.arg.quoted || !TOKEN.test(d.arg.value);
      return `${name}=${quoted ? `"${d.arg.value}"` : d.arg.value}`;
    })
    .join(', ');
}

describe('Cache-Control: structural properties', () => {
  it('directive names are case-insensitive', () => {
    fc.assert(
      fc.property(
        fc.array(directive, { maxLength: 8 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        (list, upper) => {
          expect(parseCacheControl(serialise(list, upper))).toEqual(
            parseCacheControl(serialise(list, [])),
          );
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('RFC 9111 §4.2.1: two field lines combine to the most restrictive reading of each', () => {
    fc.assert(
      fc.property(
        fc.array(directive, { maxLength: 6 }),
        fc.array(directive, { maxLength: 6 }),
        (a, b) => {
          const left = parseCacheControl(serialise(a, []));
          const right = parseCacheControl(serialise(b, []));
          const both = parseCacheControl(`${serialise(a, [])}, ${serialise(b, [])}`);
          for (const key of DELTA_KEYS) {
            const values = [left[key], right[key]].filter((x) => x !== undefined);
            expect(both[key]).toBe(values.length === 0 ? undefined : Math.min(...values));
          }
          for (const key of FLAG_KEYS) {
            expect(both[key] === true).toBe(left[key] === true || right[key] === true);
          }
          for (const key of FIELD_KEYS) {
            const l = left[key];
            const r = right[key];
            if (l === true || r === true) expect(both[key]).toBe(true);
            else if (l === undefined && r === undefined) expect(both[key]).toBeUndefined();
            else
              expect(new Set(both[key] as string[])).toEqual(new Set([...(l ?? []), ...(r ?? [])]));
          }
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('private and no-cache without a usable field name are unqualified (the CVE-2026-13697 forms)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('private', 'no-cache', 'PRIVATE', 'Private'),
        fc.constantFrom('', '=', '=""', '=","', '=" , "', '=" ,,"', '=,', '="?"', '="@, ;"'),
        fc.array(directive, { maxLength: 4 }),
        (name, suffix, rest) => {
          const value = [`${name}${suffix}`, serialise(rest, [])].filter((s) => s).join(', ');
          const cc = parseCacheControl(value);
          const key = name.toLowerCase() === 'private' ? 'private' : 'noCache';
          expect(cc[key]).toBe(true);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it.each([
    'private="',
    'private="\\"',
    'private="set-cookie',
    'no-cache="',
    'private="set-cookie, max-age=60',
  ])('an unterminated quote reads as unqualified: %s', (value) => {
    const cc = parseCacheControl(value);
    expect(cc.private ?? cc.noCache).toBe(true);
  });
});

describe('HTTP-date round trips (RFC 9110 §5.6.7)', () => {
  const instant = fc.integer({ min: MIN_DATE, max: MAX_DATE + 999 });

  it('parseHttpDate(formatHttpDate(t)) is t truncated to the second', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(parseHttpDate(formatHttpDate(t))).toBe(Math.floor(t / 1000) * 1000);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('formatHttpDate(parseHttpDate(s)) gives back every IMF-fixdate', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const s = formatHttpDate(t);
        expect(formatHttpDate(parseHttpDate(s) ?? Number.NaN)).toBe(s);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('names are case-insensitive and surrounding whitespace is ignored', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom('', ' ', '\t', '  \t'), (t, ows) => {
        const s = formatHttpDate(t);
        const expected = parseHttpDate(s);
        expect(parseHttpDate(s.toLowerCase())).toBe(expected);
        expect(parseHttpDate(s.toUpperCase())).toBe(expected);
        expect(parseHttpDate(`${ows}${s}${ows}`)).toBe(expected);
      }),
      { numRuns: runs(500) },
    );
  });

  it('the obsolete formats name the same instant as IMF-fixdate', () => {
    const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    fc.assert(
      fc.property(
        // rfc850-date's two-digit year reads 70-99 as 19xx and 00-69 as 20xx.
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2069, 11, 31, 23, 59, 59) }),
        (t) => {
          const d = new Date(t);
          const imf = formatHttpDate(t);
          const [, dd, mon, yyyy, time] =
            /^\w{3}, (\d\d) (\w{3}) (\d{4}) (\S+) GMT$/.exec(imf) ?? [];
          const day = days[d.getUTCDay()] ?? '';
          const rfc850 = `${day}, ${dd}-${mon}-${yyyy?.slice(2)} ${time} GMT`;
          const asctime = `${day.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${yyyy}`;
          expect(parseHttpDate(rfc850)).toBe(parseHttpDate(imf));
          expect(parseHttpDate(asctime)).toBe(parseHttpDate(imf));
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it('formatHttpDate never throws and always formats a date parseHttpDate reads', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Number.NaN, -0)), (t) => {
        expect(parseHttpDate(formatHttpDate(t))).toBeTypeOf('number');
      }),
      { numRuns: runs(1000) },
    );
  });
});

describe('Cache-Status round trip (RFC 9211)', () => {
  /** Printable ASCII: what an RFC 8941 String can carry without loss. */
  const printable = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 20,
  });
  const entry: fc.Arbitrary<CacheStatusEntry> = fc.record(
    {
      cache: fc.oneof(fc.constantFrom('httpcache', 'CDN Co', 'a"b\\c', 'x;y,z'), printable),
      hit: fc.boolean(),
      fwd: fc.oneof(
        fc.constantFrom('uri-miss', 'vary-miss', 'stale', 'request', 'bypass', 'method'),
        printable,
      ),
      fwdStatus: fc.integer({ min: 100, max: 999 }),
      ttl: fc.integer({ min: -1e12, max: 1e12 }),
      stored: fc.boolean(),
      collapsed: fc.boolean(),
      key: printable,
      detail: printable,
    },
    { requiredKeys: ['cache'] },
  );

  /** What survives formatting: false flags are left out. */
  function canonical(e: CacheStatusEntry): CacheStatusEntry {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (v !== undefined && v !== false) out[k] = v;
    return out as unknown as CacheStatusEntry;
  }

  it('parseCacheStatus(formatCacheStatus(e)) gives back e', () => {
    fc.assert(
      fc.property(
        entry.filter((e) => e.cache !== ''),
        (e) => {
          expect(parseCacheStatus(formatCacheStatus(e))).toEqual([canonical(e)]);
        },
      ),
      { numRuns: runs(1000) },
    );
  });

  it('a list of members round-trips member by member, in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          entry.filter((e) => e.cache !== ''),
          { minLength: 1, maxLength: 5 },
        ),
        (entries) => {
          const value = entries.map(formatCacheStatus).join(', ');
          expect(parseCacheStatus(value)).toEqual(entries.map(canonical));
        },
      ),
      { numRuns: runs(300) },
    );
  });

  /** Well-formed UTF-16: every surrogate paired. */
  const wellFormed = anyValue.filter((v) => v.isWellFormed());

  it('formatCacheStatus yields one valid member for any well-formed name, key and detail', () => {
    fc.assert(
      fc.property(wellFormed, wellFormed, (cache, detail) => {
        const value = formatCacheStatus({ cache, detail, key: cache, fwd: detail });
        expect(isPrintableAscii(value), value).toBe(true);
        if (cache === '') return;
        expect(parseCacheStatus(value)).toHaveLength(1);
      }),
      { numRuns: runs(500) },
    );
  });

  // Regression test: formatCacheStatus once threw `URIError` on a lone surrogate (reachable
  // through a cache name or a key shown with `cacheStatus: { key: true }`).
  it('formatCacheStatus never throws, lone surrogates included', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (cache, detail) => {
        const value = formatCacheStatus({ cache, detail, key: cache, fwd: detail });
        expect(isPrintableAscii(value), value).toBe(true);
      }),
      { numRuns: runs(500) },
    );
  });
});
