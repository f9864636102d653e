import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CodecError,
  cacheStatus,
  createFetch,
  OptionsError,
  StorageError,
} from '../../src/index.ts';
import { encodeMeta } from '../../src/storage/codec.ts';
import {
  CHUNK_SIZE,
  defaultSqlitePath,
  MIGRATIONS,
  SCHEMA_VERSION,
  SqliteStorage,
} from '../../src/storage/sqlite.ts';
import type { EntryToStore, StoredBody } from '../../src/storage/types.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { storageContract } from './contract.ts';
import { missHitRevalidate, storeEvent } from './fetch-e2e.ts';

const directory = mkdtempSync(join(tmpdir(), 'httpcache-sqlite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

storageContract(
  'SqliteStorage',
  ({ clock, maxBytes, location }) =>
    new SqliteStorage({
      path: join(directory, `${location}.sqlite`),
      clock,
      ...(maxBytes === undefined ? {} : { maxBytes }),
    }),
  { persistent: true, maxBytes: true, invalidation: true },
);

storageContract(
  "SqliteStorage (':memory:')",
  ({ clock, maxBytes }) =>
    new SqliteStorage({ path: ':memory:', clock, ...(maxBytes === undefined ? {} : { maxBytes }) }),
  { maxBytes: true, invalidation: true },
);

type Bytes = Uint8Array<ArrayBuffer>;

let files = 0;
const storages: SqliteStorage[] = [];
const raws: DatabaseSync[] = [];

/** A fresh database file for one test. */
function newPath(): string {
  return join(directory, `test-${++files}.sqlite`);
}

function open(path: string, clock?: () => number): SqliteStorage {
  const storage = new SqliteStorage(clock === undefined ? { path } : { path, clock });
  storages.push(storage);
  return storage;
}

/** A second connection to the file, to look at or damage it behind the storage's back. */
function raw(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: 5000 });
  raws.push(db);
  return db;
}

function count(db: DatabaseSync, table: string): number {
  return Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n);
}

afterEach(async () => {
  for (const db of raws.splice(0)) if (db.isOpen) db.close();
  await Promise.allSettled(storages.splice(0).map((s) => s.close()));
});

describe('SqliteStorage: bodies in chunks', () => {
  it('returns a body of one chunk whole, and a larger one as a stream of chunks', async () => {
    const storage = open(newPath());
    const small = await storage.put(entry('small'), streamOf(new Uint8Array(1024).fill(1)));
    const exact = await storage.put(entry('exact'), streamOf(new Uint8Array(CHUNK_SIZE).fill(2)));
    const large = await storage.put(entry('large'), streamOf(new Uint8Array(3 * CHUNK_SIZE + 1)));
    expect(await storage.body(small)).toBeInstanceOf(Uint8Array);
    expect(await storage.body(exact)).toBeInstanceOf(Uint8Array);
    const body = await storage.body(large);
    expect(body).toBeInstanceOf(ReadableStream);
    const sizes: number[] = [];
    const reader = (body as ReadableStream<Bytes>).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) sizes.push(r.value.length);
    expect(sizes).toEqual([CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 1]);
  });

  it('writes a body of one chunk beside its entry, with no reservation or chunk', async () => {
    const path = newPath();
    const storage = open(path);
    const db = raw(path);
    const stored = storage.putBytesSync(entry('k'), new Uint8Array(CHUNK_SIZE).fill(3));
    expect([count(db, 'bodies'), count(db, 'chunks'), count(db, 'sqlite_sequence')]).toEqual([
      1, 0, 0,
    ]);
    expect(storage.bodySync(stored)).toEqual(new Uint8Array(CHUNK_SIZE).fill(3));
    const replaced = await storage.put(entry('k'), streamOf(new Uint8Array(5)));
    expect(Number(replaced.id)).toBeGreaterThan(Number(stored.id));
    expect(count(db, 'bodies')).toBe(1);
  });

  it('keeps the chunks of an unfinished write out of sight, and drops them when it fails', async () => {
    const path = newPath();
    const storage = open(path);
    const db = raw(path);
    let controller!: ReadableStreamDefaultController<Bytes>;
    const put = storage.put(
      entry('k'),
      new ReadableStream<Bytes>({
        start(c) {
          controller = c;
        },
      }),
    );
    controller.enqueue(new Uint8Array(2 * CHUNK_SIZE + 10));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(count(db, 'chunks')).toBe(2);
    expect(await storage.get('k')).toEqual([]);
    expect(count(db, 'entries')).toBe(0);
    controller.error(new Error('cut'));
    await expect(put).rejects.toThrow('cut');
    expect(count(db, 'chunks')).toBe(0);
    expect(count(db, 'writes')).toBe(0);
  });
});

