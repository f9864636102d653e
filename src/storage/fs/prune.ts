import { join } from 'node:path';
import { sweepTemps } from './atomic.ts';
import type { Context, Tally } from './context.ts';
import { names, olderThan, rmdirQuietly, unlinkQuietly } from './files.ts';
import { BODY, bodyName, sha256 } from './layout.ts';
import { readKey } from './read.ts';
import { tagMarkers } from './tags.ts';

/**
 * What `prune` sweeps besides expired and unreadable entries: temp files no write is using,
 * bodies no metadata names, and URL and tag index files that name no live entry.
 *
 * @module
 */

/** How old an unreferenced body or URL index file must be before prune sweeps it. */
const ORPHAN_AGE = 60_000;

/** The index files live entries keep, as `<hash>/<kh>`: of the URL index and of the tag index. */
export interface Indexed {
  readonly urls: Set<string>;
  readonly tags: Set<string>;
}

/**
 * Removes expired and unreadable entries, dead temp files and unreferenced bodies of a key; adds
 * the index files of its live entries to `indexed`.
 */
export async function pruneKey(
  ctx: Context,
  kh: string,
  freed: Tally,
  indexed: Indexed,
): Promise<void> {
  const live = await readKey(ctx, kh, undefined, freed);
  for (const { meta } of live) {
    indexed.urls.add(join(sha256(meta.url), kh));
    for (const marker of tagMarkers(meta.tags, kh)) indexed.tags.add(marker);
  }
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

/**
 * Removes the index files under `root` (the URL or the tag index) that name no live entry, once
 * they are old enough to be settled.
 */
export async function pruneIndex(root: string, indexed: Set<string>): Promise<void> {
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
