import { type CacheControl, parseCacheControl } from './cache-control.ts';
import { getHeader } from './headers.ts';
import type { HeaderPairs } from './types.ts';

/**
 * Targeted cache-control fields such as `CDN-Cache-Control`: RFC 9213.
 *
 * @module
 */

/** The directives that govern a stored response, and whether a targeted field supplied them. */
export interface ResponseDirectives {
  readonly cc: CacheControl;
  /** RFC 9213 §2.1: when true, `Cache-Control` and `Expires` are ignored. */
  readonly targeted: boolean;
}

/**
 * RFC 9213 §2.1: the cache uses "the first (in target list order) field with a valid, non-empty
 * value ... and it MUST ignore the Cache-Control and Expires header fields in that response,
 * unless no valid, non-empty value is available from the listed header fields".
 */
export function responseDirectives(
  headers: HeaderPairs,
  targetFields: readonly string[] = [],
): ResponseDirectives {
  for (const name of targetFields) {
    const value = getHeader(headers, name);
    if (value === null || value.trim() === '') continue;
    const cc = parseTargetedCacheControl(value);
    if (cc !== undefined) return { cc, targeted: true };
  }
  return { cc: parseCacheControl(getHeader(headers, 'cache-control')), targeted: false };
}

type Item = number | string | boolean | { readonly token: string };

/**
 * RFC 9213 §2.1: a targeted field is an RFC 8941 Dictionary; `undefined` when it does not parse,
 * so the whole field is ignored. Directives with a value of the wrong type are ignored.
 */
export function parseTargetedCacheControl(value: string): CacheControl | undefined {
  const members = parseDictionary(value);
  if (members === undefined) return undefined;
  const cc: { -readonly [K in keyof CacheControl]: CacheControl[K] } = {};
  for (const [key, item] of members) {
    const seconds =
      typeof item === 'number' && Number.isInteger(item) && item >= 0 ? item : undefined;
    const flag = item === true;
    switch (key) {
      case 'max-age':
        if (seconds !== undefined) cc.maxAge = seconds;
        break;
      case 's-maxage':
        if (seconds !== undefined) cc.sMaxage = seconds;
        break;
      case 'stale-while-revalidate':
        if (seconds !== undefined) cc.staleWhileRevalidate = seconds;
        break;
      case 'stale-if-error':
        if (seconds !== undefined) cc.staleIfError = seconds;
        break;
      case 'no-store':
        if (flag) cc.noStore = true;
        break;
      case 'no-cache':
        if (flag) cc.noCache = true;
        break;
      case 'private':
        if (flag) cc.private = true;
        break;
      case 'public':
        if (flag) cc.public = true;
        break;
      case 'must-revalidate':
        if (flag) cc.mustRevalidate = true;
        break;
      case 'proxy-revalidate':
        if (flag) cc.proxyRevalidate = true;
        break;
      case 'immutable':
        if (flag) cc.immutable = true;
        break;
    }
  }
  return cc;
}

/** RFC 8941 §4.2.2: a Dictionary's members (parameters are parsed and dropped). */
function parseDictionary(input: string): [string, Item][] | undefined {
  const members: [string, Item][] = [];
  let i = skipSpaces(input, 0);
  if (i === input.length) return members;
  for (;;) {
    const key = parseKey(input, i);
    if (key === undefined) return undefined;
    i = key.end;
    let item: Item = true;
    if (input[i] === '=') {
      const parsed = parseBareItem(input, i + 1);
      if (parsed === undefined) return undefined;
      item = parsed.value;
      i = parsed.end;
    }
    const params = skipParameters(input, i);
    if (params === undefined) return undefined;
    i = skipOws(input, params);
    members.push([key.value, item]);
    if (i === input.length) return members;
    if (input[i] !== ',') return undefined;
    i = skipOws(input, i + 1);
    if (i === input.length) return undefined;
  }
}

function parseKey(input: string, start: number): { value: string; end: number } | undefined {
  const first = input[start];
  if (first === undefined || !/[a-z*]/.test(first)) return undefined;
  let end = start + 1;
  while (end < input.length && /[a-z0-9_\-.*]/.test(input[end] ?? '')) end++;
  return { value: input.slice(start, end), end };
}

function parseBareItem(input: string, start: number): { value: Item; end: number } | undefined {
  const rest = input.slice(start);
  const number = /^-?\d{1,15}(\.\d{1,3})?/.exec(rest);
  if (number !== null) return { value: Number(number[0]), end: start + number[0].length };
  if (rest.startsWith('?0') || rest.startsWith('?1'))
    return { value: rest[1] === '1', end: start + 2 };
  if (rest.startsWith('"')) {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const ch = rest[i] ?? '';
      if (ch === '\\') {
        const next = rest[i + 1];
        if (next !== '"' && next !== '\\') return undefined;
        out += next;
        i++;
      } else if (ch === '"') return { value: out, end: start + i + 1 };
      else if (ch < ' ' || ch > '~') return undefined;
      else out += ch;
    }
    return undefined;
  }
  const token = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(rest);
  if (token !== null) return { value: { token: token[0] }, end: start + token[0].length };
  const bytes = /^:[A-Za-z0-9+/=]*:/.exec(rest);
  if (bytes !== null) return { value: { token: bytes[0] }, end: start + bytes[0].length };
  return undefined;
}

function skipParameters(input: string, start: number): number | undefined {
  let i = start;
  while (input[i] === ';') {
    i = skipSpaces(input, i + 1);
    const key = parseKey(input, i);
    if (key === undefined) return undefined;
    i = key.end;
    if (input[i] === '=') {
      const item = parseBareItem(input, i + 1);
      if (item === undefined) return undefined;
      i = item.end;
    }
  }
  return i;
}

function skipSpaces(input: string, start: number): number {
  let i = start;
  while (input[i] === ' ') i++;
  return i;
}

function skipOws(input: string, start: number): number {
  let i = start;
  while (input[i] === ' ' || input[i] === '\t') i++;
  return i;
}
