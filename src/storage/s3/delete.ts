import { sha256 } from '../fs/layout.ts';
import type { EntryMeta } from '../types.ts';
import type { Context } from './context.ts';
import { HASH } from './layout.ts';
import { readVariants } from './read.ts';

/**
 * Deleting the entries of a key, of a URL through the URL index, and of a tag through the tag
 * index. Stale index objects are left for `prune`: removing them here could race a writer that has just indexed its entry.
 *
 * @module
 */

/** Deletes every variant of key `kh`: metadata and bodies. */
export async function deleteKey(ctx: Context, kh: string): Promise<void> {
  await deleteVariants(ctx, kh, 'delete', () => true);
}

/** Deletes every entry for `url` of the keys the URL index names; returns how many. */
export function deleteUrl(ctx: Context, url: string): Promise<number> {
  const dir = ctx.layout.urlDir(sha256(url));
  return deleteIndexed(ctx, dir, 'deleteUrl', (meta) => meta.url === url);
}

/** Deletes every entry stored with `tag` of the keys the tag index names; returns how many. */
export function deleteTag(ctx: Context, tag: string): Promise<number> {
  const dir = ctx.layout.tagDir(sha256(tag));
  return deleteIndexed(ctx, dir, 'deleteTag', (meta) => meta.tags?.includes(tag) === true);
}

/** Deletes the entries `pick` picks of the keys whose index objects are under `dir`. */
async function deleteIndexed(
  ctx: Context,
  dir: string,
  operation: string,
  pick: (meta: EntryMeta) => boolean,
): Promise<number> {
  let deleted = 0;
  for await (const page of ctx.bucket.list(dir)) {
    for (const { key: marker } of page) {
      const kh = marker.slice(dir.length);
      if (!HASH.test(kh)) continue;
      deleted += await deleteVariants(ctx, kh, operation, pick);
    }
  }
  return deleted;
}

/** Deletes the variants of key `kh` that `pick` picks; returns how many. */
function deleteVariants(
  ctx: Context,
  kh: string,
  operation: string,
  pick: (meta: EntryMeta) => boolean,
): Promise<number> {
  return ctx.locks.run(kh, async () => {
    const picked = (await readVariants(ctx, kh, { operation })).filter(({ meta }) => pick(meta));
    const names = picked.flatMap(({ meta, vh }) => [
      ctx.layout.meta(kh, vh),
      ctx.layout.body(meta.id),
    ]);
    if (names.length > 0) await ctx.bucket.delete(names);
    return picked.length;
  });
}
