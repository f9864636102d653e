import { describe, expect, test } from 'vitest';
import {
  hasPragmaNoCache,
  isToken,
  parseAge,
  parseDeltaSeconds,
  parseEntityTags,
  parseVary,
  splitList,
  weakEtagMatch,
} from '../../src/core/header-values.ts';

const MAX = 2147483648;
const KIB64 = 64 * 1024;

/** Hostile values every parser here must survive without throwing. */
const HOSTILE: readonly (readonly [name: string, input: string])[] = [
  ['empty', ''],
  ['64 KiB of commas', ','.repeat(KIB64)],
  ['64 KiB of spaces and tabs', ' \t'.repeat(KIB64 / 2)],
  ['64 KiB of quotes', '"'.repeat(KIB64)],
  ['64 KiB of backslashes', '\\'.repeat(KIB64)],
  ['64 KiB unbalanced quote', `"${'a, '.repeat(KIB64 / 3)}`],
  ['64 KiB token', 'a'.repeat(KIB64)],
  ['64 KiB digits', '9'.repeat(KIB64)],
  ['64 KiB of W/', 'W/'.repeat(KIB64 / 2)],
  ['64 KiB of stars', '*'.repeat(KIB64)],
  ['control characters', '\u0000\u0001, \u007f, \r\n, \u001b[0m'],
  ['non-ASCII', 'é, 日本, "ẞ", W/"ü"'],
  ['lone surrogates', '\ud800, "\udc00", \ud800\udc00'],
  ['repeated commas', ',,,, ,\t, ,,'],
];

describe('RFC 9110 §5.6.1: lists', () => {
  test.for<readonly [string, readonly string[]]>([
    ['', []],
    [' ', []],
    [',', []],
    [' , ,, \t,', []],
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    ['  a  ,\tb\t', ['a', 'b']],
    ['a,,b,', ['a', 'b']],
    ['a b, c', ['a b', 'c']],
    ['"a, b", c', ['"a, b"', 'c']],
    ['x="a, b", y', ['x="a, b"', 'y']],
    ['"a \\" , b", c', ['"a \\" , b"', 'c']],
    ['"a\\\\", b', ['"a\\\\"', 'b']],
    ['"unbalanced, a, b', ['"unbalanced, a, b']],
    ['a, "unbalanced\\', ['a', '"unbalanced\\']],
    ['W/"x", "y"', ['W/"x"', '"y"']],
  ])('%j', ([input, expected]) => {
    expect(splitList(input)).toStrictEqual(expected);
  });
});

describe('RFC 9111 §1.2.2: delta-seconds', () => {
  test.for<readonly [string, number | undefined]>([
    ['0', 0],
    ['00012', 12],
    ['2147483647', 2147483647],
    ['2147483648', MAX],
    ['2147483649', MAX],
    ['18446744073709551616', MAX],
    [`1${'0'.repeat(KIB64)}`, MAX],
    ['', undefined],
    ['-1', undefined],
    ['+1', undefined],
    ['1.0', undefined],
    [' 1', undefined],
    ['1 ', undefined],
    ['１', undefined],
    ['0x1', undefined],
  ])('%j', ([input, expected]) => {
    expect(parseDeltaSeconds(input)).toBe(expected);
  });

  test('a range inside a longer string', () => {
    expect(parseDeltaSeconds('max-age=120, x', 8, 11)).toBe(120);
    expect(parseDeltaSeconds('max-age=120', 8, 8)).toBeUndefined();
  });
});

describe('RFC 9110 §5.6.2: tokens', () => {
  test.for<readonly [string, boolean]>([
    ['accept-encoding', true],
    ["!#$%&'*+-.^_`|~09AZaz", true],
    ['', false],
    ['a b', false],
    ['a,b', false],
    ['"a"', false],
    ['a/b', false],
    ['é', false],
    ['a\u0000', false],
  ])('%j -> %s', ([input, expected]) => {
    expect(isToken(input)).toBe(expected);
  });
});

describe('RFC 9111 §5.1: Age', () => {
  test.for<readonly [string | null | undefined, number | undefined]>([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['60', 60],
    ['  60  ', 60],
    ['007', 7],
    ['2147483648', MAX],
    ['99999999999999999999', MAX],
    // A list: the field was sent twice; the first member counts.
    ['5, 10', 5],
    ['5,10', 5],
    [', 5', 5],
    ['abc, 5', undefined],
    // Invalid values are ignored.
    ['-1', undefined],
    ['1.5', undefined],
    ['abc', undefined],
    ['"5"', undefined],
    ['5 s', undefined],
    [' , ', undefined],
  ])('%j -> %s', ([input, expected]) => {
    expect(parseAge(input)).toBe(expected);
  });
});

describe('RFC 9111 §4.1, RFC 9110 §12.5.5: Vary', () => {
  test.for<readonly [string | null | undefined, '*' | readonly string[]]>([
    [null, []],
    [undefined, []],
    ['', []],
    [' , ', []],
    ['Accept-Encoding', ['accept-encoding']],
    ['accept-encoding, Accept-Language', ['accept-encoding', 'accept-language']],
    ['  Accept  ,,\tOrigin\t', ['accept', 'origin']],
    ['Accept, accept, ACCEPT', ['accept']],
    ['*', '*'],
    [' * ', '*'],
    ['accept, *', '*'],
    ['*, accept', '*'],
    // Members that are not field names are dropped: no request can carry them.
    ['a b, c', ['c']],
    ['"accept", origin', ['origin']],
    ['**, origin', ['**', 'origin']],
    ['accept/x, é', []],
  ])('%j', ([input, expected]) => {
    expect(parseVary(input)).toStrictEqual(expected);
  });

  test('de-duplicates long lists in first-seen order', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `X-H${i % 1000}`);
    expect(parseVary(names.join(', '))).toStrictEqual(
      Array.from({ length: 1000 }, (_, i) => `x-h${i}`),
    );
  });
});

