import type { CacheControl } from './cache-control.ts';
import { parseAge } from './header-values.ts';
import { getHeader } from './headers.ts';
import { parseHttpDate } from './http-date.ts';
import { HEURISTICALLY_CACHEABLE } from './status-codes.ts';
import { type ResponseDirectives, responseDirectives } from './targeted.ts';
import type { HeaderPairs, HeuristicOptions, PolicyOptions, StoredResponse } from './types.ts';

/**
 * Freshness lifetime and age of a stored response: RFC 9111 §4.2.
 *
 * @module
 */

/** The default heuristic: 10% of the time since `Last-Modified`, at most a day. */
export const DEFAULT_HEURISTICS: HeuristicOptions = { fraction: 0.1, maxLifetime: 86_400 };

/** The facts about a stored response that freshness decisions use, computed once per use. */
export interface Freshness {
  /** Response directives. */
  readonly cc: CacheControl;
  /** RFC 9111 §4.2.1 freshness lifetime, in seconds. */
  readonly lifetime: number;
  /** RFC 9111 §4.2.3 current age, in seconds (never negative). */
  readonly age: number;
  /** Whether the lifetime came from explicit information rather than a heuristic or nothing. */
  readonly explicit: boolean;
}

/** Lifetimes the cache's user assigns, beside those RFC 9111 §4.2.1 and §4.2.2 derive. */
export interface AssignedLifetimes {
  /** The lifetime of a response with neither explicit nor heuristic freshness (seconds). */
  readonly defaultMaxAge?: number | undefined;
  /**
   * The lifetime to use whatever the response says (seconds); by default the one the request
   * that stored it assigned ({@link StoredResponse.maxAge}).
   */
  readonly maxAge?: number | undefined;
}

/**
 * What freshness reads of a list of stored header fields, parsed at its first use. Stored fields
 * are never changed, only replaced (a freshening stores a new list), so each use of one stored
 * version of an entry, every hit on it, shares one parse.
 */
interface ParsedFields {
  /** Date fields by name (`undefined`: absent or invalid). */
  readonly dates: Map<string, number | undefined>;
  /** The `Age` field's value (`null`: absent or invalid). */
  age?: number | null;
  /** The directives, for the target fields they were found with. */
  directives?: { readonly targets: readonly string[]; readonly value: ResponseDirectives };
}

const parsedFields = new WeakMap<HeaderPairs, ParsedFields>();

function parsed(headers: HeaderPairs): ParsedFields {
  let fields = parsedFields.get(headers);
  if (fields === undefined) {
    fields = { dates: new Map() };
    parsedFields.set(headers, fields);
  }
  return fields;
}

/** The date in stored field `name` (lower-case): absent or invalid is `undefined`. */
export function storedDate(headers: HeaderPairs, name: string): number | undefined {
  const { dates } = parsed(headers);
  if (dates.has(name)) return dates.get(name);
  const date = parseHttpDate(getHeader(headers, name));
  dates.set(name, date);
  return date;
}

/** The stored `Age` field's value, parsed once per list of fields. */
function storedAge(headers: HeaderPairs): number | null {
  const fields = parsed(headers);
  if (fields.age === undefined) fields.age = parseAge(getHeader(headers, 'age')) ?? null;
  return fields.age;
}

/** {@link responseDirectives} of stored fields, parsed once per list of fields. */
function storedDirectives(
  headers: HeaderPairs,
  targetFields: readonly string[],
): ResponseDirectives {
  const fields = parsed(headers);
  if (fields.directives?.targets !== targetFields) {
    fields.directives = { targets: targetFields, value: responseDirectives(headers, targetFields) };
  }
  return fields.directives.value;
}

const NO_TARGETS: readonly string[] = [];

/** Computes {@link Freshness} of `stored` at time `now`. */
export function freshness(
  stored: StoredResponse,
  now: number,
  shared: boolean,
  heuristics: HeuristicOptions | false,
  targetFields: readonly string[] = NO_TARGETS,
  assigned: AssignedLifetimes = {},
): Freshness {
  const { cc, targeted } = storedDirectives(stored.headers, targetFields);
  const age = currentAge(stored, now);
  const maxAge = assigned.maxAge ?? stored.maxAge;
  if (maxAge !== undefined) {
    // Not an RFC 9111 rule: the user's own lifetime replaces what the response says about its
    // freshness (max-age, Expires, and no-cache, RFC 9111 §5.2.2.4); other directives still apply.
    const { noCache: _noCache, ...kept } = cc;
    return { cc: kept, lifetime: maxAge, age, explicit: true };
  }
  const explicit = explicitLifetime(stored, cc, shared, targeted);
  return {
    cc,
    lifetime: explicit ?? implicitLifetime(stored, cc, heuristics, assigned.defaultMaxAge ?? 0),
    age,
    explicit: explicit !== undefined,
  };
}

/**
 * {@link freshness} under a cache's policy; `maxAge`, when given, is the request's own lifetime
 * (per-request `maxAge`), which replaces the stored one.
 */
