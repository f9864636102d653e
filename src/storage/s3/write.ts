import { randomBytes } from 'node:crypto';
import { CodecError } from '../../errors.ts';
import { ignore } from '../fs/files.ts';
import { sha256 } from '../fs/layout.ts';
import type { EntryMeta, EntryRef, EntryToStore } from '../types.ts';
import { isConflict } from './bucket.ts';
import type { Context } from './context.ts';
import { ifCurrent, readMeta, writeMeta } from './meta.ts';
import { uploadBody } from './upload.ts';

/**
 * Writing entries: a new entry's body (and its URL index object alongside), then its metadata
 * over its variant's, then the replaced body deleted; and rewriting a stored entry's metadata.
 *
 * @module
 */

/** Stores an entry and its body, replacing the entry of its variant. */
export async function writeEntry(
  ctx: Context,
  entry: EntryToStore,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): Promise<EntryMeta> {
  const kh = sha256(entry.key);
  const vh = sha256(entry.variant);
  const id = randomBytes(16).toString('hex');
  const bodyName = ctx.layout.body(id);
  // The URL and tag index objects go up with the body, so that every visible entry is found by
  // deleteUrl and deleteTag.
  const [uploaded, indexed] = await Promise.allSettled([
    uploadBody(ctx.bucket, bodyName, body, ctx.partSize),
    Promise.all(
      [ctx.layout.urlMarker(sha256(entry.url), kh)]
        .concat((entry.tags ?? []).map((tag) => ctx.layout.tagMarker(sha256(tag), kh)))
        .map((marker) => ctx.bucket.put(marker, new Uint8Array(0), 'text/plain')),
    ),
  ]);
  if (uploaded.status === 'rejected') throw uploaded.reason;
  const meta: EntryMeta = { ...entry, id, size: uploaded.value, hits: 0 };
  let previous: string | undefined;
  try {
    if (indexed.status === 'rejected') throw indexed.reason;
    previous = await ctx.locks.run(kh, async () => {
      const current = await readMeta(ctx, kh, vh);
      await writeMeta(ctx, meta);
      return current instanceof CodecError ? undefined : current?.id;
    });
    await ctx.locks
      .run(kh, () => capVariants(ctx, kh, vh))
      .catch((error: unknown) => ctx.report('put', error, entry.key));
  } catch (error) {
    await ctx.bucket.delete([bodyName]).catch(ignore);
    throw error;
  }
  if (previous !== undefined && previous !== id) {
    // The entry is stored; a replaced body left behind is swept by prune.
    await ctx.bucket
      .delete([ctx.layout.body(previous)])
      .catch((error: unknown) => ctx.report('put', error, entry.key));
  }
  return meta;
}

/**
 * Deletes the least recently used variants of key `kh` beyond `ctx.maxVariants` (by when their
 * metadata was last written: stored, freshened or, with `countHits`, served), never variant
 * `keep`. The listing alone tells; only the variants deleted are read, for their bodies' ids.
 */
async function capVariants(ctx: Context, kh: string, keep: string): Promise<void> {
  const variants: { vh: string; modified: number }[] = [];
  for await (const page of ctx.bucket.list(ctx.layout.keyDir(kh))) {
    for (const object of page) {
      const names = ctx.layout.parseMeta(object.key);
      if (names !== undefined) variants.push({ vh: names.vh, modified: object.modified });
    }
  }
  if (variants.length <= ctx.maxVariants) return;
  // Most recently used first, the variant just stored ahead of all.
  variants.sort((a, b) => (a.vh === keep ? -1 : b.vh === keep ? 1 : b.modified - a.modified));
  const names: string[] = [];
  for (const { vh } of variants.slice(ctx.maxVariants)) {
    const meta = await readMeta(ctx, kh, vh);
    names.push(ctx.layout.meta(kh, vh));
    if (meta !== undefined && !(meta instanceof CodecError)) names.push(ctx.layout.body(meta.id));
  }
  await ctx.bucket.delete(names);
}

/** How many times a rewrite reads and writes again after another writer came first. */
const REWRITE_ATTEMPTS = 5;

/**
 * Rewrites a stored entry's metadata from what is stored now; `false` when it is no longer the
 * stored one. The write is conditional on the ETag read (where the server reports one): when
 * another process wrote the object meanwhile, the rewrite starts again from a fresh read.
 */
export async function rewriteEntry(
  ctx: Context,
  entry: EntryRef,
  next: (current: EntryMeta) => EntryMeta,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ifCurrent(ctx, entry, async (current, etag) => {
        // What identifies the entry and its body stays as stored.
        const { id, key, variant, size } = current;
        await writeMeta(ctx, { ...next(current), id, key, variant, size }, etag);
        return true;
      });
    } catch (error) {
      if (!isConflict(error) || attempt === REWRITE_ATTEMPTS) throw error;
    }
  }
}
