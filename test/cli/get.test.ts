import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { lines, runCli, tempDir } from './run.ts';

const BIG = randomBytes(50 * 1024 * 1024);
const CHUNK = 64 * 1024;

let origin: TestOrigin;
const dir = tempDir();
const sqlite = (name: string) => `sqlite:${join(dir.path, `${name}.sqlite`)}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  origin = await startOrigin({
    '/text': {
      headers: { 'cache-control': 'max-age=600', 'content-type': 'text/plain' },
      body: 'hello\n',
    },
    '/missing': { status: 404, headers: { 'content-type': 'text/plain' }, body: 'no such thing\n' },
    '/echo': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${req.method} ${req.headers['x-test'] ?? '-'} ${req.body}`);
    },
    // 50 MB in 64 KiB writes, paced by the socket.
    '/big': async (_req, res) => {
      res.writeHead(200, {
        'content-length': String(BIG.byteLength),
        'content-type': 'application/octet-stream',
        'cache-control': 'max-age=3600',
      });
      for (let i = 0; i < BIG.byteLength; i += CHUNK) {
        if (!res.write(BIG.subarray(i, i + CHUNK))) {
          await new Promise((resolve) => res.once('drain', resolve));
        }
      }
      res.end();
    },
  });
});
afterAll(async () => {
  await origin.close();
  dir.remove();
});

describe('httpcache get', () => {
  it('serves the second download of a 50 MB body from the cache, byte for byte', async () => {
    const first = join(dir.path, 'big-1');
    const miss = await runCli(['get', `${origin.url}/big`, '-o', first, '--store', sqlite('big')]);
    expect(miss.code).toBe(0);
    expect(miss.stderr).toMatch(/^200 OK · 50\.0 MiB in .* · httpcache; fwd=uri-miss; .*stored\n$/);

    const hit = await runCli(['get', `${origin.url}/big`, '--store', sqlite('big')]);
    expect(hit.code).toBe(0);
    expect(hit.stderr).toMatch(/^200 OK · 50\.0 MiB in .* · httpcache; hit; ttl=\d+\n$/);
    expect(origin.count('/big')).toBe(1);
    expect(sha256(readFileSync(first))).toBe(sha256(BIG));
    expect(sha256(hit.stdout)).toBe(sha256(BIG));
  });

  it('writes the body to stdout and one summary line with Cache-Status to stderr', async () => {
    const store = sqlite('text');
    const miss = await runCli(['get', `${origin.url}/text`, '--store', store]);
    expect(miss.stdout.toString()).toBe('hello\n');
    expect(lines(miss.stderr)).toEqual([
      expect.stringMatching(
        /^200 OK · 6 B in .* · httpcache; fwd=uri-miss; fwd-status=200; ttl=\d+; stored$/,
      ),
    ]);
    const hit = await runCli(['get', `${origin.url}/text`, '--store', store, '-i']);
    const text = hit.stdout.toString();
    expect(text).toMatch(/^200 OK\r\n/);
    expect(text).toMatch(/\r\ncache-status: httpcache; hit; ttl=\d+\r\n/);
    expect(text).toMatch(/\r\nage: \d+\r\n/);
    expect(text.endsWith('\r\n\r\nhello\n')).toBe(true);
    expect(origin.count('/text')).toBe(1);
  });

  it('honours --cache-mode and --silent', async () => {
    const store = sqlite('modes');
    const empty = await runCli([
      'get',
      `${origin.url}/text`,
      '--store',
      store,
      '--cache-mode',
      'only-if-cached',
    ]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/^504 Gateway Timeout · /);
    const before = origin.count('/text');
    await runCli(['get', `${origin.url}/text`, '--store', store]);
    const reload = await runCli([
      'get',
      `${origin.url}/text`,
      '--store',
      store,
      '--cache-mode',
      'reload',
      '-s',
    ]);
    expect(reload.stdout.toString()).toBe('hello\n');
    expect(reload.stderr).toBe('');
    expect(origin.count('/text')).toBe(before + 2);
  });

  it('sends -X, -H and --data like curl (POST with a body when -X is absent)', async () => {
    const post = await runCli([
      'get',
      `${origin.url}/echo`,
      '-H',
      'X-Test: yes',
      '--data',
      'a=1',
      '--store',
      'memory:',
    ]);
    expect(post.code).toBe(0);
    expect(post.stdout.toString()).toBe('POST yes a=1');
    const put = await runCli([
      'get',
      `${origin.url}/echo`,
      '-X',
      'put',
      '-d',
      'b',
      '--store',
      'memory:',
    ]);
    expect(put.stdout.toString()).toBe('PUT - b');
  });

  it('exits 0 on an HTTP error, and 22 with --fail, writing no body', async () => {
    const plain = await runCli(['get', `${origin.url}/missing`, '--store', 'memory:']);
    expect(plain.code).toBe(0);
    expect(plain.stdout.toString()).toBe('no such thing\n');
    const failed = await runCli(['get', `${origin.url}/missing`, '--fail', '--store', 'memory:']);
    expect(failed.code).toBe(22);
    expect(failed.stdout.length).toBe(0);
    expect(failed.stderr).toMatch(/^404 Not Found · /);
  });

  it('exits 7 when the origin refuses the connection, with a one-line error', async () => {
    const port = await closedPort();
    const result = await runCli(['get', `http://127.0.0.1:${port}/`, '--store', 'memory:']);
    expect(result.code).toBe(7);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^error: .*ECONNREFUSED/)]);
  });

  it('exits 23 when the output file cannot be written', async () => {
    const result = await runCli([
      'get',
      `${origin.url}/text`,
      '-o',
      join(dir.path, 'no-such-dir', 'out'),
      '--store',
      'memory:',
    ]);
    expect(result.code).toBe(23);
    expect(result.stderr).toMatch(/^error: cannot write to .*ENOENT/);
  });

  it('uses SQLite under the cache home by default, and HTTPCACHE_STORE or fs: when asked', async () => {
    const home = tempDir();
    try {
      const env = { XDG_CACHE_HOME: home.path };
      await runCli(['get', `${origin.url}/text`], { env });
      expect(existsSync(join(home.path, 'httpcache', 'cache.sqlite'))).toBe(true);
      const hit = await runCli(['get', `${origin.url}/text`], { env });
      expect(hit.stderr).toMatch(/httpcache; hit/);

      const fsEnv = { ...env, HTTPCACHE_STORE: `fs:${join(home.path, 'files')}` };
      const miss = await runCli(['get', `${origin.url}/text`], { env: fsEnv });
      expect(miss.stderr).toMatch(/fwd=uri-miss/);
      const fsHit = await runCli(['get', `${origin.url}/text`], { env: fsEnv });
      expect(fsHit.stderr).toMatch(/httpcache; hit/);
      expect(existsSync(join(home.path, 'files'))).toBe(true);
    } finally {
      home.remove();
    }
  });
});

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
