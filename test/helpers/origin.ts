import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the test origin received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A route's answer: status, headers and body, or a function that writes the response itself. */
export type Route =
  | { status?: number; headers?: Record<string, string | string[]>; body?: string | Uint8Array }
  | ((req: ReceivedRequest, res: ServerResponse) => void | Promise<void>);

/** How the test origin runs. */
export interface OriginOptions {
  /**
   * Whether connections are kept alive after a response. Without keep-alive every request opens
   * its own connection, so once {@link TestOrigin.stop} has run each one is refused, never sent
   * on a kept-alive connection that the stop has just closed.
   * @default true
   */
  readonly keepAlive?: boolean;
  /**
   * How long, in ms, an idle kept-alive connection stays open. A test whose cache blocks the
   * event loop for longer (large synchronous SQLite writes) raises it, so that its next request
   * never goes out on a connection the origin is just closing.
   * @default 5000 (Node's)
   */
  readonly keepAliveTimeout?: number;
}

/** A real HTTP origin on 127.0.0.1 that records what it receives. */
export interface TestOrigin {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests received for `path` (query included). */
  count(path: string): number;
  route(path: string, route: Route): void;
  /** Stops listening and closes every connection: new connections to {@link url} are refused. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an origin on port 0 of 127.0.0.1. Unknown paths get 404. */
export async function startOrigin(
  routes: Record<string, Route> = {},
  options: OriginOptions = {},
): Promise<TestOrigin> {
  const table = new Map<string, Route>(Object.entries(routes));
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    if (options.keepAlive === false) res.shouldKeepAlive = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(received);
      const route = table.get(received.path) ?? table.get(received.path.split('?')[0] ?? '');
      if (route === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      if (typeof route === 'function') {
        Promise.resolve(route(received, res)).catch((error: unknown) => {
          res.destroy(error instanceof Error ? error : new Error(String(error)));
        });
        return;
      }
      res.writeHead(route.status ?? 200, route.headers ?? {});
      res.end(received.method === 'HEAD' ? undefined : (route.body ?? ''));
    });
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      // Closing a server that is not listening calls back with an error: it is stopped all the same.
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    route: (path, route) => table.set(path, route),
    stop,
    start: () => listen(server, port),
    close: stop,
  };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A route that never answers, and what became of the first request that reached it. */
export interface HangingRoute {
  readonly route: Route;
  /** Resolves with the response once a request has reached the route; it is never written. */
  readonly arrived: Promise<ServerResponse>;
  /** Resolves once that request's connection has closed: the client went away. */
  readonly closed: Promise<void>;
}

/** A route that accepts requests and never answers them, as a hung origin does. */
export function hangingRoute(): HangingRoute {
  const arrived = Promise.withResolvers<ServerResponse>();
  const closed = Promise.withResolvers<void>();
  return {
    route: (_req, res) => {
      res.on('close', () => closed.resolve());
      arrived.resolve(res);
    },
    arrived: arrived.promise,
    closed: closed.promise,
  };
}

/** Resets the connection a response would go out on (TCP RST), as a crashing origin does. */
export function resetConnection(res: ServerResponse): void {
  res.socket?.resetAndDestroy();
}

/** A URL on 127.0.0.1 where nothing listens: every connection is refused. */
export async function refusedUrl(): Promise<string> {
  const origin = await startOrigin();
  await origin.close();
  return origin.url;
}
