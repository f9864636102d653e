#!/usr/bin/env node
/**
 * The `httpcache` bin: `httpcache --help` lists the commands.
 *
 * @module
 */

import module from 'node:module';

// Node's on-disk compile cache (22.8+) makes every later start several times faster; the modules
// are imported after it is on, so that they are cached too.
module.enableCompileCache?.();

// A reader that went away (`httpcache ls | head -1`) is not an error worth a stack trace; `get`
// still reports it as a write failure (exit code 23), as curl does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const { run } = await import('./program.ts');
process.exitCode = await run(process.argv.slice(2));
