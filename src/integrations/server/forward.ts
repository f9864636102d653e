import type { IncomingMessage } from 'node:http';
import { rejectUnknownNames } from '../../engine/option-names.ts';
import { CACHE_OPTION_NAMES, type HttpCacheOptions } from '../../engine/options.ts';
import { OptionsError } from '../../errors.ts';
import { forwardingFields, type ProxyTrust, UNFORWARDED_FIELDS } from './forwarded.ts';
import { CONSUMED_REQUEST_FIELDS, endToEnd, rawPairs } from './hop-by-hop.ts';
import { addVia } from './send.ts';

/**
 * The reverse proxy's options, and what it makes of a client request before forwarding it.
 *
 * @module
 */

/** Options of {@link createProxy}: the cache's (shared by default) and the proxy's own. */
export interface ProxyOptions extends Omit<HttpCacheOptions, 'fetch'> {
  /**
   * The upstream origin (and optional path prefix) requests are forwarded to. Required.
   * @default none
   * @example createProxy({ upstream: 'http://127.0.0.1:3000' })
   */
  readonly upstream: string | URL;
  /**
   * The port to listen on; `0` picks a free one (read it from `proxy.url`).
   * @default 0
   * @example createProxy({ upstream, port: 8080 })
   */
  readonly port?: number;
  /**
   * The address to listen on.
   * @default '127.0.0.1'
   * @example createProxy({ upstream, host: '0.0.0.0' })
   */
  readonly host?: string;
  /**
   * A shared cache (like a CDN) by default: `s-maxage`, `private`, `Authorization` and
   * `proxy-revalidate` are honoured, `Set-Cookie` is never stored.
   * @default true
   * @example createProxy({ upstream, shared: false }) // one user's cache, e.g. a dev proxy
   */
  readonly shared?: boolean;
  /**
   * Milliseconds of upstream silence (connecting, or waiting for the response or its body) before
   * the proxy answers `504 Gateway Timeout`, or a stale response where allowed.
   * @default 30000
   * @example createProxy({ upstream, timeout: 5000, allowStale: 600 })
   */
  readonly timeout?: number;
  /**
   * The pseudonym this proxy adds to `Via` (RFC 9110 §7.6.3) in both directions; `false` adds none.
   * @default 'httpcache'
   * @example createProxy({ upstream, via: 'edge-cache' })
   */
  readonly via?: string | false;
  /**
   * Downstream proxies (a TLS terminator, a load balancer) whose `X-Forwarded-For`,
   * `X-Forwarded-Host` and `X-Forwarded-Proto` are believed: `true` for any peer, or their
   * addresses. From other peers these fields, and `Forwarded`, are replaced by what this proxy
   * sees. When set, responses are keyed on the forwarded host and scheme (`Vary`), so that one
   * host's or scheme's page is never served for another.
   * @default false
   * @example createProxy({ upstream, trustProxy: ['10.0.0.2'] })
   */
  readonly trustProxy?: ProxyTrust;
  /**
   * Turns on the purge endpoint: a `PURGE` request with `Authorization: Bearer <purgeToken>`
   * deletes the entries of its URL, of the path prefix in `X-Purge-Prefix`, or of the tags in
   * `X-Purge-Tag`, and answers `{"purged":N}`; without the right token it gets `403`. Without
   * this option PURGE goes upstream like any other method. At least 16 characters.
   * @default undefined (no purge endpoint)
   * @example createProxy({ upstream, purgeToken: process.env.PURGE_TOKEN })
   */
  readonly purgeToken?: string;
}

/** The names of the proxy's options: the cache's but `fetch`, and its own. */
const PROXY_OPTION_NAMES = [
  ...CACHE_OPTION_NAMES.filter((name) => name !== 'fetch'),
  ...Object.keys({
    upstream: true,
    port: true,
    host: true,
    timeout: true,
    via: true,
    trustProxy: true,
    purgeToken: true,
  } satisfies Record<Exclude<keyof ProxyOptions, keyof HttpCacheOptions>, true>),
];

/** A name that is not one of the proxy's options (a typo) is an `OptionsError` naming it. */
export function rejectUnknownProxyOptions(options: ProxyOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new OptionsError('options', `must be an object, got ${String(options)}`);
  }
  rejectUnknownNames(options, PROXY_OPTION_NAMES);
}

