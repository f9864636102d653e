import type { DatabaseSync, SQLOutputValue } from 'node:sqlite';
import { CodecError, isHttpCacheError, messageOf, StorageError } from '../../errors.ts';
import { decodeMeta } from '../codec.ts';
import type { EntryMeta } from '../types.ts';

/**
 * Rows and transactions of {@link SqliteStorage}: typed column reads that throw a
 * {@link CodecError} on a wrong type, an entry row's metadata, write transactions, and the error
 * callers get when SQLite fails.
 *
 * @module
 */

/** A row as `node:sqlite` returns it. */
export type Row = Record<string, SQLOutputValue>;

/**
 * Runs `fn` in a write transaction taken at once (`BEGIN IMMEDIATE`), so the busy timeout covers
 * it; never across an `await`. Inside a transaction already, `fn` runs as part of it.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/** An entry row's metadata: the versioned JSON, with the columns storage owns taking precedence. */
export function rowToMeta(row: Row): EntryMeta {
  const key = text(row, 'key');
  let json: unknown;
  try {
    json = JSON.parse(text(row, 'meta'));
  } catch (error) {
    throw new CodecError('stored metadata is not JSON', { cause: error });
  }
  const meta = decodeMeta(json);
  if (meta.key !== key) throw new CodecError('stored metadata names another key');
  return {
    ...meta,
    id: String(integer(row, 'id')),
    size: integer(row, 'size'),
    hits: integer(row, 'hits'),
  };
}

export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new CodecError(`column \`${column}\` is not text`);
  return value;
}

export function number(row: Row | undefined, column: string): number {
  const value = row?.[column];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new CodecError(`column \`${column}\` is not a number`);
}

export function integer(row: Row | undefined, column: string): number {
  const value = number(row, column);
  if (!Number.isSafeInteger(value)) throw new CodecError(`column \`${column}\` is not an integer`);
  return value;
}

export function blob(row: Row | undefined, column: string): Uint8Array<ArrayBuffer> {
  const value = row?.[column];
  if (!(value instanceof Uint8Array)) throw new CodecError(`column \`${column}\` is not a blob`);
  return value;
}

/** A failure as the storage's callers get it: a {@link StorageError} unless it is already ours. */
export function storageError(operation: string, path: string, error: unknown): Error {
  if (isHttpCacheError(error)) return error;
  return new StorageError(operation, `${messageOf(error)} (SQLite ${path})`, { cause: error });
}
