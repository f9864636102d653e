import type { EntryMeta } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { storageError, transaction } from './rows.ts';

/**
 * Hit counts gathered in memory and written together, off the hit path: after
 * {@link HIT_BATCH} entries' hits, {@link HIT_DELAY} ms, or before anything reads or evicts by
 * them.
 *
 * @module
 */

/** How many entries' hits are gathered before they are written. */
const HIT_BATCH = 256;

/** How long gathered hits wait at most before they are written, in ms. */
const HIT_DELAY = 1000;

/** Hits not written yet. */
export class Hits {
  readonly #ctx: SqliteContext;
  /** Hits not written yet, by entry id, with the time of the last. */
  readonly #pending = new Map<number, { count: number; at: number }>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: SqliteContext) {
    this.#ctx = ctx;
  }

  /** Counts a hit of entry `id` at `now`. */
  add(id: number, now: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) this.#pending.set(id, { count: 1, at: now });
    else {
      pending.count++;
      pending.at = Math.max(pending.at, now);
    }
    if (this.#pending.size >= HIT_BATCH) this.write();
    else this.#timer ??= setTimeout(() => this.write(), HIT_DELAY).unref();
  }

  /** `meta` with its hits not written yet counted. */
  counted(meta: EntryMeta): EntryMeta {
    const pending = this.#pending.get(Number(meta.id));
    return pending === undefined ? meta : { ...meta, hits: meta.hits + pending.count };
  }

  /** Writes the gathered hits in one transaction; a failure is reported, the hits dropped. */
  write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ctx = this.#ctx;
    if (this.#pending.size === 0 || ctx.closed()) return;
    const hits = [...this.#pending];
    this.#pending.clear();
    try {
      transaction(ctx.db, () => {
        for (const [id, { count, at }] of hits) ctx.sql.touch.run(count, at, id);
      });
    } catch (error) {
      ctx.report('touch', storageError('touch', ctx.path, error), undefined);
    }
  }
}
