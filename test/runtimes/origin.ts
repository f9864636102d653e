import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * The origin every runtime's suite talks to: a node:http server on 127.0.0.1, started by the
 * launcher. Paths are `/<kind>/<id>`; each test uses its own id, so runs never share state.
 * Control paths under `/_/` let a suite in another process read counts and release held requests.
 *
 * @module
 */

/** Static files the origin also serves (the browser page and its bundle). */
export type StaticFiles = ReadonlyMap<string, { readonly type: string; readonly body: string }>;

/** A running origin. */
export interface RuntimeOrigin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** When false, every test path answers by closing the connection (the origin is "down"). */
  up: boolean;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

/** Starts the origin on port 0 of 127.0.0.1. */
export async function startOrigin(files: StaticFiles = new Map()): Promise<RuntimeOrigin> {
  const counts = new Map<string, number>();
  const waiters = new Map<string, (() => void)[]>();
  const held = new Map<string, (() => void)[]>();

  const reply = (res: ServerResponse, status: number, headers: Record<string, string>, body = '') =>
    res.writeHead(status, headers).end(body);

  const kinds: Record<string, Handler> = {
    fresh: (_req, res, path) =>
      reply(res, 200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' }, path),
    etag: (req, res, path) => {
      const headers = { 'cache-control': 'max-age=0', etag: '"v1"' };
      if (req.headers['if-none-match'] === '"v1"') reply(res, 304, headers);
      else reply(res, 200, headers, `${path} v1`);
    },
    swr: (_req, res, path) =>
      reply(
        res,
        200,
        { 'cache-control': 'max-age=1, stale-while-revalidate=60' },
        `${path} #${counts.get(path)}`,
      ),
    sie: (_req, res, path) =>
      reply(res, 200, { 'cache-control': 'max-age=60, stale-if-error=86400' }, `${path} ok`),
    vary: (req, res) =>
      reply(
        res,
        200,
        { 'cache-control': 'max-age=60', vary: 'accept-language' },
        String(req.headers['accept-language'] ?? 'none'),
      ),
    hold: (_req, res, path) => {
      const list = held.get(path) ?? [];
      list.push(() => reply(res, 200, { 'cache-control': 'max-age=60' }, `${path} held`));
      held.set(path, list);
    },
  };

  const control: Record<string, (res: ServerResponse, path: string) => void> = {
    count: (res, path) =>
      reply(res, 200, { 'content-type': 'text/plain' }, String(counts.get(path) ?? 0)),
    wait: (res, path) => {
      if ((counts.get(path) ?? 0) > 0) return reply(res, 200, {}, 'seen');
      const list = waiters.get(path) ?? [];
      list.push(() => reply(res, 200, {}, 'seen'));
      waiters.set(path, list);
    },
    release: (res, path) => {
      for (const send of held.get(path)?.splice(0) ?? []) send();
      reply(res, 200, {}, 'released');
    },
  };

  const state = { up: true };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://origin');
    const file = files.get(url.pathname);
    if (file)
      return reply(res, 200, { 'content-type': file.type, 'cache-control': 'no-store' }, file.body);
    const [, first = '', ...rest] = url.pathname.split('/');
    if (first === '_') {
      const [name = '', ...path] = rest;
      const act = control[name];
      return act ? act(res, `/${path.join('/')}`) : reply(res, 404, {});
    }
    if (!state.up) return req.socket.destroy();
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    for (const wake of waiters.get(url.pathname)?.splice(0) ?? []) wake();
    const handler = kinds[first];
    if (!handler) return reply(res, 404, {});
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', '*');
    handler(req, res, url.pathname);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('origin: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get up() {
      return state.up;
    },
    set up(value: boolean) {
      state.up = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
