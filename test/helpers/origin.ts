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

/** A real HTTP origin on 127.0.0.1 that records what it receives. */
export interface TestOrigin {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests received for `path` (query included). */
  count(path: string): number;
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

/** Starts an origin on port 0 of 127.0.0.1. Unknown paths get 404. */
export async function startOrigin(routes: Record<string, Route> = {}): Promise<TestOrigin> {
  const table = new Map<string, Route>(Object.entries(routes));
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    route: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
