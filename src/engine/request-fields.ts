import type { HeaderReader } from '../core/types.ts';

/**
 * A request's header fields, read once for the many reads the cache makes of them.
 *
 * @module
 */

/**
 * The fields of `headers` as a reader over a copy made now: a `Headers` object checks every name
 * it is asked for, and a hit asks for about ten (credentials, directives, preconditions, range,
 * selecting fields), most of them absent. Any other reader is returned as it is.
 */
export function requestFields(headers: HeaderReader): HeaderReader {
  if (!(headers instanceof Headers)) return headers;
  const fields = new Map<string, string>();
  // Iterating `Headers` yields lower-case names, each field's lines combined (Set-Cookie's apart).
  for (const [name, value] of headers) {
    const current = fields.get(name);
    fields.set(name, current === undefined ? value : `${current}, ${value}`);
  }
  return { get: (name) => fields.get(name.toLowerCase()) ?? null };
}
