/**
 * The `storage` group: a 1 KiB hit from httpcache's persistent storages, SQLite and
 * the file system, next to undici's SqliteCacheStore and make-fetch-happen's cacache, and against
 * the least a SQLite cache can do: one prepared SELECT by key, then build and read a Response.
 */
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import makeFetchHappen from 'make-fetch-happen';
import { Agent, cacheStores, interceptors, fetch as undiciFetch } from 'undici';
import { FileSystemStorage } from '../src/fs.ts';
import { type CachedFetch, cacheStatus, createFetch } from '../src/index.ts';
import { SqliteStorage } from '../src/sqlite.ts';
import { type Case, type Group, measure, removeTemp, tempDir } from './harness.ts';
import { bodyOf, responseHeaders } from './origin.ts';

const SIZE = 1024;
const SQLITE = 'hit 1 KiB: httpcache SqliteStorage';
const FS = 'hit 1 KiB: httpcache FileSystemStorage';
const FLOOR = 'hit 1 KiB: floor (SELECT + Response)';
const UNDICI = 'hit 1 KiB: undici SqliteCacheStore';
const CACACHE = 'hit 1 KiB: make-fetch-happen (cacache)';
const READ_FILE = 'hit 1 KiB: floor (fs.readFile + Response)';

/** A hit through `cached`, checked to come from storage. */
function httpcacheHit(name: string, cached: CachedFetch, url: string): Case {
  return {
    name,
    hit: new URL(url).pathname,
    run: async () => {
      const res = await cached(url);
      await res.arrayBuffer();
      if (cacheStatus(res)?.fromCache !== true) throw new Error(`${name}: not a hit`);
    },
  };
}

/**
 * The floor: a table of (key, headers as JSON, body) in a file in WAL mode like SqliteStorage's,
 * read by one prepared SELECT; then the Response is built and read.
 */
function sqliteFloor(path: string): { db: DatabaseSync; run: () => Promise<void> } {
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    CREATE TABLE responses (key TEXT PRIMARY KEY, headers TEXT NOT NULL, body BLOB NOT NULL)`);
  const key = 'GET http://127.0.0.1/floor/1024';
  const headers = JSON.stringify(Object.entries(responseHeaders(SIZE, 'max-age=3600')));
  db.prepare('INSERT INTO responses VALUES (?, ?, ?)').run(key, headers, bodyOf(SIZE));
  const select = db.prepare('SELECT headers, body FROM responses WHERE key = ?');
  return {
    db,
    run: async () => {
      const row = select.get(key);
      if (row === undefined) throw new Error('floor: not stored');
      const init = { headers: JSON.parse(row.headers as string) as [string, string][] };
      await new Response(row.body as Uint8Array<ArrayBuffer>, init).arrayBuffer();
    },
  };
}

/** The floor of a file cache: the body's bytes read with `fs.readFile`, then the Response. */
function readFileFloor(path: string): () => Promise<void> {
  writeFileSync(path, bodyOf(SIZE));
  const headers = Object.entries(responseHeaders(SIZE, 'max-age=3600'));
  return async () => {
    const bytes = (await readFile(path)) as Uint8Array<ArrayBuffer>;
    await new Response(bytes, { headers }).arrayBuffer();
  };
}

export const storage: Group = async (context) => {
  const dir = tempDir('storage');
  const url = (name: string) => `${context.origin.url}/${name}/${SIZE}`;
  const sqlite = createFetch({ storage: new SqliteStorage({ path: join(dir, 'cache.sqlite') }) });
  const fs = createFetch({ storage: new FileSystemStorage({ directory: join(dir, 'fs') }) });
  const undici = new Agent({ keepAliveTimeout: 60_000 }).compose(
    interceptors.cache({
      store: new cacheStores.SqliteCacheStore({ location: join(dir, 'undici.sqlite') }),
    }),
  );
  const cacache = makeFetchHappen.defaults({ cachePath: join(dir, 'cacache'), timeout: 0 });
  const floor = sqliteFloor(join(dir, 'floor.sqlite'));

  const cases: Case[] = [
    httpcacheHit(SQLITE, sqlite, url('sqlite')),
    httpcacheHit(FS, fs, url('fs')),
    { name: FLOOR, run: floor.run },
    { name: READ_FILE, run: readFileFloor(join(dir, 'body')) },
    {
      name: UNDICI,
      hit: `/undici-sqlite/${SIZE}`,
      run: async () => {
        await (await undiciFetch(url('undici-sqlite'), { dispatcher: undici })).arrayBuffer();
      },
    },
    {
      name: CACACHE,
      hit: `/cacache/${SIZE}`,
      run: async () => {
        const res = await cacache(url('cacache'));
        await res.arrayBuffer();
        if (res.headers.get('x-local-cache-status') !== 'hit')
          throw new Error('cacache: not a hit');
      },
    },
  ];
  try {
    return await measure(
      'storage: 1 KiB hits from persistent storages',
      cases,
      [
        {
          label: 'SQLite hit / floor (SELECT + Response)',
          numerator: SQLITE,
          denominator: FLOOR,
          target: 2,
          explain: 'a SqliteStorage hit costs more than twice the least a SQLite cache does',
          chart: { row: 'hit 1 KiB, SQLite (x SELECT floor)', bar: 'httpcache SqliteStorage' },
        },
        {
          label: 'file-system hit / fs.readFile + Response',
          numerator: FS,
          denominator: READ_FILE,
          target: 1.5,
          explain: 'a FileSystemStorage hit costs more than reading its body file with fs.readFile',
          chart: {
            row: 'hit 1 KiB, file system (x fs.readFile)',
            bar: 'httpcache FileSystemStorage',
          },
        },
        {
          label: 'undici SqliteCacheStore / floor',
          numerator: UNDICI,
          denominator: FLOOR,
          chart: { row: 'hit 1 KiB, SQLite (x SELECT floor)', bar: 'undici SqliteCacheStore' },
        },
        {
          label: 'make-fetch-happen (cacache) / fs.readFile + Response',
          numerator: CACACHE,
          denominator: READ_FILE,
          chart: {
            row: 'hit 1 KiB, file system (x fs.readFile)',
            bar: 'make-fetch-happen (cacache)',
          },
        },
        { label: 'SQLite hit / undici SqliteCacheStore', numerator: SQLITE, denominator: UNDICI },
        { label: 'file-system hit / make-fetch-happen', numerator: FS, denominator: CACACHE },
      ],
      context,
    );
  } finally {
    await sqlite.close();
    await fs.close();
    await undici.close();
    floor.db.close();
    removeTemp(dir);
  }
};
