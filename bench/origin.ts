import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/**
 * The loopback origin the benchmarks talk to: node:http on 127.0.0.1, keep-alive, answering
 *
 * - `/stale/<bytes>`: 200, `Cache-Control: max-age=0` with an ETag, and 304 to a matching
 *   `If-None-Match`;
 * - `/stream/<bytes>`: 200, `Cache-Control: max-age=3600`, the body generated as it is sent, in
 *   64 KiB pieces with back-pressure, so even a 1 GB body is never held;
 * - `/<any other name>/<bytes>`: 200, `Cache-Control: max-age=3600`.
 *
 * Any query string is ignored, so `?n=1`, `?n=2`... are distinct URLs of one resource.
 */
export interface Origin {
  readonly url: string;
  /** Requests received for a path (query excluded). */
  count(path: string): number;
  /**
   * Notes the request counts of `paths` now; the function returned throws if any has moved since,
   * that is if a request that was to be a hit reached the origin.
   */
  unchanged(paths: readonly string[]): () => void;
  /** 304 responses sent. */
  readonly notModified: number;
  close(): Promise<void>;
}

const ETAG = '"v1-5f3a9c"';

/** A deterministic body of `size` bytes (JSON-ish text). */
export function bodyOf(size: number): Uint8Array<ArrayBuffer> {
  const pattern = new TextEncoder().encode('{"id":12345,"name":"item","tags":["a","b","c"]},');
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = pattern[i % pattern.length] ?? 0x20;
  return body;
}

/** The ~8 response header fields of a typical API response. */
export function responseHeaders(size: number, cacheControl: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    date: new Date().toUTCString(),
    etag: ETAG,
    'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
    'cache-control': cacheControl,
    'content-length': String(size),
    vary: 'accept-encoding',
    server: 'bench-origin/1.0',
  };
}

/** `size` bytes of {@link bodyOf} pattern, in pieces of 64 KiB (the last one shorter). */
function* pieces(size: number): Generator<Uint8Array> {
  const PIECE = 64 * 1024;
  const piece = bodyOf(PIECE);
  for (let sent = 0; sent < size; sent += PIECE) {
    yield size - sent >= PIECE ? piece : piece.subarray(0, size - sent);
  }
}

export async function startOrigin(): Promise<Origin> {
  const bodies = new Map<number, Uint8Array>();
  const counts = new Map<string, number>();
  let notModified = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const [, kind, bytes] = path.split('/');
    const size = Number(bytes);
    if (kind === undefined || !Number.isInteger(size)) {
      res.writeHead(404).end();
      return;
    }
    const cacheControl = kind === 'stale' ? 'max-age=0' : 'max-age=3600';
    if (kind === 'stale' && req.headers['if-none-match'] === ETAG) {
      notModified++;
      const { etag, date } = responseHeaders(size, cacheControl);
      res.writeHead(304, { etag, date, 'cache-control': cacheControl } as OutgoingHttpHeaders);
      res.end();
      return;
    }
    if (kind === 'stream') {
      res.writeHead(200, responseHeaders(size, cacheControl));
      Readable.from(pieces(size)).pipe(res);
      return;
    }
    let body = bodies.get(size);
    if (body === undefined) {
      body = bodyOf(size);
      bodies.set(size, body);
    }
    res.writeHead(200, responseHeaders(size, cacheControl)).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    unchanged(paths) {
      const before = paths.map((path) => counts.get(path) ?? 0);
      return () => {
        paths.forEach((path, i) => {
          if ((counts.get(path) ?? 0) !== before[i]) {
            throw new Error(`bench: a hit on ${path} reached the origin`);
          }
        });
      };
    },
    get notModified() {
      return notModified;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
