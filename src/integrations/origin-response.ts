/**
 * Building the `Response` an origin answered with, whatever its status code.
 *
 * @module
 */

/**
 * A `Response` for an origin's answer. RFC 9110 §15 says "All valid status codes are within the
 * range of 100 to 599, inclusive", yet origins send others (600 to 999), and `fetch` hands them
 * on; the Fetch standard's `Response` constructor refuses them (a `RangeError`). So a response
 * with such a status is built as a 200, then given its own `status` and `ok` (false): the cache
 * passes it on untouched, as it does `fetch`'s own, and never stores it.
 */
export function originResponse(
  body: BodyInit | null,
  init: ResponseInit & { readonly status: number },
): Response {
  if (init.status >= 200 && init.status <= 599) return new Response(body, init);
  const response = new Response(body, { ...init, status: 200 });
  Object.defineProperties(response, {
    status: { value: init.status },
    ok: { value: false },
  });
  return response;
}
