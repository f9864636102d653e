import { InvalidArgumentError, Option } from 'commander';
import { readStoreUri, STORE_URI_FORMS, type StoreSpec } from './store-uri.ts';

/**
 * Options that several commands share.
 *
 * @module
 */

/** `--store URI` (or `HTTPCACHE_STORE`): which storage; parsed into a {@link StoreSpec}. */
export function storeOption(): Option {
  return new Option(
    '--store <uri>',
    `storage: ${STORE_URI_FORMS} (default: SQLite in the user's cache directory)`,
  )
    .env('HTTPCACHE_STORE')
    .argParser(parseStore);
}

/** `--json`: plain, stable JSON for scripts. */
export function jsonOption(): Option {
  return new Option('--json', 'print JSON for scripts');
}

/** What every command that opens storage is given. */
export interface StoreOptions {
  readonly store?: StoreSpec;
}

/** What every command that can print JSON is given. */
export interface JsonOptions {
  readonly json?: boolean;
}

function parseStore(value: string): StoreSpec {
  const result = readStoreUri(value);
  if ('problem' in result) throw new InvalidArgumentError(result.problem);
  return result;
}
