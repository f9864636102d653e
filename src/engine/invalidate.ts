import { normalizeUrl } from '../core/key.ts';
import { MAX_TAG_LENGTH } from '../core/tags.ts';
import { InvalidationError } from '../errors.ts';
import { deletePrefixByListing, deleteTagByListing } from '../storage/by-listing.ts';
import type { Storage } from '../storage/types.ts';

/**
 * `invalidate()`: deleting stored entries by URL, prefix or tag.
 *
 * @module
 */

/**
 * What {@link HttpCache.invalidate} deletes: every entry for a URL (a string, a `URL`, or a
 * `Request`, whatever its method and variant), every entry whose URL starts with a prefix, or
 * every entry stored with a tag (from `Cache-Tag` or `Surrogate-Key`).
 *
 * @example
 * ```ts
 * await cache.invalidate('https://example.com/products/1');
 * await cache.invalidate({ prefix: 'https://example.com/products/' });
 * await cache.invalidate({ tag: 'product-1' });
 * ```
 */
export type InvalidationTarget =
  | string
  | URL
  | Request
  | { readonly prefix: string }
  | { readonly tag: string };

/** A target checked and normalised: what to ask storage for. */
type Purge =
  | { readonly type: 'url'; readonly url: string }
  | { readonly type: 'prefix'; readonly prefix: string }
  | { readonly type: 'tag'; readonly tag: string };

/** Deletes what `target` names from `storage`; returns how many entries went. */
export async function invalidate(storage: Storage, target: InvalidationTarget): Promise<number> {
  const purge = parseTarget(target);
  switch (purge.type) {
    case 'url':
      return storage.deleteUrl(purge.url);
    case 'prefix':
      return storage.deletePrefix === undefined
        ? deletePrefixByListing(storage, purge.prefix)
        : storage.deletePrefix(purge.prefix);
    case 'tag':
      return storage.deleteTag === undefined
        ? deleteTagByListing(storage, purge.tag)
        : storage.deleteTag(purge.tag);
  }
}

/**
 * Checks a target and normalises its URL or prefix as the cache normalises the URLs it stores,
 * so that `new URL(…)`, its string and a `Request` for it name the same entries.
 */
export function parseTarget(target: InvalidationTarget): Purge {
  if (typeof target === 'string') return { type: 'url', url: absoluteUrl(target, 'URL') };
  if (target instanceof URL) return { type: 'url', url: absoluteUrl(target.href, 'URL') };
  if (typeof Request === 'function' && target instanceof Request) {
    return { type: 'url', url: absoluteUrl(target.url, 'Request URL') };
  }
  if (typeof target !== 'object' || target === null) {
    throw new InvalidationError(
      `expected a URL, a Request, { prefix } or { tag }, got ${kindOf(target)}`,
    );
  }
  const members = Object.keys(target);
  if (members.length === 1 && 'prefix' in target) {
    if (typeof target.prefix !== 'string') {
      throw new InvalidationError(`\`prefix\` must be a string, got ${kindOf(target.prefix)}`);
    }
    return { type: 'prefix', prefix: absoluteUrl(target.prefix, 'prefix') };
  }
  if (members.length === 1 && 'tag' in target) {
    const { tag } = target;
    if (typeof tag !== 'string' || tag.trim() === '' || tag.trim().length > MAX_TAG_LENGTH) {
      throw new InvalidationError(
        `\`tag\` must be a non-empty string of at most ${MAX_TAG_LENGTH} characters`,
      );
    }
    return { type: 'tag', tag: tag.trim() };
  }
  throw new InvalidationError(
    `expected an object with one member, \`prefix\` or \`tag\`, got { ${members.join(', ')} }`,
  );
}

/** `url` normalised; it must be an absolute http(s) URL. */
function absoluteUrl(url: string, what: string): string {
  let normalized: string;
  try {
    normalized = normalizeUrl(url);
  } catch {
    throw new InvalidationError(`the ${what} must be an absolute http(s) URL, got "${url}"`);
  }
  if (!/^https?:/.test(normalized)) {
    throw new InvalidationError(`the ${what} must be an http(s) URL, got "${url}"`);
  }
  return normalized;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
