import { Command, InvalidArgumentError, Option } from 'commander';
import { isHttpCacheError } from '../../errors.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { colorsFor, type Io } from '../io.ts';
import { type StoreOptions, storeOption } from '../options.ts';
import {
  defaultProxyStore,
  formatStoreUri,
  openStore,
  type StoreSpec,
  storePath,
} from '../store-uri.ts';

/**
 * `httpcache proxy`: a caching reverse proxy (`createProxy` of `httpcache/server`) in front of
 * one upstream, until SIGINT or SIGTERM.
 *
 * @module
 */

/** The options of `proxy`. */
export interface ProxyCommandOptions extends StoreOptions {
  readonly upstream: string;
  readonly port: number;
  readonly host: string;
  /** Addresses of downstream proxies whose `X-Forwarded-*` fields are believed. */
  readonly trustProxy?: readonly string[];
  /** The largest body stored, in bytes; larger ones pass through uncached. */
  readonly maxBodySize: number;
  /** Serve fresh stored responses to requests with `no-cache` or `max-age` (origin protection). */
  readonly ignoreRequestNoCache?: boolean;
  /** Keep `Set-Cookie` in stored responses (RFC 9111 §7.3 allows it; every user then gets it). */
  readonly storeSetCookie?: boolean;
  /** Processes behind the port (default: one per core for a shared store, 1 for `memory:`). */
  readonly workers?: number;
  /** Where to serve Prometheus metrics on `/metrics`. */
  readonly metricsPort?: number;
  /** Turns on PURGE requests with `Authorization: Bearer <token>`. */
  readonly purgeToken?: string;
}

/** The proxy's default `--max-body-size`: 16 MiB. */
export const DEFAULT_PROXY_MAX_BODY_SIZE = 16 * 1024 * 1024;

/** The `proxy` command. */
export function proxyCommand(io: Io, done: (code: number) => void): Command {
  return new Command('proxy')
    .description('run a caching reverse proxy (a shared cache) in front of an upstream')
    .addOption(
      new Option('--upstream <url>', 'the origin requests are forwarded to')
        .argParser(parseUpstream)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--port <n>', 'the port to listen on (0: any free port)')
        .argParser(parsePort)
        .default(8080),
    )
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .addOption(
      new Option(
        '--trust-proxy <addresses>',
        'comma-separated addresses of downstream proxies whose X-Forwarded-For/-Host/-Proto to believe',
      ).argParser(parseAddresses),
    )
    .addOption(
      new Option('--max-body-size <bytes>', 'the largest body to store; larger ones pass through')
        .argParser(parseByteCount)
        .default(DEFAULT_PROXY_MAX_BODY_SIZE, '16 MiB'),
    )
    .option(
      '--ignore-request-no-cache',
      "serve fresh stored responses although clients send Cache-Control: no-cache or max-age, or Pragma: no-cache (protects the upstream; departs from RFC 9111's default)",
    )
    .option(
      '--store-set-cookie',
      'keep Set-Cookie in stored responses, as RFC 9111 allows: every later client receives the cookies set for the first one (only for origins whose cacheable responses set no personal cookie)',
    )
    .addOption(
      new Option(
        '--workers <n>',
        'processes serving the port (node:cluster); a dead one is restarted, SIGTERM drains them all',
      )
        .argParser(parseWorkers)
        .default(undefined, 'one per core; 1 for memory:'),
    )
    .addOption(
      new Option(
        '--metrics-port <n>',
        'serve Prometheus metrics on /metrics at this port (per worker and summed)',
      ).argParser(parsePort),
    )
    .addOption(
      new Option(
        '--purge-token <token>',
        'accept PURGE requests with Authorization: Bearer <token> (at least 16 characters)',
      ).env('HTTPCACHE_PURGE_TOKEN'),
    )
    .addOption(storeOption())
    .action(async (options: ProxyCommandOptions) => done(await proxy(options, io)));
}

