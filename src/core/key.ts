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
  const parsed = new URL(href);
  // Setting `hash` parses the URL again: do it only when there can be a fragment, which the
  // URL parser starts at a '#' and nowhere else.
  if (href.includes('#')) parsed.hash = '';
  return parsed.href;
}

/**
 * The default primary key: method and normalised URL. HEAD shares GET's key, so a HEAD request
 * is answered from a stored GET response (RFC 9110 §9.3.2, RFC 9111 §4.3.5).
 */
export function defaultKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}
