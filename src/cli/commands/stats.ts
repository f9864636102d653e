import { Command } from 'commander';
import { listEntries } from '../entries.ts';
import { formatBytes } from '../format.ts';
import { colorsFor, type Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { DEFAULT_STORE, formatStoreUri, storePath } from '../store-uri.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache stats`: how much the cache holds and how often it was used.
 *
 * @module
 */

/** The options of `stats`. */
export interface StatsOptions extends StoreOptions, JsonOptions {}

/** What `stats --json` prints. */
export interface StatsRecord {
  /** The storage URI, with the default path filled in. */
  readonly store: string;
  readonly entries: number;
  /** Bytes stored (bodies and metadata, as the backend counts them). */
  readonly bytes: number;
  /** Live entries still fresh, and past their freshness. */
  readonly fresh: number;
  readonly stale: number;
  /** Times live entries were served from the cache, as the storage counts them. */
  readonly hits: number;
}

/** The `stats` command. */
export function statsCommand(io: Io, done: (code: number) => void): Command {
  return new Command('stats')
    .description('entries, bytes, fresh and stale entries, and hits')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (options: StatsOptions) => done(await stats(options, io)));
}

/** Prints the storage's statistics; returns the exit code. */
export async function stats(options: StatsOptions, io: Io): Promise<number> {
  const spec = options.store ?? DEFAULT_STORE;
  const store = formatStoreUri(spec, await storePath(spec));
  const record = await withStorage(spec, async (storage): Promise<StatsRecord> => {
    const totals = await storage.stats();
    const now = Date.now();
    let fresh = 0;
    let hits = 0;
    const entries = await listEntries(storage);
    for (const entry of entries) {
      if (entry.staleAt > now) fresh++;
      hits += entry.hits;
    }
    return {
      store,
      entries: totals.entries,
      bytes: totals.bytes,
      fresh,
      stale: entries.length - fresh,
      hits,
    };
  });
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify(record)}\n`);
    return 0;
  }
  const c = colorsFor(io.stdout, io.env);
  const lines = [
    ['store', record.store],
    [
      'entries',
      `${record.entries} (${c.green(`${record.fresh} fresh`)}, ${c.yellow(`${record.stale} stale`)})`,
    ],
    ['size', formatBytes(record.bytes)],
    ['hits', String(record.hits)],
  ].map(([name, value]) => `${c.dim(`${name}:`.padEnd(9))}${value}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
