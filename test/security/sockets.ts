/**
 * Both ends of an attack on the proxy, on real sockets: a client that writes the exact bytes an
 * attacker would (node:net), and an upstream (node:http) that records every request it parsed,
 * so a test can say what reached the origin and what did not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** A request the upstream parsed. */
export interface ParsedRequest {
  readonly method: string;
  readonly path: string;
  /** Header fields as node:http parsed them (lower-case names). */
  readonly headers: IncomingMessage['headers'];
  /** The body as the upstream read it, by its framing. */
  readonly body: Promise<string>;
}

/** How the upstream answers one request, once its body (as latin1) is in. */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A recording upstream. */
export interface RecordingUpstream {
  readonly url: string;
  /** Every request parsed, in order, as soon as its head was parsed. */
  readonly requests: ParsedRequest[];
  /**
   * Resolves once every connection accepted so far has closed: by then every byte sent on them
   * has been parsed, smuggled requests included. Close the proxy first.
   */
  quiet(): Promise<void>;
  close(): Promise<void>;
}

/** Answers 200 with a body naming the path, cacheable for a minute. */
const defaultHandler: UpstreamHandler = (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
  res.end(`page ${req.url ?? ''}`);
};

/** Starts a recording upstream on port 0 of 127.0.0.1. */
export async function startUpstream(
  handler: UpstreamHandler = defaultHandler,
): Promise<RecordingUpstream> {
  const requests: ParsedRequest[] = [];
  const open = new Set<Socket>();
  let waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const body = new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      req.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    // The handler answers once the body is in, so that framing errors surface as parsed requests.
    void body.then((text) => handler(req, res, text));
  });
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => {
      open.delete(socket);
      if (open.size > 0) return;
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    quiet: () =>
      open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `bytes` to `url` on a fresh connection and resolves with everything the server wrote
 * before closing. The last request should say `Connection: close` (a half-close would make
 * node:http drop the request).
 */
export function exchange(url: string, bytes: string | Buffer): Promise<{ readonly text: string }> {
  return new Promise((resolve) => {
    const { port, hostname } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset is one way for the proxy to end a response it cannot finish; the bytes tell.
    socket.on('error', () => {});
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString('latin1') }));
  });
}

/** A parsed raw response: status line, header fields (lower-case), body bytes as latin1. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Splits a raw answer into its responses, interim (1xx) ones included. Bodies are framed by
 * `Content-Length` or chunked coding; a response without either takes the rest.
 */
export function responses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    rest = rest.slice(end + 4);
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    let body = '';
    if (status >= 200 && headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    } else if (status >= 200 && headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = rest.indexOf('\r\n');
        const size = Number.parseInt(rest.slice(0, lineEnd), 16);
        rest = rest.slice(lineEnd + 2);
        if (!(size > 0)) {
          rest = rest.slice(2);
          break;
        }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    } else if (status >= 200 && status !== 204 && status !== 304) {
      body = rest;
      rest = '';
    }
    out.push({ status, headers, body });
  }
  return out;
}
