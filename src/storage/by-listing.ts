import type { Storage } from './types.ts';

/**
 * Deleting by prefix or tag by going through every entry: what a storage without an index for it
 * does, and what the cache does for a storage without `deletePrefix` or `deleteTag`.
 *
 * @module
 */

/** Deletes every entry whose URL starts with `prefix`, one URL at a time; returns how many. */
export async function deletePrefixByListing(
  storage: Pick<Storage, 'list' | 'deleteUrl'>,
  prefix: string,
): Promise<number> {
  const urls = new Set<string>();
  for await (const entry of storage.list()) {
    if (entry.url.startsWith(prefix)) urls.add(entry.url);
  }
  let deleted = 0;
  for (const url of urls) deleted += await storage.deleteUrl(url);
  return deleted;
}

/**
 * Deletes every key that has an entry with `tag`, with all its variants (a storage without
 * `deleteTag` can delete no single variant); returns how many entries went.
 */
export async function deleteTagByListing(
  storage: Pick<Storage, 'list' | 'get' | 'delete'>,
  tag: string,
): Promise<number> {
  const keys = new Set<string>();
  for await (const entry of storage.list()) {
    if (entry.tags?.includes(tag) === true) keys.add(entry.key);
  }
  let deleted = 0;
  for (const key of keys) {
    deleted += (await storage.get(key)).length;
    await storage.delete(key);
  }
  return deleted;
}
