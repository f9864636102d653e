import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ReceivedRequest, Route } from './origin.ts';

/**
 * A generated representation served with range support (RFC 9110 §14): its bytes are computed
 * from their position, so a resource of any size is streamed without being held in memory, and
 * what a client received can be checked by digest.
 */

/** The byte at `position` of every generated representation (`seed` tells versions apart). */
function byteAt(position: number, seed: number): number {
  return (position * 31 + (position >>> 8) + seed) & 0xff;
}

const CHUNK = 64 * 1024;

/** Bytes `start` to `end` (inclusive) of the generated representation, chunk by chunk. */
export function* generated(start: number, end: number, seed = 0): Generator<Uint8Array> {
  for (let at = start; at <= end; at += CHUNK) {
    const chunk = new Uint8Array(Math.min(CHUNK, end - at + 1));
    for (let i = 0; i < chunk.length; i++) chunk[i] = byteAt(at + i, seed);
    yield chunk;
  }
}

/** The SHA-256 (hex) of bytes `start` to `end` of the generated representation. */
export function digestOf(start: number, end: number, seed = 0): string {
  const hash = createHash('sha256');
  for (const chunk of generated(start, end, seed)) hash.update(chunk);
  return hash.digest('hex');
}

/** The SHA-256 (hex) of a response body, read as a stream. */
export async function digestBody(response: Response): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (next === undefined || next.done) break;
    hash.update(next.value);
    size += next.value.byteLength;
  }
  return { digest: hash.digest('hex'), size };
}

/** Bytes `start` to `end` of the generated representation, as text of their char codes. */
export function bytesOf(start: number, end: number, seed = 0): Uint8Array {
  return new Uint8Array(Buffer.concat([...generated(start, end, seed)]));
}

/** How the ranged route answers. */
export interface RangedOptions {
  /** The representation's length. */
  readonly size: number;
  /** Its strong `ETag`, or `null` to send none. @default '"v1"' */
  readonly etag?: string | null;
  /** Which generated version it serves. @default 0 */
  readonly seed?: number;
  /** @default 'max-age=3600' */
  readonly cacheControl?: string;
  /** Answer every request with the whole representation, as an origin without range support. */
  readonly ignoreRange?: boolean;
  /** More fields for every response. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A route serving the generated representation: 206 for a single satisfiable byte range whose
 * If-Range (if any) matches the ETag, 416 for an unsatisfiable one, 200 otherwise.
 */
export function rangedRoute(options: RangedOptions): Route {
  return (req: ReceivedRequest, res: ServerResponse) => {
    const { size, seed = 0 } = options;
    const etag = options.etag === undefined ? '"v1"' : options.etag;
    const headers: Record<string, string> = {
      'cache-control': options.cacheControl ?? 'max-age=3600',
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      ...options.headers,
    };
    if (etag !== null) headers.etag = etag;
    const range = options.ignoreRange ? undefined : requestedRange(req, size, etag);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end();
      return;
    }
    const [start, end] = range ?? [0, size - 1];
    const partial = range !== undefined;
    res.writeHead(partial ? 206 : 200, {
      ...headers,
      'content-length': String(end - start + 1),
      ...(partial ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    return send(res, generated(start, end, seed));
  };
}

function requestedRange(
  req: ReceivedRequest,
  size: number,
  etag: string | null,
): [number, number] | 'unsatisfiable' | undefined {
  const value = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (value === undefined || (ifRange !== undefined && ifRange !== etag)) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value);
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  return [start, last === '' ? size - 1 : Math.min(Number(last), size - 1)];
}

/** Writes chunks with back-pressure, then ends the response. */
async function send(res: ServerResponse, chunks: Iterable<Uint8Array>): Promise<void> {
  for (const chunk of chunks) {
    if (!res.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          res.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          res.off('drain', onDrain);
          reject(new Error('the client went away'));
        };
        res.once('drain', onDrain);
        res.once('close', onClose);
      });
    }
  }
  res.end();
}
