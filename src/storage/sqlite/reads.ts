import { CodecError, messageOf, StorageError } from '../../errors.ts';
import type { EntryMeta, StoredBody } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { blob, integer, type Row, rowToMeta, storageError, text, transaction } from './rows.ts';
import { CHUNK_SIZE } from './schema.ts';

/**
 * Reading entries: rows' metadata (decoded once per entry and JSON text), and bodies, whole when
 * they are one chunk, else streamed chunk by chunk under a reader registered in `readers`, so
 * that a replacement or deletion leaves them readable until the reader is done. A corrupted entry
 * is removed and reported: a miss, never served.
 *
 * @module
 */

/** How many entries' decoded metadata are kept, so that a hit does not parse its JSON again. */
const DECODED = 1024;

/** Entry rows' metadata, decoded once per entry id and JSON text. */
export class Decoder {
  readonly #ctx: SqliteContext;
  /** Decoded metadata by entry id, with the JSON it was decoded from; the oldest go first. */
  readonly #decoded = new Map<number, { json: string; meta: EntryMeta }>();

  constructor(ctx: SqliteContext) {
    this.#ctx = ctx;
  }

  /** A row's metadata, or `undefined` when it is corrupted: the entry is removed and reported. */
  decode(row: Row, operation: string): EntryMeta | undefined {
    try {
      // Parsing and checking the JSON is about 40% of a lookup's cost: it is done once per entry
      // id and JSON text (an update, here or in another process, changes the text).
      const id = integer(row, 'id');
      const json = text(row, 'meta');
      const known = this.#decoded.get(id);
      if (known?.json === json && known.meta.key === row.key) {
        return { ...known.meta, size: integer(row, 'size'), hits: integer(row, 'hits') };
      }
      const meta = rowToMeta(row);
      if (this.#decoded.size >= DECODED) this.#decoded.delete(this.#decoded.keys().next().value!);
      this.#decoded.set(id, { json, meta });
      return meta;
    } catch (error) {
      const key = typeof row.key === 'string' ? row.key : undefined;
      discard(this.#ctx, integer(row, 'id'), key, operation, error);
      return undefined;
    }
  }

  clear(): void {
    this.#decoded.clear();
  }
}

/** Removes a corrupted entry and reports why. */
export function discard(
  ctx: SqliteContext,
  id: number,
  key: string | undefined,
  operation: string,
  problem: unknown,
): void {
  ctx.sql.deleteId.run(id);
  const error = new CodecError(
    `SqliteStorage removed corrupted entry ${id}${key === undefined ? '' : ` of ${key}`}: ${messageOf(problem)}`,
    { cause: problem },
  );
  ctx.report(operation, error, key);
}

/** An entry's body, or `null` when it is gone or corrupted. */
export function readBody(ctx: SqliteContext, entry: EntryMeta): StoredBody | null {
  const id = Number(entry.id);
  if (!Number.isSafeInteger(id)) return null;
  // The hit path: a body of one chunk is one lookup by id (in `chunks` if stored before `bodies`).
  if (entry.size > 0 && entry.size <= CHUNK_SIZE) {
    const data = ctx.sql.body.get(id)?.data ?? ctx.sql.chunk.get(id, 0)?.data;
    if (data instanceof Uint8Array && data.byteLength === entry.size) return data;
  }
  return checkedBody(ctx, id, entry.key);
}

/** Ends a reader; the last reader of a deleted entry deletes its chunks. */
export function endReading(ctx: SqliteContext, reader: number, key: string | undefined): void {
  if (!ctx.readers.delete(reader) || ctx.closed()) return;
  try {
    transaction(ctx.db, () => dropReader(ctx, reader));
  } catch (error) {
    // Its row and chunks are left for a later sweep; worth knowing about.
    ctx.report('body', storageError('body', ctx.path, error), key);
  }
}

/**
 * Deletes a reader's row, and its entry's chunks if the entry is gone and no one else reads;
 * returns the bytes of chunks deleted.
 */
export function dropReader(ctx: SqliteContext, reader: number): number {
  const row = ctx.sql.endReader.get(reader);
  if (row === undefined) return 0;
  const entryId = integer(row, 'entry_id');
  const bytes = integer(ctx.sql.unreadBytes.get(entryId, entryId, entryId), 'bytes');
  if (bytes > 0) ctx.sql.dropUnread.run(entryId, entryId, entryId);
  return bytes;
}

/**
 * The body of entry `id` after checking its chunks add up to its size: the whole bytes when it
 * is one chunk, else a stream that reads one chunk at a time. `null` when the entry is gone; a
 * truncated body is discarded (reported) and is `null` too.
 */
function checkedBody(ctx: SqliteContext, id: number, key: string): StoredBody | null {
  const entry = ctx.sql.entrySize.get(id);
  if (entry === undefined) return null;
  const size = integer(entry, 'size');
  const chunks = ctx.sql.chunkTotals.get(id);
  const count = integer(chunks, 'n');
  const bytes = integer(chunks, 'bytes');
  if (bytes !== size || (count > 0 && integer(chunks, 'last') !== count - 1)) {
    const problem = new CodecError(`its chunks hold ${bytes} bytes of a ${size}-byte body`);
    discard(ctx, id, key, 'body', problem);
    return null;
  }
  if (count === 0) return new Uint8Array(0);
  if (count === 1) return blob(ctx.sql.chunk.get(id, 0), 'data');
  const reader = startReading(ctx, id);
  return reader === undefined ? null : chunkStream(ctx, { id, key, size, count, reader });
}

/**
 * Registers a reader of entry `id`, so that its chunks outlive a deletion or replacement until
 * the reader is done; `undefined` when the entry is gone.
 */
function startReading(ctx: SqliteContext, id: number): number | undefined {
  const reader = transaction(ctx.db, () => {
    if (ctx.sql.entrySize.get(id) === undefined) return undefined;
    return integer(ctx.sql.addReader.get(id, process.pid, ctx.clock()), 'id');
  });
  if (reader !== undefined) ctx.readers.add(reader);
  return reader;
}

/** A body being streamed: its entry, size, number of chunks, and its row in `readers`. */
interface Reading {
  readonly id: number;
  readonly key: string;
  readonly size: number;
  readonly count: number;
  readonly reader: number;
}

function chunkStream(
  ctx: SqliteContext,
  reading: Reading,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const { id, key, size, count } = reading;
  let seq = 0;
  let read = 0;
  const done = (): void => endReading(ctx, reading.reader, key);
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull: (controller) => {
      try {
        const data = ctx.run('body', () => ctx.sql.chunk.get(id, seq)?.data);
        if (!(data instanceof Uint8Array)) {
          throw new StorageError('body', `entry ${id} of ${key} was removed while being read`);
        }
        seq++;
        read += data.byteLength;
        if (read > size || (seq === count && read !== size)) {
          throw new StorageError('body', `entry ${id} of ${key} is not ${size} bytes long`);
        }
        controller.enqueue(data);
        if (seq === count) {
          done();
          controller.close();
        }
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    cancel: done,
  });
}