/** Validates the proxy's own options, naming the one at fault. */
export function validate(port: number, timeout: number, via: string | false | undefined): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionsError('port', `must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new OptionsError('timeout', `must be a number of ms > 0, got ${String(timeout)}`);
  }
  if (
    via !== undefined &&
    via !== false &&
    (typeof via !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(via))
  ) {
    throw new OptionsError('via', 'must be a token (RFC 9110 §7.6.3 pseudonym) or false');
  }
}

/** The upstream URL without a trailing slash, so that a request path can be appended. */
export function upstreamBase(upstream: string | URL): string {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new OptionsError('upstream', `must be an absolute http(s) URL, got ${String(upstream)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionsError('upstream', `must be an http: or https: URL, got ${url.protocol}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new OptionsError('upstream', 'must not have a query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Separators some origin reads as `/`: the slash itself, backslash, and their encodings. */
const SEGMENT_SEPARATOR = /[/\\]|%2f|%5c/i;

/** A dot segment (RFC 3986 §3.3), plain or percent-encoded (`%2e` is `.` to URL parsers). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** Targets longer than this are resolved each time rather than remembered. */
const MEMO_TARGET_LENGTH = 512;
/** At most this many targets' resolutions are remembered (then the memo starts afresh). */
const MEMO_TARGETS = 1024;

/**
 * The resolver of request targets under `base` ({@link upstreamBase}): the upstream URL for a
 * target, or `undefined` for a target the proxy refuses: one not in origin-form (RFC 9112 §3.2.1:
 * a reverse proxy serves paths only), or one with a dot segment in any spelling an origin might
 * resolve (`/../`, `/%2e%2e/`, `/.%2e/`, `/..\\`, `/..%2f`), which could leave the upstream's path
 * prefix. Clients remove dot segments before sending (RFC 3986 §5.2.4), so only an attacker's
 * request carries one. The answer depends on the target alone, so the last targets' answers are
 * remembered (a bounded number of bounded strings): a hit does not parse its URL again.
 */
export function upstreamResolver(base: string): (target: string) => string | undefined {
  const prefix = new URL(base).pathname.replace(/\/$/, '');
  const memo = new Map<string, string | undefined>();
  return (target) => {
    const known = memo.get(target);
    if (known !== undefined || memo.has(target)) return known;
    const url = resolve(base, prefix, target);
    if (target.length <= MEMO_TARGET_LENGTH) {
      if (memo.size >= MEMO_TARGETS) memo.clear();
      memo.set(target, url);
    }
    return url;
  };
}

function resolve(base: string, prefix: string, target: string): string | undefined {
  if (!target.startsWith('/')) return undefined;
  const path = target.split('?', 1)[0] ?? '';
  if (path.split(SEGMENT_SEPARATOR).some((segment) => DOT_SEGMENT.test(segment))) return undefined;
  const url = URL.parse(`${base}${target}`);
  if (url === null) return undefined;
  // Defence in depth: whatever the parser made of it, the path is still under the prefix.
  if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return undefined;
  return url.href;
}

/** The last request's fields on a connection, and the `Headers` built from them. */
interface LastFields {
  readonly raw: readonly string[];
  readonly version: string;
  readonly headers: Headers;
}

const lastFields = new WeakMap<object, LastFields>();

/**
 * The client's header fields as forwarded: end-to-end ones without those in
 * {@link UNFORWARDED_FIELDS}, then `Via` and the forwarding fields this proxy builds. A keep-alive
 * client sends the same fields request after request: when they are the same as the last
 * request's on this connection, so is the answer, and it is that request's `Headers` (never
 * changed afterwards: the cache copies a request's fields to change them).
 */
export function forwardedHeaders(
  req: IncomingMessage,
  pseudonym: string | undefined,
  trusted: boolean,
): Headers {
  const last = lastFields.get(req.socket);
  const raw = req.rawHeaders;
  if (last !== undefined && last.version === req.httpVersion && sameStrings(last.raw, raw)) {
    return last.headers;
  }
  const lines = endToEnd(rawPairs(raw), UNFORWARDED_REQUEST_FIELDS);
  if (pseudonym !== undefined) addVia(lines, `${req.httpVersion} ${pseudonym}`);
  // Appending field by field costs a fraction of `new Headers(lines)`, and builds the same.
  const headers = new Headers();
  for (const [name, value] of lines) headers.append(name, value);
  for (const [name, value] of forwardingFields(req, trusted)) headers.append(name, value);
  lastFields.set(req.socket, { raw, version: req.httpVersion, headers });
  return headers;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The request fields answered by this proxy and those never forwarded. */
const UNFORWARDED_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  ...CONSUMED_REQUEST_FIELDS,
  ...UNFORWARDED_FIELDS,
]);

/** RFC 9112 §6.3: a request has content when it declares a length or a transfer coding. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
