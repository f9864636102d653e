import { spawn, spawnSync } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { required } from '../storage/requirements.ts';
import { baseEnv, MAIN, runCli, tempDir } from './run.ts';

const ESC = '\x1b';
const SIZE = 2 * 1024 * 1024;
const PIECE = 128 * 1024;

let origin: TestOrigin;
const dir = tempDir();

/** 2 MiB in pieces 50 ms apart: a download of about 0.8 s. */
async function drip(res: ServerResponse, length: boolean): Promise<void> {
  res.writeHead(200, {
    ...(length ? { 'content-length': String(SIZE) } : {}),
    'cache-control': 'max-age=60',
  });
  for (let sent = 0; sent < SIZE; sent += PIECE) {
    res.write(Buffer.alloc(PIECE, 120));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  res.end();
}

beforeAll(async () => {
  origin = await startOrigin({
    '/slow': (_req, res) => drip(res, true),
    '/slow-unknown': (_req, res) => drip(res, false),
  });
});
afterAll(async () => {
  await origin.close();
  dir.remove();
});

describe('the progress bar', () => {
  it('--progress draws it on a stream that is not a terminal: percentage, bytes, speed', async () => {
    const out = join(dir.path, 'forced');
    const result = await runCli([
      'get',
      `${origin.url}/slow`,
      '-o',
      out,
      '--store',
      'memory:',
      '--progress',
    ]);
    expect(result.code).toBe(0);
    const bars = result.stderr.split('\n').filter((line) => line.includes('%'));
    expect(bars.length).toBeGreaterThan(1);
    expect(bars.at(-1)).toMatch(
      / 100% 2\.0 MiB \/ 2\.0 MiB {2}[\d.]+ (?:[KMG]i)?B\/s {2}\d+:\d\d ETA 0:00$/,
    );
    expect(result.stderr).toMatch(/\n200 OK · 2\.0 MiB in .* · httpcache; fwd=uri-miss/);
  });

  it('without Content-Length it shows bytes, speed and time but no percentage', async () => {
    const out = join(dir.path, 'unknown');
    const result = await runCli([
      'get',
      `${origin.url}/slow-unknown`,
      '-o',
      out,
      '--store',
      'memory:',
      '--progress',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^2\.0 MiB {2}[\d.]+ (?:[KMG]i)?B\/s {2}\d+:\d\d$/m);
    expect(result.stderr).not.toMatch(/%/);
  });

  it('is not drawn when stderr is not a terminal, unless forced', async () => {
    const result = await runCli([
      'get',
      `${origin.url}/slow`,
      '-o',
      join(dir.path, 'quiet'),
      '--store',
      'memory:',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^200 OK · 2\.0 MiB in [^\n]*\n$/);
  });

  it.skipIf(!hasScript())(
    'is drawn in place on a pseudo-terminal, then replaced by the summary',
    async () => {
      const out = join(dir.path, 'pty');
      const command = [
        process.execPath,
        MAIN,
        'get',
        `${origin.url}/slow`,
        '-o',
        out,
        '--store',
        'memory:',
      ]
        .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
        .join(' ');
      const output = await new Promise<string>((resolve, reject) => {
        // util-linux script(1) runs the command with a pseudo-terminal as its stdio.
        const child = spawn('script', ['-qefc', command, '/dev/null'], {
          env: { ...baseEnv(), TERM: 'xterm-256color', COLUMNS: '100' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const chunks: Buffer[] = [];
        child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0
            ? resolve(Buffer.concat(chunks).toString())
            : reject(new Error(`exit ${code}`)),
        );
      });
      expect(output).toMatch(
        /\d+% [\d.]+ (?:[KMG]i)?B \/ 2\.0 MiB {2}[\d.]+ (?:[KMG]i)?B\/s {2}\d+:\d\d ETA \d+:\d\d/,
      );
      // Redrawn in place (carriage to column 1, clear to end of line), then the line is cleared.
      expect(output).toContain('\x1b[1G');
      expect(output).toMatch(
        new RegExp(`${ESC}\\[2K200 OK · 2\\.0 MiB in .* · httpcache; fwd=uri-miss`),
      );
    },
  );
});

/** util-linux `script` is here (a failure in CI when it is not: see {@link required}). */
function hasScript(): boolean {
  const found =
    process.platform === 'linux' &&
    spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  return required(found, 'util-linux script', 'apt-get install -y util-linux');
}
