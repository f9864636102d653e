/**
 * Defences that already held when the hardening issue was filed, kept as regression tests at the
 * proxy's door (raw client, recording upstream). The exhaustive forms live elsewhere and are not
 * repeated here:
 * - every `private` / `no-cache="…"` / `Set-Cookie` / `Authorization` form against a shared
 *   `createFetch`: test/reliability/shared-leaks.test.ts;
 * - hostile storage ids (`../`, NUL) handed to the file system storage: test/storage/fs-faults.test.ts;
 * - framing attacks on the proxy (CL.TE, duplicate Content-Length, obs-fold): smuggling.test.ts.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { SqliteStorage } from '../../src/storage/sqlite.ts';
import type { Storage } from '../../src/storage/types.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let upstream: RecordingUpstream | undefined;
let proxy: CachingProxy | undefined;
let directory: string | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  proxy = upstream = directory = undefined;
});

async function get(path: string, lines: readonly string[] = []) {
  if (proxy === undefined) throw new Error('no proxy');
  const extra = lines.map((line) => `${line}\r\n`).join('');
  const request = `GET ${path} HTTP/1.1\r\nHost: s\r\n${extra}Connection: close\r\n\r\n`;
  const [response] = responses((await exchange(proxy.url, request)).text);
  if (response === undefined) throw new Error('no response');
  return response;
}

/** An upstream that personalises by Authorization or Cookie, with the given Cache-Control. */
async function personalised(cacheControl: string): Promise<void> {
  upstream = await startUpstream((req, res) => {
    const user = /alice|bob/.exec(`${req.headers.authorization} ${req.headers.cookie}`)?.[0];
    res.writeHead(200, {
      'cache-control': cacheControl,
      'set-cookie': `session=${user ?? 'anonymous'}`,
    });
    res.end(`hello ${user ?? 'anonymous'}`);
  });
  proxy = await createProxy({ upstream: upstream.url });
}

describe('a shared cache never hands one user’s response to another', () => {
  it.each([
    ['Authorization, max-age', 'max-age=60', 'Authorization: Bearer alice'],
    ['Cookie, private', 'private, max-age=60', 'Cookie: session=alice'],
    ['Authorization, private with s-maxage', 'private, s-maxage=60', 'Authorization: Bearer alice'],
  ])('%s: not stored', async (_name, cacheControl, credential) => {
    await personalised(cacheControl);
    expect((await get('/account', [credential])).body).toBe('hello alice');
    await proxy?.cache.idle();
    const anonymous = await get('/account');
    expect(anonymous.body).toBe('hello anonymous');
    expect(anonymous.headers['set-cookie']).toBe('session=anonymous');
  });

  it('Set-Cookie on a public page: stored without it, so no one gets another’s cookie', async () => {
    await personalised('public, max-age=60');
    await get('/page', ['Cookie: session=alice']);
    await proxy?.cache.idle();
    const bob = await get('/page', ['Cookie: session=bob']);
    expect(bob.headers['cache-status']).toMatch(/hit/);
    expect(bob.headers['set-cookie']).toBeUndefined();
  });
});

describe('hostile URLs as storage keys stay apart and inside the storage', () => {
  const TARGETS = ['/a%00b', '/a*', '/a[1]', '/a?x=*&y=[0-9]', '/%2e%2e%5c..%5cetc', '/a'];

  async function withStorage(storage: Storage): Promise<void> {
    upstream = await startUpstream((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(`page ${req.url}`);
    });
    proxy = await createProxy({ upstream: upstream.url, storage });
    const forwarded = [];
    for (const target of TARGETS) {
      const answer = await get(target);
      if (answer.status === 200) forwarded.push(target);
    }
    await proxy.cache.idle();
    for (const target of forwarded) {
      const answer = await get(target);
      expect(answer.headers['cache-status']).toMatch(/hit/);
      expect(answer.body).toBe(`page ${target}`);
    }
    // Dot segments in any spelling are refused before they reach a key (prefix.test.ts).
    expect(forwarded).not.toContain('/%2e%2e%5c..%5cetc');
    expect(forwarded.length).toBe(TARGETS.length - 1);
  }

  it('file system storage: each URL its own entry, every file under the directory', async () => {
    directory = await mkdtemp(join(tmpdir(), 'httpcache-keys-'));
    await withStorage(new FileSystemStorage({ directory }));
    const root = resolve(directory);
    const files = await readdir(root, { recursive: true });
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(resolve(root, file).startsWith(`${root}/`)).toBe(true);
  });

  it('SQLite storage: each URL its own entry', async () => {
    directory = await mkdtemp(join(tmpdir(), 'httpcache-keys-'));
    await withStorage(new SqliteStorage({ path: join(directory, 'cache.db') }));
  });
});
