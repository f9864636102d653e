import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CodecError } from '../../errors.ts';
import type { Context, Tally } from './context.ts';
import { discard } from './discard.ts';
import { ignore, names, sizeOf } from './files.ts';
import { BODY, isBodyOf, META } from './layout.ts';
import { readMetaFile } from './meta-file.ts';

/**
 * The bytes a storage holds, measured from its files without decoding them, and the cap on them:
 * the least recently used entries (by their metadata file's modification time) go first.
 *
 * @module
 */

/** A variant of a key with its bytes and when its metadata was last written. */
interface Variant {
  readonly vh: string;
  readonly bytes: number;
  readonly time: number;
}

/** Counts an entry directory's metadata files and its bytes, without decoding anything. */
export async function measure(ctx: Context, kh: string, tally: Tally): Promise<void> {
  const dir = ctx.layout.keyDir(kh);
  for (const name of await names(dir)) {
    const meta = META.exec(name);
    const ours = meta !== null && meta[2] === ctx.serializer.extension;
    if (!ours && !BODY.test(name)) continue;
    const size = await sizeOf(join(dir, name));
    if (size === undefined) continue;
    tally.bytes += size;
    if (ours) tally.entries++;
  }
}

/**
 * Deletes the least recently used entries, except those of key `keep`, until the bytes stored are
 * at most `max`; returns the bytes stored then.
 */
export async function evictTo(ctx: Context, max: number, keep: string): Promise<number> {
  const candidates: (Variant & { kh: string })[] = [];
  let total = 0;
  for await (const kh of ctx.layout.keyHashes()) {
    for (const variant of await variants(ctx, kh)) {
      total += variant.bytes;
      if (kh !== keep) candidates.push({ kh, ...variant });
    }
  }
  candidates.sort((a, b) => a.time - b.time);
  for (const victim of candidates) {
    if (total <= max) break;
    await ctx.exclusive(victim.kh, () => evict(ctx, victim.kh, victim.vh));
    total -= victim.bytes;
  }
  return total;
}

/**
 * Deletes the least recently used variants of key `kh` beyond `ctx.maxVariants`, never variant
 * `keep` (the one just stored); returns the bytes freed. Run holding the key's lock.
 */
export async function capVariants(ctx: Context, kh: string, keep: string): Promise<number> {
  const found = await variants(ctx, kh);
  if (found.length <= ctx.maxVariants) return 0;
  // Most recently used first, the variant just stored ahead of all.
  found.sort((a, b) => (a.vh === keep ? -1 : b.vh === keep ? 1 : b.time - a.time));
  let freed = 0;
  for (const victim of found.slice(ctx.maxVariants)) {
    await evict(ctx, kh, victim.vh);
    freed += victim.bytes;
  }
  return freed;
}

/** Deletes the entry stored for a variant, leaving alone any body a put is about to commit. */
async function evict(ctx: Context, kh: string, vh: string): Promise<void> {
  const meta = await readMetaFile(ctx, kh, vh);
  if (meta === undefined) return;
  await discard(ctx, kh, vh, meta instanceof CodecError ? undefined : meta, undefined, undefined);
  if (!(meta instanceof CodecError)) ctx.evicted(meta.key, meta.url);
}

/** The variants of a key with their bytes and when their metadata was last written. */
async function variants(ctx: Context, kh: string): Promise<Variant[]> {
  const dir = ctx.layout.keyDir(kh);
  const files = await names(dir);
  const found: Variant[] = [];
  for (const name of files) {
    const match = META.exec(name);
    if (match === null || match[2] !== ctx.serializer.extension) continue;
    const vh = match[1] ?? '';
    const info = await stat(join(dir, name)).catch(ignore);
    if (info === undefined) continue;
    let bytes = info.size;
    for (const body of files) {
      if (isBodyOf(body, vh)) bytes += (await sizeOf(join(dir, body))) ?? 0;
    }
    found.push({ vh, bytes, time: info.mtimeMs });
  }
  return found;
}
