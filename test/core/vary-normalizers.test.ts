import { describe, expect, it } from 'vitest';
import { matchesVariant, varyValues } from '../../src/core/vary.ts';
import {
  DEFAULT_VARY_NORMALIZERS,
  firstChoiceIs,
  normalizeWith,
  type VaryNormalizer,
  type VaryNormalizers,
} from '../../src/core/vary-normalizers.ts';
import { pairs, reader, stored } from './fixtures.ts';

describe('RFC 9111 §4.1 normalisers of selecting fields', () => {
  it.each<[normalizer: VaryNormalizer, value: string, expected: string]>([
    ['list', ' A ,  b,,c ', 'A,b,c'],
    ['list', 'de, en', 'de,en'],
    // RFC 9110 §12.4.2: no q is weight 1; q=1.000 is too; trailing zeros carry nothing.
    ['weighted', 'EN-gb , De', 'en-gb,de'],
    ['weighted', 'en;q=1.000, de;Q=1', 'en,de'],
    ['weighted', 'fr;q=0.50, de', 'de,fr;q=0.5'],
    ['weighted', 'en ; q=0.8 , de ; q=0.9', 'de;q=0.9,en;q=0.8'],
    ['weighted', 'de, en;q=0.5', 'de,en;q=0.5'],
    ['weighted', 'en;q=0.5, de', 'de,en;q=0.5'],
    // RFC 9110 §12.5.4: recipients may read the order of equal weights as a preference.
    ['weighted', 'en, de', 'en,de'],
    ['weighted', 'de, en', 'de,en'],
    ['weighted', 'text/html;level=1 ; q=0.5, */*', '*/*,text/html;level=1;q=0.5'],
    ['weighted', 'fr;q=0', 'fr;q=0'],
    // Not a valid weighted list (a q above 1, two q, a quoted string): compared as a list.
    ['weighted', 'en;q=2, DE', 'en;q=2,de'],
    ['weighted', 'en;q=0.5;q=0.6, de', 'en;q=0.5;q=0.6,de'],
    ['weighted', 'a;x="1;2", B', 'a;x="1;2",b'],
    ['unordered', 'en, de', 'de,en'],
    ['unordered', 'de, EN', 'de,en'],
    ['unordered', 'fr;q=0.5, en, de', 'de,en,fr;q=0.5'],
    ['language', 'en, de', 'de,en'],
    ['language', 'fr;q=0.5, de;q=1.0', 'de,fr;q=0.5'],
    [(value) => value.split(',')[0]?.trim() ?? '', 'en, de', 'en'],
  ])('%s: %j → %j', (normalizer, value, expected) => {
    expect(normalizeWith(normalizer, value)).toBe(expected);
  });
});

describe("the 'language' normaliser: the request's single first choice (RFC 9110 §12.5.4)", () => {
  it.each<[acceptLanguage: string, contentLanguage: string, selects: boolean]>([
    ['fr;q=0.5, de;q=1.0', 'de', true],
    ['de', 'DE', true],
    ['De-CH, de;q=0.9', 'de-ch', true],
    ['fr;q=0.5, de;q=1.0', 'fr', false],
    // A tie is no single choice: recipients differ on whether order breaks it.
    ['de, en', 'de', false],
    // A range is not its subtags, nor the reverse: the origin may hold both.
    ['de', 'de-ch', false],
    ['de-ch', 'de', false],
    ['*', 'de', false],
    ['de;q=0', 'de', false],
    ['de', 'de, en', false],
    ['de;q=x', 'de', false],
  ])('%j against Content-Language %j: %s', (accept, language, selects) => {
    expect(firstChoiceIs(accept, language)).toBe(selects);
  });
});

describe('RFC 9111 §4.1 matching under configured normalisers', () => {
  const withDefaults = (entries: [string, VaryNormalizer][]): VaryNormalizers =>
    new Map([...DEFAULT_VARY_NORMALIZERS, ...entries]);
  const language = withDefaults([['accept-language', 'language']]);
  const unordered = withDefaults([['accept-language', 'unordered']]);

  /** A stored response to `request`, with `headers`, varying on Accept-Language. */
  function storedFor(
    request: Record<string, string>,
    normalizers: VaryNormalizers,
    headers: Record<string, string> = {},
  ) {
    const responseHeaders = pairs({ vary: 'Accept-Language', ...headers });
    const vary = varyValues(responseHeaders, reader(request), normalizers) ?? {};
    return stored({ headers: responseHeaders, vary });
  }

  it.each<[normalizers: VaryNormalizers, stored: string, request: string, matches: boolean]>([
    [DEFAULT_VARY_NORMALIZERS, 'en, de', 'de, en', false],
    [DEFAULT_VARY_NORMALIZERS, 'en;q=0.5, de', ' DE ,EN;q=0.50', true],
    [unordered, 'en, de', 'de, en', true],
    [unordered, 'en, de', 'de', false],
    [language, 'en, de', 'de, en', true],
    [language, 'en, de', 'En,De', true],
  ])('%#: stored for %j, asked with %j: %s', (normalizers, first, second, matches) => {
    const entry = storedFor({ 'accept-language': first }, normalizers);
    expect(matchesVariant(entry, reader({ 'accept-language': second }), normalizers)).toBe(matches);
  });

  it("'language': a stored Content-Language answers requests whose single first choice it is", () => {
    const de = { 'content-language': 'de' };
    const entry = storedFor({ 'accept-language': 'en, de' }, language, de);
    const ask = (value: string, normalizers = language) =>
      matchesVariant(entry, reader({ 'accept-language': value }), normalizers);
    expect(ask('fr;q=0.5, de;q=1.0')).toBe(true);
    expect(ask('de')).toBe(true);
    expect(ask('fr, de')).toBe(false);
    expect(ask('fr')).toBe(false);
    // The default normalisers never select by Content-Language.
    expect(ask('fr;q=0.5, de;q=1.0', DEFAULT_VARY_NORMALIZERS)).toBe(false);
    // An absent Accept-Language matches only an absent one.
    expect(matchesVariant(entry, reader({}), language)).toBe(false);
    // Without a Content-Language there is nothing to select by.
    const none = storedFor({ 'accept-language': 'en, de' }, language);
    expect(matchesVariant(none, reader({ 'accept-language': 'de' }), language)).toBe(false);
  });

  it('a function normaliser decides what is the same request; absent stays absent', () => {
    const firstOnly = withDefaults([['x-tenant', (value) => value.split('.')[0] ?? value]]);
    const responseHeaders = pairs({ vary: 'X-Tenant' });
    const vary = varyValues(responseHeaders, reader({ 'x-tenant': 'acme.eu' }), firstOnly);
    expect(vary).toEqual({ 'x-tenant': 'acme' });
    const entry = stored({ headers: responseHeaders, vary: vary ?? {} });
    expect(matchesVariant(entry, reader({ 'x-tenant': 'acme.us' }), firstOnly)).toBe(true);
    expect(matchesVariant(entry, reader({ 'x-tenant': 'other.eu' }), firstOnly)).toBe(false);
    expect(matchesVariant(entry, reader({}), firstOnly)).toBe(false);
  });
});
