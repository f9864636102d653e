/**
 * fast-check arbitraries shared by the reliability property tests: hostile header field values
 * (control characters, non-ASCII, lone surrogates, unbalanced quotes, repeated commas, 64 KiB
 * values) and well-formed ones built from structured data, so that an oracle knows what they say.
 */
import fc from 'fast-check';

/** How many runs a property gets: `STRESS=1` multiplies them for `npm run test:stress`. */
export function runs(base: number): number {
  return process.env.STRESS === '1' ? base * 20 : base;
}

/** 64 KiB, the size of the largest values the parsers must take. */
export const BIG = 64 * 1024;

/** The punctuation every list and parameter syntax reacts to. */
const syntax = fc.constantFrom(
  ',',
  ',,',
  ', ,',
  ' ,',
  '"',
  '""',
  '\\',
  '\\"',
  '=',
  '==',
  ';',
  ' ',
  '\t',
  '*',
  'W/',
  'w/',
  '-',
  '.',
  ':',
  '/',
  '?',
  '(',
  ')',
  '\r\n',
);

/** Words the parsers look for, in several cases. */
const words = fc.constantFrom(
  'max-age',
  'MAX-AGE',
  's-maxage',
  'no-cache',
  'No-Cache',
  'private',
  'PRIVATE',
  'Private',
  'public',
  'no-store',
  'must-revalidate',
  'proxy-revalidate',
  'must-understand',
  'stale-while-revalidate',
  'stale-if-error',
  'immutable',
  'max-stale',
  'min-fresh',
  'only-if-cached',
  'set-cookie',
  'authorization',
  'accept-encoding',
  'hit',
  'fwd',
  'fwd-status',
  'ttl',
  'stored',
  'collapsed',
  'key',
  'detail',
  'Sun',
  'Sunday',
  'Mon',
  'Nov',
  'Feb',
  'GMT',
  'gmt',
  'UTC',
  '1994',
  '9999',
  '0000',
  '06',
  '29',
  '31',
  '08:49:37',
  '23:59:60',
  '24:00:00',
  'bytes',
  '?1',
  '?0',
  ':aGk=:',
  'httpcache',
);

/** Numbers, sane and absurd. */
const numbers = fc.oneof(
  fc.nat().map(String),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '99999999999999999999',
    '2147483647',
    '2147483648',
    '2147483649',
    '-1',
    '-0',
    '0',
    '00000000000000000000000000060',
    '1e3',
    '0x10',
    '1.5',
    '+5',
    'Infinity',
    'NaN',
    '٣',
  ),
);

/** One control character (C0 and DEL). */
const control = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f))
  .map((c) => String.fromCharCode(c));

/** A lone (unpaired) UTF-16 surrogate. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Non-ASCII text: Latin-1 (obs-text), other scripts, emoji. */
const nonAscii = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('é', 'ß', 'İ', 'ﬀ', '\u00a0', '\u2028', '\ufeff', '😀', '\u0301'),
);

/** A fragment of a hostile header value. */
const piece = fc.oneof(
  { weight: 4, arbitrary: syntax },
  { weight: 4, arbitrary: words },
  { weight: 3, arbitrary: numbers },
  { weight: 1, arbitrary: control },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: nonAscii },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

/** A header-looking string made of hostile fragments. */
export const headerish: fc.Arbitrary<string> = fc
  .array(piece, { maxLength: 30 })
  .map((parts) => parts.join(''));

/** A value of exactly 64 KiB code units, a fragment repeated. */
export const huge: fc.Arbitrary<string> = fc
  .array(piece, { minLength: 1, maxLength: 6 })
  .map((parts) => {
    const fragment = parts.join('') || ',';
    return fragment.repeat(Math.ceil(BIG / fragment.length)).slice(0, BIG);
  });

/** Any string a header could hold, and many it could not. */
export const anyValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: headerish },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: loneSurrogate, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** Hand-picked values that broke other parsers, or could break these. */
export const HOSTILE_VALUES: readonly string[] = [
  '',
  ' ',
  ',',
  ','.repeat(BIG),
  ', '.repeat(BIG / 2),
  '"'.repeat(BIG),
  '\\'.repeat(BIG),
  `"${'\\'.repeat(BIG - 1)}`,
  '='.repeat(BIG),
  ';'.repeat(BIG),
  `max-age=${'9'.repeat(BIG - 8)}`,
  `private="${'a,'.repeat(BIG / 2 - 5)}`,
  `no-cache="${'set-cookie, '.repeat(BIG / 12 - 1)}"`,
  'max-age=60, '.repeat(BIG / 12),
  'private, private="set-cookie"',
  'private="set-cookie", private',
  'private=, private="a"',
  'private=',
  'private=""',
  'private=","',
  'private,',
  'PRIVATE',
  'no-cache="',
  'no-cache=""',
  'max-age="60',
  'max-age=99999999999999999999',
  'max-age=-1',
  'max-age=abc',
  'max-age=\u0000',
  `W/"${'x'.repeat(BIG - 4)}"`,
  'W/"a", W/"b", *',
  '*',
  '*, accept',
  `${Array.from({ length: 5000 }, (_, i) => `x-h${i}`).join(', ')}`,
  'Sun, 06 Nov 1994 08:49:37 GMT',
  'Sun, 06 Nov 1994 08:49:37 GMT\u0000',
  'Sunday, 06-Nov-94 08:49:37 GMT',
  'Sun Nov  6 08:49:37 1994',
  'Sun, 31 Feb 1994 08:49:37 GMT',
  'Sun, 06 Nov 1994 24:00:00 GMT',
  'Sun, 06 Nov 10000 08:49:37 GMT',
  'Sun, 06 Nov 1994 08:49:37 GMT'.repeat(2000),
  'httpcache; hit; ttl=99999999999999999999',
  'httpcache; fwd-status=2000; ttl=1e3',
  '"unterminated; hit',
  '\ud800',
  '\udfff\ud800',
  '\ud83d\ude00'.repeat(BIG / 2),
  '\r\n\r\n',
  'bytes=-5',
  'bytes=0-',
  'bytes=-0',
  'bytes=5-1',
  'bytes=0-99999999999999999999',
  'bytes=99999999999999999999-',
  ` bytes = ${'0'.repeat(BIG / 2)}-`,
  '\u0000'.repeat(BIG),
  'é'.repeat(BIG),
];
