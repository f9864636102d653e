import { type FileHandle, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CodecError } from '../../errors.ts';
import type { EntryMeta, StoredBody } from '../types.ts';
import { readBody } from './body-file.ts';
import type { Context, Tally } from './context.ts';
import { discard, discardForeign } from './discard.ts';
import { ignore, isMissing, names } from './files.ts';
import { ID, META, sha256 } from './layout.ts';
import { readMetaFile } from './meta-file.ts';

/**
 * Reading entries: the live ones of a key directory, and an entry's body. What is found expired
 * or unreadable on the way is removed (and, when unreadable, reported): a miss, never served.
 *
 * @module
 */

/** A metadata file read and checked. */
export interface Found {
  readonly meta: EntryMeta;
  readonly vh: string;
}

/**
 * The live entries in a key directory. Expired ones are removed; unreadable ones (corrupted,
 * another serializer's or format version's, a body of the wrong size) are removed and reported.
 */
export async function readKey(
  ctx: Context,
  kh: string,
  key: string | undefined,
  freed?: Tally,
): Promise<Found[]> {
  const live: Found[] = [];
  for (const name of await names(ctx.layout.keyDir(kh))) {
    const match = META.exec(name);
    if (match === null) continue;
    const found = await readVariant(ctx, kh, match[1] ?? '', match[2] ?? '', key, freed);
    if (found !== undefined) live.push(found);
  }
  return live;
}

/** An entry's body; `null` when it is gone or has the wrong size (then removed and reported). */
export async function readEntryBody(ctx: Context, entry: EntryMeta): Promise<StoredBody | null> {
  if (!ID.test(entry.id)) return null;
  const kh = sha256(entry.key);
  const vh = sha256(entry.variant);
  const file = ctx.layout.bodyFile(kh, vh, entry.id);
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (!isMissing(error)) throw error;
    await ctx.exclusive(kh, () => checkEntry(ctx, kh, vh, entry, 'body'));
    return null;
  }
  try {
    const size = (await handle.stat()).size;
    if (size !== entry.size) {
      await handle.close();
      await ctx.exclusive(kh, () => checkEntry(ctx, kh, vh, entry, 'body'));
      return null;
    }
    return await readBody(handle, size);
  } catch (error) {
    await handle.close().catch(ignore);
    throw error;
  }
}

/** The entry of one metadata file, checked with its body; none when it was removed. */
async function readVariant(
  ctx: Context,
  kh: string,
  vh: string,
  extension: string,
  key: string | undefined,
  freed: Tally | undefined,
): Promise<Found | undefined> {
  const { layout, serializer } = ctx;
  if (extension !== serializer.extension) {
    const name = layout.metaName(vh, extension);
    const file = join(layout.keyDir(kh), name);
    const error = new CodecError(
      `${file} was written by another serializer (.${extension}), not ${serializer.name}`,
    );
    return discardForeign(ctx, kh, vh, name, { operation: 'get', error, key }, freed);
  }
  const meta = await readMetaFile(ctx, kh, vh);
  if (meta === undefined) return undefined;
  if (meta instanceof CodecError) {
    return discard(ctx, kh, vh, undefined, { operation: 'get', error: meta, key }, freed);
  }
  if (meta.deleteAt <= ctx.clock()) return discard(ctx, kh, vh, meta, undefined, freed);
  const problem = await checkBody(ctx, layout.bodyFile(kh, vh, meta.id), meta);
  if (problem === undefined) return { meta, vh };
  if (problem === 'replaced') return undefined;
  const report = { operation: 'get', error: problem, key: meta.key };
  return discard(ctx, kh, vh, meta, report, freed);
}

/**
 * Whether an entry's body is there with the size its metadata says: `undefined` when it is, a
 * {@link CodecError} when not, `'replaced'` when the metadata changed under us.
 */
async function checkBody(
  ctx: Context,
  file: string,
  meta: EntryMeta,
): Promise<CodecError | 'replaced' | undefined> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if (!isMissing(error)) throw error;
    return (await currentId(ctx, meta)) === meta.id
      ? new CodecError(`the body of ${meta.url} (${file}) is missing`)
      : 'replaced';
  }
  if (size === meta.size) return undefined;
  return new CodecError(`the body of ${meta.url} has ${size} bytes, not ${meta.size} (${file})`);
}

/** The id in the metadata file currently stored for an entry's variant, if readable. */
async function currentId(ctx: Context, entry: EntryMeta): Promise<string | undefined> {
  const meta = await readMetaFile(ctx, sha256(entry.key), sha256(entry.variant));
  return meta instanceof CodecError ? undefined : meta?.id;
}

/** After its body looked wrong: removes and reports the entry if it is still the stored one. */
async function checkEntry(
  ctx: Context,
  kh: string,
  vh: string,
  entry: EntryMeta,
  operation: string,
): Promise<void> {
  if ((await currentId(ctx, entry)) !== entry.id) return;
  const file = ctx.layout.bodyFile(kh, vh, entry.id);
  const problem = await checkBody(ctx, file, entry);
  if (problem === undefined || problem === 'replaced') return;
  await discard(ctx, kh, vh, entry, { operation, error: problem, key: entry.key }, undefined);
}
