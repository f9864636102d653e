import type { Readable, Writable } from 'node:stream';
import pc from 'picocolors';

/**
 * Where the CLI writes, and how: colours only for a terminal that supports them, never with
 * `NO_COLOR`.
 *
 * @module
 */

/** A stream the CLI writes to: `process.stdout`, `process.stderr` or a test's stand-in. */
export type OutputStream = Writable & {
  readonly isTTY?: boolean;
  readonly columns?: number;
  hasColors?(env?: NodeJS.ProcessEnv): boolean;
};

/** A stream the CLI reads answers from: `process.stdin` or a test's stand-in. */
export type InputStream = Readable & { readonly isTTY?: boolean };

/** The process around a command: its streams and environment. */
export interface Io {
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
}

/** picocolors' formatters (each a no-op when colours are off). */
export type Colors = ReturnType<typeof pc.createColors>;

/** The real process's streams and environment. */
export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Colours for `stream`: off with `NO_COLOR` (https://no-color.org), on with `FORCE_COLOR`
 * (other than `0`), otherwise on for a terminal whose colour depth Node reports as more than one
 * colour (which also honours `TERM=dumb`).
 */
export function colorsFor(stream: OutputStream, env: NodeJS.ProcessEnv): Colors {
  return pc.createColors(colorsEnabled(stream, env));
}

function colorsEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') {
    return true;
  }
  return stream.isTTY === true && stream.hasColors?.(env) === true;
}
