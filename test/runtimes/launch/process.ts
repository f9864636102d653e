import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestResult } from '../harness.ts';

/**
 * Runs the command-line bundle in a runtime's binary (Node, Deno, Bun) and reads the JSON line it
 * prints.
 *
 * @module
 */

/** A binary from this repository's node_modules/.bin (installed by `npm ci`, never downloaded). */
export function binary(name: string): string {
  return fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));
}

/** Runs `command args... <origin> <runtime>` and returns the results it printed. */
export function runProcess(
  runtime: string,
  command: string,
  args: readonly string[],
  origin: string,
  env: Record<string, string> = {},
): Promise<TestResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, origin, runtime], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as TestResult[]);
      } catch {
        reject(new Error(`${runtime} exited with ${code}:\n${stdout}\n${stderr}`));
      }
    });
  });
}
