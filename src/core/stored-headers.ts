import type { CacheControl } from './cache-control.ts';
import { splitList } from './header-values.ts';
import type { HeaderPairs, PolicyOptions } from './types.ts';

/**
 * Which header fields a cache keeps, and which a 304 may replace: RFC 9111 §3.1 and §3.2.
 *
 * @module
 */

/** RFC 9111 §3.1: fields a cache MUST NOT store (hop-by-hop and proxy-specific). */
export const UNSTORED_FIELDS: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authentication-info',
  'proxy-authorization',
]);

/**
 * RFC 9111 §3.2: fields a newer response does not replace in a stored one: `Content-Length`, and
 * those the stored body depends on (the origin `fetch` has already decoded the content coding).
 */
export const NOT_UPDATED_FIELDS: ReadonlySet<string> = new Set([
  'content-length',
  'content-encoding',
  'content-range',
]);

/** The settings that decide which fields a cache keeps. */
export type StoringOptions = Pick<PolicyOptions, 'shared' | 'storeSetCookie'>;

/** The header fields a cache keeps of a response it stores. */
export function headersToStore(
  headers: Iterable<readonly [string, string]>,
  cc: CacheControl,
  options: StoringOptions,
): [string, string][] {
  const fields = Array.isArray(headers) ? (headers as HeaderPairs) : [...headers];
  const dropped = droppedFields(fields, cc, options);
  const kept: [string, string][] = [];
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    if (!UNSTORED_FIELDS.has(lower) && !dropped.has(lower)) kept.push([lower, value]);
  }
  return kept;
}

function droppedFields(
  headers: Iterable<readonly [string, string]>,
  cc: CacheControl,
  options: StoringOptions,
): Set<string> {
  const dropped = new Set<string>();
  for (const [name, value] of headers) {
    // RFC 9111 §3.1: "the Connection header field and fields whose names are listed in it"
    if (name.toLowerCase() === 'connection') {
      for (const listed of splitList(value)) dropped.add(listed.toLowerCase());
    }
  }
  // RFC 9111 §5.2.2.4: qualified no-cache fields are not to be reused without revalidation.
  if (Array.isArray(cc.noCache)) for (const f of cc.noCache) dropped.add(f);
  if (options.shared) {
    // RFC 9111 §5.2.2.7: "a shared cache MUST NOT store the specified field names"
    if (Array.isArray(cc.private)) for (const f of cc.private) dropped.add(f);
    // RFC 9111 §7.3 lets a cache store Set-Cookie ("does not inhibit caching"), but a shared
    // cache would then hand one user's cookies to every other: dropped unless the operator asks.
    if (options.storeSetCookie !== true) dropped.add('set-cookie');
  }
  return dropped;
}

/**
 * RFC 9111 §3.2: a stored response's header fields updated from a newer response (a 304, or a
 * HEAD response): each field the newer response has replaces every line of the stored one, except
 * those RFC 9111 §3.1 excludes from storage and {@link NOT_UPDATED_FIELDS}.
 */
export function updateHeaders(
  stored: HeaderPairs,
  newer: Iterable<readonly [string, string]>,
  cc: CacheControl,
  options: StoringOptions,
): [string, string][] {
  const replacements = headersToStore(newer, cc, options).filter(
    ([name]) => !NOT_UPDATED_FIELDS.has(name),
  );
  if (replacements.length === 0) return stored.map(([n, v]) => [n, v]);
  const replaced = new Set(replacements.map(([name]) => name));
  const kept: [string, string][] = [];
  for (const [name, value] of stored) if (!replaced.has(name)) kept.push([name, value]);
  return kept.concat(replacements);
}
