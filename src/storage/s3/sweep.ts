import { sha256 } from '../fs/layout.ts';
import type { EntryMeta } from '../types.ts';
import type { Listed } from './bucket.ts';
import type { Context, Tally } from './context.ts';
import { ifCurrent } from './meta.ts';
import { discard, readPage } from './read.ts';

/**
 * Walks through everything a storage holds: `stats` from listings alone, `prune` reading every
 * metadata object (expiry is in it), and `clear`.
 *
 * @module
 */

/**
 * How old (by S3's clock) a body no metadata names, or a URL index object naming no live entry,
 * must be before `prune` sweeps it: older than any write still under way.
 */
const ORPHAN_AGE = 60 * 60_000;

/** The metadata objects and the bytes of every object of the storage, from listings. */
export async function measure(ctx: Context): Promise<Tally> {
  const tally: Tally = { entries: 0, bytes: 0 };
  for (const prefix of folders(ctx)) {
    for await (const page of ctx.bucket.list(prefix)) {
      for (const object of page) {
        tally.bytes += object.size;
        if (ctx.layout.parseMeta(object.key) !== undefined) tally.entries++;
      }
    }
  }
  return tally;
}

/**
 * Removes expired and unreadable entries, then bodies no metadata names and URL and tag index
 * objects that name no live entry, once they are {@link ORPHAN_AGE} old. Returns what was freed.
 */
export async function prune(ctx: Context): Promise<Tally> {
  const freed: Tally = { entries: 0, bytes: 0 };
  const referenced = new Set<string>();
  const indexed = new Set<string>();
  const tagged = new Set<string>();
  const now = ctx.clock();
  for await (const page of ctx.bucket.list(ctx.layout.entries)) {
    for (const { meta, bytes } of await readPage(ctx, page, { operation: 'prune', freed })) {
      if (meta.deleteAt > now) {
        referenced.add(meta.id);
        const kh = sha256(meta.key);
        indexed.add(`${sha256(meta.url)}/${kh}`);
        for (const tag of meta.tags ?? []) tagged.add(`${sha256(tag)}/${kh}`);
      } else if (await expire(ctx, meta, now)) {
        freed.entries++;
        freed.bytes += bytes + meta.size;
      }
    }
  }
  const settled = Date.now() - ORPHAN_AGE;
  const { layout } = ctx;
  freed.bytes += await sweep(ctx, layout.bodies, (object) => {
    const id = layout.parseBody(object.key);
    return id !== undefined && !referenced.has(id) && object.modified < settled;
  });
  await sweep(ctx, layout.urls, (object) => {
    const marker = layout.parseUrlMarker(object.key);
    return marker !== undefined && !indexed.has(marker) && object.modified < settled;
  });
  await sweep(ctx, layout.tags, (object) => {
    const marker = layout.parseTagMarker(object.key);
    return marker !== undefined && !tagged.has(marker) && object.modified < settled;
  });
  return freed;
}

/** Deletes every object of the storage (and nothing else under its bucket). */
export async function clear(ctx: Context): Promise<void> {
  for (const prefix of folders(ctx)) await sweep(ctx, prefix, () => true);
}

/** The folders of a storage's objects. */
function folders(ctx: Context): string[] {
  return [ctx.layout.entries, ctx.layout.bodies, ctx.layout.urls, ctx.layout.tags];
}

/** Deletes an expired entry if it is still the stored one; whether it did. */
function expire(ctx: Context, meta: EntryMeta, now: number): Promise<boolean> {
  return ifCurrent(ctx, meta, async (current) => {
    if (current.deleteAt > now) return false;
    await discard(ctx, current);
    return true;
  });
}

/** Deletes the objects under `prefix` that `doomed` picks, page by page; returns their bytes. */
async function sweep(
  ctx: Context,
  prefix: string,
  doomed: (object: Listed) => boolean,
): Promise<number> {
  let bytes = 0;
  for await (const page of ctx.bucket.list(prefix)) {
    const picked = page.filter(doomed);
    if (picked.length === 0) continue;
    await ctx.bucket.delete(picked.map((object) => object.key));
    for (const object of picked) bytes += object.size;
  }
  return bytes;
}
