import { CodecError } from '../../errors.ts';
import { decodeMeta, encodeMeta } from '../codec.ts';
import { sha256 } from '../fs/layout.ts';
import type { EntryMeta, EntryRef } from '../types.ts';
import type { Context } from './context.ts';

/**
 * Metadata objects: an entry's metadata as JSON in the versioned format of `codec.ts`, checked
 * when read back, down to its being stored under its own key and variant.
 *
 * @module
 */

/** A metadata object read: the entry, a {@link CodecError} when unreadable, none when missing. */
export async function readMeta(
  ctx: Context,
  kh: string,
  vh: string,
): Promise<EntryMeta | CodecError | undefined> {
  return (await readMetaVersion(ctx, kh, vh))?.meta;
}

/** A metadata object read with the ETag it had, for a conditional write over it. */
async function readMetaVersion(
  ctx: Context,
  kh: string,
  vh: string,
): Promise<{ meta: EntryMeta | CodecError; etag?: string } | undefined> {
  const name = ctx.layout.meta(kh, vh);
  const read = await ctx.bucket.bytes(name);
  if (read === undefined) return undefined;
  const meta = decode(read.bytes, kh, vh, `s3://${ctx.bucket.name}/${name}`);
  return read.etag === undefined ? { meta } : { meta, etag: read.etag };
}

/**
 * Writes an entry's metadata over its variant's (with `ifMatch`, only over the object of that
 * ETag); returns the object's size.
 */
export async function writeMeta(ctx: Context, meta: EntryMeta, ifMatch?: string): Promise<number> {
  const bytes = new TextEncoder().encode(JSON.stringify(encodeMeta(meta)));
  const name = ctx.layout.meta(sha256(meta.key), sha256(meta.variant));
  await ctx.bucket.put(name, bytes, 'application/json', ifMatch);
  return bytes.byteLength;
}

/**
 * Runs `action` on the stored metadata of `entry`'s variant, under its key's lock, if it is still
 * that entry (with the ETag it was read with); `false` when it is gone, unreadable or replaced by
 * another.
 */
export function ifCurrent(
  ctx: Context,
  entry: EntryRef,
  action: (current: EntryMeta, etag: string | undefined) => Promise<boolean>,
): Promise<boolean> {
  const kh = sha256(entry.key);
  return ctx.locks.run(kh, async () => {
    const read = await readMetaVersion(ctx, kh, sha256(entry.variant));
    const current = read?.meta;
    if (current === undefined || current instanceof CodecError || current.id !== entry.id) {
      return false;
    }
    return action(current, read?.etag);
  });
}

function decode(bytes: Uint8Array, kh: string, vh: string, name: string): EntryMeta | CodecError {
  try {
    const meta = decodeMeta(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    if (sha256(meta.key) === kh && sha256(meta.variant) === vh) return meta;
    return new CodecError(`${name} holds the metadata of another key or variant`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new CodecError(`${name} is unreadable: ${reason}`, { cause: error });
  }
}
