import { join } from 'node:path';
import { sweepTemps } from './atomic.ts';
import type { Context, Tally } from './context.ts';
import { names, olderThan, rmdirQuietly, unlinkQuietly } from './files.ts';
import { BODY, bodyName, sha256 } from './layout.ts';
import { readKey } from './read.ts';

/**
 * What `prune` sweeps besides expired and unreadable entries: temp files no write is using,
 * bodies no metadata names, and URL index files that name no live entry.
 *
 * @module
 */

/** How old an unreferenced body or URL index file must be before prune sweeps it. */
const ORPHAN_AGE = 60_000;

/**
 * Removes expired and unreadable entries, dead temp files and unreferenced bodies of a key; adds
 * the URL index files of its live entries (`<uh>/<kh>`) to `indexed`.
 */
export async function pruneKey(
  ctx: Context,
  kh: string,
  freed: Tally,
  indexed: Set<string>,
): Promise<void> {
  const live = await readKey(ctx, kh, undefined, freed);
  for (const { meta } of live) indexed.add(join(sha256(meta.url), kh));
  const dir = ctx.layout.keyDir(kh);
  const files = await names(dir);
  await sweepTemps(dir, files, freed);
  const referenced = new Set(live.map(({ meta, vh }) => bodyName(vh, meta.id)));
  for (const name of files) {
    if (!BODY.test(name) || referenced.has(name)) continue;
    const file = join(dir, name);
    if (await olderThan(file, ORPHAN_AGE)) freed.bytes += (await unlinkQuietly(file)) ?? 0;
  }
  await rmdirQuietly(dir);
}

/** Removes URL index files that name no live entry (once they are old enough to be settled). */
export async function pruneUrls(ctx: Context, indexed: Set<string>): Promise<void> {
  const root = ctx.layout.urls;
  for (const prefix of await names(root)) {
    for (const uh of await names(join(root, prefix))) {
      const dir = join(root, prefix, uh);
      for (const kh of await names(dir)) {
        const file = join(dir, kh);
        if (!indexed.has(join(uh, kh)) && (await olderThan(file, ORPHAN_AGE))) {
          await unlinkQuietly(file);
        }
      }
      await rmdirQuietly(dir);
    }
  }
}
