import { createServer } from 'node:http';
import { listen } from '../integrations/server/listen.ts';
import { CliError, ExitCode } from './exit-codes.ts';

/**
 * The `--metrics-port` server: `GET /metrics` answers with the Prometheus text format, anything
 * else with 404.
 *
 * @module
 */

/** A running metrics server. */
export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9100/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/** The Content-Type of the Prometheus text format. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Serves `collect()`'s text on `/metrics` at `host:port`; a `CliError` when it cannot listen. */
export async function serveMetrics(
  port: number,
  host: string,
  collect: () => string | Promise<string>,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    Promise.resolve(collect()).then(
      (text) => {
        res.writeHead(200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`);
      },
    );
  });
  let origin: string;
  try {
    origin = await listen(server, port, host);
  } catch (error) {
    throw new CliError(`cannot serve metrics: ${(error as Error).message}`, ExitCode.failure, {
      cause: error,
    });
  }
  return {
    url: `${origin}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
