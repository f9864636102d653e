import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../process-alive.ts';
import type { Tally } from './context.ts';
import { ignore, inDirectory, olderThan, unlinkQuietly } from './files.ts';

/**
 * Atomic writes: each file is written to a temp file beside it (`<name>.<pid>-<random>.tmp`) and
 * renamed into place, so a reader sees the old file or the new one, never half of one. The temp
 * files a crash leaves are swept by {@link sweepTemps}.
 *
 * @module
 */

/** How old a temp file of another live process must be before it is swept. */
const TEMP_AGE = 3_600_000;

const TEMP = /\.(\d+)-[0-9a-f]+\.tmp$/;

const WRITING = Symbol.for('httpcache.fs.writing');

/**
 * Temp files this process is writing, so a sweep leaves them alone; shared by every copy of this
 * module loaded in the process.
 */
const writing: Set<string> = sharedSet(globalThis as { [WRITING]?: Set<string> });

function sharedSet(holder: { [WRITING]?: Set<string> }): Set<string> {
  const set = holder[WRITING] ?? new Set<string>();
  holder[WRITING] = set;
  return set;
}

/**
 * Writes `final` through a temp file beside it, renamed into place once `write` is done; on any
 * failure the temp file is removed and `final` is untouched.
 */
export async function writeAtomically<T>(
  final: string,
  write: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const temp = `${final}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writing.add(temp);
  let handle: FileHandle | undefined;
  try {
    handle = await inDirectory(temp, () => open(temp, 'wx'));
    const result = await write(handle);
    await handle.close();
    handle = undefined;
    await rename(temp, final);
    return result;
  } catch (error) {
    await handle?.close().catch(ignore);
    await unlink(temp).catch(ignore);
    throw error;
  } finally {
    writing.delete(temp);
  }
}

/** Whether a file name is a temp file's. */
export function isTemp(name: string): boolean {
  return TEMP.test(name);
}

/**
 * Deletes the temp files among `files` (of `dir`) that no write is using: of dead processes, of
 * this one, or very old.
 */
export async function sweepTemps(dir: string, files: string[], freed: Tally): Promise<void> {
  for (const name of files) {
    const pid = Number(TEMP.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(pid)) continue;
    const file = join(dir, name);
    const orphan =
      pid === process.pid ? !writing.has(file) : !isAlive(pid) || (await olderThan(file, TEMP_AGE));
    if (orphan) freed.bytes += (await unlinkQuietly(file)) ?? 0;
  }
}
