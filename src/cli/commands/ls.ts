import { Command } from 'commander';
import { type EntryRecord, entryRecord, listEntries, ttlLabel, variantLabel } from '../entries.ts';
import { formatBytes, formatSeconds } from '../format.ts';
import { type Colors, colorsFor, type Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { renderTable } from '../table.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache ls`: what the cache holds, one entry a line.
 *
 * @module
 */

/** The options of `ls`. */
export interface LsOptions extends StoreOptions, JsonOptions {}

/** The `ls` command. */
export function lsCommand(io: Io, done: (code: number) => void): Command {
  return new Command('ls')
    .description('list stored entries: status, size, age, freshness left, hits, variant and URL')
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (options: LsOptions) => done(await ls(options, io)));
}

/** Prints the entries; returns the exit code. */
export async function ls(options: LsOptions, io: Io): Promise<number> {
  const now = Date.now();
  const records = await withStorage(options.store, async (storage) =>
    (await listEntries(storage)).map((entry) => entryRecord(entry, now)),
  );
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return 0;
  }
  const colors = colorsFor(io.stdout, io.env);
  if (records.length === 0) {
    io.stdout.write(colors.dim('the cache is empty\n'));
    return 0;
  }
  const lines = renderTable(
    [
      { title: 'STATUS', align: 'right' },
      { title: 'SIZE', align: 'right' },
      { title: 'AGE', align: 'right' },
      { title: 'FRESH', align: 'right' },
      { title: 'HITS', align: 'right' },
      { title: 'VARIANT' },
      { title: 'URL' },
    ],
    records.map((record) => row(record, colors)),
    colors.bold,
  );
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function row(record: EntryRecord, colors: Colors): string[] {
  const method = record.method === 'GET' ? '' : `${record.method} `;
  return [
    String(record.status),
    formatBytes(record.size),
    formatSeconds(record.age),
    ttlLabel(record.ttl, colors),
    String(record.hits),
    variantLabel(record.vary),
    `${method}${record.url}`,
  ];
}
