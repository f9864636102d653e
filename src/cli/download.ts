import { pipeline } from 'node:stream/promises';
import type { OutputStream } from './io.ts';
import type { Progress } from './progress.ts';

/**
 * Streaming a response body to a file or stdout, chunk by chunk, with back-pressure: nothing is
 * held whole in memory.
 *
 * @module
 */

/** What a download wrote. */
export interface Downloaded {
  readonly bytes: number;
  /** The last byte written, to know whether the output ended with a newline. */
  readonly lastByte: number | undefined;
}

/** The body failed while it was being read (the origin's connection broke). */
export class BodyReadError extends Error {
  constructor(cause: unknown) {
    super('the response body could not be read', { cause });
    this.name = 'BodyReadError';
  }
}

/**
 * Copies `body` into `destination`; `end: false` leaves it open (stdout). Rejects with a
 * {@link BodyReadError} when reading fails and with the stream's error when writing fails.
 */
export async function download(
  body: ReadableStream<Uint8Array> | null,
  destination: OutputStream,
  end: boolean,
  progress: Progress | undefined,
): Promise<Downloaded> {
  let bytes = 0;
  let lastByte: number | undefined;
  if (body === null) {
    if (end) destination.end();
    return { bytes, lastByte };
  }
  async function* meter(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const chunks = source[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw new BodyReadError(error);
      }
      if (next.done === true) return;
      const chunk = next.value;
      bytes += chunk.byteLength;
      if (chunk.byteLength > 0) lastByte = chunk[chunk.byteLength - 1];
      progress?.advance(chunk.byteLength);
      yield chunk;
    }
  }
  await pipeline(body, meter, destination, { end });
  return { bytes, lastByte };
}
