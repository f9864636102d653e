import { isAlive } from '../process-alive.ts';
import type { StorageStats } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { dropReader } from './reads.ts';
import { integer, number, type Row, transaction } from './rows.ts';

/**
 * Sweeping what others left behind: the chunks of writes and the rows of readers whose process
 * died (or that are a day old), chunks no entry, write or reader names, and expired entries.
 *
 * @module
 */

/** A write or read whose process still runs is swept only once it is this old (ms). */
const ABANDONED_AFTER = 24 * 60 * 60 * 1000;

/**
 * Deletes the chunks of other writers' abandoned writes, and the rows of other readers'
 * abandoned reads with the chunks only they held: their process is gone, or they are old.
 * Returns the bytes of the readers' chunks deleted.
 */
export function sweep(ctx: SqliteContext, now: number): number {
  const { db, sql } = ctx;
  let freed = 0;
  for (const row of sql.readers.all()) {
    const reader = integer(row, 'id');
    if (ctx.readers.has(reader) || !abandoned(row, now)) continue;
    freed += transaction(db, () => dropReader(ctx, reader));
  }
  for (const row of sql.writes.all()) {
    const id = integer(row, 'id');
    if (ctx.writes.has(id) || !abandoned(row, now)) continue;
    transaction(db, () => {
      // Only if it has not committed meanwhile: its chunks are then an entry's.
      if (Number(sql.endWrite.run(id).changes) === 1) sql.deleteChunks.run(id);
    });
  }
  return freed;
}

/**
 * Deletes entries past their `deleteAt`, what abandoned writes and reads left, and chunks of no
 * entry. Returns the expired entries and every byte freed.
 */
export function prune(ctx: SqliteContext): StorageStats {
  const { db, sql } = ctx;
  const now = ctx.clock();
  const expired = transaction(db, () => {
    const row = sql.expired.get(now);
    sql.deleteExpired.run(now);
    return { entries: integer(row, 'entries'), bytes: integer(row, 'bytes') };
  });
  const unread = sweep(ctx, now);
  const orphaned = transaction(db, () => {
    const bytes = integer(sql.orphanBytes.get(), 'bytes');
    sql.deleteOrphans.run();
    return bytes;
  });
  return { entries: expired.entries, bytes: expired.bytes + unread + orphaned };
}

/**
 * Whether a write or read row was abandoned: its process is gone (on this host: WAL databases are
 * not shared across hosts), or it is older than {@link ABANDONED_AFTER}.
 */
function abandoned(row: Row, now: number): boolean {
  return !isAlive(integer(row, 'pid')) || now - number(row, 'started_at') > ABANDONED_AFTER;
}
