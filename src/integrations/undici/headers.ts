import type { Dispatcher } from 'undici';
import { type StoredAnswer, type StoredLines, splitAnswerHeaders } from '../../engine/answer.ts';
import { answerHeaders } from '../../engine/respond.ts';

/**
 * Header conversions between undici's forms (objects, flat arrays, pair iterables, raw buffers)
 * and WHATWG `Headers`.
 *
 * @module
 */

/** Response headers as undici's handlers receive them. */
export type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

type UndiciHeaders = Dispatcher.DispatchOptions['headers'];

/** Request headers in any form undici accepts, as `Headers`. Throws on invalid names or values. */
export function requestHeaders(headers: UndiciHeaders | undefined): Headers {
  const result = new Headers();
  if (headers === undefined || headers === null) return result;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const pair of headers as unknown as [string, string | string[]][]) {
        appendValue(result, pair[0], pair[1]);
      }
      return result;
    }
    if (headers.length % 2 !== 0) throw new TypeError('headers: odd number of array items');
    for (let i = 0; i < headers.length; i += 2) appendValue(result, headers[i], headers[i + 1]);
    return result;
  }
  if (isIterable(headers)) {
    for (const [name, value] of headers) appendValue(result, name, value);
    return result;
  }
  for (const name of Object.keys(headers)) appendValue(result, name, headers[name]);
  return result;
}

/** `Headers` as the flat `[name, value, …]` array undici takes, one line per value. */
export function flatHeaders(headers: Headers): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  return flat;
}

/** Response header lines from a controller's raw headers, or else the parsed object. */
export function responseLines(
  raw: readonly (Buffer | string)[] | IncomingHttpHeaders | null | undefined,
  parsed: IncomingHttpHeaders,
): [string, string][] {
  const lines: [string, string][] = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      lines.push([latin1(raw[i]), latin1(raw[i + 1])]);
    }
    return lines;
  }
  const source = raw !== null && raw !== undefined && !Array.isArray(raw) ? raw : parsed;
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines.push([name, String(item)]);
  }
  return lines;
}

/** A WHATWG response's headers as undici hands them to a handler: parsed and raw. */
export function handlerHeaders(headers: Headers): HandlerHeaders {
  // Iterating `Headers` yields each Set-Cookie line on its own and every other field combined.
  return handlerPairs(headers);
}

/** Header fields as undici hands them to a handler: parsed (names in lower case) and raw. */
export function handlerPairs(pairs: Iterable<readonly [string, string]>): HandlerHeaders {
  const parsed: Record<string, string | string[]> = {};
  const raw: Buffer[] = [];
  for (const [name, value] of pairs) {
    raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'));
    const lower = name.toLowerCase();
    const current = parsed[lower];
    if (current === undefined) parsed[lower] = value;
    else if (Array.isArray(current)) current.push(value);
    else parsed[lower] = [current, value];
  }
  return { parsed, raw };
}

/** What {@link answerHandlerHeaders} keeps of each stored version of an entry's fields. */
interface StoredForms extends HandlerHeaders {
  /** The names whose parsed value is a list (copied for each answer). */
  readonly lists: readonly string[];
}

const storedForms = new WeakMap<StoredLines, StoredForms>();

/** The raw names of the fields the cache adds to a stored answer, shared as the stored ones are. */
const ADDED_NAMES: Readonly<Record<string, Buffer>> = {
  age: Buffer.from('age', 'latin1'),
  'cache-status': Buffer.from('cache-status', 'latin1'),
};

/**
 * A stored answer's header fields as undici hands them to a handler, as {@link handlerPairs}
 * makes them from `answerHeaders(answer)`: the stored fields are converted once per stored
 * version of an entry, and only `Age` and `Cache-Status` for each answer. The raw name and value
 * buffers of the stored fields are shared by those answers (undici's handlers only read them).
 */
export function answerHandlerHeaders(answer: StoredAnswer): HandlerHeaders {
  const split = splitAnswerHeaders(answer);
  if (split === undefined) return handlerPairs(answerHeaders(answer));
  let forms = storedForms.get(split.stored);
  if (forms === undefined) {
    const { parsed, raw } = handlerPairs(split.stored.lines);
    const lists = Object.keys(parsed).filter((name) => Array.isArray(parsed[name]));
    forms = { parsed, raw, lists };
    storedForms.set(split.stored, forms);
  }
  const parsed = { ...forms.parsed };
  for (const name of forms.lists) parsed[name] = [...(parsed[name] as string[])];
  const raw = forms.raw.slice();
  for (const [name, value] of split.added) {
    raw.push(ADDED_NAMES[name] ?? Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'));
    parsed[name] = value;
  }
  return { parsed, raw };
}

/** Response header fields in both of the forms undici's handlers receive. */
export interface HandlerHeaders {
  readonly parsed: IncomingHttpHeaders;
  readonly raw: Buffer[];
}

function appendValue(headers: Headers, name: unknown, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof name !== 'string') throw new TypeError('headers: a header name is not a string');
  if (Array.isArray(value)) {
    for (const item of value) headers.append(name, String(item));
  } else {
    headers.append(name, String(value));
  }
}

function isIterable(value: object): value is Iterable<[string, string | string[] | undefined]> {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function latin1(value: Buffer | string | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.toString('latin1');
}
