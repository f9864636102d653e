import type { AxiosHeaders } from 'axios';
import { type StoredAnswer, type StoredLines, splitAnswerHeaders } from '../../engine/answer.ts';
import { answerHeaders } from '../../engine/respond.ts';

/**
 * Header conversions between axios' `AxiosHeaders` and WHATWG `Headers`.
 *
 * @module
 */

/** What `Object.prototype.toString` calls an `AxiosHeaders` (its `Symbol.toStringTag`). */
const AXIOS_HEADERS = '[object AxiosHeaders]';

/** An axios header value. */
type Value = string | string[] | number | boolean | null | undefined | AxiosHeaders;

/**
 * axios request headers as `Headers`; `null`, `undefined` and `false` values are left out. An
 * `AxiosHeaders` keeps each field as a property of its own (as axios documents reading them), so
 * its properties are read as they are, without the copy its iterator makes.
 */
export function toHeaders(headers: Iterable<[string, Value]> | Record<string, Value>): Headers {
  const result = new Headers();
  const entries =
    Symbol.iterator in headers && Object.prototype.toString.call(headers) !== AXIOS_HEADERS
      ? headers
      : Object.entries(headers);
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
function pairObject(pairs: Iterable<readonly [string, string]>): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  const cookies = fieldsInto(object, pairs);
  if (cookies.length > 0) object['set-cookie'] = cookies;
  return object;
}

/** Adds fields to `object` as {@link pairObject} does, but for Set-Cookie's, which it returns. */
function fieldsInto(
  object: Record<string, string | string[]>,
  pairs: Iterable<readonly [string, string]>,
): string[] {
  const cookies: string[] = [];
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') cookies.push(value);
    else {
      const current = object[lower];
      object[lower] = current === undefined ? value : `${current}, ${value}`;
    }
  }
  return cookies;
}

/** What {@link answerObject} keeps of each stored version of an entry's fields. */
interface StoredObject {
  readonly fields: Record<string, string | string[]>;
  readonly cookies: readonly string[];
  /** `fields` as `AxiosHeaders`, made at the first answer that asks for them. */
  headers?: AxiosHeaders;
}

const storedObjects = new WeakMap<StoredLines, StoredObject>();

function storedObject(stored: StoredLines): StoredObject {
  let object = storedObjects.get(stored);
  if (object === undefined) {
    const fields: Record<string, string | string[]> = {};
    object = { fields, cookies: fieldsInto(fields, stored.lines) };
    storedObjects.set(stored, object);
  }
  return object;
}

/**
 * A stored answer's header fields as {@link pairObject} makes them from `answerHeaders(answer)`:
 * the stored fields are converted once per stored version of an entry, and only `Age` and
 * `Cache-Status` for each answer.
 */
export function answerObject(answer: StoredAnswer): Record<string, string | string[]> {
  const split = splitAnswerHeaders(answer);
  if (split === undefined) return pairObject(answerHeaders(answer));
  const stored = storedObject(split.stored);
  const object = { ...stored.fields };
  for (const [name, value] of split.added) object[name] = value;
  if (stored.cookies.length > 0) object['set-cookie'] = [...stored.cookies];
  return object;
}

/**
 * `AxiosHeaders.from(answerObject(answer))`, made from a copy of the stored fields as
 * `AxiosHeaders` (made once per stored version of an entry: an `AxiosHeaders` keeps each field as
 * a property of its own), with `Age`, `Cache-Status` and Set-Cookie set on it. `undefined` when
 * {@link answerObject} has no stored fields to share.
 */
export function answerAxiosHeaders(
  axiosHeaders: typeof AxiosHeaders,
  answer: StoredAnswer,
): AxiosHeaders | undefined {
  const split = splitAnswerHeaders(answer);
  if (split === undefined) return undefined;
  const stored = storedObject(split.stored);
  if (!(stored.headers instanceof axiosHeaders)) {
    stored.headers = axiosHeaders.from({ ...stored.fields });
  }
  const headers = Object.assign(new axiosHeaders(), stored.headers);
  for (const [name, value] of split.added) headers.set(name, value);
  if (stored.cookies.length > 0) headers.set('set-cookie', [...stored.cookies]);
  return headers;
}
