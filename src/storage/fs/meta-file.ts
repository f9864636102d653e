import { readFile } from 'node:fs/promises';
import { CodecError, messageOf } from '../../errors.ts';
import { decodeMeta, encodeMeta } from '../codec.ts';
import type { EntryMeta } from '../types.ts';
import { writeAtomically } from './atomic.ts';
import type { Context } from './context.ts';
import { isMissing, writeAll } from './files.ts';
import { ID, sha256 } from './layout.ts';

/**
 * Metadata files: an entry's metadata in the codec's persisted form, through the storage's
 * serializer, with the file's modification time as the entry's last use.
 *
 * @module
 */

/**
 * The entry in the metadata file of variant `vh` of key `kh`; a {@link CodecError} when it is
 * unreadable or describes another entry; none when the file is gone.
 */
export async function readMetaFile(
  { layout, serializer }: Context,
  kh: string,
  vh: string,
): Promise<EntryMeta | CodecError | undefined> {
  const file = layout.metaFile(kh, vh);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const meta = fromPersisted(decodeMeta(serializer.decode(bytes)));
    if (sha256(meta.key) !== kh || sha256(meta.variant) !== vh || !ID.test(meta.id)) {
      return new CodecError(`${file} does not describe the entry its name says`);
    }
    return meta;
  } catch (error) {
    return new CodecError(`${file} could not be decoded: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Writes the metadata file of variant `vh` of key `kh` atomically, its modification time set to
 * `time`: the last use that LRU eviction goes by. Returns its size.
 */
export async function writeMetaFile(
  { layout, serializer }: Context,
  kh: string,
  vh: string,
  meta: EntryMeta,
  time: number,
): Promise<number> {
  const bytes = serializer.encode(toPersisted(meta));
  await writeAtomically(layout.metaFile(kh, vh), async (handle) => {
    await writeAll(handle, bytes);
    await handle.utimes(time / 1000, time / 1000);
  });
  return bytes.byteLength;
}

/** Metadata as written: the codec's form, with infinite times as the largest finite number. */
function toPersisted(meta: EntryMeta): unknown {
  return { ...encodeMeta(meta), staleAt: finite(meta.staleAt), deleteAt: finite(meta.deleteAt) };
}

function fromPersisted(meta: EntryMeta): EntryMeta {
  return { ...meta, staleAt: infinite(meta.staleAt), deleteAt: infinite(meta.deleteAt) };
}

function finite(time: number): number {
  if (time === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  return time === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : time;
}

function infinite(time: number): number {
  if (time === Number.MAX_VALUE) return Number.POSITIVE_INFINITY;
  return time === -Number.MAX_VALUE ? Number.NEGATIVE_INFINITY : time;
}
