import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clear } from '../../src/cli/commands/clear.ts';
import { CliError, ExitCode } from '../../src/cli/exit-codes.ts';
import type { InputStream, Io } from '../../src/cli/io.ts';
import { FileSystemStorage } from '../../src/fs.ts';
import { createFetch } from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { tempDir } from './run.ts';

// `clear` asks on a terminal. Its stdin here is a stream the test writes the answer to, marked
// as a terminal; the answer is written only once the question is on stderr.

interface Run {
  readonly code: Promise<number>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stderr has the question. */
  readonly asked: Promise<void>;
  readonly stdin: PassThrough;
}

function runClear(yes: boolean, store: string, isTTY: boolean): Run {
  const stdin = Object.assign(new PassThrough(), { isTTY }) as PassThrough & InputStream;
  let out = '';
  let err = '';
  let onAsked = (): void => {};
  const asked = new Promise<void>((resolve) => {
    onAsked = resolve;
  });
  const stdout = new PassThrough().on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const stderr = new PassThrough().on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (err.includes('[y/N] ')) onAsked();
  });
  const io: Io = { stdin, stdout, stderr, env: { NO_COLOR: '1' } };
  const options = { store: { type: 'fs', path: store } as const, ...(yes ? { yes } : {}) };
  return { code: clear(options, io), stdout: () => out, stderr: () => err, asked, stdin };
}

describe('clear asks before deleting on a terminal', () => {
  const dir = tempDir('httpcache-clear-');
  let origin: TestOrigin;
  beforeAll(async () => {
    origin = await startOrigin({
      '/a': { headers: { 'cache-control': 'max-age=600' }, body: 'a' },
    });
  });
  afterAll(async () => {
    await origin.close();
    dir.remove();
  });

  async function fill(): Promise<void> {
    const cachedFetch = createFetch({ storage: new FileSystemStorage({ directory: dir.path }) });
    await (await cachedFetch(`${origin.url}/a`)).text();
    await cachedFetch.close();
  }

  async function stored(): Promise<number> {
    const storage = new FileSystemStorage({ directory: dir.path });
    try {
      return (await storage.stats()).entries;
    } finally {
      await storage.close();
    }
  }

  it('anything but yes deletes nothing, exit code 1', async () => {
    await fill();
    const run = runClear(false, dir.path, true);
    await run.asked;
    expect(run.stderr()).toMatch(/^delete all 1 entry \(\d+ B\)\? \[y\/N\] $/);
    run.stdin.end('n\n');
    expect(await run.code).toBe(ExitCode.failure);
    expect(run.stderr()).toContain('nothing deleted\n');
    expect(await stored()).toBe(1);
  });

  it('an end of input (Ctrl-D) is a no', async () => {
    const run = runClear(false, dir.path, true);
    await run.asked;
    run.stdin.end();
    expect(await run.code).toBe(ExitCode.failure);
    expect(await stored()).toBe(1);
  });

  it('y deletes', async () => {
    const run = runClear(false, dir.path, true);
    await run.asked;
    run.stdin.end('y\n');
    expect(await run.code).toBe(ExitCode.ok);
    expect(run.stdout()).toMatch(/^cleared 1 entry \(\d+ B\)\n$/);
    expect(await stored()).toBe(0);
  });

  it('--yes does not ask; without it, a stdin that is not a terminal is refused', async () => {
    await fill();
    await expect(runClear(false, dir.path, false).code).rejects.toThrow(CliError);
    expect(await stored()).toBe(1);
    const run = runClear(true, dir.path, false);
    expect(await run.code).toBe(ExitCode.ok);
    expect(run.stderr()).toBe('');
    expect(await stored()).toBe(0);
  });
});
