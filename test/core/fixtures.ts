/**
 * Shared builders for the table-driven tests of the policy core (test/core/*.test.ts). Everything
 * is relative to one fixed instant, {@link NOW}: no test reads the real clock.
 */
import { DEFAULT_HEURISTICS } from '../../src/core/freshness.ts';
import type {
  HeaderPairs,
  HeaderReader,
  PolicyOptions,
  RequestHead,
  StoredResponse,
} from '../../src/core/types.ts';

/** The fixed "now" of every test: Wed, 15 Jan 2025 12:00:00 GMT. */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

/** Milliseconds in a second, to keep offsets readable. */
export const S = 1000;

/** An IMF-fixdate for `NOW + seconds` (negative for the past), built without the code under test. */
export function httpDate(seconds: number): string {
  return new Date(NOW + seconds * S).toUTCString();
}

/** Header pairs from a plain object, names lower-cased, as the core stores them. */
export function pairs(fields: Readonly<Record<string, string>> = {}): [string, string][] {
  return Object.entries(fields).map(([n, v]) => [n.toLowerCase(), v]);
}

/** A WHATWG `Headers` as the {@link HeaderReader} requests and responses carry. */
export function reader(fields: Readonly<Record<string, string>> = {}): HeaderReader {
  return new Headers(fields);
}

/** A request head; `url` defaults to `https://example.com/r`. */
export function request(
  headers: Readonly<Record<string, string>> = {},
  method = 'GET',
  url = 'https://example.com/r',
): RequestHead {
  return { method, url, headers: reader(headers) };
}

/** What {@link stored} accepts: every field of a stored response is optional. */
export interface StoredInit {
  readonly status?: number;
  readonly statusText?: string;
  readonly headers?: Readonly<Record<string, string>> | HeaderPairs;
  /** Seconds relative to {@link NOW}; default 0. */
  readonly requestAt?: number;
  /** Seconds relative to {@link NOW}; default 0. */
  readonly responseAt?: number;
  readonly vary?: Readonly<Record<string, string | null>>;
}

/** A stored response; times are given in seconds relative to {@link NOW}. */
export function stored(init: StoredInit = {}): StoredResponse {
  const headers = init.headers ?? {};
  return {
    status: init.status ?? 200,
    statusText: init.statusText ?? 'OK',
    headers: Array.isArray(headers)
      ? (headers as HeaderPairs)
      : pairs(headers as Record<string, string>),
    requestTime: NOW + (init.requestAt ?? 0) * S,
    responseTime: NOW + (init.responseAt ?? 0) * S,
    vary: init.vary ?? {},
  };
}

/** Policy options: a private cache with default heuristics, overridable field by field. */
export function options(overrides: Partial<PolicyOptions> = {}): PolicyOptions {
  return {
    shared: false,
    cacheableMethods: new Set(['GET', 'HEAD']),
    cacheableStatuses: undefined,
    heuristics: DEFAULT_HEURISTICS,
    allowStale: 0,
    alwaysRevalidate: false,
    ttl: undefined,
    ...overrides,
  };
}
