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

/** RFC 8941 §3.1.2: key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ). */
const KEY = '[a-z*][a-z0-9_\\-.*]*';

/**
 * RFC 8941 §3.3: a bare item, captured by kind when `capture`: Integer or Decimal, Boolean,
 * String (printable ASCII, `\\` escaping only `"` and `\\`), then Token or Byte Sequence.
 */
function bareItem(capture: boolean): string {
  const group = capture ? '(' : '(?:';
  return [
    `${group}-?\\d{1,15}(?:\\.\\d{1,3})?)`,
    `\\?${group}[01])`,
    `"${group}(?:[ !#-\\[\\]-~]|\\\\["\\\\])*)"`,
    `${group}[A-Za-z*][!#$%&'*+\\-.^_\`|~0-9A-Za-z:/]*|:[A-Za-z0-9+/=]*:)`,
  ].join('|');
}

/**
 * RFC 8941 §3.2: one Dictionary member at the sticky index, its key and item captured, its
 * parameters (RFC 8941 §3.1.2) matched and dropped, then OWS and the end, or a comma and OWS
 * before the next member.
 */
const MEMBER = /* @__PURE__ */ new RegExp(
  `(${KEY})(?:=(?:${bareItem(true)}))?(?:; *${KEY}(?:=(?:${bareItem(false)}))?)*[ \\t]*(?:$|,[ \\t]*(?!$))`,
  'y',
);

/** The item of a {@link MEMBER} match: Boolean true when the member has none. */
function itemOf(match: RegExpExecArray): Item {
  const [, , number, boolean, string, token] = match;
  if (number !== undefined) return Number(number);
  if (boolean !== undefined) return boolean === '1';
  if (string !== undefined) return string.replace(/\\(.)/g, '$1');
  return token === undefined ? true : { token };
}

/** RFC 8941 §4.2.2: a Dictionary's members (parameters are parsed and dropped). */
function parseDictionary(input: string): [string, Item][] | undefined {
  const members: [string, Item][] = [];
  // RFC 8941 §4.2: leading SP is discarded.
  MEMBER.lastIndex = input.search(/[^ ]|$/);
  while (MEMBER.lastIndex < input.length) {
    const match = MEMBER.exec(input);
    if (match === null) return undefined;
    members.push([match[1] ?? '', itemOf(match)]);
  }
  return members;
}
