import { Buffer } from 'node:buffer';
import { StorageError } from '../../errors.ts';
import { encodeMeta } from '../codec.ts';
import type { EntryMeta, EntryToStore } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { integer, storageError, transaction } from './rows.ts';
import { CHUNK_SIZE } from './schema.ts';

/**
 * Writing bodies: pieces buffered into chunks, every full chunk beyond the first inserted at once
 * under an id reserved in `writes`, and the entry made visible in one transaction when the body
 * is complete; or the write abandoned, its chunks deleted. A body of one chunk is written with its
 * entry, into `bodies`, and needs no reservation.
 *
 * @module
 */

/**
 * A body being written: its reserved id (once a chunk is out), and bytes not yet written.
 * `reserved` of its bytes count in the storage's bytes in flight.
 */
export interface Write {
  id: number | undefined;
  seq: number;
  size: number;
  reserved: number;
  pieces: Uint8Array<ArrayBuffer>[];
  buffered: number;
}

/** A write with nothing written yet. */
export function newWrite(): Write {
  return { id: undefined, seq: 0, size: 0, reserved: 0, pieces: [], buffered: 0 };
}

/**
 * Buffers a piece of body; every full chunk beyond the first goes to the database at once. The
 * piece is reserved in the bytes in flight first (the caller then evicts stored entries to make
 * room); when the bodies being written alone would exceed `maxBytes`, this write fails.
 */
export function append(ctx: SqliteContext, write: Write, piece: Uint8Array<ArrayBuffer>): void {
  write.size += piece.byteLength;
  write.reserved += piece.byteLength;
  ctx.inFlight.bytes += piece.byteLength;
  if (write.size > ctx.maxBytes) {
    throw new StorageError('put', `the body is larger than maxBytes (${ctx.maxBytes})`);
  }
  if (ctx.inFlight.bytes > ctx.maxBytes) {
    throw new StorageError(
      'put',
      `the bodies being written exceed maxBytes (${ctx.maxBytes}); this one is dropped`,
    );
  }
  write.pieces.push(piece);
  write.buffered += piece.byteLength;
  // Strictly more than a chunk: a body of one chunk is written with its entry, in one transaction.
  while (write.buffered > CHUNK_SIZE) insertChunk(ctx, write, take(write, CHUNK_SIZE));
}

/**
 * Makes a complete write visible: its body (the last chunk, or the whole body of one chunk), the
 * entry, the variant it replaces gone.
 */
export function commit(ctx: SqliteContext, entry: EntryToStore, write: Write): EntryMeta {
  const { sql } = ctx;
  const meta = transaction(ctx.db, () => {
    const id = write.id === undefined ? nextId(ctx) : write.id;
    if (write.id === undefined) {
      if (write.buffered > 0) sql.insertBody.run(id, take(write, write.buffered));
    } else {
      if (write.buffered > 0) insertChunk(ctx, write, take(write, write.buffered));
      if (Number(sql.endWrite.run(id).changes) !== 1) {
        throw new StorageError('put', 'the write was swept as abandoned before it ended');
      }
    }
    const stored: EntryMeta = { ...entry, id: String(id), size: write.size, hits: 0 };
    const json = JSON.stringify(encodeMeta(stored));
    sql.deleteVariant.run(entry.key, entry.variant);
    sql.insertEntry.run(
      id,
      entry.key,
      entry.variant,
      entry.url,
      json,
      write.size,
      write.size + Buffer.byteLength(json),
      ctx.clock(),
      entry.deleteAt,
    );
    for (const tag of entry.tags ?? []) sql.insertTag.run(tag, id);
    for (const old of sql.deleteOldVariants.all(entry.key, ctx.maxVariants)) {
      ctx.evicted(String(old.key), String(old.url));
    }
    return stored;
  });
  if (write.id !== undefined) ctx.writes.delete(write.id);
  return meta;
}

/** Releases a write's bytes in flight, once it committed or failed. */
export function release(ctx: SqliteContext, write: Write): void {
  ctx.inFlight.bytes -= write.reserved;
  write.reserved = 0;
}

/** Drops an unfinished write and its chunks; a failure is reported, the chunks left to a sweep. */
export function abandon(ctx: SqliteContext, id: number, key: string | undefined): void {
  ctx.writes.delete(id);
  try {
    transaction(ctx.db, () => {
      ctx.sql.endWrite.run(id);
      ctx.sql.deleteChunks.run(id);
    });
  } catch (error) {
    // Left for a later sweep; worth knowing about.
    ctx.report('put', storageError('put', ctx.path, error), key);
  }
}

function insertChunk(ctx: SqliteContext, write: Write, data: Uint8Array<ArrayBuffer>): void {
  write.id ??= reserve(ctx);
  ctx.sql.insertChunk.run(write.id, write.seq, data);
  write.seq++;
}

/** Reserves an entry id for a write, under which its chunks stay invisible until it commits. */
function reserve(ctx: SqliteContext): number {
  const id = transaction(ctx.db, () => {
    const next = nextId(ctx);
    ctx.sql.reserve.run(next, process.pid, ctx.clock());
    return next;
  });
  ctx.writes.add(id);
  return id;
}

/** A new entry id, never used before (ids are not reused: an update names its entry by id). */
function nextId(ctx: SqliteContext): number {
  return integer(ctx.sql.nextId.get(), 'id');
}

/** Takes `n` buffered bytes off the front of a write, copying only when they span pieces. */
function take(write: Write, n: number): Uint8Array<ArrayBuffer> {
  write.buffered -= n;
  const first = write.pieces[0];
  if (first !== undefined && first.byteLength >= n) {
    if (first.byteLength === n) write.pieces.shift();
    else write.pieces[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const piece = write.pieces[0];
    if (piece === undefined) throw new RangeError('fewer bytes buffered than counted');
    const part = Math.min(n - filled, piece.byteLength);
    out.set(part === piece.byteLength ? piece : piece.subarray(0, part), filled);
    filled += part;
    if (part === piece.byteLength) write.pieces.shift();
    else write.pieces[0] = piece.subarray(part);
  }
  return out;
}
