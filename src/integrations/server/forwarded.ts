import type { IncomingMessage } from 'node:http';
import { OptionsError } from '../../errors.ts';

/**
 * What the proxy tells the upstream about the client: `Forwarded` (RFC 7239) and the
 * `X-Forwarded-*` fields, built from what the proxy knows rather than taken from the client, and
 * the client fields that are never forwarded because the cache key does not hold them.
 *
 * @module
 */

/**
 * Request fields a client could use to change the upstream's answer without changing the cache
 * key (web cache poisoning): fields about the connection, which the proxy builds itself, and
 * routing or method overrides that some frameworks honour. Never forwarded from a client.
 */
export const UNFORWARDED_FIELDS: ReadonlySet<string> = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-scheme',
  'x-forwarded-server',
  'x-forwarded-ssl',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-original-url',
  'x-original-host',
  'x-rewrite-url',
  'x-host',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/**
 * The fields taken from a trusted downstream proxy, and so the ones a response is keyed on with
 * `Vary` when `trustProxy` is set (`X-Forwarded-For` names the client, which a page that depends
 * on it says with its own `Vary`).
 */
export const TRUSTED_VARY = 'x-forwarded-host, x-forwarded-proto';

/** Which peers' forwarding fields to believe: none, all, or those at these addresses. */
export type ProxyTrust = boolean | readonly string[];

/** A predicate over peer addresses, from the `trustProxy` option (validated here). */
export function trustedPeers(trust: ProxyTrust | undefined): (address: string) => boolean {
  if (trust === undefined || trust === false) return () => false;
  if (trust === true) return () => true;
  if (!Array.isArray(trust)) {
    throw new OptionsError('trustProxy', 'must be a boolean or an array of IP addresses');
  }
  const addresses = new Set<string>();
  for (const address of trust as readonly unknown[]) {
    const canonical = typeof address === 'string' ? canonicalAddress(address) : undefined;
    if (canonical === undefined) {
      throw new OptionsError('trustProxy', `must list IP addresses, got ${String(address)}`);
    }
    addresses.add(canonical);
  }
  return (address) => addresses.has(canonicalAddress(address) ?? '');
}

/** An IP address in one spelling (IPv4-mapped IPv6 as IPv4), or `undefined` if not one. */
function canonicalAddress(address: string): string | undefined {
  const v4 = address.replace(/^::ffff:/i, '');
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(v4)) return URL.parse(`http://${v4}`)?.hostname ?? undefined;
  if (!address.includes(':')) return undefined;
  return URL.parse(`http://[${address}]`)?.hostname ?? undefined;
}

/** The forwarding fields for one request, as header lines. */
export function forwardingFields(req: IncomingMessage, trusted: boolean): [string, string][] {
  const address = req.socket.remoteAddress;
  const peer = address?.replace(/^::ffff:(?=\d+\.)/i, '');
  const chain = trusted ? listOf(req, 'x-forwarded-for') : [];
  // Behind several proxies, the first of each list is what the client's connection had.
  const proto = trusted ? scheme(listOf(req, 'x-forwarded-proto')[0]) : 'http';
  const host = trusted ? hostOf(listOf(req, 'x-forwarded-host')[0]) : undefined;
  const hops = peer === undefined ? chain : [...chain, peer];
  const lines: [string, string][] = [];
  if (hops.length > 0) lines.push(['x-forwarded-for', hops.join(', ')]);
  lines.push(['x-forwarded-proto', proto]);
  if (host !== undefined) lines.push(['x-forwarded-host', host]);
  // RFC 7239 §4: one element per hop; the first hop's scheme and host are the client's.
  // RFC 7239 §6: an IPv6 node in brackets (a canonical address's URL hostname has them).
  const elements = hops.map((hop) => `for=${parameter(canonicalAddress(hop) ?? hop)}`);
  const first = `${elements[0] ?? 'for=unknown'};proto=${proto}${host === undefined ? '' : `;host=${parameter(host)}`}`;
  lines.push(['forwarded', [first, ...elements.slice(1)].join(', ')]);
  return lines;
}

function listOf(req: IncomingMessage, name: string): string[] {
  const value = req.headers[name];
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function scheme(value: string | undefined): string {
  const lower = value?.toLowerCase();
  return lower === 'https' ? 'https' : 'http';
}

/** A host (and port) as a URL authority, else `undefined`. */
function hostOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || /[/?#@\\\s]/.test(value)) return undefined;
  return URL.parse(`http://${value}`)?.host ?? undefined;
}

/** RFC 7239 §4: a token as it is, anything else (`[IPv6]`, host:port) as a quoted-string. */
function parameter(value: string): string {
  if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) return value;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}
