import { describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../src/core/types.ts';
import {
  matchesVariant,
  newestFirst,
  normalizeFieldValue,
  selectVariants,
  variantId,
  varyValues,
} from '../../src/core/vary.ts';
import { httpDate, pairs, reader, type StoredInit, stored } from './fixtures.ts';

describe('RFC 9111 §4.1 normalising selecting header fields', () => {
  it.each<[name: string, value: string | null, expected: string | null]>([
    ['accept-encoding', null, null],
    ['accept-encoding', '', ''],
    ['accept-encoding', 'gzip', 'gzip'],
    ['accept-encoding', 'gzip,  br', 'gzip,br'],
    ['accept-encoding', ' gzip ,\tbr ', 'gzip,br'],
    ['accept-encoding', 'GZIP, Br', 'gzip,br'],
    ['accept-encoding', 'gzip,,br,', 'gzip,br'],
    ['accept', 'Text/HTML, */*;q=0.8', 'text/html,*/*;q=0.8'],
    ['accept-language', 'en-US, fr;q=0.5', 'en-us,fr;q=0.5'],
    ['accept-charset', 'UTF-8', 'utf-8'],
    // Other fields may be case-sensitive: only whitespace and list syntax are normalised.
    ['x-custom', 'A, B', 'A,B'],
    ['user-agent', 'Mozilla/5.0 (X11; Linux)', 'Mozilla/5.0 (X11; Linux)'],
    ['cookie', 'a=1; b=2', 'a=1; b=2'],
    ['x-quoted', '"a, b",  c', '"a, b",c'],
  ])('%s: %j → %j', (name, value, expected) => {
    expect(normalizeFieldValue(name, value)).toBe(expected);
  });
});

describe('RFC 9111 §4.1 storing the selecting header fields', () => {
  it.each<
    [
      name: string,
      vary: [string, string][],
      request: Record<string, string>,
      expected: Record<string, string | null> | undefined,
    ]
  >([
    ['no Vary', [], { 'accept-encoding': 'gzip' }, {}],
    ['empty Vary', [['vary', '']], { 'accept-encoding': 'gzip' }, {}],
    [
      'one field',
      [['vary', 'Accept-Encoding']],
      { 'Accept-Encoding': 'GZIP,  br' },
      { 'accept-encoding': 'gzip,br' },
    ],
    [
      'a field the request lacks is null',
      [['vary', 'accept-encoding, user-agent']],
      { 'accept-encoding': 'gzip' },
      { 'accept-encoding': 'gzip', 'user-agent': null },
    ],
    [
      'several Vary lines are combined',
      [
        ['vary', 'accept'],
        ['vary', 'origin'],
      ],
      { accept: 'text/html', origin: 'https://a.example' },
      { accept: 'text/html', origin: 'https://a.example' },
    ],
    [
      'duplicates collapse',
      [['vary', 'Accept, accept, ACCEPT']],
      { accept: 'x/y' },
      { accept: 'x/y' },
    ],
    // "A stored response with a Vary header field value containing a member "*" always fails to match."
    ['Vary: *', [['vary', '*']], {}, undefined],
    ['* among other names', [['vary', 'accept, *']], { accept: 'x/y' }, undefined],
    [
      '* on a second line',
      [
        ['vary', 'accept'],
        ['vary', '*'],
      ],
      {},
      undefined,
    ],
  ])('%s', (_name, vary, req, expected) => {
    expect(varyValues(vary, reader(req))).toEqual(expected);
  });

  it.each<[a: Record<string, string | null>, b: Record<string, string | null>, same: boolean]>([
    [{}, {}, true],
    [{ a: '1', b: null }, { b: null, a: '1' }, true],
    [{ a: null }, { a: 'null' }, false],
    [{ a: '' }, { a: null }, false],
    [{ a: '1' }, { a: '1', b: null }, false],
    [{ a: '1,2' }, { a: '1', '2': null }, false],
  ])('variantId(%j) === variantId(%j) is %s', (a, b, same) => {
    expect(variantId(a) === variantId(b)).toBe(same);
  });

  it.each<[values: Record<string, string | null>, expected: string]>([
    [{}, ''],
    [{ accept: 'x/y' }, '[["accept","x/y"]]'],
    [{ b: null, a: '1' }, '[["a","1"],["b",null]]'],
  ])('variantId(%j) is %j', (values, expected) => {
    expect(variantId(values)).toBe(expected);
  });
});

describe('RFC 9111 §4.1 matching selecting header fields', () => {
  it.each<
    [
      name: string,
      vary: Record<string, string | null>,
      request: Record<string, string>,
      matches: boolean,
    ]
  >([
    ['no Vary matches anything', {}, { accept: 'x' }, true],
    ['same value', { 'accept-encoding': 'gzip,br' }, { 'accept-encoding': 'gzip,br' }, true],
    [
      'same after whitespace normalisation',
      { 'accept-encoding': 'gzip,br' },
      { 'accept-encoding': 'gzip ,  br' },
      true,
    ],
    [
      'same after case folding',
      { 'accept-encoding': 'gzip,br' },
      { 'accept-encoding': 'GZIP, BR' },
      true,
    ],
    ['different value', { 'accept-encoding': 'gzip,br' }, { 'accept-encoding': 'gzip' }, false],
    // Members of equal weight keep their order by default (RFC 9110 §12.5.4: some recipients
    // read it as a preference); `unordered` ignores it (test/core/vary-normalizers.test.ts).
    ['different order', { 'accept-encoding': 'gzip,br' }, { 'accept-encoding': 'br, gzip' }, false],
    ['case kept for other fields', { 'x-custom': 'A' }, { 'x-custom': 'a' }, false],
    // "If (after any normalization that might take place) a header field is absent from a request,
    // it can only match another request if it is also absent there."
    ['absent in both', { 'user-agent': null }, {}, true],
    ['absent when stored, present now', { 'user-agent': null }, { 'user-agent': 'x' }, false],
    ['present when stored, absent now', { 'user-agent': 'x' }, {}, false],
    ['empty is not absent', { 'x-e': null }, { 'x-e': '' }, false],
    ['all of several fields', { accept: 'a/b', origin: 'o' }, { accept: 'a/b', origin: 'o' }, true],
    [
      'one of several fields differs',
      { accept: 'a/b', origin: 'o' },
      { accept: 'a/b', origin: 'p' },
      false,
    ],
    ['a stored * never matches', { '*': null }, {}, false],
  ])('%s', (_name, vary, req, matches) => {
    expect(matchesVariant(stored({ vary }), reader(req))).toBe(matches);
  });
});

describe('RFC 9111 §4.1 several selected responses: the most recent by Date', () => {
  function variant(id: string, init: StoredInit): StoredResponse & { id: string } {
    return { ...stored(init), id };
  }
  const gzip = { 'accept-encoding': 'gzip' };
  const br = { 'accept-encoding': 'br' };

  it.each<
    [
      name: string,
      variants: (StoredResponse & { id: string })[],
      request: Record<string, string>,
      expected: string[],
    ]
  >([
    ['nothing stored', [], gzip, []],
    [
      'only the matching variant',
      [
        variant('gzip', { vary: gzip }),
        variant('br', { vary: br }),
        variant('none', { vary: { 'accept-encoding': null } }),
      ],
      br,
      ['br'],
    ],
    [
      'the absent-field variant',
      [variant('gzip', { vary: gzip }), variant('none', { vary: { 'accept-encoding': null } })],
      {},
      ['none'],
    ],
    [
      'no match',
      [variant('gzip', { vary: gzip }), variant('br', { vary: br })],
      { 'accept-encoding': 'zstd' },
      [],
    ],
    [
      'newest Date first',
      [
        variant('old', { vary: gzip, headers: { date: httpDate(-300) } }),
        variant('new', { vary: gzip, headers: { date: httpDate(-10) } }),
        variant('mid', { vary: gzip, headers: { date: httpDate(-100) } }),
      ],
      gzip,
      ['new', 'mid', 'old'],
    ],
    [
      'Date decides even against the receipt time',
      [
        variant('received-last', { vary: gzip, headers: { date: httpDate(-300) }, responseAt: 0 }),
        variant('dated-last', { vary: gzip, headers: { date: httpDate(-100) }, responseAt: -200 }),
      ],
      gzip,
      ['dated-last', 'received-last'],
    ],
    [
      'equal Dates: the one received last',
      [
        variant('first', { vary: gzip, headers: { date: httpDate(-60) }, responseAt: -50 }),
        variant('second', { vary: gzip, headers: { date: httpDate(-60) }, responseAt: -40 }),
      ],
      gzip,
      ['second', 'first'],
    ],
    [
      'without Date the receipt time stands in',
      [
        variant('dated', { vary: gzip, headers: { date: httpDate(-100) }, responseAt: -100 }),
        variant('undated', { vary: gzip, responseAt: -50 }),
        variant('invalid-date', { vary: gzip, headers: { date: 'soon' }, responseAt: -70 }),
      ],
      gzip,
      ['undated', 'invalid-date', 'dated'],
    ],
    [
      'Vary-less responses all match',
      [
        variant('a', { headers: { date: httpDate(-2) } }),
        variant('b', { headers: { date: httpDate(-1) } }),
      ],
      gzip,
      ['b', 'a'],
    ],
  ])('%s', (_name, variants, req, expected) => {
    const input = [...variants];
    expect(selectVariants(variants, reader(req)).map((v) => v.id)).toEqual(expected);
    expect(variants).toEqual(input);
  });

  it.each<[a: StoredInit, b: StoredInit, sign: number]>([
    [{ headers: { date: httpDate(-10) } }, { headers: { date: httpDate(-20) } }, -1],
    [{ headers: { date: httpDate(-20) } }, { headers: { date: httpDate(-10) } }, 1],
    [{ headers: { date: httpDate(-10) }, responseAt: 1 }, { headers: { date: httpDate(-10) } }, -1],
    [{ headers: { date: httpDate(-10) } }, { headers: { date: httpDate(-10) } }, 0],
  ])('newestFirst(%j, %j) has sign %i', (a, b, sign) => {
    expect(Math.sign(newestFirst(stored(a), stored(b)))).toBe(sign);
  });

  it('stores request values with the response so that they match the same request again', () => {
    const request = reader({ 'Accept-Encoding': 'br,  gzip', 'Accept-Language': 'EN' });
    const vary = varyValues(pairs({ vary: 'accept-encoding, accept-language, dnt' }), request);
    expect(vary).toEqual({ 'accept-encoding': 'br,gzip', 'accept-language': 'en', dnt: null });
    expect(matchesVariant(stored({ vary: vary ?? {} }), request)).toBe(true);
  });
});
