import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Serves `collect()`'s text on `/metrics` at `host:port`. */
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
