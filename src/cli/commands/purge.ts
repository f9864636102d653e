import { Command } from 'commander';
import type { Storage } from '../../storage/types.ts';
import { absoluteUrl } from '../entries.ts';
import { colorsFor, type Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache purge KEY|URL`: forget what is stored under a key, or for a URL.
 *
 * @module
 */

/** The options of `purge`. */
export interface PurgeOptions extends StoreOptions, JsonOptions {}

/** The `purge` command. */
export function purgeCommand(io: Io, done: (code: number) => void): Command {
  return new Command('purge')
    .description('delete every variant stored under a cache key, or every entry for a URL')
    .argument('<key-or-url>', 'a cache key (as `ls --json` shows it) or a URL')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (target: string, options: PurgeOptions) =>
      done(await purge(target, options, io)),
    );
}

/** Deletes what `target` names and says how many entries went; returns the exit code. */
export async function purge(target: string, options: PurgeOptions, io: Io): Promise<number> {
  const purged = await withStorage(options.store, (storage) => purgeTarget(storage, target));
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify({ purged })}\n`);
    return 0;
  }
  const colors = colorsFor(io.stdout, io.env);
  io.stdout.write(
    purged === 0
      ? colors.dim(`nothing stored for ${target}\n`)
      : `purged ${purged} ${purged === 1 ? 'entry' : 'entries'} for ${target}\n`,
  );
  return 0;
}

/** A key's variants when `target` is a key that has any, else every entry of the URL. */
async function purgeTarget(storage: Storage, target: string): Promise<number> {
  const variants = await storage.get(target);
  if (variants.length > 0) {
    await storage.delete(target);
    return variants.length;
  }
  const url = absoluteUrl(target);
  return url === undefined ? 0 : storage.deleteUrl(url);
}