describe('SqliteStorage: eviction in batches', () => {
  const cap = 320 * 1024;
  const slack = cap / 32;

  function full(): { storage: SqliteStorage; evicted: string[] } {
    const storage = new SqliteStorage({ path: newPath(), maxBytes: cap });
    storages.push(storage);
    const evicted: string[] = [];
    storage.setEvictionListener((key) => evicted.push(key));
    return { storage, evicted };
  }

  it('a store into a full database evicts a few of the least recent, so the next ones evict none', async () => {
    const { storage, evicted } = full();
    let n = 0;
    while (evicted.length === 0) {
      await storage.put(entry(`k${n++}`), streamOf(new Uint8Array(1024)));
    }
    const batch = evicted.length;
    expect(batch).toBeGreaterThan(1);
    expect(evicted).toEqual(Array.from({ length: batch }, (_, i) => `k${i}`));
    expect((await storage.stats()).bytes).toBeLessThanOrEqual(cap - slack);
    await storage.put(entry(`k${n++}`), streamOf(new Uint8Array(1024)));
    storage.putBytesSync(entry(`k${n++}`), new Uint8Array(1024));
    expect(evicted).toHaveLength(batch);
    expect(await storage.get(`k${batch}`)).toHaveLength(1);
  });

  it('never evicts an entry larger than the slack to make the slack', async () => {
    const { storage, evicted } = full();
    for (let i = 0; i < 10; i++) storage.putBytesSync(entry(`small${i}`), new Uint8Array(1024));
    const large = storage.putBytesSync(entry('large'), new Uint8Array(cap - 8 * 1024));
    expect(evicted).toHaveLength(10);
    expect(await storage.get('large')).toEqual([large]);
    expect(await storage.stats()).toEqual({ entries: 1, bytes: expect.any(Number) });
    expect((await storage.stats()).bytes).toBeGreaterThan(cap - slack);
  });
});

describe('SqliteStorage: metadata decoded once per entry', () => {
  it('still sees an update made through another connection, and a corruption', async () => {
    const path = newPath();
    const [storage, other] = [open(path), open(path)];
    const reported: unknown[] = [];
    storage.setReporter((_, error) => reported.push(error));
    const stored = await storage.put(entry('k'), streamOf(new Uint8Array(10)));
    expect(await storage.get('k')).toEqual([stored]);
    const updated = { ...stored, headers: [['etag', '"2"']] as [string, string][] };
    expect(await other.update(stored, { headers: updated.headers })).toBe(true);
    expect(await storage.get('k')).toEqual([updated]);
    raw(path).prepare("UPDATE entries SET meta = 'not json {'").run();
    expect(await storage.get('k')).toEqual([]);
    expect(reported).toHaveLength(1);
  });
});

