import { describe, expect, test } from 'vitest';
import { formatHttpDate, parseHttpDate } from '../../src/core/http-date.ts';

/** The example instant of RFC 9110 §5.6.7: Sun, 06 Nov 1994 08:49:37 GMT. */
const EXAMPLE = Date.UTC(1994, 10, 6, 8, 49, 37);

type Case = readonly [input: string, expected: number];

describe('RFC 9110 §5.6.7: IMF-fixdate', () => {
  test.for<Case>([
    ['Sun, 06 Nov 1994 08:49:37 GMT', EXAMPLE],
    ['sun, 06 nov 1994 08:49:37 gmt', EXAMPLE],
    ['SUN, 06 NOV 1994 08:49:37 GMT', EXAMPLE],
    [' \tSun, 06 Nov 1994 08:49:37 GMT\t ', EXAMPLE],
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['Wed, 31 Dec 1969 23:59:59 GMT', -1000],
    ['Thu, 29 Feb 2024 12:00:00 GMT', Date.UTC(2024, 1, 29, 12)],
    ['Tue, 29 Feb 2000 00:00:00 GMT', Date.UTC(2000, 1, 29)],
    ['Fri, 31 Dec 9999 23:59:59 GMT', 253402300799000],
    ['Sat, 01 Jan 0000 00:00:00 GMT', -62167219200000],
    // Years below 100 are not shifted into the 1900s.
    ['Sat, 01 Jan 0050 00:00:00 GMT', -60589296000000],
    ['Wed, 29 Feb 0012 00:00:00 GMT', -61783430400000],
    // time-of-day allows a leap second, which counts as the next minute's first.
    ['Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2017, 0, 1)],
    // The day name must exist but is not checked against the date.
    ['Mon, 06 Nov 1994 08:49:37 GMT', EXAMPLE],
  ])('%s', ([input, expected]) => {
    expect(parseHttpDate(input)).toBe(expected);
  });
});

describe('RFC 9110 §5.6.7: obsolete RFC 850 format', () => {
  test.for<Case>([
    ['Sunday, 06-Nov-94 08:49:37 GMT', EXAMPLE],
    ['sunday, 06-nov-94 08:49:37 gmt', EXAMPLE],
    ['  Sunday, 06-Nov-94 08:49:37 GMT  ', EXAMPLE],
    ['Monday, 07-Nov-94 08:49:37 GMT', EXAMPLE + 86_400_000],
    ['Tuesday, 09-Nov-99 23:12:40 GMT', Date.UTC(1999, 10, 9, 23, 12, 40)],
    ['Thursday, 01-Jan-70 00:00:00 GMT', 0],
    // Two-digit years: 70-99 are 19xx, 00-69 are 20xx.
    ['Saturday, 01-Jan-00 00:00:00 GMT', Date.UTC(2000, 0, 1)],
    ['Tuesday, 31-Dec-69 23:59:59 GMT', Date.UTC(2069, 11, 31, 23, 59, 59)],
    ['Friday, 29-Feb-08 00:00:00 GMT', Date.UTC(2008, 1, 29)],
    ['Tuesday, 01-Jan-30 00:00:00 GMT', Date.UTC(2030, 0, 1)],
  ])('%s', ([input, expected]) => {
    expect(parseHttpDate(input)).toBe(expected);
  });
});

describe('RFC 9110 §5.6.7: obsolete asctime format', () => {
  test.for<Case>([
    ['Sun Nov  6 08:49:37 1994', EXAMPLE],
    ['Sun Nov 06 08:49:37 1994', EXAMPLE],
    ['sun nov  6 08:49:37 1994', EXAMPLE],
    [' Sun Nov  6 08:49:37 1994 ', EXAMPLE],
    ['Thu Jan  1 00:00:00 1970', 0],
    ['Wed Dec 31 23:59:59 1969', -1000],
    ['Thu Feb 29 00:00:00 2024', Date.UTC(2024, 1, 29)],
  ])('%s', ([input, expected]) => {
    expect(parseHttpDate(input)).toBe(expected);
  });
});

describe('RFC 9110 §5.6.7: invalid HTTP-dates', () => {
  test.for<readonly [string | null | undefined]>([
    [null],
    [undefined],
    [''],
    [' '],
    ['0'],
    ['-1'],
    ['784111777'],
    ['garbage'],
    ['1994-11-06T08:49:37Z'],
    ['1994-11-06T08:49:37.000Z'],
    // Zone other than GMT, or none.
    ['Sun, 06 Nov 1994 08:49:37 UTC'],
    ['Sun, 06 Nov 1994 08:49:37 +0000'],
    ['Sun, 06 Nov 1994 08:49:37 GMT+1'],
    ['Sun, 06 Nov 1994 08:49:37'],
    ['Sunday, 06-Nov-94 08:49:37 PST'],
    ['Sunday, 06-Nov-94 08:49:37'],
    // Trailing garbage, lists.
    ['Sun, 06 Nov 1994 08:49:37 GMTx'],
    ['Sun, 06 Nov 1994 08:49:37 GMT x'],
    ['Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT'],
    ['Sun Nov  6 08:49:37 1994 GMT'],
    ['Sun Nov  6 08:49:37 19945'],
    // Unknown or misplaced names.
    ['Xyz, 06 Nov 1994 08:49:37 GMT'],
    ['Sun, 06 Nox 1994 08:49:37 GMT'],
    ['Sunday, 06 Nov 1994 08:49:37 GMT'],
    ['Sun, 06-Nov-94 08:49:37 GMT'],
    ['Funday, 06-Nov-94 08:49:37 GMT'],
    ['Sundayy, 06-Nov-94 08:49:37 GMT'],
    ['Sun Xyz  6 08:49:37 1994'],
    ['Sunday Nov  6 08:49:37 1994'],
    // Wrong layout.
    ['Sun, 6 Nov 1994 08:49:37 GMT'],
    ['Sun,  06 Nov 1994 08:49:37 GMT'],
    ['Sun,06 Nov 1994 08:49:37 GMT'],
    ['Sun, 06 Nov 94 08:49:37 GMT'],
    ['Sun, 06 Nov 1994 8:49:37 GMT'],
    ['Sun, 06 Nov 1994 08.49.37 GMT'],
    ['Sun, 06 Nov 1994 08:49 GMT'],
    ['Sun, 06-Nov-1994 08:49:37 GMT'],
    ['Sunday, 06-Nov-1994 08:49:37 GMT'],
    ['Sunday, 06 Nov 94 08:49:37 GMT'],
    ['Sun Nov 6 08:49:37 1994'],
    ['Sun Nov  6 08:49:37 94'],
    ['Sun Nov   6 08:49:37 1994'],
    // Non-digits where digits belong.
    ['Sun, -6 Nov 1994 08:49:37 GMT'],
    ['Sun, +6 Nov 1994 08:49:37 GMT'],
    ['Sun, 0x Nov 1994 08:49:37 GMT'],
    ['Sun, 06 Nov 19 4 08:49:37 GMT'],
    ['Sun, ０6 Nov 1994 08:49:37 GMT'],
    ['Sun, 06 Nov 1994 08:49:3\u0000 GMT'],
    // Out-of-range fields.
    ['Sun, 00 Nov 1994 08:49:37 GMT'],
    ['Sun, 31 Nov 1994 08:49:37 GMT'],
    ['Sun, 32 Oct 1994 08:49:37 GMT'],
    ['Wed, 29 Feb 2023 00:00:00 GMT'],
    ['Thu, 29 Feb 1900 00:00:00 GMT'],
    ['Sun, 06 Nov 1994 24:00:00 GMT'],
    ['Sun, 06 Nov 1994 08:60:00 GMT'],
    ['Sun, 06 Nov 1994 08:49:61 GMT'],
    ['Sunday, 31-Nov-94 08:49:37 GMT'],
    ['Sun Nov  0 08:49:37 1994'],
    ['Sun Feb 30 08:49:37 1994'],
  ])('%j', ([input]) => {
    expect(parseHttpDate(input)).toBeUndefined();
  });
});

describe('RFC 9110 §5.6.7 (robustness): hostile input never throws', () => {
  const kib64 = 64 * 1024;
  test.for<readonly [name: string, input: string]>([
    ['64 KiB of spaces', ' '.repeat(kib64)],
    ['64 KiB of digits', '9'.repeat(kib64)],
    ['64 KiB of commas', ','.repeat(kib64)],
    ['64 KiB after a valid date', `Sun, 06 Nov 1994 08:49:37 GMT${'x'.repeat(kib64)}`],
    ['64 KiB day name', `${'a'.repeat(kib64)}, 06-Nov-94 08:49:37 GMT`],
    ['control characters', '\u0000\u0001\u0002, 06 Nov 1994 08:49:37 GMT'],
    ['newline inside', 'Sun, 06 Nov\n1994 08:49:37 GMT'],
    ['non-ASCII names', 'Sün, 06 Növ 1994 08:49:37 GMT'],
    ['lone surrogates', '\ud800\udc00\ud800, 06 Nov 1994 08:49:37 GMT'],
    ['short strings', 'Sun,'],
  ])('%s', ([, input]) => {
    expect(parseHttpDate(input)).toBeUndefined();
  });
});

describe('RFC 9110 §5.6.7: formatting as IMF-fixdate', () => {
  test.for<readonly [ms: number, expected: string]>([
    [0, 'Thu, 01 Jan 1970 00:00:00 GMT'],
    [EXAMPLE, 'Sun, 06 Nov 1994 08:49:37 GMT'],
    [EXAMPLE + 999, 'Sun, 06 Nov 1994 08:49:37 GMT'],
    [-1, 'Wed, 31 Dec 1969 23:59:59 GMT'],
    [Date.UTC(2024, 1, 29, 23, 5, 9), 'Thu, 29 Feb 2024 23:05:09 GMT'],
    [-60589296000000, 'Sat, 01 Jan 0050 00:00:00 GMT'],
    // Instants IMF-fixdate cannot express are clamped; NaN is the epoch.
    [Number.NaN, 'Thu, 01 Jan 1970 00:00:00 GMT'],
    [Number.POSITIVE_INFINITY, 'Fri, 31 Dec 9999 23:59:59 GMT'],
    [Number.NEGATIVE_INFINITY, 'Sat, 01 Jan 0000 00:00:00 GMT'],
    [8.64e15, 'Fri, 31 Dec 9999 23:59:59 GMT'],
    [-8.64e15, 'Sat, 01 Jan 0000 00:00:00 GMT'],
    [Number.MAX_VALUE, 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ])('%d -> %s', ([ms, expected]) => {
    expect(formatHttpDate(ms)).toBe(expected);
  });

  test.for([0, 1, -1, EXAMPLE, 951782400123, -62167219200000, 253402300799999, 4102444800000])(
    'round-trips %d to the second',
    (ms) => {
      expect(parseHttpDate(formatHttpDate(ms))).toBe(Math.floor(ms / 1000) * 1000);
    },
  );
});
