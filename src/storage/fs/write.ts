import { randomBytes } from 'node:crypto';
import { CodecError } from '../../errors.ts';
import type { EntryMeta, EntryRef, EntryToStore } from '../types.ts';
import { writeAtomically } from './atomic.ts';
import { type Reserve, writeBody } from './body-file.ts';
import type { Context } from './context.ts';
import { unlinkQuietly } from './files.ts';
import { sha256 } from './layout.ts';
import { readMetaFile, writeMetaFile } from './meta-file.ts';
import { capVariants } from './sizes.ts';
import { indexTags } from './tags.ts';
import { indexUrl } from './urls.ts';

/**
 * Writing entries: a new entry's body, then its URL index file, then its metadata over its
 * variant's; and rewriting a stored entry's metadata.
 *
 * @module
 */

/** An entry as stored, and the bytes its files added (less those of variants it pushed out). */
interface Written {
  readonly meta: EntryMeta;
  readonly bytes: number;
}

/** Stores an entry and its body, replacing the entry of its variant. */
export async function writeEntry(
  ctx: Context,
  entry: EntryToStore,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  reserve: Reserve,
): Promise<Written> {
  const kh = sha256(entry.key);
  const vh = sha256(entry.variant);
  const id = randomBytes(16).toString('hex');
  const size = await writeAtomically(ctx.layout.bodyFile(kh, vh, id), (handle) =>
    writeBody(handle, body, reserve),
  );
  const meta: EntryMeta = { ...entry, id, size, hits: 0 };
  // The URL and tag indexes go first, so that every visible entry is found by deleteUrl and deleteTag.
  await indexUrl(ctx, meta.url, kh);
  await indexTags(ctx, meta.tags, kh);
  const written = await ctx.exclusive(kh, () => commit(ctx, kh, vh, meta));
  return { meta, bytes: written + size };
}

/** Rewrites a stored entry's metadata; `false` when it is no longer the stored one. */
export function rewriteEntry(
  ctx: Context,
  entry: EntryRef,
  time: number,
  next: (current: EntryMeta) => EntryMeta,
): Promise<boolean> {
  const kh = sha256(entry.key);
  const vh = sha256(entry.variant);
  return ctx.exclusive(kh, async () => {
    const current = await readMetaFile(ctx, kh, vh);
    if (current === undefined || current instanceof CodecError || current.id !== entry.id) {
      return false;
    }
    // What identifies the entry and its body stays as stored.
    const { id, key, variant, size } = current;
    await writeMetaFile(ctx, kh, vh, { ...next(current), id, key, variant, size }, time);
    return true;
  });
}

/**
 * Writes an entry's metadata over its variant's, removes the replaced body, and deletes the least
 * recently used variants beyond the cap; returns the bytes added less those freed.
 */
async function commit(ctx: Context, kh: string, vh: string, meta: EntryMeta): Promise<number> {
  const previous = await readMetaFile(ctx, kh, vh);
  const bytes = await writeMetaFile(ctx, kh, vh, meta, ctx.clock());
  if (previous !== undefined && !(previous instanceof CodecError) && previous.id !== meta.id) {
    await unlinkQuietly(ctx.layout.bodyFile(kh, vh, previous.id));
  }
  return bytes - (await capVariants(ctx, kh, vh));
}
