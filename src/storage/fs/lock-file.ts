import { randomBytes } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageError } from '../../errors.ts';
import { isAlive } from '../process-alive.ts';
import { code, ignore, inDirectory } from './files.ts';

/**
 * A lock on one key shared by every process using the directory: a lock file created exclusively
 * (`O_EXCL`), holding its owner's pid and a random token, removed when the owner is done. A lock
 * whose owner died, or that is older than {@link STALE_AFTER}, is taken over.
 *
 * @module
 */

/** A lock held longer than this (ms) is taken to be abandoned. */
const STALE_AFTER = 30_000;

/** How long (ms) to wait for a lock before the operation fails. */
const WAIT_LIMIT = 10_000;

/** The longest pause (ms) between two attempts to take a lock. */
const MAX_PAUSE = 20;

/** Runs `action` holding the lock file `file`; other processes' actions on it wait. */
export async function withLockFile<T>(file: string, action: () => Promise<T>): Promise<T> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  await acquire(file, token);
  try {
    return await action();
  } finally {
    await release(file, token);
  }
}

async function acquire(file: string, token: string): Promise<void> {
  const started = Date.now();
  for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE)) {
    try {
      await inDirectory(file, () => writeFile(file, token, { flag: 'wx' }));
      return;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    if (await abandoned(file)) {
      await unlink(file).catch(ignore);
      continue;
    }
    if (Date.now() - started > WAIT_LIMIT) {
      throw new StorageError('lock', `${file} stayed locked for ${WAIT_LIMIT} ms`);
    }
    await sleep(pause);
  }
}

/** Whether a lock file's owner is gone, or it is too old; a lock just created is neither. */
async function abandoned(file: string): Promise<boolean> {
  const [content, info] = await Promise.all([
    readFile(file, 'utf8').catch(ignore),
    stat(file).catch(ignore),
  ]);
  if (content === undefined || info === undefined) return false;
  if (Date.now() - info.mtimeMs > STALE_AFTER) return true;
  const pid = Number(content.split(' ')[0]);
  // Empty while its owner is still writing it: not abandoned.
  return content !== '' && Number.isSafeInteger(pid) && pid > 0 && !isAlive(pid);
}

/** Removes the lock file if it is still this holder's. */
async function release(file: string, token: string): Promise<void> {
  const content = await readFile(file, 'utf8').catch(ignore);
  if (content === token) await unlink(file).catch(ignore);
}
