import { currentAge } from '../core/freshness.ts';
import { defaultKey, normalizeUrl } from '../core/key.ts';
import type { EntryMeta, Storage } from '../storage/types.ts';
import { formatSeconds, isoTime } from './format.ts';
import type { Colors } from './io.ts';

/**
 * Stored entries as the CLI shows them, and finding them by key or URL.
 *
 * @module
 */

/**
 * One entry as `ls --json` and `show --json` print it. Field names and meanings are stable;
 * times are ISO 8601 (`null` for "never"), durations whole seconds.
 */
export interface EntryRecord {
  /** The primary cache key, e.g. `GET https://example.com/`. */
  readonly key: string;
  readonly method: string;
  readonly url: string;
  /** The request header values the response's `Vary` selected, by lower-case field name. */
  readonly vary: Readonly<Record<string, string | null>>;
  readonly status: number;
  /** Body size in bytes. */
  readonly size: number;
  /** Current age (RFC 9111 §4.2.3), in seconds. */
  readonly age: number;
  /** Seconds of freshness left; negative once stale (not how long the entry is kept). */
  readonly ttl: number;
  /** How many times the entry was served from the cache. */
  readonly hits: number;
  readonly storedAt: string | null;
  readonly staleAt: string | null;
  /** When storage may forget the entry (its delete time; `show` labels it `delete at`). */
  readonly expiresAt: string | null;
}

/** The {@link EntryRecord} of `entry` at time `now` (ms). */
export function entryRecord(entry: EntryMeta, now: number): EntryRecord {
  return {
    key: entry.key,
    method: entry.method,
    url: entry.url,
    vary: entry.vary,
    status: entry.status,
    size: entry.size,
    age: Math.floor(currentAge(entry, now)),
    ttl: Math.floor((entry.staleAt - now) / 1000),
    hits: entry.hits,
    storedAt: isoTime(entry.createdAt),
    staleAt: isoTime(entry.staleAt),
    expiresAt: isoTime(entry.deleteAt),
  };
}

/** The variant as people read it: `accept-language=en, accept-encoding=gzip`, or `-` for none. */
export function variantLabel(vary: Readonly<Record<string, string | null>>): string {
  const parts = Object.entries(vary).map(([name, value]) => `${name}=${value ?? '(none)'}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

/** Freshness left in green, or how long ago the entry went stale in yellow. */
export function ttlLabel(ttl: number, colors: Colors): string {
  return ttl > 0 ? colors.green(formatSeconds(ttl)) : colors.yellow(`stale ${formatSeconds(-ttl)}`);
}

/** Every live entry, sorted by URL, then key and variant, so listings are stable. */
export async function listEntries(storage: Storage): Promise<EntryMeta[]> {
  const entries: EntryMeta[] = [];
  for await (const entry of storage.list()) entries.push(entry);
  return entries.sort(
    (a, b) => compare(a.url, b.url) || compare(a.key, b.key) || compare(a.variant, b.variant),
  );
}

/**
 * The live entries that `keyOrUrl` names: those stored under it as a key, else, when it is an
 * absolute URL, those under its default `GET` key, else every entry stored for that URL.
 */
export async function findEntries(storage: Storage, keyOrUrl: string): Promise<EntryMeta[]> {
  const byKey = await storage.get(keyOrUrl);
  if (byKey.length > 0) return byKey;
  const url = absoluteUrl(keyOrUrl);
  if (url === undefined) return [];
  const byUrl = await storage.get(defaultKey('GET', url));
  if (byUrl.length > 0) return byUrl;
  return (await listEntries(storage)).filter((entry) => entry.url === url);
}

/** `value` as the cache stores URLs (normalised), or `undefined` when it is not an absolute URL. */
export function absoluteUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  return normalizeUrl(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
