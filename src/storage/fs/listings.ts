import { stat } from 'node:fs/promises';
import type { Context } from './context.ts';
import { isMissing } from './files.ts';
import { type Found, readKey } from './read.ts';

/**
 * Key directories' live entries as last read, reused while the directory is unchanged, so that a
 * hit costs one `stat` of its key directory instead of reading the directory and every metadata
 * file in it.
 *
 * Every change of a key's files (a store, a freshening, a hit count written, a deletion, by this
 * process or another) renames or removes a file in its directory, which moves the directory's
 * modification time. A listing is kept only when that time was already a while in the past when
 * it was read: file times are coarse (a few ms), and a change within the same tick as the read
 * would otherwise go unseen.
 *
 * @module
 */

/** How long ago (ms) a directory must have last changed for its listing to be kept. */
const SETTLED = 50;
/** How many key directories' listings are kept; the oldest go first. */
const KEPT = 4096;

interface Listing {
  readonly key: string;
  readonly ino: bigint;
  readonly mtime: bigint;
  readonly found: readonly Found[];
}

/** The listings of a storage's key directories. */
export class Listings {
  readonly #kept = new Map<string, Listing>();

  /** The live entries of key `key` (hash `kh`), as {@link readKey} reads them. */
  async read(ctx: Context, kh: string, key: string): Promise<Found[]> {
    let ino: bigint;
    let mtime: bigint;
    try {
      ({ ino, mtimeNs: mtime } = await stat(ctx.layout.keyDir(kh), { bigint: true }));
    } catch (error) {
      if (!isMissing(error)) throw error;
      this.#kept.delete(kh);
      return [];
    }
    const kept = this.#kept.get(kh);
    if (kept !== undefined && kept.key === key && kept.ino === ino && kept.mtime === mtime) {
      const now = ctx.clock();
      // An entry expired since is removed by reading the directory again.
      if (kept.found.every((f) => f.meta.deleteAt > now)) return [...kept.found];
    }
    this.#kept.delete(kh);
    const found = await readKey(ctx, kh, key);
    if (mtime < BigInt(Date.now() - SETTLED) * 1_000_000n) {
      if (this.#kept.size >= KEPT) this.#kept.delete(this.#kept.keys().next().value ?? '');
      this.#kept.set(kh, { key, ino, mtime, found });
    }
    return found;
  }

  /** Forgets every listing (the directory was cleared or closed). */
  clear(): void {
    this.#kept.clear();
  }
}