/** Runs the proxy until the process is told to stop; returns the exit code. */
export async function proxy(options: ProxyCommandOptions, io: Io): Promise<number> {
  const spec = options.store ?? (await defaultProxyStore());
  const c = colorsFor(io.stderr, io.env);
  const store = formatStoreUri(spec, await storePath(spec));
  const workers = options.workers ?? (await defaultWorkers(spec));
  const banner = (url: string): string =>
    `${c.bold('httpcache proxy')} listening on ${c.cyan(url)} → ${options.upstream} (store ${store}${workers > 1 ? `, ${workers} workers` : ''})`;
  const { isPrimary } = (await import('node:cluster')).default;
  if (!isPrimary) {
    try {
      return await serveOne(options, io, spec, banner);
    } finally {
      // Its IPC channel must not keep a worker alive once it has stopped (its exit code stays).
      process.channel?.unref();
    }
  }
  if (workers > 1) {
    if (spec.type === 'memory') {
      io.stderr.write('note: with memory: each worker has its own cache\n');
    }
    const { runPrimary } = await import('../cluster.ts');
    return runPrimary({
      workers,
      host: options.host,
      metricsPort: options.metricsPort,
      io,
      banner,
    });
  }
  return serveOne(options, io, spec, banner);
}

/** Runs one proxy process, alone or as a worker, until it is told to stop. */
async function serveOne(
  options: ProxyCommandOptions,
  io: Io,
  spec: StoreSpec,
  banner: (url: string) => string,
): Promise<number> {
  const c = colorsFor(io.stderr, io.env);
  const { createProxy } = await import('../../integrations/server/proxy.ts');
  const { serveUntilStopped } = await import('../cluster-worker.ts');
  const storage = await openStore(spec);
  let running: Awaited<ReturnType<typeof createProxy>>;
  try {
    running = await createProxy({
      upstream: options.upstream,
      port: options.port,
      host: options.host,
      ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
      ignoreRequestNoCache: options.ignoreRequestNoCache === true,
      storeSetCookie: options.storeSetCookie === true,
      storage,
      maxBodySize: options.maxBodySize,
      ...(options.purgeToken === undefined ? {} : { purgeToken: options.purgeToken }),
    });
  } catch (error) {
    await storage.close();
    if (isHttpCacheError(error) || isListenError(error)) {
      throw new CliError(`cannot start the proxy: ${(error as Error).message}`, ExitCode.failure);
    }
    throw error;
  }
  // The client got the status text alone; the operator gets the detail.
  running.on('error', ({ status, url, error }) => {
    io.stderr.write(`${c.red(String(status))} ${url}: ${detail(error)}\n`);
  });
  await serveUntilStopped(running, {
    io,
    host: options.host,
    metricsPort: options.metricsPort,
    banner: banner(running.url),
  });
  return ExitCode.ok;
}

/** One worker per core where the store is shared across processes; one for `memory:`. */
async function defaultWorkers(spec: StoreSpec): Promise<number> {
  if (spec.type === 'memory') return 1;
  return (await import('node:os')).availableParallelism();
}

function parseUpstream(value: string): string {
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError('expected an absolute http: or https: URL');
  }
  return value;
}

function parseAddresses(value: string): string[] {
  const addresses = value.split(',').map((address) => address.trim());
  if (addresses.some((address) => !/^[0-9A-Fa-f.:]+$/.test(address))) {
    throw new InvalidArgumentError('expected comma-separated IP addresses');
  }
  return addresses;
}

function parseByteCount(value: string): number {
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(bytes)) {
    throw new InvalidArgumentError('expected a whole number of bytes');
  }
  return bytes;
}

function parseWorkers(value: string): number {
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > 1024) {
    throw new InvalidArgumentError('expected a number of processes from 1 to 1024');
  }
  return workers;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535');
  }
  return port;
}

function detail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? error.message : `${code} (${error.message})`;
}

function isListenError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
