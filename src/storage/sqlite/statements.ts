import type { DatabaseSync } from 'node:sqlite';

/**
 * Every SQL statement of {@link SqliteStorage}, prepared once per storage.
 *
 * @module
 */

/** Every statement, prepared once per storage. */
export function prepare(db: DatabaseSync) {
  const sql = (text: string) => db.prepare(text);
  const unread = `FROM chunks WHERE entry_id = ? AND NOT EXISTS (SELECT 1 FROM entries WHERE id = ?)
     AND NOT EXISTS (SELECT 1 FROM readers WHERE entry_id = ?)`;
  const orphans =
    'FROM chunks WHERE entry_id NOT IN (SELECT id FROM entries) AND entry_id NOT IN (SELECT id FROM writes)' +
    ' AND entry_id NOT IN (SELECT entry_id FROM readers)';
  return {
    get: sql('SELECT id, key, meta, size, hits FROM entries WHERE key = ? AND delete_at > ?'),
    list: sql(
      'SELECT id, key, meta, size, hits FROM entries WHERE id > ? AND delete_at > ? ORDER BY id LIMIT ?',
    ),
    entrySize: sql('SELECT size FROM entries WHERE id = ?'),
    chunk: sql('SELECT data FROM chunks WHERE entry_id = ? AND seq = ?'),
    chunkTotals: sql(
      'SELECT count(*) AS n, max(seq) AS last, total(length(data)) AS bytes FROM chunks WHERE entry_id = ?',
    ),
    nextId: sql('UPDATE totals SET last_id = last_id + 1 WHERE id = 0 RETURNING last_id AS id'),
    reserve: sql('INSERT INTO writes (id, pid, started_at) VALUES (?, ?, ?)'),
    insertBody: sql('INSERT INTO bodies (entry_id, data) VALUES (?, ?)'),
    body: sql('SELECT data FROM bodies WHERE entry_id = ?'),
    insertChunk: sql('INSERT INTO chunks (entry_id, seq, data) VALUES (?, ?, ?)'),
    endWrite: sql('DELETE FROM writes WHERE id = ?'),
    writes: sql('SELECT id, pid, started_at FROM writes'),
    addReader: sql('INSERT INTO readers (entry_id, pid, started_at) VALUES (?, ?, ?) RETURNING id'),
    endReader: sql('DELETE FROM readers WHERE id = ? RETURNING entry_id'),
    readers: sql('SELECT id, pid, started_at FROM readers'),
    unreadBytes: sql(`SELECT total(length(data)) AS bytes ${unread}`),
    dropUnread: sql(`DELETE ${unread}`),
    deleteChunks: sql('DELETE FROM chunks WHERE entry_id = ?'),
    deleteVariant: sql('DELETE FROM entries WHERE key = ? AND variant = ?'),
    // A key's variants beyond the first N by last use, deleted.
    deleteOldVariants: sql(
      `DELETE FROM entries WHERE id IN (SELECT id FROM entries WHERE key = ?
         ORDER BY last_access DESC, id DESC LIMIT -1 OFFSET ?) RETURNING key, url`,
    ),
    insertEntry: sql(
      `INSERT INTO entries (id, key, variant, url, meta, size, cost, last_access, delete_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    entry: sql(
      'SELECT id, key, meta, size, hits FROM entries WHERE id = ? AND key = ? AND variant = ?',
    ),
    update: sql('UPDATE entries SET meta = ?, delete_at = ?, cost = size + ? WHERE id = ?'),
    touch: sql(
      'UPDATE entries SET hits = hits + ?, last_access = MAX(last_access, ?) WHERE id = ?',
    ),
    deleteId: sql('DELETE FROM entries WHERE id = ?'),
    deleteKey: sql('DELETE FROM entries WHERE key = ?'),
    deleteUrl: sql('DELETE FROM entries WHERE url = ?'),
    insertTag: sql('INSERT OR IGNORE INTO tags (tag, entry_id) VALUES (?, ?)'),
    deleteTag: sql('DELETE FROM entries WHERE id IN (SELECT entry_id FROM tags WHERE tag = ?)'),
    // URLs are ASCII (WHATWG URL serialisation): the range finds them through entries_by_url.
    deletePrefix: sql(
      'DELETE FROM entries WHERE url >= ?1 AND url < ?1 || char(1114111) AND substr(url, 1, length(?1)) = ?1',
    ),
    expired: sql(
      'SELECT count(*) AS entries, total(cost) AS bytes FROM entries WHERE delete_at <= ?',
    ),
    deleteExpired: sql('DELETE FROM entries WHERE delete_at <= ?'),
    leastRecent: sql('SELECT id, key, url, cost FROM entries ORDER BY last_access, id LIMIT ?'),
    orphanBytes: sql(`SELECT total(length(data)) AS bytes ${orphans}`),
    deleteOrphans: sql(`DELETE ${orphans}`),
    totals: sql('SELECT entries, bytes FROM totals WHERE id = 0'),
    clear: sql('DELETE FROM entries'),
    resetTotals: sql('UPDATE totals SET entries = 0, bytes = 0 WHERE id = 0'),
  };
}

export type Statements = ReturnType<typeof prepare>;
