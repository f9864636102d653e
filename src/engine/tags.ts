import { DEFAULT_TAG_HEADERS, tagsOf } from '../core/tags.ts';
import { OptionsError } from '../errors.ts';
import { bool } from './option-checks.ts';

/**
 * The cache's side of tags: reading them from a response to store with its entry, and hiding
 * the fields they came in from what a shared cache serves.
 *
 * @module
 */

/** The tag options, resolved. */
export interface TagOptions {
  /** The lower-case names of the fields tags are read from; empty: tags are off. */
  readonly fields: ReadonlySet<string>;
  /** Whether those fields are left out of stored entries and served responses. */
  readonly strip: boolean;
}

/** Checks the `tagHeaders` and `stripTagHeaders` options and applies their defaults. */
export function resolveTagOptions(
  tagHeaders: readonly string[] | false | undefined,
  stripTagHeaders: boolean | undefined,
  shared: boolean,
): TagOptions {
  const names = tagHeaders === false ? [] : (tagHeaders ?? DEFAULT_TAG_HEADERS);
  if (!Array.isArray(names)) throw new OptionsError('tagHeaders', 'must be an array or false');
  for (const name of names) {
    if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new OptionsError('tagHeaders', `has an invalid field name: ${String(name)}`);
    }
  }
  const strip = bool('stripTagHeaders', stripTagHeaders, shared);
  const fields = new Set(names.map((name) => name.toLowerCase()));
  return { fields, strip: fields.size > 0 && strip };
}

/**
 * `entry` with the tags its headers carry, and without the fields they came in when they are
 * stripped (its tags are kept with it, so it is purged by tag all the same).
 */
export function withTags<T extends { readonly headers: readonly (readonly [string, string])[] }>(
  entry: T,
  options: TagOptions,
): T & { readonly tags?: readonly string[] } {
  if (options.fields.size === 0) return entry;
  const tags = tagsOf(entry.headers, options.fields);
  if (tags.length === 0) return entry;
  const headers = options.strip
    ? entry.headers.filter(([name]) => !options.fields.has(name.toLowerCase()))
    : entry.headers;
  return { ...entry, headers, tags };
}

/** Removes the tag fields from a response the cache returns, when they are stripped. */
export function stripTags(response: Response, options: TagOptions): Response {
  if (!options.strip) return response;
  for (const name of options.fields) {
    if (!response.headers.has(name)) continue;
    try {
      response.headers.delete(name);
    } catch {
      // An origin response passed on untouched (its headers immutable): nothing the cache made.
      return response;
    }
  }
  return response;
}
