/**
 * Status codes as tables: RFC 9110 §15 defines their caching semantics.
 *
 * @module
 */

/** RFC 9110 §15.1: status codes defined as heuristically cacheable. */
export const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/**
 * Final status codes whose caching requirements this cache implements (RFC 9111 §3 "understands
 * the response status code"), 206 included: partial content is stored and combined (§3.3, §3.4).
 */
export const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([
  200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 307, 308, 400, 401, 402, 403, 404, 405,
  406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426, 500, 501, 502, 503,
  504, 505,
]);

/** RFC 9110 §9.2.1: methods defined as safe; any other method is treated as unsafe. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** RFC 9110 §15: a final (non-1xx) status code. */
export function isFinalStatus(status: number): boolean {
  return status >= 200 && status <= 599;
}

/** RFC 9111 §4.4: "non-error status code", a 2xx or 3xx. */
export function isNonErrorStatus(status: number): boolean {
  return status >= 200 && status < 400;
}
