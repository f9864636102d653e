import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { CodecError, StorageError } from '../../errors.ts';
import { transaction } from './rows.ts';

/**
 * The schema of {@link SqliteStorage}'s database and its migrations:
 *
 * - `entries`: one row per entry: its key, variant and URL (indexed), the metadata as versioned
 *   JSON (`codec.ts`), and the columns storage owns: size, hits, last access, delete-at and cost
 *   (body plus metadata bytes). `totals` keeps the counts up to date through triggers, so the cap
 *   is checked without scanning.
 * - `chunks`: bodies of more than one chunk in rows of {@link CHUNK_SIZE} bytes keyed by entry id
 *   and sequence number, so bodies stream in and out. Deleting an entry deletes its chunks (a
 *   trigger), unless a reader is streaming them.
 * - `writes`: writes of more than one chunk in progress. A write reserves an id there, inserts its
 *   chunks under it, and only then, in one transaction, inserts the entry row and deletes the
 *   variant it replaces. A crash mid-write leaves chunks no entry names: swept when the storage
 *   opens and by `prune()` once the writer's process is gone.
 * - `readers` (version 2): bodies being streamed (those of more than one chunk). The chunks of a
 *   deleted or replaced entry with a reader stay; the last reader to finish deletes them. A
 *   reader that crashed is swept like a write, and the chunks it held with it.
 * - `tags` (version 3): one row per tag of an entry, keyed by tag, so that purging a tag reads
 *   only its own rows. Deleting an entry deletes its tags (a trigger).
 * - `bodies` (version 4): a body of one chunk, keyed by its entry id, written in the transaction
 *   that inserts the entry: a store of a small body writes no `writes` or `chunks` rows (fewer
 *   pages to the file), and a hit reads it in one lookup. Entry ids come from a counter in
 *   `totals` (`last_id`), which `writes` reservations take theirs from too, so an id is never
 *   reused. Bodies stored before version 4 stay in `chunks`, where reads still find them.
 *
 * The schema version is `PRAGMA user_version`; older versions are migrated when the storage
 * opens, and a newer one (written by a newer httpcache) makes the constructor throw a
 * {@link CodecError}: the file is left untouched for the version that wrote it.
 *
 * @module
 */

/** Bytes of body per row of the `chunks` table (part of schema version 1). */
export const CHUNK_SIZE = 256 * 1024;

/** The schema version this code reads and writes, kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 4;

/** `PRAGMA application_id` of httpcache databases ("htcp"), so a foreign database is refused. */
const APPLICATION_ID = 0x68_74_63_70;

