import { CodecError } from '../errors.ts';
import type { EntryMeta } from './types.ts';

/**
 * The persisted form of entry metadata, versioned: every backend that writes metadata outside the
 * process (SQLite, files, Redis, S3) encodes it with {@link encodeMeta} and checks it with
 * {@link decodeMeta} when reading it back.
 *
 * @module
 */

/**
 * The version of the persisted metadata format. Version 2 added `shared`; version 1 is still read,
 * its entries taken as private-stored (a shared cache never serves them). Others are not read.
 * `tags` is optional within version 2: a reader that does not know it ignores it, and an entry
 * without it has no tags.
 */
export const ENTRY_FORMAT_VERSION = 2;

/** Metadata as persisted: plain JSON-compatible data with its format version. */
export interface PersistedMeta extends Omit<EntryMeta, 'headers' | 'vary' | 'shared'> {
  readonly v: typeof ENTRY_FORMAT_VERSION;
  readonly headers: [string, string][];
  readonly vary: Record<string, string | null>;
  /** Absent (and in version 1): private-stored. */
  readonly shared?: boolean;
  /** Absent: no tags. */
  readonly tags?: string[];
}

/** Metadata in its persisted form. */
export function encodeMeta(meta: EntryMeta): PersistedMeta {
  return {
    v: ENTRY_FORMAT_VERSION,
    id: meta.id,
    key: meta.key,
    url: meta.url,
    method: meta.method,
    status: meta.status,
    statusText: meta.statusText,
    headers: meta.headers.map(([name, value]) => [name, value]),
    vary: { ...meta.vary },
    variant: meta.variant,
    requestTime: meta.requestTime,
    responseTime: meta.responseTime,
    createdAt: meta.createdAt,
    staleAt: meta.staleAt,
    deleteAt: meta.deleteAt,
    size: meta.size,
    hits: meta.hits,
    ...(meta.shared === undefined ? {} : { shared: meta.shared }),
    ...(meta.maxAge === undefined ? {} : { maxAge: meta.maxAge }),
    ...(meta.tags === undefined ? {} : { tags: [...meta.tags] }),
  };
}

/**
 * Checks persisted metadata and returns it as {@link EntryMeta}. Throws {@link CodecError} when it
 * is not an object of the current version with every field of the right type.
 */
export function decodeMeta(value: unknown): EntryMeta {
  if (typeof value !== 'object' || value === null)
    throw new CodecError('stored metadata is not an object');
  const data = value as Record<string, unknown>;
  if (data.v !== ENTRY_FORMAT_VERSION && data.v !== 1) {
    throw new CodecError(
      `stored metadata has format version ${String(data.v)}, not ${ENTRY_FORMAT_VERSION}`,
    );
  }
  return {
    id: field(data, 'id', isString),
    key: field(data, 'key', isString),
    url: field(data, 'url', isString),
    method: field(data, 'method', isString),
    status: field(data, 'status', (v): v is number => isCount(v) && v >= 100 && v <= 599),
    statusText: field(data, 'statusText', isString),
    headers: field(data, 'headers', isHeaderPairs),
    vary: field(data, 'vary', isVary),
    variant: field(data, 'variant', isString),
    requestTime: field(data, 'requestTime', isTime),
    responseTime: field(data, 'responseTime', isTime),
    createdAt: field(data, 'createdAt', isTime),
    staleAt: field(data, 'staleAt', isNumber),
    deleteAt: field(data, 'deleteAt', isNumber),
    size: field(data, 'size', isCount),
    hits: field(data, 'hits', isCount),
    ...(data.v === 1 || data.shared === undefined
      ? {}
      : { shared: field(data, 'shared', isBoolean) }),
    // Optional in version 2: a per-request `maxAge` the entry was stored with.
    ...(data.maxAge === undefined ? {} : { maxAge: field(data, 'maxAge', isSeconds) }),
    ...(data.tags === undefined ? {} : { tags: field(data, 'tags', isStrings) }),
  };
}

function field<T>(
  data: Record<string, unknown>,
  name: string,
  valid: (value: unknown) => value is T,
): T {
  const value = data[name];
  if (!valid(value)) throw new CodecError(`stored metadata has an invalid \`${name}\``);
  return value;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

function isSeconds(value: unknown): value is number {
  return isTime(value) && (value as number) >= 0;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isHeaderPairs(value: unknown): value is [string, string][] {
  return (
    Array.isArray(value) &&
    value.every(
      (pair) => Array.isArray(pair) && pair.length === 2 && isString(pair[0]) && isString(pair[1]),
    )
  );
}

function isVary(value: unknown): value is Record<string, string | null> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => v === null || typeof v === 'string');
}
