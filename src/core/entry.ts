import { type CacheControl, parseCacheControl } from './cache-control.ts';
import { type Freshness, freshnessUnder, ttlOf } from './freshness.ts';
import { getHeader } from './headers.ts';
import { formatHttpDate } from './http-date.ts';
import { staleIfErrorWindow } from './stale.ts';
import { hasValidator } from './storable.ts';
import { headersToStore, updateHeaders } from './stored-headers.ts';
import type { HeaderReader, PolicyOptions, RequestControls, StoredResponse } from './types.ts';
import { variantId, varyValues } from './vary.ts';

/**
 * What the cache keeps of a response it stores, and for how long.
 *
 * @module
 */

/** A stored response ready to be written, with the absolute times storage needs. */
export interface NewEntry extends StoredResponse {
  /** Identifies the variant under its primary key: a newer entry with the same id replaces it. */
  readonly variant: string;
  /** When the response stops being fresh. */
  readonly staleAt: number;
  /** When storage may forget the response. */
  readonly deleteAt: number;
  /**
   * Whether a shared cache stored it (RFC 9111 §3.5). A private cache may store what a shared one
   * must not (`private`, `Set-Cookie`, answers to `Authorization`); absent means private-stored.
   */
  readonly shared?: boolean;
}

/**
 * RFC 9111 §3: a shared cache "MUST NOT store" what only a private cache may, so it never serves
 * or freshens an entry a private cache stored (one storage may hold both caches' entries).
 */
export function servableBy(entry: Pick<NewEntry, 'shared'>, shared: boolean): boolean {
  return !shared || entry.shared === true;
}

/** The inputs of {@link newEntry}. */
export interface NewEntryInput {
  readonly requestHeaders: HeaderReader;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Iterable<readonly [string, string]>;
  readonly cc: CacheControl;
  readonly requestTime: number;
  readonly responseTime: number;
}

/**
 * The latest time storage is handed (ECMAScript's largest Date): "keep forever" stays a finite
 * number that every backend can persist.
 */
export const LATEST_TIME = 8.64e15;

/**
 * How long a stale response is kept by default, in seconds: a day, so that it can be revalidated
 * cheaply, or served where staleness is allowed (`force-cache`, `only-if-cached`, `max-stale`).
 */
export const STALE_RETENTION = 86_400;

/**
 * The entry to store for a storable response, or `undefined` when it could never be reused:
 * `Vary: *` (RFC 9111 §4.1), or stale on arrival with no validator, no stale window and no TTL.
 */
export function newEntry(
  input: NewEntryInput,
  options: PolicyOptions,
  controls: RequestControls,
): NewEntry | undefined {
  const headers = withDate(headersToStore(input.headers, input.cc, options), input.responseTime);
  const vary = varyValues(headers, input.requestHeaders, options.varyNormalizers);
  if (vary === undefined) return undefined;
  const stored: StoredResponse = {
    status: input.status,
    statusText: input.statusText,
    headers,
    requestTime: input.requestTime,
    responseTime: input.responseTime,
    vary,
    ...assignedMaxAge(controls.maxAge),
  };
  const f = freshnessUnder(stored, input.responseTime, options);
  const staleAt = input.responseTime + ttlOf(f) * 1000;
  const deleteAt = retentionEnd(stored, f, staleAt, options, controls);
  if (deleteAt <= input.responseTime) return undefined;
  const base = { ...stored, variant: variantId(vary), staleAt, deleteAt };
  return options.shared ? { ...base, shared: true } : base;
}

/**
 * When storage may forget a response: after the TTL when one is set; otherwise once it is stale
 * and no longer servable stale (RFC 5861 windows, `allowStale`), but at least
 * {@link STALE_RETENTION} seconds after going stale when it was ever fresh or has a validator.
 * A response stale on arrival with neither could never be reused, so it is not kept at all.
 */
export function retentionEnd(
  stored: StoredResponse,
  f: Freshness,
  staleAt: number,
  options: PolicyOptions,
  controls: RequestControls,
): number {
  const ttl = controls.ttl ?? options.ttl;
  if (ttl !== undefined) return Math.min(stored.responseTime + ttl * 1000, LATEST_TIME);
  const servableStale = Math.max(
    f.cc.staleWhileRevalidate ?? 0,
    staleIfErrorWindow(f, {}, options.allowStale, options.shared),
  );
  const reusable = f.lifetime > 0 || hasValidator(stored.headers);
  const keep = reusable ? Math.max(servableStale, STALE_RETENTION) : servableStale;
  return Math.min(staleAt + keep * 1000, LATEST_TIME);
}

/** The stored response's `Content-Length`, when it states a valid one. */
export function declaredLength(stored: Pick<StoredResponse, 'headers'>): number | undefined {
  const value = getHeader(stored.headers, 'content-length');
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * RFC 9111 §4.3.4 and §4.3.5: a stored entry freshened by a 304 or a HEAD response: header
 * fields updated as RFC 9111 §3.2 says, and the exchange's times taken as the entry's new
 * request and response times, so that its age starts again from the validation.
 */
export function freshen<T extends NewEntry>(
  entry: T,
  newer: Iterable<readonly [string, string]>,
  requestTime: number,
  responseTime: number,
  options: PolicyOptions,
  controls: RequestControls,
): T {
  const fields = withDate([...newer], responseTime);
  const newerCc = parseCacheControl(headerValue(fields, 'cache-control'));
  // The stored Age described the stored response when it arrived; a newer response without Age
  // comes straight from the origin, so the freshened response has none either.
  const kept =
    headerValue(fields, 'age') === null
      ? entry.headers.filter(([name]) => name !== 'age')
      : entry.headers;
  const stored: StoredResponse = {
    status: entry.status,
    statusText: entry.statusText,
    headers: updateHeaders(kept, fields, newerCc, options),
    requestTime,
    responseTime,
    vary: entry.vary,
    ...assignedMaxAge(controls.maxAge ?? entry.maxAge),
  };
  const f = freshnessUnder(stored, responseTime, options);
  const staleAt = responseTime + ttlOf(f) * 1000;
  return {
    ...entry,
    ...stored,
    staleAt,
    deleteAt: retentionEnd(stored, f, staleAt, options, controls),
  };
}

/** The per-request `maxAge` a stored response keeps, when one was given. */
function assignedMaxAge(maxAge: number | undefined): { maxAge?: number } {
  return maxAge === undefined ? {} : { maxAge };
}

/**
 * RFC 9110 §6.6.1: "A recipient with a clock that receives a response message without a Date
 * header field MUST record the time it was received and append a corresponding Date header field
 * to the message's header section if it is cached or forwarded downstream."
 */
function withDate<T extends readonly [string, string]>(
  headers: T[],
  receivedAt: number,
): (T | [string, string])[] {
  if (headers.some(([name]) => name.toLowerCase() === 'date')) return headers;
  return [...headers, ['date', formatHttpDate(receivedAt)]];
}

function headerValue(headers: Iterable<readonly [string, string]>, name: string): string | null {
  let value: string | null = null;
  for (const [n, v] of headers) {
    if (n.toLowerCase() === name) value = value === null ? v : `${value}, ${v}`;
  }
  return value;
}
