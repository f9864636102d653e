import { join } from 'node:path';
import type { EntryMeta } from '../types.ts';
import { isTemp } from './atomic.ts';
import type { Context, Report, Tally } from './context.ts';
import { names, rmdirQuietly, sizeOf, unlinkQuietly } from './files.ts';
import { bodyName, isBodyOf, META } from './layout.ts';

/**
 * Removing entries' files from key directories, counting what was freed and reporting why.
 *
 * @module
 */

/**
 * Removes an entry's metadata file and body (every body of the variant when the metadata could
 * not be read), reports why when told, and counts what was freed.
 */
export async function discard(
  ctx: Context,
  kh: string,
  vh: string,
  meta: EntryMeta | undefined,
  report: Report | undefined,
  freed: Tally | undefined,
): Promise<undefined> {
  const files = [ctx.layout.metaName(vh)];
  if (meta !== undefined) files.push(bodyName(vh, meta.id));
  else files.push(...(await variantBodies(ctx, kh, vh)));
  return remove(ctx, kh, files, report, freed);
}

/** Removes a metadata file of another serializer, and its bodies unless ours uses them. */
export async function discardForeign(
  ctx: Context,
  kh: string,
  vh: string,
  name: string,
  report: Report,
  freed: Tally | undefined,
): Promise<undefined> {
  const ours = (await sizeOf(ctx.layout.metaFile(kh, vh))) !== undefined;
  const files = ours ? [name] : [name, ...(await variantBodies(ctx, kh, vh))];
  return remove(ctx, kh, files, report, freed);
}

/** Removes every entry file of a key (not the temp files of writes under way). */
export async function deleteKey(ctx: Context, kh: string): Promise<void> {
  const dir = ctx.layout.keyDir(kh);
  for (const name of await names(dir)) {
    if (!isTemp(name)) await unlinkQuietly(join(dir, name));
  }
  await rmdirQuietly(dir);
}

/** Every body file of a variant. */
async function variantBodies(ctx: Context, kh: string, vh: string): Promise<string[]> {
  const files = await names(ctx.layout.keyDir(kh));
  return files.filter((name) => isBodyOf(name, vh));
}

async function remove(
  ctx: Context,
  kh: string,
  files: string[],
  report: Report | undefined,
  freed: Tally | undefined,
): Promise<undefined> {
  const dir = ctx.layout.keyDir(kh);
  for (const name of files) {
    const size = await unlinkQuietly(join(dir, name));
    if (freed === undefined || size === undefined) continue;
    freed.bytes += size;
    if (META.test(name)) freed.entries++;
  }
  if (report !== undefined) ctx.report(report);
  return undefined;
}
