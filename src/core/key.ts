/**
 * Primary cache keys: RFC 9111 §2 ("the request method and target URI").
 *
 * @module
 */

/**
 * The target URI in a canonical form: parsed as WHATWG URL (scheme and host lower-cased,
 * default port and dot segments removed, percent-encoding normalised) with the fragment dropped,
 * since it is never sent to the origin.
 */
export function normalizeUrl(url: string | URL): string {
  const href = typeof url === 'string' ? url : url.href;
  const known = normalized.get(href);
  if (known !== undefined) return known;
  const parsed = new URL(href);
  // Setting `hash` parses the URL again: do it only when there can be a fragment, which the
  // URL parser starts at a '#' and nowhere else.
  if (href.includes('#')) parsed.hash = '';
  if (normalized.size >= NORMALIZED) normalized.clear();
  normalized.set(href, parsed.href);
  return parsed.href;
}

/** How many URLs {@link normalizeUrl} remembers: a hit or revalidation parses its URL once. */
const NORMALIZED = 1024;
const normalized = new Map<string, string>();

/**
 * The default primary key: method and normalised URL. HEAD shares GET's key, so a HEAD request
 * is answered from a stored GET response (RFC 9110 §9.3.2, RFC 9111 §4.3.5).
 */
export function defaultKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

/** How URLs are canonicalised for keys, beyond {@link normalizeUrl}. */
export interface UrlNormalization {
  /** Sort query parameters by name (stable for equal names), so `?b=1&a=2` keys as `?a=2&b=1`. */
  readonly sortQuery?: boolean;
  /** Query parameters left out of the key: names, or patterns such as `/^utm_/`. */
  readonly ignoreQueryParams?: readonly (string | RegExp)[];
}

/**
 * The URL as it goes into a key: {@link normalizeUrl}d URL with ignored query parameters dropped
 * and the rest sorted, as `normalization` asks. Returned unchanged when there is nothing to do.
 */
export function keyUrl(url: string, normalization: UrlNormalization | undefined): string {
  if (normalization === undefined || !url.includes('?')) return url;
  const { sortQuery = false, ignoreQueryParams = [] } = normalization;
  if (!sortQuery && ignoreQueryParams.length === 0) return url;
  const parsed = new URL(url);
  const ignored = (name: string) =>
    ignoreQueryParams.some((rule) => (typeof rule === 'string' ? rule === name : rule.test(name)));
  const params = [...parsed.searchParams].filter(([name]) => !ignored(name));
  if (sortQuery) params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  parsed.search = new URLSearchParams(params).toString();
  return parsed.href;
}
