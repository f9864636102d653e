import { Command } from 'commander';
import { formatBytes } from '../format.ts';
import type { Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache clear`: delete every entry.
 *
 * @module
 */

/** The options of `clear`. */
export interface ClearOptions extends StoreOptions, JsonOptions {}

/** The `clear` command. */
export function clearCommand(io: Io, done: (code: number) => void): Command {
  return new Command('clear')
    .description('delete every stored entry')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (options: ClearOptions) => done(await clear(options, io)));
}

/** Empties the storage and prints what it held; returns the exit code. */
export async function clear(options: ClearOptions, io: Io): Promise<number> {
  const held = await withStorage(options.store, async (storage) => {
    const stats = await storage.stats();
    await storage.clear();
    return stats;
  });
  io.stdout.write(
    options.json === true
      ? `${JSON.stringify({ entries: held.entries, bytes: held.bytes })}\n`
      : `cleared ${held.entries} ${held.entries === 1 ? 'entry' : 'entries'} (${formatBytes(held.bytes)})\n`,
  );
  return 0;
}
