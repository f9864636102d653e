import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntryMeta } from '../types.ts';
import type { Context } from './context.ts';
import { discard } from './discard.ts';
import { inDirectory, names } from './files.ts';
import { HASH, sha256 } from './layout.ts';
import { readKey } from './read.ts';

/**
 * The URL index: an empty file per key with an entry for a URL, so that `deleteUrl` finds the
 * entries of a URL without reading every metadata file. The tag index (`tags.ts`) works alike.
 *
 * @module
 */

/** Records in the URL index that key `kh` has an entry for `url`. */
export async function indexUrl(ctx: Context, url: string, kh: string): Promise<void> {
  await mark(join(ctx.layout.urlDir(sha256(url)), kh));
}

/** Deletes every entry for `url` of the keys the index names; returns how many. */
export function deleteUrl(ctx: Context, url: string): Promise<number> {
  return deleteIndexed(ctx, ctx.layout.urlDir(sha256(url)), (meta) => meta.url === url);
}

/** Writes (or refreshes the time of) the empty index file `marker`. */
export async function mark(marker: string): Promise<void> {
  await inDirectory(marker, () => writeFile(marker, ''));
  const now = new Date();
  await utimes(marker, now, now);
}

/**
 * Deletes the entries `pick` picks of the keys whose index files are in `dir`; returns how many.
 */
export async function deleteIndexed(
  ctx: Context,
  dir: string,
  pick: (meta: EntryMeta) => boolean,
): Promise<number> {
  let deleted = 0;
  for (const kh of await names(dir)) {
    if (HASH.test(kh)) deleted += await ctx.exclusive(kh, () => deleteIn(ctx, kh, pick));
  }
  return deleted;
}

async function deleteIn(
  ctx: Context,
  kh: string,
  pick: (meta: EntryMeta) => boolean,
): Promise<number> {
  let deleted = 0;
  for (const { meta, vh } of await readKey(ctx, kh, undefined)) {
    if (!pick(meta)) continue;
    await discard(ctx, kh, vh, meta, undefined, undefined);
    deleted++;
  }
  return deleted;
}
