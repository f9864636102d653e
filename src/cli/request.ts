import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import type { CacheMode } from '../core/types.ts';
import { CACHE_MODES, type CacheRequestInit } from '../engine/request.ts';
import { CliError, ExitCode, errorMessage } from './exit-codes.ts';

/**
 * The request `httpcache get` sends, from its options, as curl would build it.
 *
 * @module
 */

/** The cache modes `--cache-mode` accepts: the Fetch standard's `RequestInit.cache`. */
export { CACHE_MODES };

/** A header as `-H` takes it. */
export type HeaderLine = readonly [name: string, value: string];

/** The request options of `get`. */
export interface RequestOptions {
  readonly header?: readonly HeaderLine[];
  readonly request?: string;
  readonly data?: string;
  readonly cacheMode?: CacheMode;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** commander argument parser of `-H 'Name: value'`, collecting repeated headers in order. */
export function parseHeader(value: string, previous: readonly HeaderLine[] = []): HeaderLine[] {
  const colon = value.indexOf(':');
  const name = colon < 0 ? '' : value.slice(0, colon).trim();
  if (!TOKEN.test(name)) throw new InvalidArgumentError('expected "Name: value"');
  return [...previous, [name, value.slice(colon + 1).trim()]];
}

/** commander argument parser of `-X METHOD`: an HTTP token, upper-cased as curl users type it. */
export function parseMethod(value: string): string {
  if (!TOKEN.test(value)) throw new InvalidArgumentError('expected an HTTP method such as GET');
  return value.toUpperCase();
}

/**
 * The init for `fetch`: the method (`POST` when there is `--data` and no `-X`), the headers, the
 * body (`@FILE` reads a file, as curl does; with a form content type unless `-H` sets one) and
 * the cache mode.
 */
export async function requestInit(options: RequestOptions): Promise<CacheRequestInit> {
  const headers = new Headers();
  for (const [name, value] of options.header ?? []) {
    try {
      headers.append(name, value);
    } catch {
      throw new CliError(`invalid header "${name}: ${value}"`, ExitCode.usage);
    }
  }
  const method = options.request ?? (options.data === undefined ? 'GET' : 'POST');
  if (options.data !== undefined) {
    if (method === 'GET' || method === 'HEAD') {
      throw new CliError(`--data cannot be sent with ${method}`, ExitCode.usage);
    }
    if (!headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
  }
  return {
    method,
    headers,
    ...(options.data === undefined ? {} : { body: await body(options.data) }),
    ...(options.cacheMode === undefined ? {} : { cache: options.cacheMode }),
  };
}

async function body(data: string): Promise<string | Uint8Array<ArrayBuffer>> {
  if (!data.startsWith('@')) return data;
  const file = data.slice(1);
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new CliError(`cannot read --data file ${file}: ${errorMessage(error)}`, ExitCode.failure);
  }
}
