import { type FileHandle, mkdir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CodecError, isHttpCacheError, messageOf, StorageError } from '../../errors.ts';

/**
 * File helpers of {@link FileSystemStorage}: directory listings and deletions that take a missing
 * file as done, and the error its callers get when the file system fails.
 *
 * @module
 */

/** A directory's entries; none when it does not exist. */
export async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error) || code(error) === 'ENOTDIR') return [];
    throw error;
  }
}

export async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(ignore))?.size;
}

export async function olderThan(file: string, age: number): Promise<boolean> {
  const info = await stat(file).catch(ignore);
  return info !== undefined && Date.now() - info.mtimeMs > age;
}

/** Deletes a file if it is there; returns the size it had. */
export async function unlinkQuietly(file: string): Promise<number | undefined> {
  const size = await sizeOf(file);
  try {
    await unlink(file);
    return size;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Deletes a directory if it is there and empty. */
export async function rmdirQuietly(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    const c = code(error);
    if (c !== 'ENOENT' && c !== 'ENOTEMPTY' && c !== 'EEXIST') throw error;
  }
}

/** Deletes the files of a tree of directories one by one (nothing outside it, no symlink followed). */
export async function removeTree(dir: string): Promise<void> {
  for (const name of await names(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(ignore);
    if (info?.isDirectory() === true) await removeTree(path);
    else await unlinkQuietly(path);
  }
  await rmdirQuietly(dir);
}

/** Runs `create` (which creates `file`), creating the file's directory first when it is missing. */
export async function inDirectory<T>(file: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isMissing(error)) throw error;
    await mkdir(dirname(file), { recursive: true });
    return create();
  }
}

/** Writes every byte, however many writes the handle takes. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

/** A failure as the storage's callers get it: a {@link StorageError} unless it is already ours. */
export function storageError(operation: string, error: unknown): Error {
  if (isHttpCacheError(error) && !(error instanceof CodecError)) return error;
  return new StorageError(operation, `file system: ${messageOf(error)}`, { cause: error });
}

export function code(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

export function isMissing(error: unknown): boolean {
  return code(error) === 'ENOENT';
}

export function ignore(): undefined {
  return undefined;
}
