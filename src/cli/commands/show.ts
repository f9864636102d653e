import { Command, Option } from 'commander';
import type { EntryMeta, Storage } from '../../storage/types.ts';
import { download } from '../download.ts';
import { entryRecord, findEntries, ttlLabel, variantLabel } from '../entries.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { formatBytes, formatSeconds } from '../format.ts';
import { type Colors, colorsFor, type Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache show KEY|URL`: the stored headers of an entry (every variant), and its body.
 *
 * @module
 */

/** The options of `show`. */
export interface ShowOptions extends StoreOptions, JsonOptions {
  readonly body?: boolean;
}

/** The `show` command. */
export function showCommand(io: Io, done: (code: number) => void): Command {
  return new Command('show')
    .description('print what is stored for a cache key or URL: metadata and headers')
    .argument('<key-or-url>', 'a cache key (as `ls --json` shows it) or a URL')
    .addOption(new Option('--body', 'print the stored body after the headers').conflicts('json'))
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (target: string, options: ShowOptions) => done(await show(target, options, io)));
}

/** Prints the entries `target` names; returns the exit code. */
export async function show(target: string, options: ShowOptions, io: Io): Promise<number> {
  return withStorage(options.store, async (storage) => {
    const entries = await findEntries(storage, target);
    if (entries.length === 0) throw new CliError(`nothing stored for ${target}`, ExitCode.failure);
    const now = Date.now();
    if (options.json === true) {
      const shown = entries.map((entry) => ({
        ...entryRecord(entry, now),
        statusText: entry.statusText,
        headers: entry.headers,
      }));
      io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return ExitCode.ok;
    }
    const colors = colorsFor(io.stdout, io.env);
    for (const [i, entry] of entries.entries()) {
      if (i > 0) io.stdout.write('\n');
      io.stdout.write(describe(entry, now, colors));
      if (options.body === true) await writeBody(storage, entry, io);
    }
    return ExitCode.ok;
  });
}

function describe(entry: EntryMeta, now: number, colors: Colors): string {
  const record = entryRecord(entry, now);
  const facts: [string, string][] = [
    ['key', entry.key],
    ['variant', variantLabel(entry.vary)],
    ['size', formatBytes(entry.size)],
    ['age', formatSeconds(record.age)],
    ['fresh', ttlLabel(record.ttl, colors)],
    ['hits', String(entry.hits)],
    ['stored', record.storedAt ?? '-'],
    ['stale at', record.staleAt ?? '-'],
    // When storage may forget the entry: after the stale time when it can still be revalidated.
    ['delete at', record.expiresAt ?? 'never'],
  ];
  const lines = facts.map(([name, value]) => `${colors.dim(`${name}:`.padEnd(11))}${value}`);
  lines.push('', colors.bold(`${entry.status} ${entry.statusText}`.trimEnd()));
  for (const [name, value] of entry.headers) lines.push(`${colors.cyan(name)}: ${value}`);
  return `${lines.join('\n')}\n\n`;
}

async function writeBody(storage: Storage, entry: EntryMeta, io: Io): Promise<void> {
  const body = await storage.body(entry);
  if (body === null) throw new CliError(`the body of ${entry.key} is gone`, ExitCode.failure);
  const stream = body instanceof Uint8Array ? new Blob([body]).stream() : body;
  await download(stream, io.stdout, false, undefined);
}
