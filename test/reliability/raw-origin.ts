/**
 * A test origin on a raw `node:net` socket: it parses just enough of each request to count it
 * and hands the socket to a handler that writes whatever bytes it likes, broken ones included.
 */
import { createServer, type Socket } from 'node:net';

/** A request the raw origin received. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  /** Header fields, lower-case names; repeated fields joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Writes the answer to the `index`-th request (0-based, across connections). The handler owns
 * the socket: it may keep it open for the next request, end it, or destroy it.
 */
export type RawHandler = (socket: Socket, request: RawRequest, index: number) => void;

export interface RawOrigin {
  readonly url: string;
  readonly requests: RawRequest[];
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Connections still open. */
  readonly open: () => number;
  /** Bytes written to clients so far, as the sockets report them. */
  readonly written: () => number;
  close(): Promise<void>;
}

const HEAD_END = '\r\n\r\n';

/** Starts a raw origin on port 0 of 127.0.0.1. */
export async function startRawOrigin(handler: RawHandler): Promise<RawOrigin> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let closedBytes = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
    socket.on('error', () => {
      // The client going away mid-response is part of what these tests do.
    });
    let buffered = '';
    socket.on('data', (data: Buffer) => {
      buffered += data.toString('latin1');
      for (;;) {
        const end = buffered.indexOf(HEAD_END);
        if (end < 0) return;
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + HEAD_END.length);
        const [requestLine = '', ...lines] = head.split('\r\n');
        const [method = 'GET', path = '/'] = requestLine.split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon < 0) continue;
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
        }
        const request: RawRequest = { method, path, headers };
        requests.push(request);
        handler(socket, request, requests.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    connections: () => connections,
    open: () => sockets.size,
    written: () => {
      let bytes = closedBytes;
      for (const socket of sockets) bytes += socket.bytesWritten;
      return bytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP/1.1 response head: status line and header lines, then the blank line. */
export function head(status: string, fields: ReadonlyArray<readonly [string, string]>): string {
  return `HTTP/1.1 ${status}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
}