describe('SqliteStorage: corrupted data is a miss, removed and reported', () => {
  it.each([
    ['garbage', 'not json {'],
    ['an unknown format version', JSON.stringify({ v: 99 })],
    ['a field of the wrong type', null],
  ])('metadata that is %s', async (_, garbage) => {
    const path = newPath();
    const storage = open(path);
    const reported: [string, unknown, string | undefined][] = [];
    storage.setReporter((...args) => reported.push(args));
    const stored = await storage.put(entry('k'), streamOf(new Uint8Array(CHUNK_SIZE * 2)));
    const kept = await storage.put(entry('kept'), streamOf(new Uint8Array(10)));
    const db = raw(path);
    if (garbage === null) {
      db.prepare(
        "UPDATE entries SET meta = json_set(meta, '$.status', 'OK') WHERE key = 'k'",
      ).run();
    } else {
      db.prepare("UPDATE entries SET meta = ? WHERE key = 'k'").run(garbage);
    }
    expect(await storage.get('k')).toEqual([]);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.[0]).toBe('get');
    expect(reported[0]?.[1]).toBeInstanceOf(CodecError);
    expect(reported[0]?.[2]).toBe('k');
    expect(count(db, 'entries')).toBe(1);
    expect(count(db, 'chunks')).toBe(0);
    expect(count(db, 'bodies')).toBe(1);
    expect(await storage.body(stored)).toBeNull();
    expect(await storage.get('kept')).toEqual([kept]);
    expect(await storage.stats()).toMatchObject({ entries: 1 });
  });

  it('metadata of a wrong column type, found while listing', async () => {
    const path = newPath();
    const storage = open(path);
    const reported: string[] = [];
    storage.setReporter((operation) => reported.push(operation));
    await storage.put(entry('k'), streamOf(new Uint8Array(10)));
    raw(path).prepare("UPDATE entries SET meta = x'00ff'").run();
    const listed = [];
    for await (const meta of storage.list()) listed.push(meta);
    expect(listed).toEqual([]);
    expect(reported).toEqual(['list']);
    expect(await storage.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it.each([
    ['a small body cut short', 1000, "UPDATE bodies SET data = x'0102'"],
    ['a small body gone', 1000, 'DELETE FROM bodies'],
    ['a large body with a chunk missing', 3 * CHUNK_SIZE, 'DELETE FROM chunks WHERE seq = 1'],
    ['a body whose chunks are all gone', 3 * CHUNK_SIZE, 'DELETE FROM chunks'],
  ])('%s', async (_, size, damage) => {
    const path = newPath();
    const storage = open(path);
    const reported: [string, unknown, string | undefined][] = [];
    storage.setReporter((...args) => reported.push(args));
    const stored = await storage.put(entry('k'), streamOf(new Uint8Array(size)));
    const db = raw(path);
    db.exec(damage);
    expect(await storage.body(stored)).toBeNull();
    expect(reported.map(([operation, , key]) => [operation, key])).toEqual([['body', 'k']]);
    expect(String(reported[0]?.[1])).toContain(`of a ${size}-byte body`);
    expect(await storage.get('k')).toEqual([]);
    expect(count(db, 'entries') + count(db, 'chunks') + count(db, 'bodies')).toBe(0);
  });

  it('through the cache: a corrupted entry is an error event and a miss served by the origin', async () => {
    const origin = await startOrigin({
      '/c': { headers: { 'cache-control': 'max-age=600' }, body: 'fresh from the origin' },
    });
    try {
      const path = newPath();
      const cachedFetch = createFetch({ storage: open(path) });
      const stored = storeEvent(cachedFetch);
      await (await cachedFetch(`${origin.url}/c`)).text();
      await stored;
      raw(path).exec("UPDATE entries SET meta = 'garbage'");
      const errors: unknown[] = [];
      cachedFetch.cache.on('error', (event) => errors.push(event.error));
      const response = await cachedFetch(`${origin.url}/c`);
      expect(await response.text()).toBe('fresh from the origin');
      expect(cacheStatus(response)?.fromCache).toBe(false);
      expect(origin.count('/c')).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(CodecError);
    } finally {
      await origin.close();
    }
  });
});

describe('SqliteStorage: schema version', () => {
  it('creates the schema in a new file, with its version in user_version', () => {
    const path = newPath();
    open(path);
    const db = raw(path);
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    expect(db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
  });

  it('refuses a newer schema version with a CodecError, leaving the file untouched', async () => {
    const path = newPath();
    const storage = open(path);
    await storage.put(entry('k'), streamOf(new Uint8Array(10)));
    await storage.close();
    raw(path).exec('PRAGMA user_version = 99');
    const opening = () => new SqliteStorage({ path });
    expect(opening).toThrow(CodecError);
    expect(opening).toThrow(
      new RegExp(`schema version 99; this httpcache reads version ${SCHEMA_VERSION}`),
    );
    const db = raw(path);
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(99);
    expect(count(db, 'entries')).toBe(1);
  });

  it('migrates a version 1 database forward, keeping its entries', async () => {
    const path = newPath();
    const v1 = raw(path);
    v1.exec(`${MIGRATIONS[0]}; PRAGMA user_version = 1`);
    const stored = { ...entry('k'), id: '7', size: 1, hits: 0 };
    const json = JSON.stringify(encodeMeta(stored));
    v1.prepare(
      `INSERT INTO entries (id, key, variant, url, meta, size, cost, last_access, delete_at)
       VALUES (7, 'k', '', ?, ?, 1, 100, 0, ?)`,
    ).run(stored.url, json, stored.deleteAt);
    v1.prepare("INSERT INTO chunks (entry_id, seq, data) VALUES (7, 0, X'61')").run();
    v1.close();
    const storage = open(path);
    expect(await storage.get('k')).toEqual([stored]);
    expect(new TextDecoder().decode(await readAll(await storage.body(stored)))).toBe('a');
    const db = raw(path);
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    expect(count(db, 'readers')).toBe(0);
  });

  it('migrates a version 2 database to the tag index; its entries have no tags', async () => {
    const path = newPath();
    const v2 = raw(path);
    v2.exec(`${MIGRATIONS[0]}; ${MIGRATIONS[1]}; PRAGMA user_version = 2`);
    v2.close();
    const storage = open(path);
    const tagged = await storage.put({ ...entry('t'), tags: ['x'] }, streamOf(new Uint8Array(1)));
    expect(await storage.get('t')).toEqual([tagged]);
    const db = raw(path);
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    expect(count(db, 'tags')).toBe(1);
    expect(await storage.deleteTag('x')).toBe(1);
    expect(count(db, 'tags')).toBe(0);
  });

  it('migrates a version 3 database: bodies in chunks stay readable, new ids pass every id in use', async () => {
    const path = newPath();
    const v3 = raw(path);
    v3.exec(`${MIGRATIONS.slice(0, 3).join(';')}; PRAGMA user_version = 3`);
    const old = { ...entry('old'), id: '7', size: 1, hits: 0 };
    v3.prepare(
      `INSERT INTO entries (id, key, variant, url, meta, size, cost, last_access, delete_at)
       VALUES (7, 'old', '', ?, ?, 1, 100, 0, ?)`,
    ).run(old.url, JSON.stringify(encodeMeta(old)), old.deleteAt);
    v3.prepare("INSERT INTO chunks (entry_id, seq, data) VALUES (7, 0, X'61')").run();
    // A write in progress in another (live) process has reserved id 12.
    v3.prepare('INSERT INTO writes (id, pid, started_at) VALUES (12, ?, ?)').run(
      process.pid,
      Date.now(),
    );
    v3.close();
    const storage = open(path);
    expect(new TextDecoder().decode(await readAll(await storage.body(old)))).toBe('a');
    const small = await storage.put(entry('small'), streamOf(new Uint8Array([1, 2])));
    const large = await storage.put(entry('large'), streamOf(new Uint8Array(CHUNK_SIZE + 1)));
    expect([small.id, large.id]).toEqual(['13', '14']);
    expect(await readAll(await storage.body(small))).toEqual(new Uint8Array([1, 2]));
    const db = raw(path);
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    expect(count(db, 'bodies')).toBe(1);
    await storage.delete('small');
    expect(count(db, 'bodies')).toBe(0);
  });

  it('purges a tag and a prefix through indexes, never a scan of the entries', () => {
    const db = raw(newPath());
    db.exec(MIGRATIONS.join(';'));
    const plan = (sql: string) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all('x')
        .map((row) => String(row.detail))
        .join('; ');
    const tag = plan('DELETE FROM entries WHERE id IN (SELECT entry_id FROM tags WHERE tag = ?)');
    expect(tag).not.toMatch(/SCAN (entries|tags)/);
    const prefix = plan(
      'DELETE FROM entries WHERE url >= ?1 AND url < ?1 || char(1114111) AND substr(url, 1, length(?1)) = ?1',
    );
    expect(prefix).toMatch(/entries_by_url/);
  });

  it('refuses a database of another application, and a file that is no database', () => {
    const foreign = newPath();
    raw(foreign).exec('CREATE TABLE mine (x)');
    expect(() => new SqliteStorage({ path: foreign })).toThrow(StorageError);
    expect(() => new SqliteStorage({ path: foreign })).toThrow(/of another application/);
    const garbage = newPath();
    writeFileSync(
      garbage,
      'this is not a database, and it is long enough to have a header'.repeat(20),
    );
    const error = catching(() => new SqliteStorage({ path: garbage }));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).operation).toBe('open');
    expect((error as StorageError).cause).toBeDefined();
  });
});

describe('SqliteStorage: options and errors', () => {
  it('defaults to the user cache directory', () => {
    const home = '/home/someone';
    expect(defaultSqlitePath({ XDG_CACHE_HOME: '/xdg' }, 'linux', home)).toBe(
      '/xdg/httpcache/cache.sqlite',
    );
    expect(defaultSqlitePath({ XDG_CACHE_HOME: 'relative' }, 'linux', home)).toBe(
      '/home/someone/.cache/httpcache/cache.sqlite',
    );
    expect(defaultSqlitePath({}, 'darwin', home)).toBe(
      '/home/someone/.cache/httpcache/cache.sqlite',
    );
    expect(defaultSqlitePath({ LOCALAPPDATA: '/local' }, 'win32', home)).toBe(
      join('/local', 'httpcache', 'cache.sqlite'),
    );
  });

  it('opens its default path under XDG_CACHE_HOME, creating the directory', () => {
    const previous = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(directory, 'xdg');
    try {
      const storage = new SqliteStorage();
      storages.push(storage);
      expect(storage.path).toBe(join(directory, 'xdg', 'httpcache', 'cache.sqlite'));
    } finally {
      if (previous === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = previous;
    }
  });

  it('validates its options', () => {
    expect(() => new SqliteStorage({ path: ':memory:', maxBytes: 0 })).toThrow(OptionsError);
    expect(() => new SqliteStorage({ path: ':memory:', busyTimeout: -1 })).toThrow(/busyTimeout/);
    expect(() => new SqliteStorage({ path: '' })).toThrow(/`path`/);
  });

  it('surfaces failures as StorageError with the cause', async () => {
    const file = newPath();
    writeFileSync(file, '');
    const error = catching(() => new SqliteStorage({ path: join(file, 'below-a-file.sqlite') }));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).cause).toBeInstanceOf(Error);

    const path = newPath();
    const storage = open(path);
    raw(path).exec('DROP TABLE entries');
    const failure = await storage.get('k').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).operation).toBe('get');
    expect(String((failure as StorageError).cause)).toContain('no such table');
  });

  it('sweeps the chunks of writes whose process is gone when it opens', async () => {
    const path = newPath();
    open(path);
    const db = raw(path);
    const dead = await deadPid();
    db.prepare('INSERT INTO writes (id, pid, started_at) VALUES (1000, ?, ?)').run(
      dead,
      Date.now(),
    );
    db.prepare('INSERT INTO chunks (entry_id, seq, data) VALUES (1000, 0, ?)').run(
      new Uint8Array(100),
    );
    db.prepare('INSERT INTO writes (id, pid, started_at) VALUES (1001, ?, ?)').run(
      process.pid,
      Date.now(),
    );
    open(path);
    expect(db.prepare('SELECT id FROM writes').all()).toEqual([{ id: 1001 }]);
    expect(count(db, 'chunks')).toBe(0);
  });
});

