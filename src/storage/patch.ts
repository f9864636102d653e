import type { EntryMeta, EntryPatch } from './types.ts';

/**
 * Applying an {@link EntryPatch}: the one place that says which fields an update changes, for
 * every backend's read-modify-write.
 *
 * @module
 */

/**
 * `current` with the fields `patch` sets replaced. Only the patchable fields are read, whatever
 * else the object handed in holds, so what storage owns (`id`, `key`, `variant`, `size`, `hits`)
 * stays as stored.
 */
export function applyPatch(current: EntryMeta, patch: EntryPatch): EntryMeta {
  return {
    ...current,
    headers: patch.headers ?? current.headers,
    requestTime: patch.requestTime ?? current.requestTime,
    responseTime: patch.responseTime ?? current.responseTime,
    staleAt: patch.staleAt ?? current.staleAt,
    deleteAt: patch.deleteAt ?? current.deleteAt,
    ...(patch.maxAge === undefined ? {} : { maxAge: patch.maxAge }),
  };
}
