/**
 * The proxy group's load generator, run in a process of its own on its own core (see `proxy.ts`),
 * so that it never competes with the server it measures: `concurrency` keep-alive connections,
 * each sending a GET, reading the whole response, and sending the next, for `ms` milliseconds.
 *
 * It speaks HTTP/1.1 on raw sockets and parses only what it checks (the status, `Content-Length`,
 * the hit marker), counting body bytes without copying them: a few microseconds per response, so
 * that the server, not the client, is what runs out of time.
 */
import { connect, type Socket } from 'node:net';

/** What the parent asks for. */
export interface LoadRequest {
  readonly origin: string;
  readonly path: string;
  readonly concurrency: number;
  readonly ms: number;
  /** The body length every response must have. */
  readonly size: number;
  /** A field every response must carry, e.g. `cache-status` containing `hit`, or `undefined`. */
  readonly marker: readonly [string, string] | undefined;
}

/** What the load generator answers: responses completed in the time, or what went wrong. */
export type LoadResult =
  | { readonly ok: true; readonly requests: number; readonly seconds: number }
  | { readonly ok: false; readonly error: string };

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection sending requests one after another until `until()` says stop. */
function connection(load: LoadRequest, until: () => boolean, count: () => void): Promise<void> {
  const url = new URL(load.origin);
  const request = Buffer.from(
    `GET ${load.path} HTTP/1.1\r\nhost: ${url.host}\r\naccept: */*\r\n\r\n`,
    'latin1',
  );
  const marker = load.marker?.map((part) => part.toLowerCase());
  return new Promise<void>((resolve, reject) => {
    const socket: Socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    let head: Buffer = Buffer.alloc(0);
    /** Body bytes still to come; -1 while reading a head. */
    let remaining = -1;
    const fail = (message: string): void => {
      socket.destroy();
      reject(new Error(`${load.path}: ${message}`));
    };
    const finish = (): void => {
      count();
      if (until()) {
        socket.end();
        resolve();
      } else socket.write(request);
    };
    /** Checks a response head; returns its body length, or -1 after failing. */
    const parse = (text: string): number => {
      if (!text.startsWith('HTTP/1.1 200 ')) {
        fail(`status line ${text.split('\r\n', 1)[0]}`);
        return -1;
      }
      const lower = text.toLowerCase();
      const length = /\r\ncontent-length: *(\d+)/.exec(lower)?.[1];
      if (length === undefined || Number(length) !== load.size) {
        fail(`Content-Length ${String(length)}, not ${load.size}`);
        return -1;
      }
      if (marker !== undefined) {
        const value = new RegExp(`\\r\\n${marker[0]}: *([^\\r]*)`).exec(lower)?.[1];
        if (value === undefined || !value.includes(marker[1] ?? '')) {
          fail(`${marker[0]} is ${String(value)}, not ${marker[1]}`);
          return -1;
        }
      }
      return load.size;
    };
    socket.on('data', (chunk: Buffer) => {
      let data = chunk;
      while (data.length > 0) {
        if (remaining < 0) {
          head = head.length === 0 ? data : Buffer.concat([head, data]);
          const end = head.indexOf(HEAD_END);
          if (end < 0) return;
          remaining = parse(head.toString('latin1', 0, end + 2));
          if (remaining < 0) return;
          data = head.subarray(end + 4);
          head = Buffer.alloc(0);
        }
        const taken = Math.min(remaining, data.length);
        remaining -= taken;
        data = data.subarray(taken);
        if (remaining > 0) return;
        remaining = -1;
        if (data.length > 0) return fail('bytes after the response (pipelining is not used)');
        finish();
      }
    });
    socket.once('error', (error) => fail(error.message));
    socket.once('close', () => {
      if (!until()) fail('the server closed the connection');
    });
    socket.write(request);
  });
}

async function run(load: LoadRequest): Promise<LoadResult> {
  const started = performance.now();
  const deadline = started + load.ms;
  let requests = 0;
  const until = (): boolean => performance.now() >= deadline;
  try {
    await Promise.all(
      Array.from({ length: load.concurrency }, () =>
        connection(load, until, () => {
          requests++;
        }),
      ),
    );
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, requests, seconds: (performance.now() - started) / 1000 };
}

process.on('message', (message: LoadRequest | 'close') => {
  if (message === 'close') {
    process.disconnect();
    return;
  }
  // run() settles with a result, failures included: it never rejects.
  void run(message).then((result) => process.send?.(result));
});