describe('SqliteStorage with createFetch', () => {
  let origin: TestOrigin;
  beforeEach(async () => {
    origin = await startOrigin();
  });
  afterEach(async () => {
    await origin.close();
  });

  it('stores a miss, serves a hit without the origin, and freshens the entry on a 304', async () => {
    const clock = manualClock();
    const storage = open(newPath(), clock);
    const entry = await missHitRevalidate(origin, storage, clock, 'hello, sqlite');
    expect(entry?.hits).toBe(1);
  });
});

describe('SqliteStorage shared by several processes', () => {
  const fixture = fileURLToPath(new URL('./fixtures/sqlite-child.ts', import.meta.url));

  it('one process stores, another is served from the cache without the origin', async () => {
    const origin = await startOrigin({
      '/shared': {
        headers: { 'cache-control': 'max-age=600', 'content-type': 'text/plain' },
        body: 'stored by one process, served to another',
      },
    });
    try {
      const path = newPath();
      const first = JSON.parse((await child(['fetch', path, `${origin.url}/shared`])).stdout);
      expect(first).toMatchObject({ status: 200, errors: [] });
      expect(first.cacheStatus).toContain('stored');
      expect(origin.count('/shared')).toBe(1);
      const second = JSON.parse((await child(['fetch', path, `${origin.url}/shared`])).stdout);
      expect(second).toMatchObject({
        status: 200,
        body: 'stored by one process, served to another',
        errors: [],
      });
      expect(second.cacheStatus).toContain('hit');
      expect(origin.count('/shared')).toBe(1);
    } finally {
      await origin.close();
    }
  });

  it('concurrent writers in two processes: no SQLITE_BUSY, no corrupted entry', async () => {
    const path = newPath();
    open(path);
    const size = 2 * CHUNK_SIZE + 1000;
    const results = await Promise.all(
      [1, 2].map((writer) => child(['write', path, String(writer), '12', String(size)])),
    );
    for (const result of results) {
      expect(JSON.parse(result.stdout)).toEqual({ puts: 48, problems: [] });
      expect(result.stderr).not.toMatch(/SQLITE_BUSY|database is locked/);
    }
    const storage = open(path);
    const reported: unknown[] = [];
    storage.setReporter((_, error) => reported.push(error));
    for (const key of ['k0', 'k1', 'k2', 'k3']) {
      const found = await storage.get(key);
      expect(found).toHaveLength(1);
      const writer = Number(found[0]?.headers.find(([name]) => name === 'x-writer')?.[1]);
      const bytes = await readAll(found[0] === undefined ? null : await storage.body(found[0]));
      expect(bytes.byteLength).toBe(size);
      expect(bytes.every((b) => b === writer)).toBe(true);
    }
    expect(reported).toEqual([]);
    expect(await storage.stats()).toMatchObject({ entries: 4 });
    const db = raw(path);
    expect(count(db, 'chunks')).toBe(4 * 3);
    expect(count(db, 'writes')).toBe(0);
  });

  it('a process killed with SIGKILL while storing a large body leaves no visible entry', async () => {
    const path = newPath();
    open(path);
    const proc = spawn(process.execPath, [fixture, 'hang', path, 'killed'], { stdio: 'pipe' });
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (data: Buffer) => {
        if (data.toString().includes('writing')) resolve();
      });
      proc.on('exit', () => reject(new Error('the child ended before writing')));
    });
    const db = raw(path);
    expect(count(db, 'chunks')).toBeGreaterThan(10);
    proc.kill('SIGKILL');
    await exited;
    expect(count(db, 'entries')).toBe(0);
    const storage = open(path);
    expect(await storage.get('killed')).toEqual([]);
    expect(await storage.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(count(db, 'chunks')).toBe(0);
    expect(count(db, 'writes')).toBe(0);
  });

  /** Runs the fixture in a new Node process; resolves with its output once it exits with 0. */
  function child(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [fixture, ...args], { stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (data: Buffer) => {
        stdout += data.toString();
      });
      proc.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
      });
      proc.on('error', reject);
      proc.on('exit', (code) => {
        if (code === 0) resolve({ stdout, stderr });
        else reject(new Error(`child ${args[0]} exited with ${code}: ${stderr}`));
      });
    });
  }
});

