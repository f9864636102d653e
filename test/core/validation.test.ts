import { describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../src/core/types.ts';
import {
  CONDITIONAL_FIELDS,
  conditionalHeaders,
  isConditional,
  responsesToUpdate,
  satisfiesConditional,
} from '../../src/core/validation.ts';
import { httpDate, reader, type StoredInit, stored } from './fixtures.ts';

type Tagged = StoredResponse & { readonly id: string };

function tagged(id: string, init: StoredInit = {}): Tagged {
  return { ...stored(init), id };
}

const LM = httpDate(-3600);

describe('RFC 9110 §13.1 conditional requests', () => {
  it('CONDITIONAL_FIELDS are the five precondition fields', () => {
    expect(CONDITIONAL_FIELDS).toEqual([
      'if-match',
      'if-none-match',
      'if-modified-since',
      'if-unmodified-since',
      'if-range',
    ]);
  });

  it.each<[headers: Record<string, string>, expected: boolean]>([
    [{}, false],
    [{ accept: '*/*', range: 'bytes=0-1' }, false],
    [{ 'If-Match': '"a"' }, true],
    [{ 'if-none-match': '"a"' }, true],
    [{ 'if-modified-since': LM }, true],
    [{ 'if-unmodified-since': LM }, true],
    [{ 'if-range': '"a"' }, true],
    [{ 'if-none-match': '' }, true],
  ])('%j → %s', (headers, expected) => {
    expect(isConditional(reader(headers))).toBe(expected);
  });
});

describe('RFC 9111 §4.3.1 sending a validation request', () => {
  it.each<
    [
      name: string,
      selected: string | undefined,
      variants: Tagged[],
      expected: Record<string, string> | undefined,
    ]
  >([
    ['nothing stored', undefined, [], undefined],
    ['no validators', 'a', [tagged('a', { headers: { 'cache-control': 'max-age=1' } })], undefined],
    ['ETag only', 'a', [tagged('a', { headers: { etag: '"x"' } })], { 'if-none-match': '"x"' }],
    [
      'weak ETag sent as is',
      'a',
      [tagged('a', { headers: { etag: 'W/"x"' } })],
      { 'if-none-match': 'W/"x"' },
    ],
    [
      'Last-Modified only',
      'a',
      [tagged('a', { headers: { 'last-modified': LM } })],
      { 'if-modified-since': LM },
    ],
    [
      'both validators',
      'a',
      [tagged('a', { headers: { etag: '"x"', 'last-modified': LM } })],
      { 'if-none-match': '"x"', 'if-modified-since': LM },
    ],
    [
      'an invalid Last-Modified is not sent',
      'a',
      [tagged('a', { headers: { 'last-modified': 'yesterday' } })],
      undefined,
    ],
    [
      // "If-None-Match ... the entity tags of all stored responses": the selected one first.
      'all stored entity tags, the selected one first',
      'b',
      [
        tagged('a', { headers: { etag: '"a"' } }),
        tagged('b', { headers: { etag: '"b"', 'last-modified': LM } }),
        tagged('c', { headers: { etag: 'W/"c"' } }),
        tagged('d'),
      ],
      { 'if-none-match': '"b", "a", W/"c"', 'if-modified-since': LM },
    ],
    [
      'duplicate entity tags are sent once',
      'a',
      [tagged('a', { headers: { etag: '"same"' } }), tagged('b', { headers: { etag: '"same"' } })],
      { 'if-none-match': '"same"' },
    ],
    [
      'only the selected response contributes If-Modified-Since',
      'a',
      [
        tagged('a', { headers: { etag: '"a"' } }),
        tagged('b', { headers: { 'last-modified': LM } }),
      ],
      { 'if-none-match': '"a"' },
    ],
    [
      'no selected response: entity tags of all variants, no If-Modified-Since',
      undefined,
      [
        tagged('a', { headers: { etag: '"a"', 'last-modified': LM } }),
        tagged('b', { headers: { etag: '"b"' } }),
      ],
      { 'if-none-match': '"a", "b"' },
    ],
    [
      'no selected response and only Last-Modified',
      undefined,
      [tagged('a', { headers: { 'last-modified': LM } })],
      undefined,
    ],
  ])('%s', (_name, selectedId, variants, expected) => {
    const selected = variants.find((v) => v.id === selectedId);
    expect(conditionalHeaders(selected, variants)).toEqual(expected);
  });

  it('a selected response outside the variant list still comes first', () => {
    const selected = tagged('s', { headers: { etag: '"s"' } });
    const others = [tagged('a', { headers: { etag: '"a"' } })];
    expect(conditionalHeaders(selected, others)).toEqual({ 'if-none-match': '"s", "a"' });
  });
});

describe('RFC 9111 §4.3.2 handling a received validation request', () => {
  const withEtag = stored({ headers: { etag: '"v1"', 'last-modified': LM, date: httpDate(-60) } });
  const withWeakEtag = stored({ headers: { etag: 'W/"v1"' } });
  const noValidators = stored({ headers: { date: httpDate(-60) }, responseAt: -30 });
  const noDate = stored({ responseAt: -30 });

  it.each<[name: string, request: Record<string, string>, s: StoredResponse, expected: boolean]>([
    ['no conditional', {}, withEtag, false],
    // RFC 9110 §13.1.2: If-None-Match uses the weak comparison function.
    ['If-None-Match equal strong tag', { 'if-none-match': '"v1"' }, withEtag, true],
    [
      'If-None-Match weak against a strong stored tag',
      { 'if-none-match': 'W/"v1"' },
      withEtag,
      true,
    ],
    [
      'If-None-Match strong against a weak stored tag',
      { 'if-none-match': '"v1"' },
      withWeakEtag,
      true,
    ],
    ['If-None-Match in a list', { 'if-none-match': '"v0", "v1", "v2"' }, withEtag, true],
    ['If-None-Match different tag', { 'if-none-match': '"v2"' }, withEtag, false],
    ['If-None-Match tags are case-sensitive', { 'if-none-match': '"V1"' }, withEtag, false],
    ['If-None-Match unquoted tag is malformed', { 'if-none-match': 'v1' }, withEtag, false],
    ['If-None-Match * matches any stored response', { 'if-none-match': '*' }, noValidators, true],
    ['If-None-Match against no stored ETag', { 'if-none-match': '"v1"' }, noValidators, false],
    // RFC 9110 §13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
    // If-None-Match header field".
    [
      'If-None-Match fails: If-Modified-Since is ignored',
      { 'if-none-match': '"v2"', 'if-modified-since': httpDate(0) },
      withEtag,
      false,
    ],
    // "If a request contains an If-Modified-Since header field and the Last-Modified header field is
    // not present in a selected stored response, a cache SHOULD use the stored response's Date field
    // value (or, if no Date field is present, the time that the stored response was received)"
    ['If-Modified-Since equal to Last-Modified', { 'if-modified-since': LM }, withEtag, true],
    [
      'If-Modified-Since after Last-Modified',
      { 'if-modified-since': httpDate(-1) },
      withEtag,
      true,
    ],
    [
      'If-Modified-Since before Last-Modified',
      { 'if-modified-since': httpDate(-3601) },
      withEtag,
      false,
    ],
    ['If-Modified-Since against Date', { 'if-modified-since': httpDate(-60) }, noValidators, true],
    ['If-Modified-Since before Date', { 'if-modified-since': httpDate(-61) }, noValidators, false],
    [
      'If-Modified-Since against the receipt time',
      { 'if-modified-since': httpDate(-30) },
      noDate,
      true,
    ],
    [
      'If-Modified-Since before the receipt time',
      { 'if-modified-since': httpDate(-31) },
      noDate,
      false,
    ],
    ['invalid If-Modified-Since is ignored', { 'if-modified-since': 'last week' }, withEtag, false],
    [
      'RFC 850 If-Modified-Since',
      { 'if-modified-since': 'Wednesday, 15-Jan-25 12:00:00 GMT' },
      withEtag,
      true,
    ],
    ['If-Match is not evaluated by the cache', { 'if-match': '"v1"' }, withEtag, false],
    [
      'If-Unmodified-Since is not evaluated by the cache',
      { 'if-unmodified-since': httpDate(0) },
      withEtag,
      false,
    ],
  ])('%s', (_name, req, s, expected) => {
    expect(satisfiesConditional(reader(req), s)).toBe(expected);
  });
});

describe('RFC 9111 §4.3.4 freshening stored responses upon validation', () => {
  // Newest first, as the caller orders them.
  const strongA1 = tagged('strongA1', { headers: { etag: '"a"', 'last-modified': LM } });
  const weakA = tagged('weakA', { headers: { etag: 'W/"a"' } });
  const strongA2 = tagged('strongA2', { headers: { etag: '"a"' } });
  const strongB = tagged('strongB', { headers: { etag: '"b"', 'last-modified': httpDate(-7200) } });
  const lmOnly = tagged('lmOnly', { headers: { 'last-modified': LM } });
  const bare = tagged('bare');
  const all = [strongA1, weakA, strongA2, strongB, lmOnly];

  it.each<
    [
      name: string,
      stored: Tagged[],
      response: Record<string, string>,
      revalidated: Tagged | undefined,
      expected: string[],
    ]
  >([
    // "If the new response contains a strong validator ..., then that strong validator identifies
    // the selected representation for update. All the stored responses with the same strong
    // validator are identified for update."
    [
      'strong ETag: every stored response with it',
      all,
      { etag: '"a"' },
      undefined,
      ['strongA1', 'strongA2'],
    ],
    [
      'strong ETag: a weak stored tag does not match strongly',
      [weakA],
      { etag: '"a"' },
      undefined,
      [],
    ],
    ['strong ETag matching nothing', all, { etag: '"z"' }, undefined, []],
    ['strong ETag matching nothing ignores the revalidated one', all, { etag: '"z"' }, strongB, []],
    // "If the new response contains a weak validator and that validator corresponds to one of the
    // cache's stored responses, then the most recent of those matching stored responses is
    // identified for update."
    ['weak ETag: the most recent match', all, { etag: 'W/"a"' }, undefined, ['strongA1']],
    ['weak ETag: weak stored first', [weakA, strongA2], { etag: 'W/"a"' }, undefined, ['weakA']],
    ['weak ETag matching nothing', all, { etag: 'W/"z"' }, undefined, []],
    ['Last-Modified: the most recent match', all, { 'last-modified': LM }, undefined, ['strongA1']],
    [
      'Last-Modified of another response',
      all,
      { 'last-modified': httpDate(-7200) },
      undefined,
      ['strongB'],
    ],
    ['Last-Modified matching nothing', all, { 'last-modified': httpDate(-1) }, undefined, []],
    [
      'ETag takes precedence over Last-Modified',
      all,
      { etag: '"b"', 'last-modified': LM },
      undefined,
      ['strongB'],
    ],
    // "If the new response does not include any form of validator ..., and there is only one stored
    // response, and that stored response also lacks a validator, then that stored response is
    // identified for update."
    ['no validator, one stored response without validators', [bare], {}, undefined, ['bare']],
    ['no validator, one stored response with a validator', [lmOnly], {}, undefined, []],
    ['no validator, two stored responses', [bare, tagged('bare2')], {}, undefined, []],
    ['no validator, nothing stored', [], {}, undefined, []],
    // Documented extension: a validator-less 304 answers the request made for `revalidated`.
    ['no validator: the revalidated response', all, {}, strongB, ['strongB']],
  ])('%s', (_name, storedResponses, response, revalidated, expected) => {
    expect(
      responsesToUpdate(storedResponses, reader(response), revalidated).map((s) => s.id),
    ).toEqual(expected);
  });
});
