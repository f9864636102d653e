import { Command } from 'commander';
import { formatBytes } from '../format.ts';
import type { Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache prune`: remove expired entries and say what that freed.
 *
 * @module
 */

/** The options of `prune`. */
export interface PruneOptions extends StoreOptions, JsonOptions {}

/** The `prune` command. */
export function pruneCommand(io: Io, done: (code: number) => void): Command {
  return new Command('prune')
    .description('remove expired entries (and leftovers of interrupted writes)')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (options: PruneOptions) => done(await prune(options, io)));
}

/** Prunes the storage and prints what it freed; returns the exit code. */
export async function prune(options: PruneOptions, io: Io): Promise<number> {
  const freed = await withStorage(options.store, (storage) => storage.prune());
  io.stdout.write(
    options.json === true
      ? `${JSON.stringify({ entries: freed.entries, bytes: freed.bytes })}\n`
      : `pruned ${freed.entries} ${freed.entries === 1 ? 'entry' : 'entries'}, freed ${formatBytes(freed.bytes)}\n`,
  );
  return 0;
}
