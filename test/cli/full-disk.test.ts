import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { required } from '../storage/requirements.ts';
import { baseEnv, MAIN } from './run.ts';

// /dev/full (Linux) fails every write with ENOSPC, as a full disk does.
const DEV_FULL = '/dev/full';
const haveDevFull = required(existsSync(DEV_FULL), DEV_FULL, 'a Linux machine has it');

/** Runs the bin with stdout on /dev/full; resolves with its exit code and stderr. */
function runToFullDisk(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(DEV_FULL, 'w');
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: baseEnv(),
    stdio: ['ignore', fd, 'pipe'],
  });
  closeSync(fd);
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(stderr).toString() }));
  });
}

describe.runIf(haveDevFull)('stdout on a full disk: exit code 23, one line, no stack trace', () => {
  let origin: TestOrigin;
  beforeAll(async () => {
    origin = await startOrigin({
      '/big': { headers: { 'cache-control': 'max-age=60' }, body: 'x'.repeat(100_000) },
    });
  });
  afterAll(() => origin.close());

  it.each([[['--help']], [['ls', '--store', 'memory:']], [['stats', '--store', 'memory:']]])(
    '%j',
    async (args) => {
      const { code, stderr } = await runToFullDisk(args);
      expect(stderr).toMatch(/^error: .*(ENOSPC|no space left)/);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(code).toBe(23);
    },
  );

  it('get', async () => {
    const { code, stderr } = await runToFullDisk([
      'get',
      '-s',
      '--store',
      'memory:',
      `${origin.url}/big`,
    ]);
    expect(stderr).toMatch(/^error: .*(ENOSPC|no space left)/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(23);
  });
});
