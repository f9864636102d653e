import { CodecError } from '../../errors.ts';
import { sha256 } from '../fs/layout.ts';
import type { EntryMeta } from '../types.ts';
import type { Listed } from './bucket.ts';
import type { Context, Tally } from './context.ts';
import { ifCurrent, readMeta } from './meta.ts';

/**
 * Reading entries: the variants of a key, or of a page of a listing, a few requests at a time.
 * Unreadable metadata (corrupted, another format version's) is removed and reported: a miss,
 * never served. Its body, which only it named, is left for `prune` to sweep.
 *
 * @module
 */

/** How many metadata objects are read at once. */
const READS_AT_ONCE = 16;

/** A metadata object read and checked, with its variant hash and its own size. */
export interface Found {
  readonly meta: EntryMeta;
  readonly vh: string;
  readonly bytes: number;
}

/** What to say about removed unreadable metadata, and where to count what it freed. */
export interface ReadContext {
  readonly operation: string;
  readonly key?: string | undefined;
  readonly freed?: Tally | undefined;
}

/** Every readable variant of key `kh`, the expired ones included. */
export async function readVariants(ctx: Context, kh: string, how: ReadContext): Promise<Found[]> {
  const found: Found[] = [];
  for await (const page of ctx.bucket.list(ctx.layout.keyDir(kh))) {
    found.push(...(await readPage(ctx, page, how)));
  }
  return found;
}

/** The readable entries of a page of a listing (other objects on it are passed over). */
export async function readPage(ctx: Context, page: Listed[], how: ReadContext): Promise<Found[]> {
  const read = await inTurns(page, (object) => readListed(ctx, object, how));
  return read.filter((found) => found !== undefined);
}

/** Deletes an entry's metadata and body objects. */
export async function discard(ctx: Context, meta: EntryMeta): Promise<void> {
  const name = ctx.layout.meta(sha256(meta.key), sha256(meta.variant));
  await ctx.bucket.delete([name, ctx.layout.body(meta.id)]);
}

/**
 * After an entry's body looked wrong: removes the entry and reports `problem` if its metadata is
 * still the stored one (else it was replaced meanwhile, and nothing is wrong).
 */
export async function discardIfCurrent(
  ctx: Context,
  entry: EntryMeta,
  problem: CodecError,
  operation: string,
): Promise<void> {
  await ifCurrent(ctx, entry, async () => {
    await discard(ctx, entry);
    ctx.report(operation, problem, entry.key);
    return true;
  });
}

async function readListed(
  ctx: Context,
  object: Listed,
  how: ReadContext,
): Promise<Found | undefined> {
  const names = ctx.layout.parseMeta(object.key);
  if (names === undefined) return undefined;
  const meta = await readMeta(ctx, names.kh, names.vh);
  if (!(meta instanceof CodecError)) {
    return meta === undefined ? undefined : { meta, vh: names.vh, bytes: object.size };
  }
  await ctx.bucket.delete([object.key]);
  if (how.freed !== undefined) {
    how.freed.entries++;
    how.freed.bytes += object.size;
  }
  ctx.report(how.operation, meta, how.key);
  return undefined;
}

/** `action` on every item, {@link READS_AT_ONCE} at a time; the first failure once all settled. */
async function inTurns<T, R>(items: readonly T[], action: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      results[i] = await action(items[i] as T);
    }
  };
  const workers = Array.from({ length: Math.min(READS_AT_ONCE, items.length) }, worker);
  const failed = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results;
}
