import { splitList } from '../../core/header-values.ts';
import { UNSTORED_FIELDS } from '../../core/stored-headers.ts';

/**
 * Hop-by-hop header fields, which a proxy consumes instead of forwarding (RFC 9110 §7.6.1).
 *
 * @module
 */

/**
 * RFC 9110 §7.6.1: Connection, Proxy-Connection, Keep-Alive, TE, Transfer-Encoding and Upgrade,
 * and the proxy authentication fields (§11.7), which are meant for this proxy, not the next hop.
 */
export const HOP_BY_HOP: ReadonlySet<string> = UNSTORED_FIELDS;

/**
 * Request fields answered by this proxy: `Expect: 100-continue` is answered by the proxy's own
 * server (RFC 9110 §10.1.1), and `Host` is set for the upstream by the client that sends it there.
 */
const CONSUMED_REQUEST_FIELDS: ReadonlySet<string> = new Set(['expect', 'host']);

/**
 * Header lines without hop-by-hop fields: those in {@link HOP_BY_HOP} and, RFC 9110 §7.6.1, "the
 * Connection header field and fields whose names are listed in it".
 */
export function endToEnd(
  lines: Iterable<readonly [string, string]>,
  request = false,
): [string, string][] {
  const all = [...lines];
  const listed = new Set<string>();
  for (const [name, value] of all) {
    if (name.toLowerCase() === 'connection') {
      for (const field of splitList(value)) listed.add(field.toLowerCase());
    }
  }
  const kept: [string, string][] = [];
  for (const [name, value] of all) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower)) continue;
    if (request && CONSUMED_REQUEST_FIELDS.has(lower)) continue;
    kept.push([name, value]);
  }
  return kept;
}

/** Pairs from Node's flat `rawHeaders` (`[name, value, name, value, …]`). */
export function rawPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return pairs;
}
