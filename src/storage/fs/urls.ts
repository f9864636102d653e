import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from './context.ts';
import { discard } from './discard.ts';
import { inDirectory, names } from './files.ts';
import { HASH, sha256 } from './layout.ts';
import { readKey } from './read.ts';

/**
 * The URL index: an empty file per key with an entry for a URL, so that `deleteUrl` finds the
 * entries of a URL without reading every metadata file.
 *
 * @module
 */

/** Records in the URL index that key `kh` has an entry for `url`. */
export async function indexUrl(ctx: Context, url: string, kh: string): Promise<void> {
  const marker = join(ctx.layout.urlDir(sha256(url)), kh);
  await inDirectory(marker, () => writeFile(marker, ''));
  const now = new Date();
  await utimes(marker, now, now);
}

/** Deletes every entry for `url` of the keys the index names; returns how many. */
export async function deleteUrl(ctx: Context, url: string): Promise<number> {
  let deleted = 0;
  for (const kh of await names(ctx.layout.urlDir(sha256(url)))) {
    if (HASH.test(kh)) deleted += await ctx.exclusive(kh, () => deleteUrlIn(ctx, kh, url));
  }
  return deleted;
}

async function deleteUrlIn(ctx: Context, kh: string, url: string): Promise<number> {
  let deleted = 0;
  for (const { meta, vh } of await readKey(ctx, kh, undefined)) {
    if (meta.url !== url) continue;
    await discard(ctx, kh, vh, meta, undefined, undefined);
    deleted++;
  }
  return deleted;
}
