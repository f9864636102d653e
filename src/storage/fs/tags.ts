import { dirname, join } from 'node:path';
import type { Context } from './context.ts';
import { sha256 } from './layout.ts';
import { deleteIndexed, mark } from './urls.ts';

/**
 * The tag index: an empty file per key with an entry stored with a tag,
 * `<directory>/tags/<th[0..2]>/<th>/<kh>` (`th` the SHA-256 of the tag), so that `deleteTag`
 * reads only the keys of the tag. Written before the entry's metadata, like the URL index, and
 * swept by `prune` where it names no live entry.
 *
 * @module
 */

/** The root of the tag index. */
export function tagsRoot(ctx: Context): string {
  return join(dirname(ctx.layout.entries), 'tags');
}

function tagDir(ctx: Context, th: string): string {
  return join(tagsRoot(ctx), th.slice(0, 2), th);
}

/** Records in the tag index that key `kh` has an entry with each of `tags`. */
export async function indexTags(
  ctx: Context,
  tags: readonly string[] | undefined,
  kh: string,
): Promise<void> {
  for (const tag of tags ?? []) await mark(join(tagDir(ctx, sha256(tag)), kh));
}

/** Deletes every entry stored with `tag` of the keys the index names; returns how many. */
export function deleteTag(ctx: Context, tag: string): Promise<number> {
  return deleteIndexed(ctx, tagDir(ctx, sha256(tag)), (meta) => meta.tags?.includes(tag) === true);
}

/** The index files (`<th>/<kh>`) that the live entry of key `kh` with `tags` keeps. */
export function tagMarkers(tags: readonly string[] | undefined, kh: string): string[] {
  return (tags ?? []).map((tag) => join(sha256(tag), kh));
}
