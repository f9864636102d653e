/**
 * Plain data the policy works on. Nothing here performs I/O; times are milliseconds since the
 * Unix epoch, passed in by the caller.
 *
 * @module
 */

import type { VaryNormalizers } from './vary-normalizers.ts';

/** Read access to header fields. The WHATWG `Headers` class satisfies it. */
export interface HeaderReader {
  /** The field value, lists joined with ", ", or `null` when absent. Names are case-insensitive. */
  get(name: string): string | null;
}

/**
 * Header fields as name/value pairs, as stored. Names are lower-case; a field may appear more
 * than once (`set-cookie`).
 */
export type HeaderPairs = ReadonlyArray<readonly [name: string, value: string]>;

/** The parts of a request the policy looks at. */
export interface RequestHead {
  /** Upper-case method. */
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: HeaderReader;
}

/**
 * A response held by a cache: its head and the facts the age calculation of RFC 9111 §4.2.3
 * needs. Bodies are the engine's and the storage's business, not the policy's.
 */
export interface StoredResponse {
  readonly status: number;
  readonly statusText: string;
  /** Header fields as received, less those RFC 9111 §3.1 excludes from storage. */
  readonly headers: HeaderPairs;
  /** When the request that produced this response was sent (RFC 9111 §4.2.3 `request_time`). */
  readonly requestTime: number;
  /** When the response was received (RFC 9111 §4.2.3 `response_time`). */
  readonly responseTime: number;
  /**
   * The request's values of the header fields the response's `Vary` names, normalised (RFC 9111
   * §4.1), keyed by lower-case field name; `null` for a field the request did not have.
   */
  readonly vary: Readonly<Record<string, string | null>>;
  /**
   * A freshness lifetime in seconds that the request storing the response assigned (the
   * per-request `maxAge`): it replaces the one the header fields give. Absent for most entries.
   */
  readonly maxAge?: number;
}

/** Standard fetch cache modes (Fetch standard, `RequestInit.cache`). */
export type CacheMode =
  | 'default'
  | 'no-store'
  | 'reload'
  | 'no-cache'
  | 'force-cache'
  | 'only-if-cached';

/** The policy settings that shape decisions. */
export interface PolicyOptions {
  /** A shared cache (proxy, CDN) rather than a private one (browser). */
  readonly shared: boolean;
  /** Methods whose responses may be stored (upper-case). */
  readonly cacheableMethods: ReadonlySet<string>;
  /** Status codes that may be stored; `undefined` means every status the cache understands. */
  readonly cacheableStatuses: ReadonlySet<number> | undefined;
  /** Heuristic freshness (RFC 9111 §4.2.2); `false` turns it off. */
  readonly heuristics: HeuristicOptions | false;
  /**
   * How long past its freshness lifetime a stored response may still be served when the origin
   * fails, in seconds, on top of the response's own `stale-if-error`. `0` turns it off.
   */
  readonly allowStale: number;
  /** Revalidate every stored response before use, as if it had `no-cache`. */
  readonly alwaysRevalidate: boolean;
  /**
   * How long entries are kept in storage, in seconds from when they are stored, whatever their
   * freshness; `undefined` derives it from the response (see {@link retentionEnd}).
   */
  readonly ttl: number | undefined;
  /**
   * Targeted cache-control fields (RFC 9213), in order of preference, such as
   * `cdn-cache-control`; the first valid one replaces `Cache-Control` and `Expires`.
   */
  readonly targeted?: readonly string[];
  /**
   * Origin protection for a shared cache: a fresh stored response is served although the request
   * asks for validation (`no-cache`, `Pragma: no-cache`, `max-age`, `min-fresh`), as CDNs do.
   * Departs from RFC 9111 §5.2.1 (see `honouredRequestDirectives`); `false` or absent keeps
   * the RFC's behaviour.
   */
  readonly ignoreRequestNoCache?: boolean;
  /**
   * The freshness lifetime, in seconds, of a response with no explicit expiration for which
   * heuristics give none either (RFC 9111 §4.2.2); absent or `0`: none.
   */
  readonly defaultMaxAge?: number;
  /**
   * Whether a shared cache keeps `Set-Cookie` in what it stores, as RFC 9111 §7.3 allows; `false`
   * or absent strips it (a private cache always keeps it).
   */
  readonly storeSetCookie?: boolean;
  /**
   * How the request fields `Vary` names are compared (RFC 9111 §4.1), by lower-case field name;
   * absent means the defaults (`DEFAULT_VARY_NORMALIZERS`).
   */
  readonly varyNormalizers?: VaryNormalizers;
}

/** Settings of heuristic freshness, RFC 9111 §4.2.2. */
export interface HeuristicOptions {
  /** Fraction of the time since `Last-Modified`. @default 0.1 */
  readonly fraction: number;
  /** Upper bound of a heuristic lifetime, in seconds. @default 86400 (one day) */
  readonly maxLifetime: number;
}

/** Per-request controls that override the policy for one request. */
export interface RequestControls {
  /** Fetch cache mode. */
  readonly mode: CacheMode;
  /** How long to keep this response in storage, in seconds; overrides {@link PolicyOptions.ttl}. */
  readonly ttl?: number | undefined;
  /** Store the response even where `no-store` (or `private` in a shared cache) forbids it. */
  readonly forceStore?: boolean | undefined;
  /**
   * The freshness lifetime, in seconds, of the response this request stores or is served,
   * whatever its header fields say (see {@link StoredResponse.maxAge}).
   */
  readonly maxAge?: number | undefined;
}
