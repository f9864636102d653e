import type { StorageStats } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { integer, transaction } from './rows.ts';

/**
 * Keeping the database within `maxBytes`: expired entries go first, then the least recently used
 * (by last store or hit), each told to the eviction listener. Once over the cap, eviction goes a
 * little below it (by {@link SLACK}), so that most stores into a full database evict nothing:
 * every eviction writes pages to the file, and deleting neighbours in the LRU order together
 * costs little more than deleting one.
 *
 * @module
 */

/** How many victims are picked at a time. */
const EVICT_BATCH = 32;

/**
 * How far below the cap an eviction goes, as a fraction of `maxBytes`: by at most
 * {@link EVICT_BATCH} entries more than the cap itself requires, each smaller than the slack.
 */
const SLACK = 1 / 32;

/** Whether what is stored plus the bodies being written is over the cap. */
export function overCap(ctx: SqliteContext): boolean {
  if (ctx.maxBytes === Number.POSITIVE_INFINITY) return false;
  return totals(ctx).bytes > ctx.maxBytes - ctx.inFlight.bytes;
}

/**
 * Deletes expired, then least recently used, entries until the cap holds for what is stored plus
 * the bodies being written; then, while above the slack, up to {@link EVICT_BATCH} more that are
 * each smaller than it (a larger one stops it: never a newer entry before an older one).
 */
export function evict(ctx: SqliteContext): void {
  const { db, sql } = ctx;
  if (!overCap(ctx)) return;
  const maxBytes = ctx.maxBytes - ctx.inFlight.bytes;
  const slack = Math.floor(ctx.maxBytes * SLACK);
  const target = maxBytes - slack;
  transaction(db, () => {
    sql.deleteExpired.run(ctx.clock());
    // Victims deleted beyond what the cap itself requires.
    let extra = 0;
    for (;;) {
      const victims = sql.leastRecent.all(EVICT_BATCH);
      if (victims.length === 0) return;
      for (const victim of victims) {
        const { bytes } = totals(ctx);
        if (bytes <= maxBytes) {
          if (bytes <= target || ++extra > EVICT_BATCH || integer(victim, 'cost') > slack) return;
        }
        sql.deleteId.run(integer(victim, 'id'));
        ctx.evicted(String(victim.key), String(victim.url));
      }
    }
  });
}

/** The entries stored and their bytes, as the `totals` row keeps them. */
export function totals(ctx: SqliteContext): StorageStats {
  const row = ctx.sql.totals.get();
  return { entries: integer(row, 'entries'), bytes: integer(row, 'bytes') };
}
