import type { StorageStats } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { integer, transaction } from './rows.ts';

/**
 * Keeping the database within `maxBytes`: expired entries go first, then the least recently used
 * (by last store or hit), each told to the eviction listener.
 *
 * @module
 */

/** How many victims are picked at a time. */
const EVICT_BATCH = 32;

/**
 * Deletes expired, then least recently used, entries until the cap holds for what is stored plus
 * the bodies being written.
 */
export function evict(ctx: SqliteContext): void {
  const { db, sql } = ctx;
  if (ctx.maxBytes === Number.POSITIVE_INFINITY) return;
  const maxBytes = ctx.maxBytes - ctx.inFlight.bytes;
  if (totals(ctx).bytes <= maxBytes) return;
  transaction(db, () => {
    sql.deleteExpired.run(ctx.clock());
    while (totals(ctx).bytes > maxBytes) {
      const victims = sql.leastRecent.all(EVICT_BATCH);
      if (victims.length === 0) return;
      for (const victim of victims) {
        sql.deleteId.run(integer(victim, 'id'));
        ctx.evicted(String(victim.key), String(victim.url));
        if (totals(ctx).bytes <= maxBytes) return;
      }
    }
  });
}

/** The entries stored and their bytes, as the `totals` row keeps them. */
export function totals(ctx: SqliteContext): StorageStats {
  const row = ctx.sql.totals.get();
  return { entries: integer(row, 'entries'), bytes: integer(row, 'bytes') };
}
