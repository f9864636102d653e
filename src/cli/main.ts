#!/usr/bin/env node
/**
 * The `httpcache` bin: `httpcache --help` lists the commands.
 *
 * @module
 */

import module from 'node:module';
import { ExitCode } from './exit-codes.ts';
import { unsupportedNode } from './node-version.ts';
import { quietSqliteWarning } from './warnings.ts';

// Before anything an older Node lacks (`node:sqlite`) is loaded: one line instead of a stack trace.
const problem = unsupportedNode(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`error: ${problem}\n`);
  process.exit(ExitCode.failure);
}

quietSqliteWarning(process);

// Node's on-disk compile cache (22.8+) makes every later start several times faster; the modules
// are imported after it is on, so that they are cached too.
module.enableCompileCache?.();

// A reader that went away (`httpcache ls | head -1`) is not an error worth a stack trace; `get`
// still reports it as a write failure (exit code 23), as curl does. Any other failure to write
// to stdout (a full disk: ENOSPC, EIO) ends the command with exit code 23 and one line.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`error: cannot write to standard output: ${error.message}\n`);
  process.exit(ExitCode.write);
});

const { run } = await import('./program.ts');
process.exitCode = await run(process.argv.slice(2));
