import { createWriteStream } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BodyReadError, type Downloaded, download } from '../download.ts';
import { CliError, ExitCode, errorMessage, networkExitCode } from '../exit-codes.ts';
import { colorsFor, type Io, type OutputStream } from '../io.ts';
import { type StoreOptions, storeOption } from '../options.ts';
import { PROGRESS_DELAY, type Progress, startProgress } from '../progress.ts';
import {
  CACHE_MODES,
  parseHeader,
  parseMethod,
  type RequestOptions,
  requestInit,
} from '../request.ts';
import { responseHead, summaryLine } from '../response-text.ts';
import { DEFAULT_STORE, openStore } from '../store-uri.ts';

/**
 * `httpcache get URL`: a download through the persistent cache, curl-like.
 *
 * @module
 */

/** The options of `get`, as commander parses them. */
export interface GetOptions extends RequestOptions, StoreOptions {
  readonly output?: string;
  readonly include?: boolean;
  readonly fail?: boolean;
  readonly silent?: boolean;
  /** `true`: always draw the progress bar (`--progress`); `false`: never (`--no-progress`). */
  readonly progress?: boolean;
}

/** The `get` command. */
export function getCommand(io: Io, done: (code: number) => void): Command {
  return new Command('get')
    .description('fetch URL through the cache; the body goes to stdout or to FILE')
    .argument('<url>', 'an absolute http: or https: URL', parseUrl)
    .option('-o, --output <file>', 'write the body to FILE instead of stdout')
    .option('-H, --header <header>', "add a request header 'Name: value' (repeatable)", parseHeader)
    .addOption(new Option('-X, --request <method>', 'the request method').argParser(parseMethod))
    .option(
      '-d, --data <body>',
      "send BODY (@FILE: the file's bytes); POST unless -X says otherwise",
    )
    .addOption(new Option('--cache-mode <mode>', 'the Fetch cache mode').choices(CACHE_MODES))
    .addOption(storeOption())
    .option('-i, --include', 'print the response status and headers before the body')
    .option('-f, --fail', 'on HTTP errors (status >= 400) write no body and exit with 22')
    .option('-s, --silent', 'print neither the progress bar nor the summary line')
    .option('--progress', 'draw the progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never draw the progress bar')
    .action(async (url: string, options: GetOptions) => done(await get(url, options, io)));
}

/** Fetches `url` through the cache and writes its body; returns the exit code. */
export async function get(url: string, options: GetOptions, io: Io): Promise<number> {
  const init = await requestInit(options);
  // Loaded here, so that the other commands start without the engine.
  const { createFetch } = await import('../../integrations/fetch.ts');
  const cachedFetch = createFetch({ storage: await openStore(options.store ?? DEFAULT_STORE) });
  try {
    const started = performance.now();
    let response: Response;
    try {
      response = await cachedFetch(url, init);
    } catch (error) {
      throw new CliError(`${url}: ${errorMessage(error)}`, networkExitCode(error), {
        cause: error,
      });
    }
    if (options.include === true) io.stdout.write(responseHead(response));
    const failed = options.fail === true && response.status >= 400;
    let downloaded: Downloaded = { bytes: 0, lastByte: undefined };
    if (failed) await response.body?.cancel();
    else downloaded = await writeBody(response, options, io);
    if (options.silent !== true) {
      const colors = colorsFor(io.stderr, io.env);
      const line = summaryLine(response, downloaded.bytes, performance.now() - started, colors);
      io.stderr.write(`${line}\n`);
    }
    return failed ? ExitCode.http : ExitCode.ok;
  } finally {
    await cachedFetch.close();
  }
}

async function writeBody(response: Response, options: GetOptions, io: Io): Promise<Downloaded> {
  const toFile = options.output !== undefined && options.output !== '-';
  const destination: OutputStream = toFile ? createWriteStream(options.output) : io.stdout;
  const toTerminal = !toFile && io.stdout.isTTY === true;
  const bar =
    options.progress === true ||
    (options.progress !== false &&
      options.silent !== true &&
      io.stderr.isTTY === true &&
      !toTerminal);
  const progress: Progress | undefined = bar
    ? startProgress({
        stream: io.stderr,
        total: bodyLength(response),
        force: options.progress === true,
        delay: options.progress === true ? 0 : PROGRESS_DELAY,
      })
    : undefined;
  let downloaded: Downloaded;
  try {
    downloaded = await download(response.body, destination, toFile, progress);
  } catch (error) {
    if (error instanceof BodyReadError) {
      throw new CliError(`${response.url}: ${errorMessage(error)}`, networkExitCode(error.cause));
    }
    const target = toFile ? options.output : 'stdout';
    throw new CliError(`cannot write to ${target}: ${errorMessage(error)}`, ExitCode.write);
  } finally {
    progress?.stop();
  }
  // Keep the summary line off the end of a body printed to the terminal.
  if (toTerminal && downloaded.lastByte !== undefined && downloaded.lastByte !== 0x0a) {
    io.stdout.write('\n');
  }
  return downloaded;
}

/** The body's length when `Content-Length` gives it: not for a body fetch decoded. */
function bodyLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.toLowerCase() !== 'identity') return undefined;
  const length = response.headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
}

function parseUrl(value: string): string {
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError('expected an absolute http: or https: URL');
  }
  return url.href;
}
