import { Buffer } from 'node:buffer';
import { StorageError } from '../../errors.ts';
import { CHUNK_SIZE } from './keys.ts';

/**
 * Bodies in and out of Redis in chunks of {@link CHUNK_SIZE} bytes, never whole in memory.
 *
 * @module
 */

type Bytes = Uint8Array<ArrayBuffer>;

/** A body read into chunks: its size, its chunk count, and the last chunk, not yet written. */
export interface ChunkedBody {
  readonly size: number;
  readonly chunks: number;
  readonly last: Bytes | undefined;
}

/**
 * Reads `body` into chunks of {@link CHUNK_SIZE} bytes and hands every chunk but the last to
 * `append`, waiting for each (back-pressure). The last one is returned, to be written with the
 * commit: a body of one chunk costs no write of its own. `progress` is told of each read. Past `maxSize` bytes the body's stream is
 * cancelled and a {@link StorageError} thrown; a stream that errors throws its own error.
 */
export async function chunkBody(
  body: ReadableStream<Bytes>,
  maxSize: number,
  append: (chunk: Bytes) => Promise<unknown>,
  progress: () => void = () => undefined,
): Promise<ChunkedBody> {
  const reader = body.getReader();
  let buffer = new Uint8Array(CHUNK_SIZE);
  let filled = 0;
  let size = 0;
  let chunks = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      progress();
      size += value.byteLength;
      if (size > maxSize) {
        throw new StorageError('put', `the body is larger than maxBodySize (${maxSize} bytes)`);
      }
      for (let offset = 0; offset < value.byteLength; ) {
        // A full chunk is written only once more bytes come: the last one goes with the commit.
        if (filled === CHUNK_SIZE) {
          await append(buffer);
          chunks++;
          buffer = new Uint8Array(CHUNK_SIZE);
          filled = 0;
        }
        const n = Math.min(CHUNK_SIZE - filled, value.byteLength - offset);
        buffer.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
      }
    }
  } catch (error) {
    reader.cancel(error).catch(() => undefined);
    throw error;
  }
  if (filled === 0) return { size, chunks, last: undefined };
  return { size, chunks: chunks + 1, last: buffer.subarray(0, filled) };
}

/** What {@link chunkStream} needs to know of the entry it reads. */
export interface StoredChunks {
  /** The entry's first chunk, already read. */
  readonly first: Bytes;
  readonly chunks: number;
  readonly size: number;
  /** Reads chunk `seq`; `null` when it is gone. */
  read(seq: number): Promise<Bytes | null>;
  /**
   * The error that ends the stream when a chunk is gone or the sizes do not add up (the entry is
   * removed and reported if it is still visible: it is corrupted, not merely replaced).
   */
  broken(problem: string): Promise<Error>;
}

/** A stream of an entry's chunks, one read from Redis each time the reader wants more. */
export function chunkStream(stored: StoredChunks): ReadableStream<Bytes> {
  let seq = 0;
  let read = 0;
  const check = (chunk: Bytes): Promise<Error> | undefined => {
    seq++;
    read += chunk.byteLength;
    const last = seq === stored.chunks;
    if (read > stored.size || (last && read !== stored.size)) {
      return stored.broken(`its chunks hold ${read} bytes of a ${stored.size}-byte body`);
    }
    if (!last && chunk.byteLength !== CHUNK_SIZE) {
      return stored.broken(`chunk ${seq - 1} has ${chunk.byteLength} bytes`);
    }
    return undefined;
  };
  return new ReadableStream<Bytes>({
    async pull(controller) {
      try {
        const chunk = seq === 0 ? stored.first : await stored.read(seq);
        const problem =
          chunk === null
            ? stored.broken(`chunk ${seq} was removed while the body was read`)
            : check(chunk);
        if (problem !== undefined) throw await problem;
        controller.enqueue(chunk as Bytes);
        if (seq === stored.chunks) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
}

/** A Buffer over the same bytes, as Redis clients take them. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A reply's bytes as a Uint8Array of its own (a client's Buffer may share a larger buffer). */
export function toBytes(reply: unknown): Bytes | null {
  if (!(reply instanceof Uint8Array)) return null;
  if (reply.byteOffset === 0 && reply.byteLength === reply.buffer.byteLength) {
    return new Uint8Array(reply.buffer as ArrayBuffer);
  }
  return new Uint8Array(reply);
}
