import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetch } from '../../src/index.ts';
import type { Storage } from '../../src/storage/types.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { lines, runCli, tempDir } from './run.ts';

let origin: TestOrigin;
const dir = tempDir();

beforeAll(async () => {
  origin = await startOrigin({
    '/a': {
      headers: { 'cache-control': 'max-age=600', vary: 'accept-language', 'x-origin': 'a' },
      body: 'body of a\n',
    },
    '/b': { headers: { 'cache-control': 'max-age=600' }, body: 'b'.repeat(1000) },
    '/tagged/1': { headers: { 'cache-control': 'max-age=600', 'cache-tag': 'group, one' } },
    '/tagged/2': { headers: { 'cache-control': 'max-age=600', 'surrogate-key': 'group two' } },
    '/tagged/3': { headers: { 'cache-control': 'max-age=600' } },
  });
});
afterAll(async () => {
  await origin.close();
  dir.remove();
});

interface Listed {
  key: string;
  method: string;
  url: string;
  vary: Record<string, string | null>;
  status: number;
  size: number;
  age: number;
  ttl: number;
  hits: number;
  storedAt: string;
  staleAt: string;
  expiresAt: string;
}

/** A storage backend the management commands are run against. */
export interface Backend {
  readonly name: string;
  /** Its `--store` URI, in `directory`. */
  uri(directory: string): string;
  /** The same storage, opened in the test process. */
  open(directory: string): Storage;
}