describe('RFC 9111 §5.4: Pragma', () => {
  test.for<readonly [string | null | undefined, boolean]>([
    [null, false],
    [undefined, false],
    ['', false],
    ['no-cache', true],
    ['No-Cache', true],
    ['NO-CACHE', true],
    ['  no-cache  ', true],
    ['x=1, no-cache', true],
    ['no-cache, x', true],
    ['x="no-cache", y', false],
    ['"no-cache"', false],
    ['no-cache=1', false],
    ['nocache', false],
    ['no-cache-please', false],
    ['no-store', false],
    ['x="a, no-cache', false],
  ])('%j -> %s', ([input, expected]) => {
    expect(hasPragmaNoCache(input)).toBe(expected);
  });
});

describe('RFC 9110 §13.1.2, §8.8.3: entity-tag lists', () => {
  test.for<readonly [string | null | undefined, '*' | readonly string[]]>([
    [null, []],
    [undefined, []],
    ['', []],
    [' , ,', []],
    ['*', '*'],
    ['  *  ', '*'],
    ['"abc", *', '*'],
    ['"abc"', ['"abc"']],
    ['W/"abc"', ['W/"abc"']],
    ['"a", W/"b" ,\t"c"', ['"a"', 'W/"b"', '"c"']],
    ['""', ['""']],
    ['W/""', ['W/""']],
    ['"*"', ['"*"']],
    // Commas and backslashes are ordinary etagc: no splitting, no escapes.
    ['"a,b", "c"', ['"a,b"', '"c"']],
    ['"a\\", "b"', ['"a\\"', '"b"']],
    ['"\u00e9\u00ff"', ['"\u00e9\u00ff"']],
    // Malformed members are dropped, the rest kept.
    ['abc', []],
    ['abc, "def"', ['"def"']],
    ['w/"abc", "def"', ['"def"']],
    ['W/ "abc", "def"', ['"def"']],
    ['W/abc', []],
    ['"a b", "c"', ['"c"']],
    ['"abc"x, "d"', ['"d"']],
    ['"abc" "d", "e"', ['"e"']],
    ['"abc', []],
    ['"a\u0000b", "c"', ['"c"']],
    ['"\u0100", "c"', ['"c"']],
    ['**, "c"', ['"c"']],
    ['*x', []],
  ])('%j', ([input, expected]) => {
    expect(parseEntityTags(input)).toStrictEqual(expected);
  });
});

describe('RFC 9110 §8.8.3.2: weak comparison', () => {
  test.for<readonly [string, string, boolean]>([
    ['"1"', '"1"', true],
    ['W/"1"', 'W/"1"', true],
    ['W/"1"', '"1"', true],
    ['"1"', 'W/"1"', true],
    ['""', 'W/""', true],
    ['W/"1"', 'W/"2"', false],
    ['"1"', '"2"', false],
    ['"1"', '"10"', false],
    ['"a"', '"A"', false],
    // Not entity-tags: never match.
    ['1', '1', false],
    ['w/"1"', '"1"', false],
    ['"1', '"1', false],
    ['', '', false],
    ['"', '"', false],
    ['W/', 'W/', false],
    ['"a b"', '"a b"', false],
    // Surrounding OWS is ignored, inner whitespace is not.
    [' "1"\t', '"1"', true],
    ['\tW/"1" ', ' "1"', true],
    ['W/ "1"', '"1"', false],
    ['" 1"', '"1"', false],
    ['*', '*', false],
  ])('%s ~ %s -> %s', ([a, b, expected]) => {
    expect(weakEtagMatch(a, b)).toBe(expected);
    expect(weakEtagMatch(b, a)).toBe(expected);
  });
});

describe('RFC 9110 §5.6.1 (robustness): hostile input never throws', () => {
  test.for(HOSTILE)('%s', ([, input]) => {
    expect(() => {
      splitList(input);
      parseAge(input);
      parseVary(input);
      hasPragmaNoCache(input);
      parseEntityTags(input);
      weakEtagMatch(input, input);
      parseDeltaSeconds(input);
      isToken(input);
    }).not.toThrow();
  });

  test.for<readonly [name: string, input: string, expected: readonly string[]]>([
    ['64 KiB of commas', ','.repeat(KIB64), []],
    [
      '64 KiB unbalanced quote',
      `a, "${'b, '.repeat(KIB64 / 4)}`,
      ['a', `"${'b, '.repeat(KIB64 / 4)}`.trimEnd()],
    ],
    ['64 KiB of quotes (balanced pairs)', '"'.repeat(KIB64), ['"'.repeat(KIB64)]],
  ])('splitList: %s', ([, input, expected]) => {
    expect(splitList(input)).toStrictEqual(expected);
  });

  test('parseEntityTags keeps 64 KiB worth of tags', () => {
    const tags = Array.from({ length: 8000 }, (_, i) => (i % 2 ? `W/"${i}"` : `"${i}"`));
    expect(parseEntityTags(tags.join(','))).toStrictEqual(tags);
  });

  test('results for absent values cannot be mutated', () => {
    const vary = parseVary('');
    const tags = parseEntityTags(null);
    expect(Object.isFrozen(vary)).toBe(true);
    expect(Object.isFrozen(tags)).toBe(true);
  });
});
