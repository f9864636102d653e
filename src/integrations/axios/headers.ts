import type { AxiosHeaders } from 'axios';

/**
 * Header conversions between axios' `AxiosHeaders` and WHATWG `Headers`.
 *
 * @module
 */

/** An axios header value. */
type Value = string | string[] | number | boolean | null | undefined | AxiosHeaders;

/** axios request headers as `Headers`; `null`, `undefined` and `false` values are left out. */
export function toHeaders(headers: Iterable<[string, Value]> | Record<string, Value>): Headers {
  const result = new Headers();
  const entries = Symbol.iterator in headers ? headers : Object.entries(headers);
  for (const [name, value] of entries as Iterable<[string, Value]>) {
    if (value === null || value === undefined || value === false) continue;
    if (Array.isArray(value)) for (const item of value) result.append(name, String(item));
    else result.append(name, String(value));
  }
  return result;
}

/** A WHATWG response's headers as the plain object axios builds `AxiosHeaders` from. */
export function headerObject(headers: Headers): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue;
    object[name] = value;
  }
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) object['set-cookie'] = cookies;
  return object;
}

/**
 * Header fields as the plain object axios builds `AxiosHeaders` from, as {@link headerObject}
 * makes it: names in lower case, the values of a repeated field combined (Set-Cookie's listed).
 */
export function pairObject(pairs: Iterable<[string, string]>): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  const cookies: string[] = [];
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') cookies.push(value);
    else {
      const current = object[lower];
      object[lower] = current === undefined ? value : `${current}, ${value}`;
    }
  }
  if (cookies.length > 0) object['set-cookie'] = cookies;
  return object;
}