describe('SqliteStorage: bodies being read', () => {
  /** A three-chunk entry of key `k` whose first chunk has been read. */
  async function readingOne(path: string) {
    const storage = open(path);
    const stored = await storage.put(entry('k'), streamOf(new Uint8Array(3 * CHUNK_SIZE)));
    const body = await storage.body(stored);
    if (!(body instanceof ReadableStream)) throw new Error('expected a stream');
    const reader = body.getReader();
    await reader.read();
    return { storage, reader };
  }

  it('keeps the chunks of a deleted entry while it is read, then deletes them', async () => {
    const path = newPath();
    const { storage, reader } = await readingOne(path);
    await storage.delete('k');
    const db = raw(path);
    expect(count(db, 'chunks')).toBe(3);
    let read = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) read += r.value.byteLength;
    expect(read).toBe(2 * CHUNK_SIZE);
    expect(count(db, 'chunks')).toBe(0);
    expect(count(db, 'readers')).toBe(0);
  });

  it('a reader cancelled part way lets the chunks go', async () => {
    const path = newPath();
    const { storage, reader } = await readingOne(path);
    await storage.put(entry('k'), streamOf(new Uint8Array(10)));
    await reader.cancel();
    const db = raw(path);
    expect(count(db, 'chunks')).toBe(0);
    expect(count(db, 'bodies')).toBe(1);
    expect(count(db, 'readers')).toBe(0);
  });

  it('sweeps the reader a crashed process left, and the chunks only it held', async () => {
    const path = newPath();
    const storage = open(path);
    const stored = await storage.put(entry('k'), streamOf(new Uint8Array(3 * CHUNK_SIZE)));
    const db = raw(path);
    const dead = await deadPid();
    db.prepare('INSERT INTO readers (entry_id, pid, started_at) VALUES (?, ?, 0)').run(
      Number(stored.id),
      dead,
    );
    await storage.delete('k');
    expect(count(db, 'chunks')).toBe(3);
    expect((await storage.prune()).bytes).toBe(3 * CHUNK_SIZE);
    expect(count(db, 'chunks')).toBe(0);
    expect(count(db, 'readers')).toBe(0);
  });
});

function entry(key: string): EntryToStore {
  const now = Date.now();
  return {
    key,
    url: `https://example.com/${key}`,
    method: 'GET',
    status: 200,
    statusText: 'OK',
    headers: [],
    vary: {},
    variant: '',
    requestTime: now,
    responseTime: now,
    createdAt: now,
    staleAt: now + 60_000,
    deleteAt: now + 3_600_000,
  };
}

function streamOf(bytes: Bytes): ReadableStream<Bytes> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function readAll(body: StoredBody | null): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  const reader = body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return Buffer.concat(chunks);
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => proc.on('exit', resolve));
  if (proc.pid === undefined) throw new Error('no pid');
  return proc.pid;
}

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
