import { StorageError } from '../../errors.ts';
import { encodeMeta } from '../codec.ts';
import { applyPatch } from '../patch.ts';
import type { EntryPatch, EntryRef } from '../types.ts';
import type { RedisContext } from './context.ts';
import { decodeEntry } from './entries.ts';
import { UPDATE } from './scripts.ts';

/**
 * Updating an entry's metadata: read it, patch it here, and write it back with a script that
 * writes only over the metadata read (compare and set), starting again from a fresh read when
 * another writer came first. Each write is atomic on the key's slot; no update undoes another.
 *
 * @module
 */

/** How many times an update reads and writes again after another writer came first. */
const ATTEMPTS = 8;

/**
 * Applies `patch` to the stored entry `entry` names; `false` when it is gone or replaced.
 * `ttl` turns a `deleteAt` into the Redis expiry from now.
 */
export async function updateEntry(
  ctx: RedisContext,
  entry: EntryRef,
  patch: EntryPatch,
  ttl: (deleteAt: number) => number,
): Promise<boolean> {
  const { keys, client, send, script, grace } = ctx;
  const hash = keys.hash(entry.key);
  const name = keys.entry(hash, entry.id);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const fields = await send('update', () => client.call('hmget', name, 'meta', 'hits', 'size'));
    if (!Array.isArray(fields) || typeof fields[0] !== 'string') return false;
    const stored = fields[0];
    let current: ReturnType<typeof decodeEntry>;
    try {
      current = decodeEntry(keys, entry.key, hash, entry.id, fields);
    } catch (problem) {
      await ctx.discard(hash, entry.id, entry.key, 'update', problem);
      return false;
    }
    if (current.variant !== entry.variant) return false;
    const next = applyPatch(current, patch);
    const meta = JSON.stringify(encodeMeta(next));
    const args = [entry.id, meta, ttl(next.deleteAt), grace, next.deleteAt, stored];
    const result = await script('update', UPDATE, [keys.variants(hash)], args);
    if (result !== -1) return result === 1;
  }
  throw new StorageError('update', `entry ${entry.id} of ${entry.key} kept changing under it`);
}
