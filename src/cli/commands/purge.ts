import { Command, Option } from 'commander';
import { type InvalidationTarget, invalidate, parseTarget } from '../../engine/invalidate.ts';
import { isHttpCacheError } from '../../errors.ts';
import type { Storage } from '../../storage/types.ts';
import { absoluteUrl } from '../entries.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { colorsFor, type Io } from '../io.ts';
import { type JsonOptions, jsonOption, type StoreOptions, storeOption } from '../options.ts';
import { withStorage } from '../with-storage.ts';

/**
 * `httpcache purge KEY|URL`, `purge --prefix URL`, `purge --tag TAG`: forget what is stored
 * under a key, for a URL, under a URL prefix, or with a tag.
 *
 * @module
 */

/** The options of `purge`. */
export interface PurgeOptions extends StoreOptions, JsonOptions {
  /** Purge every entry whose URL starts with this. */
  readonly prefix?: string;
  /** Purge every entry stored with this tag (`Cache-Tag`, `Surrogate-Key`). */
  readonly tag?: string;
}

/** The `purge` command. */
export function purgeCommand(io: Io, done: (code: number) => void): Command {
  return new Command('purge')
    .description(
      'delete every variant stored under a cache key, every entry for a URL, ' +
        'every entry under a URL prefix (--prefix) or with a tag (--tag)',
    )
    .argument('[key-or-url]', 'a cache key (as `ls --json` shows it) or a URL')
    .addOption(
      new Option('--prefix <url>', 'purge every entry whose URL starts with this').conflicts([
        'tag',
      ]),
    )
    .addOption(new Option('--tag <tag>', 'purge every entry stored with this tag'))
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (target: string | undefined, options: PurgeOptions) =>
      done(await purge(target, options, io)),
    );
}

/** Deletes what `target` or the options name and says how many entries went; the exit code. */
export async function purge(
  target: string | undefined,
  options: PurgeOptions,
  io: Io,
): Promise<number> {
  const selector = selectorOf(target, options);
  const purged = await withStorage(options.store, (storage) => purgeTarget(storage, selector));
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify({ purged })}\n`);
    return 0;
  }
  const what = selector.type === 'key-or-url' ? selector.target : describe(selector.target);
  const colors = colorsFor(io.stdout, io.env);
  io.stdout.write(
    purged === 0
      ? colors.dim(`nothing stored for ${what}\n`)
      : `purged ${purged} ${purged === 1 ? 'entry' : 'entries'} for ${what}\n`,
  );
  return 0;
}

type Selector =
  | { readonly type: 'key-or-url'; readonly target: string }
  | { readonly type: 'invalidation'; readonly target: InvalidationTarget };

/** What the command line names: exactly one of a key or URL, `--prefix` and `--tag`. */
function selectorOf(target: string | undefined, options: PurgeOptions): Selector {
  const given = [target, options.prefix, options.tag].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new CliError(
      given === 0
        ? 'purge needs a key or URL, --prefix URL or --tag TAG'
        : 'purge takes one of a key or URL, --prefix and --tag',
      ExitCode.usage,
    );
  }
  if (target !== undefined) return { type: 'key-or-url', target };
  const invalidation =
    options.prefix !== undefined ? { prefix: options.prefix } : { tag: options.tag ?? '' };
  try {
    parseTarget(invalidation);
  } catch (error) {
    // A prefix that is no URL, an empty tag: a bad command line.
    if (isHttpCacheError(error)) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
  return { type: 'invalidation', target: invalidation };
}

function describe(target: InvalidationTarget): string {
  return typeof target === 'object' && 'tag' in target
    ? `tag ${target.tag}`
    : `prefix ${(target as { prefix: string }).prefix}`;
}

function purgeTarget(storage: Storage, selector: Selector): Promise<number> {
  return selector.type === 'key-or-url'
    ? purgeKeyOrUrl(storage, selector.target)
    : invalidate(storage, selector.target);
}

/** A key's variants when `target` is a key that has any, else every entry of the URL. */
async function purgeKeyOrUrl(storage: Storage, target: string): Promise<number> {
  const variants = await storage.get(target);
  if (variants.length > 0) {
    await storage.delete(target);
    return variants.length;
  }
  const url = absoluteUrl(target);
  return url === undefined ? 0 : storage.deleteUrl(url);
}