/** Migrations by the version they start from: `MIGRATIONS[v]` takes a database from v to v + 1. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE entries (
     id INTEGER PRIMARY KEY,
     key TEXT NOT NULL,
     variant TEXT NOT NULL,
     url TEXT NOT NULL,
     meta TEXT NOT NULL,
     size INTEGER NOT NULL,
     cost INTEGER NOT NULL,
     hits INTEGER NOT NULL DEFAULT 0,
     last_access REAL NOT NULL,
     delete_at REAL NOT NULL
   );
   CREATE UNIQUE INDEX entries_by_variant ON entries (key, variant);
   CREATE INDEX entries_by_url ON entries (url);
   CREATE INDEX entries_by_delete_at ON entries (delete_at);
   CREATE INDEX entries_by_last_access ON entries (last_access, id);
   CREATE TABLE chunks (
     entry_id INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (entry_id, seq)
   );
   CREATE TABLE writes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     pid INTEGER NOT NULL,
     started_at REAL NOT NULL
   );
   CREATE TABLE totals (
     id INTEGER PRIMARY KEY CHECK (id = 0),
     entries INTEGER NOT NULL,
     bytes INTEGER NOT NULL
   );
   INSERT INTO totals (id, entries, bytes) VALUES (0, 0, 0);
   CREATE TRIGGER entries_inserted AFTER INSERT ON entries BEGIN
     UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.cost WHERE id = 0;
   END;
   CREATE TRIGGER entries_deleted AFTER DELETE ON entries BEGIN
     UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.cost WHERE id = 0;
     DELETE FROM chunks WHERE entry_id = OLD.id;
   END;
   CREATE TRIGGER entries_resized AFTER UPDATE OF cost ON entries BEGIN
     UPDATE totals SET bytes = bytes - OLD.cost + NEW.cost WHERE id = 0;
   END;
   PRAGMA application_id = ${APPLICATION_ID};`,
  // Version 2: readers. The chunks of a deleted entry stay while a reader streams them.
  `CREATE TABLE readers (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     entry_id INTEGER NOT NULL,
     pid INTEGER NOT NULL,
     started_at REAL NOT NULL
   );
   CREATE INDEX readers_by_entry ON readers (entry_id);
   DROP TRIGGER entries_deleted;
   CREATE TRIGGER entries_deleted AFTER DELETE ON entries BEGIN
     UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.cost WHERE id = 0;
     DELETE FROM chunks WHERE entry_id = OLD.id
       AND NOT EXISTS (SELECT 1 FROM readers WHERE entry_id = OLD.id);
   END;`,
  // Version 3: the tag index. Entries stored before it have no tags.
  `CREATE TABLE tags (
     tag TEXT NOT NULL,
     entry_id INTEGER NOT NULL,
     PRIMARY KEY (tag, entry_id)
   ) WITHOUT ROWID;
   CREATE INDEX tags_by_entry ON tags (entry_id);
   CREATE TRIGGER entries_untagged AFTER DELETE ON entries BEGIN
     DELETE FROM tags WHERE entry_id = OLD.id;
   END;`,
  // Version 4: bodies of one chunk beside their entry, ids from a counter past every id in use,
  // and the totals left alone by an update that keeps the entry's cost.
  `CREATE TABLE bodies (
     entry_id INTEGER PRIMARY KEY,
     data BLOB NOT NULL
   );
   ALTER TABLE totals ADD COLUMN last_id INTEGER NOT NULL DEFAULT 0;
   UPDATE totals SET last_id = max(
     coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'writes'), 0),
     coalesce((SELECT max(id) FROM writes), 0),
     coalesce((SELECT max(id) FROM entries), 0),
     coalesce((SELECT max(entry_id) FROM chunks), 0),
     coalesce((SELECT max(entry_id) FROM readers), 0)
   ) WHERE id = 0;
   CREATE TRIGGER entries_unbodied AFTER DELETE ON entries BEGIN
     DELETE FROM bodies WHERE entry_id = OLD.id;
   END;
   DROP TRIGGER entries_resized;
   CREATE TRIGGER entries_resized AFTER UPDATE OF cost ON entries WHEN OLD.cost <> NEW.cost BEGIN
     UPDATE totals SET bytes = bytes - OLD.cost + NEW.cost WHERE id = 0;
   END;`,
];

/** Opens the file in WAL mode with a busy timeout, and brings its schema to {@link SCHEMA_VERSION}. */
export function openDatabase(path: string, busyTimeout: number): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: busyTimeout });
  try {
    if (pragma(db, 'journal_mode') !== 'wal' && path !== ':memory:') {
      db.exec('PRAGMA journal_mode = WAL');
    }
    // WAL's NORMAL is durable against crashes of the process; a power loss may lose the writes
    // since the last checkpoint, which is when the WAL is synced. A checkpoint every 10000 pages
    // (40 MiB of WAL) instead of SQLite's 1000: each one copies the pages changed since the last
    // and syncs twice, and a page written by many stores (the totals row, index pages) is copied
    // once per checkpoint; on a busy cache, that made the commit a store pays for half as costly.
    db.exec(
      'PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000; PRAGMA journal_size_limit = 67108864',
    );
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs the migrations from the file's version to {@link SCHEMA_VERSION}, under the write lock. */
function migrate(db: DatabaseSync, path: string): void {
  if (schemaVersion(db, path) === SCHEMA_VERSION) return;
  transaction(db, () => {
    // Read again under the lock: another process may have migrated meanwhile.
    for (let version = schemaVersion(db, path); version < SCHEMA_VERSION; version++) {
      const migration = MIGRATIONS[version];
      if (migration === undefined) throw new RangeError(`no migration from version ${version}`);
      db.exec(migration);
    }
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

/** The file's schema version, checking it is an httpcache database this version can read. */
function schemaVersion(db: DatabaseSync, path: string): number {
  const version = Number(pragma(db, 'user_version'));
  const application = Number(pragma(db, 'application_id'));
  const fresh = application === 0 && version === 0 && !hasTables(db);
  if (application !== APPLICATION_ID && !fresh) {
    throw new StorageError('open', `${path} is a SQLite database of another application`);
  }
  if (version > SCHEMA_VERSION) {
    throw new CodecError(
      `SQLite cache ${path} has schema version ${version}; this httpcache reads version ${SCHEMA_VERSION}. ` +
        'It was written by a newer httpcache: use another `path`, or delete the file to start afresh.',
    );
  }
  return version;
}

function pragma(db: DatabaseSync, name: string): SQLOutputValue | undefined {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return row?.[name];
}

function hasTables(db: DatabaseSync): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").get() !== undefined;
}
