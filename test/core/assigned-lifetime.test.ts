import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import { decide } from '../../src/core/decision.ts';
import { freshen, type NewEntry, newEntry } from '../../src/core/entry.ts';
import { freshnessUnder, implicitLifetime } from '../../src/core/freshness.ts';
import type { PolicyOptions, RequestControls } from '../../src/core/types.ts';
import { httpDate, NOW, options, request, S, stored } from './fixtures.ts';

const DEFAULT: RequestControls = { mode: 'default' };

describe('RFC 9111 §4.2.2 defaultMaxAge: a fixed heuristic', () => {
  const LAST_MODIFIED = { date: httpDate(0), 'last-modified': httpDate(-1000) };
  it.each<
    [
      name: string,
      status: number,
      headers: Record<string, string>,
      policy: Partial<PolicyOptions>,
      expected: number,
    ]
  >([
    ['off by default: no lifetime', 200, {}, {}, 0],
    ['no explicit, no heuristic: defaultMaxAge', 200, {}, { defaultMaxAge: 60 }, 60],
    ['a heuristic one wins', 200, LAST_MODIFIED, { defaultMaxAge: 60 }, 100],
    [
      'heuristics off: defaultMaxAge',
      200,
      LAST_MODIFIED,
      { defaultMaxAge: 60, heuristics: false },
      60,
    ],
    ['404 is heuristically cacheable', 404, {}, { defaultMaxAge: 60 }, 60],
    ['500 is not heuristically cacheable', 500, {}, { defaultMaxAge: 60 }, 0],
    ['500 marked public', 500, { 'cache-control': 'public' }, { defaultMaxAge: 60 }, 60],
  ])('%s', (_name, status, headers, policy, expected) => {
    const response = stored({ status, headers });
    const cc = parseCacheControl(headers['cache-control'] ?? null);
    const { heuristics, defaultMaxAge } = options(policy);
    expect(implicitLifetime(response, cc, heuristics, defaultMaxAge ?? 0)).toBe(expected);
    expect(freshnessUnder(response, NOW, options(policy)).lifetime).toBe(expected);
  });

  it('never replaces explicit freshness (RFC 9111 §4.2.2: MUST NOT use heuristics)', () => {
    const response = stored({ headers: { 'cache-control': 'max-age=0' } });
    expect(freshnessUnder(response, NOW, options({ defaultMaxAge: 60 })).lifetime).toBe(0);
  });
});

describe('per-request maxAge: a lifetime the user assigns', () => {
  function make(headers: [string, string][], controls: RequestControls): NewEntry | undefined {
    const value = headers.find(([name]) => name === 'cache-control')?.[1] ?? null;
    return newEntry(
      {
        requestHeaders: request().headers,
        status: 200,
        statusText: 'OK',
        headers,
        cc: parseCacheControl(value),
        requestTime: NOW,
        responseTime: NOW,
      },
      options(),
      controls,
    );
  }

  it('replaces max-age and no-cache, and is kept with the entry', () => {
    const entry = make([['cache-control', 'max-age=0, no-cache']], { ...DEFAULT, maxAge: 30 });
    expect(entry?.maxAge).toBe(30);
    expect(((entry?.staleAt ?? 0) - NOW) / S).toBe(30);
    if (entry === undefined) throw new Error('not stored');
    const input = { request: request(), requestCc: {}, variants: [entry], options: options() };
    expect(decide({ ...input, controls: DEFAULT, now: NOW + 20 * S }).type).toBe('fresh');
    expect(decide({ ...input, controls: DEFAULT, now: NOW + 40 * S }).type).toBe('forward');
  });

  it('stores a response without any freshness information that would not be kept otherwise', () => {
    expect(make([], DEFAULT)).toBeUndefined();
    expect(make([], { ...DEFAULT, maxAge: 10 })?.maxAge).toBe(10);
  });

  it("a request's own maxAge decides the freshness of a stored response for it", () => {
    const entry = make([['cache-control', 'max-age=100']], DEFAULT);
    if (entry === undefined) throw new Error('not stored');
    const input = { request: request(), requestCc: {}, variants: [entry], options: options() };
    const now = NOW + 50 * S;
    expect(decide({ ...input, controls: DEFAULT, now }).type).toBe('fresh');
    expect(decide({ ...input, controls: { ...DEFAULT, maxAge: 10 }, now }).type).toBe('forward');
  });

  it('survives a freshening (RFC 9111 §4.3.4), and a new maxAge replaces it', () => {
    const entry = make([['etag', '"a"']], { ...DEFAULT, maxAge: 30 });
    if (entry === undefined) throw new Error('not stored');
    const later = NOW + 60 * S;
    const kept = freshen(entry, [['etag', '"a"']], later, later, options(), DEFAULT);
    expect(kept.maxAge).toBe(30);
    expect((kept.staleAt - later) / S).toBe(30);
    const replaced = freshen(entry, [], later, later, options(), { ...DEFAULT, maxAge: 5 });
    expect((replaced.staleAt - later) / S).toBe(5);
  });
});
