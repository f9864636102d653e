import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bin's source, run with the test's own Node (24 strips the types). */
export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** What a run of the bin left. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Variables added to the environment (which has `NO_COLOR` and a private cache home). */
  readonly env?: Record<string, string>;
  readonly timeout?: number;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = 'httpcache-cli-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const cacheHome = tempDir('httpcache-cli-home-');
process.once('exit', () => cacheHome.remove());

/**
 * Runs `httpcache ...args` as a child process. Its cache home is a temporary directory, so the
 * default store never touches the user's.
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: baseEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeout ?? 15_000,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString(),
      }),
    );
  });
}

/** The environment of a child: this one's, with no colour, no store and a private cache home. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome.path };
  delete env.HTTPCACHE_STORE;
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}

/** The output's lines, without the empty one after the last newline. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}
