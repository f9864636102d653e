import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import type { StorageStats } from '../../storage/types.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { formatBytes } from '../format.ts';
import type { Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache clear`: delete every entry. On a terminal it asks first (`--yes` skips the
 * question); elsewhere (a script, a pipe) it deletes nothing without `--yes`, since nobody can
 * answer.
 *
 * @module
 */

/** The options of `clear`. */
export interface ClearOptions extends StoreOptions, JsonOptions {
  readonly yes?: boolean;
}

/** The `clear` command. */
export function clearCommand(io: Io, done: (code: number) => void): Command {
  return new Command('clear')
    .description('delete every stored entry (asks first on a terminal; --yes to skip)')
    .addOption(
      new Option('-y, --yes', 'delete without asking (required when stdin is not a terminal)'),
    )
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (options: ClearOptions) => done(await clear(options, io)));
}

/** Empties the storage (once confirmed) and prints what it held; returns the exit code. */
export async function clear(options: ClearOptions, io: Io): Promise<number> {
  if (options.yes !== true && io.stdin.isTTY !== true) {
    throw new CliError(
      'clear deletes every entry: pass --yes to confirm (stdin is not a terminal, so it cannot ask)',
      ExitCode.usage,
    );
  }
  const held = await withStorage(options.store, async (storage) => {
    const stats = await storage.stats();
    if (options.yes !== true && !(await confirmed(stats, io))) return undefined;
    await storage.clear();
    return stats;
  });
  if (held === undefined) {
    io.stderr.write('nothing deleted\n');
    return ExitCode.failure;
  }
  io.stdout.write(
    options.json === true
      ? `${JSON.stringify({ entries: held.entries, bytes: held.bytes })}\n`
      : `cleared ${held.entries} ${entries(held.entries)} (${formatBytes(held.bytes)})\n`,
  );
  return ExitCode.ok;
}

/**
 * Asks on stderr (stdout may be piped) and reads the answer from stdin: yes only for `y` or
 * `yes`; an end of input (Ctrl-D) is a no.
 */
async function confirmed(stats: StorageStats, io: Io): Promise<boolean> {
  const prompt = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const question = `delete all ${stats.entries} ${entries(stats.entries)} (${formatBytes(stats.bytes)})? [y/N] `;
    const answer = await new Promise<string>((resolve) => {
      prompt.once('close', () => resolve(''));
      prompt.question(question).then(resolve, () => resolve(''));
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

function entries(count: number): string {
  return count === 1 ? 'entry' : 'entries';
}
