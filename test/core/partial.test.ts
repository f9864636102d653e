import { describe, expect, it } from 'vitest';
import type { NewEntry } from '../../src/core/entry.ts';
import {
  answerFromParts,
  asPart,
  combine,
  continuesPart,
  parseContentRange,
  partVariant,
  strongValidator,
  wholeVariant,
} from '../../src/core/partial.ts';
import { httpDate, NOW, options, pairs, request, S, stored } from './fixtures.ts';

/** A stored part of bytes `start`-`end` of `total`, fresh for an hour, stored `at` seconds ago. */
function part(
  start: number,
  end: number,
  total: number,
  fields: Record<string, string> = { etag: '"v1"' },
  at = 0,
): NewEntry & { name: string } {
  const headers = {
    'cache-control': 'max-age=3600',
    date: httpDate(-at),
    'content-range': `bytes ${start}-${end}/${total}`,
    'content-length': String(end - start + 1),
    ...fields,
  };
  return {
    ...stored({ status: 206, statusText: 'Partial Content', headers, responseAt: -at }),
    variant: partVariant('', { start, end }),
    staleAt: NOW + 3600 * S,
    deleteAt: NOW + 7200 * S,
    name: `${start}-${end}`,
  };
}

const names = (entries: readonly { name?: string }[]) => entries.map((e) => e.name);

describe('RFC 9110 §14.4 Content-Range of a part', () => {
  it.each([
    ['bytes 0-4/10', { start: 0, end: 4, total: 10 }],
    ['bytes 9-9/10', { start: 9, end: 9, total: 10 }],
    ['  BYTES 2-3/4 ', { start: 2, end: 3, total: 4 }],
    ['bytes 0-4/*', undefined],
    ['bytes */10', undefined],
    ['bytes 5-4/10', undefined],
    ['bytes 0-10/10', undefined],
    ['items 0-4/10', undefined],
    ['bytes 0-4/10, bytes 5-6/10', undefined],
  ])('%s', (value, expected) => {
    expect(parseContentRange(value)).toEqual(expected);
  });
});

describe('RFC 9111 §3.3 storing a 206 as a part', () => {
  it('gets a variant of its own, beside the complete response', () => {
    const entry = { ...part(5, 9, 10), variant: '' };
    expect(asPart(entry)?.variant).toBe('#bytes=5-9');
    expect(wholeVariant(asPart(entry) ?? entry)).toBe('');
  });
  it.each([
    ['no Content-Range (multipart/byteranges)', { 'content-range': '' }],
    ['an unknown length', { 'content-range': 'bytes 0-4/*' }],
    ['a Content-Length other than the range', { 'content-length': '4' }],
    ['a content coding', { 'content-encoding': 'gzip' }],
  ])('is not stored with %s', (_name, fields) => {
    const entry = part(0, 4, 10, fields);
    expect(asPart({ ...entry, headers: entry.headers.filter(([, v]) => v !== '') })).toBe(
      undefined,
    );
  });
});

describe('RFC 9111 §3.4 strong validators', () => {
  it.each([
    ['a strong ETag', { etag: '"a"' }, '"a"'],
    ['a weak ETag', { etag: 'W/"a"' }, undefined],
    [
      'a Last-Modified a minute before Date',
      { date: httpDate(0), 'last-modified': httpDate(-60) },
      httpDate(-60),
    ],
    [
      'a Last-Modified too close to Date',
      { date: httpDate(0), 'last-modified': httpDate(-59) },
      undefined,
    ],
    [
      'a weak ETag and a Last-Modified',
      { etag: 'W/"a"', date: httpDate(0), 'last-modified': httpDate(-600) },
      undefined,
    ],
    ['nothing', {}, undefined],
  ])('%s', (_name, fields, expected) => {
    expect(strongValidator(pairs(fields))).toBe(expected);
  });
});

describe('RFC 9111 §3.4 combining parts', () => {
  it('a part that touches a stored one joins it, bytes in order', () => {
    const stored = part(0, 4, 20);
    const plan = combine(part(5, 9, 20), [stored]);
    expect(plan.entry.status).toBe(206);
    expect(plan.entry.variant).toBe('#bytes=0-9');
    expect(plan.entry.headers).toContainEqual(['content-range', 'bytes 0-9/20']);
    expect(plan.entry.headers).toContainEqual(['content-length', '10']);
    expect(plan.segments).toEqual([
      { source: 'stored', entry: stored, skip: 0, take: 5 },
      { source: 'new' },
    ]);
    expect(names(plan.absorbed)).toEqual(['0-4']);
  });

  it('overlapping bytes come from the new part; parts on both sides join', () => {
    const before = part(0, 6, 20);
    const after = part(8, 19, 20);
    const plan = combine(part(5, 9, 20), [after, before]);
    expect(plan.segments).toEqual([
      { source: 'stored', entry: before, skip: 0, take: 5 },
      { source: 'new' },
      { source: 'stored', entry: after, skip: 2, take: 10 },
    ]);
    // Every byte is there: the complete response, under the whole variant.
    expect(plan.entry).toMatchObject({ status: 200, statusText: 'OK', variant: '' });
    expect(plan.entry.headers).toContainEqual(['content-length', '20']);
    expect(plan.entry.headers.some(([n]) => n === 'content-range')).toBe(false);
  });

  it('a part inside a stored one takes its bytes from both', () => {
    const outer = part(0, 19, 30);
    const plan = combine(part(5, 9, 30), [outer]);
    expect(plan.segments).toEqual([
      { source: 'stored', entry: outer, skip: 0, take: 5 },
      { source: 'new' },
      { source: 'stored', entry: outer, skip: 10, take: 10 },
    ]);
  });

  it('keeps disjoint parts apart', () => {
    const plan = combine(part(10, 14, 20), [part(0, 4, 20)]);
    expect(plan.segments).toEqual([{ source: 'new' }]);
    expect(plan.absorbed).toEqual([]);
    expect(plan.superseded).toEqual([]);
  });

  it.each([
    ['another validator', { etag: '"v2"' }],
    ['another length', { 'content-range': 'bytes 0-4/21' }],
    ['no validator', { etag: '' }],
  ])('does not join a part of %s, and supersedes it', (_name, fields) => {
    const other = part(0, 4, 20);
    const incoming = part(5, 9, 20, { etag: '"v1"', ...fields });
    const plan = combine({ ...incoming, headers: incoming.headers.filter(([, v]) => v !== '') }, [
      other,
    ]);
    expect(plan.segments).toEqual([{ source: 'new' }]);
    expect(names(plan.superseded)).toEqual(['0-4']);
  });

  it("the combined fields are the new part's over the stored ones (RFC 9111 §3.2)", () => {
    const older = part(0, 4, 10, { etag: '"v1"', 'x-old': '1', 'x-both': 'old', age: '30' });
    const plan = combine(part(5, 9, 10, { etag: '"v1"', 'x-both': 'new' }), [older]);
    expect(plan.entry.headers).toContainEqual(['x-old', '1']);
    expect(plan.entry.headers).toContainEqual(['x-both', 'new']);
    expect(plan.entry.headers.some(([n, v]) => n === 'x-both' && v === 'old')).toBe(false);
    expect(plan.entry.headers.some(([n]) => n === 'age')).toBe(false);
  });
});