export function freshnessUnder(
  stored: StoredResponse,
  now: number,
  policy: PolicyOptions,
  maxAge?: number,
): Freshness {
  return freshness(stored, now, policy.shared, policy.heuristics, policy.targeted, {
    defaultMaxAge: policy.defaultMaxAge,
    maxAge,
  });
}

/** Remaining freshness in seconds; negative when stale (RFC 9211 `ttl`). */
export function ttlOf(f: Freshness): number {
  return f.lifetime - f.age;
}

/** RFC 9111 §4.2: "fresh if its age has not yet exceeded its freshness lifetime". */
export function isFresh(f: Freshness): boolean {
  return f.lifetime > f.age;
}

/**
 * RFC 9111 §4.2.1: the lifetime given by `s-maxage` (shared caches), `max-age` or `Expires`,
 * in seconds; `undefined` when the response has none.
 */
export function explicitLifetime(
  stored: Pick<StoredResponse, 'headers' | 'responseTime'>,
  cc: CacheControl,
  shared: boolean,
  ignoreExpires = false,
): number | undefined {
  // RFC 9111 §4.2.1: "If the cache is shared and the s-maxage response directive is present, use its value"
  if (shared && cc.sMaxage !== undefined) return cc.sMaxage;
  if (cc.maxAge !== undefined) return cc.maxAge;
  // RFC 9213 §2.1: a targeted field replaces Expires too.
  if (ignoreExpires) return undefined;
  const expires = getHeader(stored.headers, 'expires');
  if (expires === null) return undefined;
  // RFC 9111 §5.3: "A cache recipient MUST interpret invalid date formats, especially the value
  // "0", as representing a time in the past (i.e., "already expired")."
  const expiresAt = storedDate(stored.headers, 'expires');
  if (expiresAt === undefined) return 0;
  return Math.max(0, (expiresAt - dateOf(stored)) / 1000);
}

/**
 * RFC 9111 §4.2.2: a heuristic lifetime, allowed only without explicit expiration and for a
 * heuristically cacheable status or a `public` response; a fraction of the time since
 * `Last-Modified`, capped.
 */
export function heuristicLifetime(
  stored: Pick<StoredResponse, 'headers' | 'responseTime' | 'status'>,
  cc: CacheControl,
  heuristics: HeuristicOptions | false,
): number {
  if (heuristics === false) return 0;
  if (!HEURISTICALLY_CACHEABLE.has(stored.status) && cc.public !== true) return 0;
  const lastModified = storedDate(stored.headers, 'last-modified');
  if (lastModified === undefined) return 0;
  const sinceModified = (dateOf(stored) - lastModified) / 1000;
  if (sinceModified <= 0) return 0;
  return Math.min(sinceModified * heuristics.fraction, heuristics.maxLifetime);
}

/**
 * RFC 9111 §4.2.2: "a cache MAY assign a heuristic expiration time when an explicit time is not
 * specified". The lifetime of a response without explicit expiration: the heuristic one when
 * heuristics give one, else the cache's `defaultMaxAge`, a fixed heuristic held to the same
 * rules: never beside explicit expiration, and only for a heuristically cacheable status or a
 * `public` response.
 */
export function implicitLifetime(
  stored: Pick<StoredResponse, 'headers' | 'responseTime' | 'status'>,
  cc: CacheControl,
  heuristics: HeuristicOptions | false,
  defaultMaxAge: number,
): number {
  const heuristic = heuristicLifetime(stored, cc, heuristics);
  if (heuristic > 0 || defaultMaxAge <= 0) return heuristic;
  // RFC 9111 §4.2.2: heuristics only for "a status code that is defined as heuristically
  // cacheable" or a response "marked as explicitly cacheable (e.g., with a public response directive)".
  if (!HEURISTICALLY_CACHEABLE.has(stored.status) && cc.public !== true) return 0;
  return defaultMaxAge;
}

/**
 * RFC 9111 §4.2.3: current age in seconds.
 *
 * ```
 * apparent_age = max(0, response_time - date_value)
 * corrected_age_value = age_value + (response_time - request_time)
 * current_age = max(apparent_age, corrected_age_value) + (now - response_time)
 * ```
 */
export function currentAge(stored: StoredResponse, now: number): number {
  const date = dateOf(stored);
  const apparentAge = Math.max(0, stored.responseTime - date) / 1000;
  const responseDelay = Math.max(0, stored.responseTime - stored.requestTime) / 1000;
  // RFC 9111 §5.1: an invalid Age is ignored (treated as absent), never a reason to drop the response.
  const ageValue = storedAge(stored.headers) ?? 0;
  const correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
  const residentTime = Math.max(0, now - stored.responseTime) / 1000;
  return correctedInitialAge + residentTime;
}

/**
 * RFC 9110 §6.6.1: the response's `Date`, or the time it was received when `Date` is absent or
 * invalid.
 */
export function dateOf(stored: Pick<StoredResponse, 'headers' | 'responseTime'>): number {
  return storedDate(stored.headers, 'date') ?? stored.responseTime;
}