/** `ls`, `show`, `purge`, `prune`, `stats` and `clear` on a real store of `backend`. */
export function manageSuite(backend: Backend): void {
  describe(`managing a ${backend.name} store`, () => {
    const uri = backend.uri(dir.path);
    const open = () => backend.open(dir.path);
    const cli = async (...args: string[]) => runCli([...args, '--store', uri]);
    const json = async <T>(...args: string[]): Promise<T> => {
      const result = await cli(...args, '--json');
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout.toString()) as T;
    };

    /** Three live entries (two variants of /a, one of them hit once; /b) and one expired. */
    async function fill(): Promise<void> {
      const storage = open();
      const cachedFetch = createFetch({ storage });
      await (await cachedFetch(`${origin.url}/a`)).text();
      await (await cachedFetch(`${origin.url}/a`, { headers: { 'accept-language': 'en' } })).text();
      await (await cachedFetch(`${origin.url}/b`)).text();
      const now = Date.now();
      await storage.put(
        {
          key: `GET ${origin.url}/old`,
          url: `${origin.url}/old`,
          method: 'GET',
          createdAt: now - 5000,
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'text/plain']],
          requestTime: now - 5000,
          responseTime: now - 5000,
          vary: {},
          variant: '',
          staleAt: now - 4000,
          deleteAt: now - 1000,
        },
        new Blob(['expired body']).stream(),
      );
      await cachedFetch.close();
      // One hit, through the bin.
      const hit = await runCli(['get', `${origin.url}/a`, '--store', uri]);
      expect(hit.stderr).toMatch(/httpcache; hit/);
    }

    beforeAll(fill);

    it('prune removes the expired entry and reports what it freed', async () => {
      const freed = await json<{ entries: number; bytes: number }>('prune');
      expect(freed.entries).toBe(1);
      expect(freed.bytes).toBeGreaterThan(0);
      const again = await cli('prune');
      expect(again.stdout.toString()).toBe('pruned 0 entries, freed 0 B\n');
    });

    it('ls lists every live entry, as JSON and as an aligned table', async () => {
      const before = Date.now();
      const entries = await json<Listed[]>('ls');
      const after = Date.now();
      expect(entries.map((e) => [e.url, e.vary, e.hits])).toEqual([
        [`${origin.url}/a`, { 'accept-language': 'en' }, 0],
        [`${origin.url}/a`, { 'accept-language': null }, 1],
        [`${origin.url}/b`, {}, 0],
      ]);
      const b = entries[2]!;
      expect(b).toMatchObject({
        key: `GET ${origin.url}/b`,
        method: 'GET',
        status: 200,
        size: 1000,
      });
      // Age and TTL are of the moment `ls` ran, somewhere between `before` and `after`:
      // bracketed by those times, not bounded by a guess of how long the run takes.
      const staleAt = Date.parse(b.staleAt);
      const storedAt = Date.parse(b.storedAt);
      // max-age=600 from the origin's Date, which is whole seconds.
      expect(staleAt - storedAt).toBeGreaterThan(599_000);
      expect(staleAt - storedAt).toBeLessThanOrEqual(600_000);
      expect(b.ttl).toBeGreaterThanOrEqual(Math.floor((staleAt - after) / 1000));
      expect(b.ttl).toBeLessThanOrEqual(Math.floor((staleAt - before) / 1000));
      expect(b.age).toBeGreaterThanOrEqual(0);
      // The Date header is whole seconds, so an age may count one second more.
      expect(b.age).toBeLessThanOrEqual(Math.ceil((after - storedAt) / 1000) + 1);

      const table = lines((await cli('ls')).stdout.toString());
      expect(table[0]).toMatch(/^STATUS +SIZE +AGE +FRESH +HITS +VARIANT +URL$/);
      expect(table[3]).toMatch(
        /^ {3}200 +1000 B +\d+[smh] +\d+[smh] +0 +- +http:\/\/127\.0\.0\.1:\d+\/b$/,
      );
      expect(table[1]).toContain('accept-language=en');
      // Columns line up: every URL starts where the heading's does.
      const column = table[0]!.indexOf('URL');
      for (const row of table.slice(1)) expect(row.indexOf('http://')).toBe(column);
    });

    it('show prints the stored headers by URL or key, the body with --body', async () => {
      const shown = await cli('show', `${origin.url}/b`);
      expect(shown.code).toBe(0);
      const text = shown.stdout.toString();
      expect(text).toContain(`key:       GET ${origin.url}/b\n`);
      // Freshness left, then the two times it is measured against, each named for what it is.
      expect(text).toMatch(/\nfresh: +\d+m/);
      expect(text).toMatch(/\nstale at: +\d{4}-\d\d-\d\dT/);
      expect(text).toMatch(/\ndelete at: +\d{4}-\d\d-\d\dT/);
      expect(text).not.toMatch(/\n(ttl|expires):/);
      expect(text).toContain('\n200 OK\ncache-control: max-age=600\n');
      expect(text).not.toContain('bbbb');

      const withBody = (await cli('show', `GET ${origin.url}/b`, '--body')).stdout.toString();
      expect(withBody.endsWith(`\n\n${'b'.repeat(1000)}`)).toBe(true);

      const variants = await json<(Listed & { headers: [string, string][] })[]>(
        'show',
        `${origin.url}/a`,
      );
      expect(variants).toHaveLength(2);
      expect(variants[0]!.headers).toContainEqual(['x-origin', 'a']);

      const missing = await cli('show', `${origin.url}/nothing`);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(`error: nothing stored for ${origin.url}/nothing\n`);
    });

    it('stats counts entries, bytes and hits', async () => {
      const stats = await json<Record<string, unknown>>('stats');
      expect(stats).toMatchObject({ store: uri, entries: 3, fresh: 3, stale: 0, hits: 1 });
      expect(stats.bytes).toBeGreaterThan(1000);
      const text = (await cli('stats')).stdout.toString();
      expect(text).toMatch(/^store: +.+\nentries: +3 \(3 fresh, 0 stale\)\nsize: +.+\nhits: +1\n$/);
    });

    it('purge deletes a URL (every variant) or a key', async () => {
      expect((await cli('purge', `${origin.url}/a`)).stdout.toString()).toBe(
        `purged 2 entries for ${origin.url}/a\n`,
      );
      expect(await json('purge', `GET ${origin.url}/b`)).toEqual({ purged: 1 });
      expect((await cli('purge', `${origin.url}/b`)).stdout.toString()).toBe(
        `nothing stored for ${origin.url}/b\n`,
      );
      expect(await json('ls')).toEqual([]);
    });

    it('purge --tag and --prefix delete by tag and by URL prefix', async () => {
      const storage = open();
      const cachedFetch = createFetch({ storage });
      for (const n of [1, 2, 3]) await (await cachedFetch(`${origin.url}/tagged/${n}`)).text();
      await cachedFetch.close();
      expect(await json('purge', '--tag', 'one')).toEqual({ purged: 1 });
      expect((await cli('purge', '--prefix', `${origin.url}/tagged/`)).stdout.toString()).toBe(
        `purged 2 entries for prefix ${origin.url}/tagged/\n`,
      );
      expect((await cli('purge', '--tag', 'group')).stdout.toString()).toBe(
        'nothing stored for tag group\n',
      );
      const bad = await cli('purge', '--prefix', '/tagged');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        /^error: Invalid invalidation target: the prefix must be an absolute/,
      );
      const both = await cli('purge', `${origin.url}/a`, '--tag', 'group');
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/^error: purge takes one of a key or URL, --prefix and --tag/);
    });

    it('clear deletes everything and says how much', async () => {
      await fill();
      const refused = await cli('clear');
      expect(refused.stderr).toMatch(/^error: clear deletes every entry: pass --yes/);
      expect(refused.code).toBe(2);
      expect((await json<unknown[]>('ls')).length).toBeGreaterThanOrEqual(3);
      const cleared = await json<{ entries: number; bytes: number }>('clear', '--yes');
      expect(cleared.entries).toBeGreaterThanOrEqual(3);
      expect((await cli('ls')).stdout.toString()).toBe('the cache is empty\n');
      expect(await json('stats')).toMatchObject({ entries: 0, bytes: 0, hits: 0 });
    });
  });
}