describe('RFC 9111 §3.4 answering from parts', () => {
  const answer = (
    headers: Record<string, string>,
    variants: NewEntry[],
    extra: { now?: number } = {},
  ) =>
    answerFromParts({
      request: request(headers),
      requestCc: {},
      variants,
      controls: { mode: 'default' },
      options: options(),
      now: extra.now ?? NOW,
    });

  it('serves a range a part holds', () => {
    const stored = part(10, 49, 100);
    expect(answer({ range: 'bytes=20-29' }, [stored])).toMatchObject({
      type: 'serve',
      entry: stored,
      stale: false,
    });
  });

  it('serves the 416 of a range past the length', () => {
    expect(answer({ range: 'bytes=100-' }, [part(10, 49, 100)])).toMatchObject({ type: 'serve' });
  });

  it('asks for the rest of a range whose first bytes a part holds, with If-Range', () => {
    expect(answer({ range: 'bytes=30-59' }, [part(0, 39, 100)])).toMatchObject({
      type: 'complete',
      from: 30,
      to: 59,
      whole: false,
      conditions: { range: 'bytes=40-59', 'if-range': '"v1"' },
    });
  });

  it('asks for the rest of the whole representation with an open range', () => {
    expect(answer({}, [part(0, 4, 10)])).toMatchObject({
      type: 'complete',
      from: 0,
      to: 9,
      whole: true,
      conditions: { range: 'bytes=5-', 'if-range': '"v1"' },
    });
  });

  it('asks without If-Range when the part has no validator', () => {
    const stored = part(0, 4, 10, {});
    expect(answer({}, [stored])).toMatchObject({
      type: 'complete',
      validator: undefined,
      conditions: { range: 'bytes=5-' },
    });
  });

  it.each([
    ['a range whose first byte no part holds', { range: 'bytes=0-9' }],
    ['a whole request without the first bytes', {}],
    ['several ranges', { range: 'bytes=20-21, 30-31' }],
    ['an If-Range of another validator', { range: 'bytes=20-29', 'if-range': '"v0"' }],
  ])('does not help with %s', (_name, headers) => {
    expect(answer(headers, [part(10, 49, 100)])).toEqual({ type: 'none' });
  });

  it('does not serve a stale part', () => {
    expect(answer({ range: 'bytes=20-29' }, [part(10, 49, 100)], { now: NOW + 4000 * S })).toEqual({
      type: 'none',
    });
  });

  it('uses the parts of the newest representation only', () => {
    const old = part(0, 49, 100, { etag: '"v0"' }, 60);
    const newer = part(50, 99, 100, { etag: '"v1"' });
    expect(answer({ range: 'bytes=10-19' }, [old, newer])).toEqual({ type: 'none' });
    expect(answer({ range: 'bytes=60-69' }, [old, newer])).toMatchObject({ entry: newer });
  });
});

describe('RFC 9111 §3.4 whether the origin continued a part', () => {
  const asked = answerFromParts({
    request: request({}),
    requestCc: {},
    variants: [part(0, 4, 10)],
    controls: { mode: 'default' },
    options: options(),
    now: NOW,
  });
  if (asked.type !== 'complete') throw new Error('expected a completion');
  it.each([
    ['the rest, same validator', 206, { 'content-range': 'bytes 5-9/10', etag: '"v1"' }, true],
    ['another validator', 206, { 'content-range': 'bytes 5-9/10', etag: '"v2"' }, false],
    ['other bytes', 206, { 'content-range': 'bytes 4-9/10', etag: '"v1"' }, false],
    ['another length', 206, { 'content-range': 'bytes 5-9/11', etag: '"v1"' }, false],
    ['a 200', 200, { etag: '"v1"' }, false],
  ])('%s', (_name, status, fields, expected) => {
    expect(continuesPart(asked, status, pairs(fields))).toBe(expected);
  });
});
