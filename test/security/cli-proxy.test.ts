/**
 * The hardening as `httpcache proxy` exposes it: `--trust-proxy` names the downstream proxies whose
 * `X-Forwarded-*` are believed, the detail of a 502 goes to stderr, not to the client, and
 * `--ignore-request-no-cache` protects the upstream from `no-cache` requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv, MAIN, runCli } from '../cli/run.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let child: ChildProcess | undefined;
let upstream: RecordingUpstream | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('close', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await upstream?.close();
  child = upstream = undefined;
});

/** A running `httpcache proxy`: its URL, and a wait for a line of its stderr. */
interface RunningCli {
  readonly url: string;
  logged(pattern: RegExp): Promise<string>;
}

/** Starts `httpcache proxy` with `args`. */
async function startCli(args: readonly string[]): Promise<RunningCli> {
  const started = spawn(
    process.execPath,
    [MAIN, 'proxy', '--port', '0', '--store', 'memory:', ...args],
    {
      env: baseEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = started;
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    started.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+) → /.exec(text);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    started.on('close', () => reject(new Error(`the proxy exited: ${text}`)));
  });
  const logged = (pattern: RegExp): Promise<string> =>
    new Promise((resolve) => {
      const check = (): void => {
        const match = pattern.exec(text);
        if (match === null) return;
        started.stderr.off('data', check);
        resolve(match[0]);
      };
      started.stderr.on('data', check);
      check();
    });
  return { url, logged };
}

function get(url: string, lines: readonly string[] = []) {
  const extra = lines.map((line) => `${line}\r\n`).join('');
  const request = `GET /page HTTP/1.1\r\nHost: s\r\n${extra}Connection: close\r\n\r\n`;
  return exchange(url, request).then(({ text }) => responses(text)[0]);
}

describe('httpcache proxy, hardened', () => {
  it('--trust-proxy: a listed peer’s X-Forwarded-Host reaches the upstream', async () => {
    upstream = await startUpstream();
    const { url } = await startCli(['--upstream', upstream.url, '--trust-proxy', '127.0.0.1,::1']);
    expect((await get(url, ['X-Forwarded-Host: www.example']))?.status).toBe(200);
    expect(upstream.requests[0]?.headers['x-forwarded-host']).toBe('www.example');
  });

  it('without it, the client’s X-Forwarded-Host does not', async () => {
    upstream = await startUpstream();
    const { url } = await startCli(['--upstream', upstream.url]);
    expect((await get(url, ['X-Forwarded-Host: evil.example']))?.status).toBe(200);
    expect(upstream.requests[0]?.headers['x-forwarded-host']).toBeUndefined();
  });

  it('--trust-proxy with something that is not an address is a usage error', async () => {
    const result = await runCli([
      'proxy',
      '--upstream',
      'http://127.0.0.1:9',
      '--trust-proxy',
      'any',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--trust-proxy/);
  });

  it('--ignore-request-no-cache: no-cache requests are answered from the cache', async () => {
    upstream = await startUpstream();
    const { url } = await startCli(['--upstream', upstream.url, '--ignore-request-no-cache']);
    // Without the flag each would go upstream. The process's storing is not awaited here, so the
    // second request may still miss while the first is being stored.
    let hits = 0;
    for (let i = 0; i < 10; i++) {
      const response = await get(url, ['Cache-Control: no-cache']);
      expect(response?.status).toBe(200);
      if (/; hit/.test(String(response?.headers['cache-status']))) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(8);
    expect(upstream.requests).toHaveLength(10 - hits);
  });

  it.each([
    [[], undefined],
    [['--store-set-cookie'], 'session=first'],
  ])('%j: what a hit carries of the first response’s Set-Cookie', async (flags, expected) => {
    upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'cache-control': 'public, max-age=600', 'set-cookie': 'session=first' });
      res.end('hi');
    });
    const { url } = await startCli(['--upstream', upstream.url, ...flags]);
    expect((await get(url))?.headers['set-cookie']).toBe('session=first');
    // The process stores in the background: ask until the stored response answers.
    let hit: Awaited<ReturnType<typeof get>>;
    do hit = await get(url);
    while (!/; hit/.test(String(hit?.headers['cache-status'])));
    expect(hit?.headers['set-cookie']).toBe(expected);
  });

  it('--purge-token: a PURGE needs the bearer token; without the flag it goes upstream', async () => {
    upstream = await startUpstream();
    const token = 'a-purge-token-of-some-length';
    const { url } = await startCli(['--upstream', upstream.url, '--purge-token', token]);
    const purge = (lines: string[]) =>
      exchange(
        url,
        `PURGE /page HTTP/1.1\r\nHost: s\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`,
      ).then(({ text }) => responses(text)[0]);
    expect((await purge([]))?.status).toBe(403);
    const done = await purge([`Authorization: Bearer ${token}`]);
    expect(done?.status).toBe(200);
    expect(JSON.parse(done?.body ?? '')).toEqual({ purged: 0 });
    expect(upstream.requests).toHaveLength(0);
  });

  it('a 502 says Bad Gateway to the client and the cause on stderr', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as { port: number };
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const { url, logged } = await startCli(['--upstream', `http://127.0.0.1:${port}`]);
    const response = await get(url);
    expect(response?.status).toBe(502);
    expect(response?.body).toBe('Bad Gateway\n');
    expect(await logged(/502 http:\/\/127\.0\.0\.1:\d+\/page: ECONNREFUSED/)).toBeTruthy();
  });
});
