import { CodecError } from '../../errors.ts';
import { decodeMeta } from '../codec.ts';
import type { EntryMeta } from '../types.ts';
import type { RedisKeys } from './keys.ts';
import { CHUNK_SIZE } from './keys.ts';

/**
 * Checks of what Redis returns for an entry: its metadata, and its body's shape.
 *
 * @module
 */

/**
 * An entry's metadata from its fields [meta, hits, size], checked against the key (when known),
 * key hash and id it was found under. Throws a {@link CodecError} when it is corrupted.
 */
export function decodeEntry(
  keys: RedisKeys,
  key: string | undefined,
  hash: string,
  id: string,
  fields: readonly unknown[],
): EntryMeta {
  const [json, hits, size] = fields;
  let data: unknown;
  try {
    data = JSON.parse(String(json));
  } catch (error) {
    throw new CodecError('stored metadata is not JSON', { cause: error });
  }
  const meta = decodeMeta(data);
  if ((key ?? meta.key) !== meta.key || keys.hash(meta.key) !== hash) {
    throw new CodecError('stored metadata names another key');
  }
  if (meta.id !== id) throw new CodecError('stored metadata names another entry');
  return { ...meta, hits: count(hits, 'hits'), size: count(size, 'size') };
}

/** What is wrong with a body's size, chunk count and first chunk, if anything. */
export function bodyProblem(
  size: number,
  chunks: number,
  first: Uint8Array | null,
): string | undefined {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(chunks) || chunks < 0) {
    return 'its size or chunk count is not a count';
  }
  if (chunks === 0) return size === 0 ? undefined : `a ${size}-byte body has no chunks`;
  if (first === null) return `the chunks of its ${size}-byte body are gone`;
  const expected = chunks === 1 ? size : CHUNK_SIZE;
  if (first.byteLength !== expected || size > chunks * CHUNK_SIZE) {
    return `its chunks do not hold its ${size}-byte body`;
  }
  return undefined;
}

/** Whether a value is a key hash, as the URL index holds them. */
export function isKeyHash(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function count(value: unknown, field: string): number {
  const n = Number(value);
  if (value === null || !Number.isSafeInteger(n) || n < 0) {
    throw new CodecError(`stored entry has an invalid \`${field}\``);
  }
  return n;
}
