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
  const canonical = isCanonical(href) ? href : parse(href);
  if (normalized.size >= NORMALIZED) normalized.clear();
  normalized.set(href, canonical);
  return canonical;
}

/** `href` parsed as WHATWG URL, without its fragment. */
function parse(href: string): string {
  const parsed = new URL(href);
  // Setting `hash` parses the URL again: do it only when there can be a fragment, which the
  // URL parser starts at a '#' and nowhere else.
  if (href.includes('#')) parsed.hash = '';
  return parsed.href;
}

/** A label of a dotted-quad IPv4 address as WHATWG URL writes it (no leading zeros). */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/**
 * An http(s) URL as WHATWG URL parsing writes it, recognised without parsing: lower-case
 * scheme; a lower-case host name whose last label starts with a letter (so it is no IPv4
 * address in another notation), or a dotted-quad IPv4 address; a port, when there is one,
 * without leading zeros; a path without dot segments; a query; and only characters that are
 * never percent-encoded or rewritten (no `%`, backslash, `#`, `'` in the query, nothing beyond
 * ASCII).
 */
const CANONICAL = new RegExp(
  `^(https?)://(?:(?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*|(?:${OCTET}\\.){3}${OCTET})(?::([1-9]\\d{0,4}))?` +
    "(?:/(?!\\.\\.?(?:[/?]|$))[\\w\\-.~!$&'()*+,;=:@]*)+(?:\\?[\\w\\-.~!$&()*+,;=:@/?]*)?$",
);

/**
 * Whether `href` is already what {@link normalizeUrl} makes of it, so that a URL seen for the
 * first time (every miss's) needs no parsing. Punycode labels (`xn--`), which parsing checks,
 * and default or out-of-range ports are left to the parser.
 */
function isCanonical(href: string): boolean {
  const match = CANONICAL.exec(href);
  if (match === null || href.includes('xn--')) return false;
  const [, scheme, port] = match;
  if (port === undefined) return true;
  return Number(port) <= 65_535 && port !== (scheme === 'http' ? '80' : '443');
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
