import { splitList } from './header-values.ts';

/**
 * The Cache-Status response header field: RFC 9211.
 *
 * @module
 */

/** One cache's member of a Cache-Status field (RFC 9211 §2). */
export interface CacheStatusEntry {
  /** The cache's name (RFC 9211 §2: a token or a string). */
  readonly cache: string;
  /** §2.1: the request was satisfied by the cache, without going to the origin. */
  readonly hit?: boolean | undefined;
  /** §2.2: why the request went to the origin. */
  readonly fwd?: string | undefined;
  /** §2.3: the status code of the origin's response to the forwarded request. */
  readonly fwdStatus?: number | undefined;
  /** §2.4: the response's remaining freshness lifetime, in seconds (negative when stale). */
  readonly ttl?: number | undefined;
  /** §2.5: the cache stored the origin's response. */
  readonly stored?: boolean | undefined;
  /** §2.6: the request was collapsed with others into one origin request. */
  readonly collapsed?: boolean | undefined;
  /** §2.7: the cache key used. */
  readonly key?: string | undefined;
  /** §2.8: implementation-specific detail. */
  readonly detail?: string | undefined;
}

const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;

function item(value: string): string {
  return TOKEN.test(value) ? value : sfString(value);
}

/** RFC 8941 §3.3.3: a String (printable ASCII; others are replaced so the field stays valid). */
function sfString(value: string): string {
  let out = '"';
  // A lone surrogate has no UTF-8 form to percent-encode: replace it first.
  for (const ch of value.toWellFormed()) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code > 0x7e) out += encodeURIComponent(ch);
    else out += ch;
  }
  return `${out}"`;
}

/** Serialises one member of Cache-Status, e.g. `httpcache; hit; ttl=42`. */
export function formatCacheStatus(entry: CacheStatusEntry): string {
  let out = item(entry.cache);
  if (entry.hit === true) out += '; hit';
  if (entry.fwd !== undefined) out += `; fwd=${item(entry.fwd)}`;
  if (entry.fwdStatus !== undefined) out += `; fwd-status=${entry.fwdStatus}`;
  if (entry.ttl !== undefined) out += `; ttl=${Math.trunc(entry.ttl)}`;
  if (entry.stored === true) out += '; stored';
  if (entry.collapsed === true) out += '; collapsed';
  if (entry.key !== undefined) out += `; key=${sfString(entry.key)}`;
  if (entry.detail !== undefined) out += `; detail=${item(entry.detail)}`;
  return out;
}

/**
 * RFC 9211 §2: "caches SHOULD ... append their member to the end of the field value", so the last
 * member is the cache nearest the client.
 */
export function appendCacheStatus(existing: string | null, entry: CacheStatusEntry): string {
  const member = formatCacheStatus(entry);
  return existing === null || existing.trim() === '' ? member : `${existing}, ${member}`;
}

/**
 * Parses a Cache-Status field value into its members, leniently: unknown parameters are ignored
 * and malformed members skipped; never throws.
 */
export function parseCacheStatus(value: string | null | undefined): CacheStatusEntry[] {
  if (value === null || value === undefined) return [];
  const entries: CacheStatusEntry[] = [];
  for (const member of splitList(value)) {
    const [name, ...params] = splitParams(member);
    const cache = unquote(name ?? '');
    if (cache === '') continue;
    const entry: { -readonly [K in keyof CacheStatusEntry]: CacheStatusEntry[K] } = { cache };
    for (const param of params) {
      const eq = param.indexOf('=');
      const key = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase();
      const raw = eq === -1 ? undefined : unquote(param.slice(eq + 1).trim());
      // RFC 8941 §3.3.6: a Boolean parameter is true when bare or `?1`, false when `?0`.
      const flag = raw === undefined || raw === '?1';
      if (key === 'hit') entry.hit = flag;
      else if (key === 'stored') entry.stored = flag;
      else if (key === 'collapsed') entry.collapsed = flag;
      else if (key === 'fwd' && raw !== undefined) entry.fwd = raw;
      else if (key === 'fwd-status' && raw !== undefined && /^\d{3}$/.test(raw))
        entry.fwdStatus = Number(raw);
      else if (key === 'ttl' && raw !== undefined && /^-?\d{1,15}$/.test(raw))
        entry.ttl = Number(raw);
      else if (key === 'key' && raw !== undefined) entry.key = raw;
      else if (key === 'detail' && raw !== undefined) entry.detail = raw;
    }
    entries.push(entry);
  }
  return entries;
}

function splitParams(member: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < member.length; i++) {
    const ch = member[i];
    if (quoted && ch === '\\') {
      current += ch + (member[i + 1] ?? '');
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (ch === ';' && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"')) return value;
  const end = value.endsWith('"') ? value.length - 1 : value.length;
  return value.slice(1, end).replace(/\\(.)/g, '$1');
}
