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
export const CONSUMED_REQUEST_FIELDS: ReadonlySet<string> = new Set(['expect', 'host']);

const NONE: ReadonlySet<string> = new Set();

/**
 * Header lines without hop-by-hop fields: those in {@link HOP_BY_HOP} and, RFC 9110 §7.6.1, "the
 * Connection header field and fields whose names are listed in it"; nor those named (lower-case)
 * in `dropped`.
 */
export function endToEnd(
  lines: Iterable<readonly [string, string]>,
  dropped: ReadonlySet<string> = NONE,
): [string, string][] {
  const all = Array.isArray(lines) ? (lines as readonly (readonly [string, string])[]) : [...lines];
  const listed = connectionListed(all);
  const kept: [string, string][] = [];
  for (const [name, value] of all) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower) || dropped.has(lower)) continue;
    kept.push([name, value]);
  }
  return kept;
}

/** The field names the `Connection` fields list (lower-case), or `undefined` when there are none. */
export function connectionListed(
  lines: readonly (readonly [string, string])[],
): ReadonlySet<string> | undefined {
  let listed: Set<string> | undefined;
  for (const [name, value] of lines) {
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    listed ??= new Set();
    for (const field of splitList(value)) listed.add(field.toLowerCase());
  }
  return listed;
}

/** Pairs from Node's flat `rawHeaders` (`[name, value, name, value, …]`). */
export function rawPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return pairs;
}
