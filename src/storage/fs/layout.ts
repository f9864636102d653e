import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { userCacheDirectory } from '../cache-dir.ts';
import { names } from './files.ts';

/**
 * Entries as files in a directory a person can inspect:
 *
 * ```text
 * <directory>/entries/<kh[0..2]>/<kh>/<vh>.meta.json      metadata (one file per variant)
 * <directory>/entries/<kh[0..2]>/<kh>/<vh>.<id>.body      the body, exactly as served
 * <directory>/entries/<kh[0..2]>/<kh>.lock                 held while a process changes key kh
 * <directory>/urls/<uh[0..2]>/<uh>/<kh>                   empty: "an entry of key kh has url uh"
 * ```
 *
 * `kh`, `vh` and `uh` are the SHA-256 (hex) of the key, the variant and the URL, so no key or URL
 * can name a path outside the directory; `id` is the entry's random id, so a replaced body never
 * has the name of the one it replaces and a reader that looked up the old metadata never opens
 * the new body. Each file is written atomically (see `atomic.ts`), the body before the metadata
 * that names it: a crash leaves only temp files or an unreferenced body, never visible half an
 * entry. Temp files of dead processes are swept when the storage opens and by
 * {@link FileSystemStorage.prune}, which also sweeps unreferenced bodies and stale URL index
 * files. The URL index lets `deleteUrl` find entries without reading every metadata file.
 *
 * @module
 */

/** Names of the layout: key, variant and URL hashes, entry ids, metadata and body files. */
export const HASH = /^[0-9a-f]{64}$/;
export const ID = /^[0-9a-f]{32}$/;
export const META = /^([0-9a-f]{64})\.meta\.([a-z0-9]+)$/;
export const BODY = /^([0-9a-f]{64})\.([0-9a-f]{32})\.body$/;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The name of the body file of variant `vh` of the entry with id `id`. */
export function bodyName(vh: string, id: string): string {
  return `${vh}.${id}.body`;
}

/** Whether `name` is the name of a body file of variant `vh`. */
export function isBodyOf(name: string, vh: string): boolean {
  return name.startsWith(`${vh}.`) && BODY.test(name);
}

/** The paths in a storage directory whose metadata files have the extension `extension`. */
export class Layout {
  readonly extension: string;
  readonly entries: string;
  readonly urls: string;

  constructor(directory: string, extension: string) {
    this.extension = extension;
    this.entries = join(directory, 'entries');
    this.urls = join(directory, 'urls');
  }

  keyDir(kh: string): string {
    return join(this.entries, kh.slice(0, 2), kh);
  }

  urlDir(uh: string): string {
    return join(this.urls, uh.slice(0, 2), uh);
  }

  metaName(vh: string, extension: string = this.extension): string {
    return `${vh}.meta.${extension}`;
  }

  /** The lock file of key `kh`, beside its directory (see `lock-file.ts`). */
  lockFile(kh: string): string {
    return join(this.entries, kh.slice(0, 2), `${kh}.lock`);
  }

  /** The metadata file of variant `vh` of key `kh`. */
  metaFile(kh: string, vh: string): string {
    return join(this.keyDir(kh), this.metaName(vh));
  }

  /** The body file of variant `vh` of key `kh` for the entry with id `id`. */
  bodyFile(kh: string, vh: string, id: string): string {
    return join(this.keyDir(kh), bodyName(vh, id));
  }

  /** Every key hash with a directory, from a listing taken as the walk goes. */
  async *keyHashes(): AsyncGenerator<string> {
    for (const prefix of await names(this.entries)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const kh of await names(join(this.entries, prefix))) {
        if (HASH.test(kh) && kh.startsWith(prefix)) yield kh;
      }
    }
  }
}

/** The default directory: `httpcache/fs` in the user's cache directory. */
export function defaultDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDirectory(env), 'httpcache', 'fs');
}
