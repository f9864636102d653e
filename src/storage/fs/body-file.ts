import type { FileHandle } from 'node:fs/promises';
import { CodecError, messageOf } from '../../errors.ts';
import type { StoredBody } from '../types.ts';
import { ignore, storageError, writeAll } from './files.ts';

/**
 * Body files: a body stream copied into a file, and a file read back whole or as a stream.
 *
 * @module
 */

/** Bodies up to this size are read whole; larger ones are streamed in chunks of this size. */
const CHUNK = 64 * 1024;

/** A body stream's own error, passed to put's caller as it is. */
export class BodyFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Counts `bytes` more of a body being written (`size` in all so far) against the storage's cap,
 * after making room for them; throws when they do not fit.
 */
export type Reserve = (bytes: number, size: number) => Promise<void>;

/**
 * Copies a body stream into a file, each piece reserved before it is written; returns its size.
 * The stream's own errors are marked.
 */
export async function writeBody(
  handle: FileHandle,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  reserve: Reserve,
): Promise<number> {
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const result = await reader.read().catch((error: unknown) => {
        throw new BodyFailure(error);
      });
      if (result.done) return size;
      size += result.value.byteLength;
      await reserve(result.value.byteLength, size);
      await writeAll(handle, result.value);
    }
  } catch (error) {
    if (!(error instanceof BodyFailure)) await reader.cancel(messageOf(error)).catch(ignore);
    throw error;
  }
}

/**
 * The body in a file of `size` bytes, from a handle opened before: read whole (and the handle
 * closed) when it is small, else a stream that closes the handle itself.
 */
export async function readBody(handle: FileHandle, size: number): Promise<StoredBody> {
  if (size > CHUNK) return fileStream(handle, size);
  const bytes = await readFully(handle, size);
  await handle.close();
  return bytes;
}

async function readFully(handle: FileHandle, size: number): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
    if (bytesRead === 0) throw new CodecError(`the body ended after ${offset} of ${size} bytes`);
    offset += bytesRead;
  }
  return bytes;
}

/**
 * A body file read in chunks from a handle opened before: a file renamed over or deleted since
 * is still read whole. The handle is closed at the end, on error and on cancel.
 */
function fileStream(handle: FileHandle, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let position = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    unclosed.unregister(handle);
    await handle.close();
  };
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        try {
          const chunk = new Uint8Array(Math.min(CHUNK, size - position));
          const { bytesRead } = await handle.read(chunk, 0, chunk.byteLength, position);
          if (bytesRead === 0)
            throw new CodecError(`the body ended after ${position} of ${size} bytes`);
          position += bytesRead;
          controller.enqueue(bytesRead === chunk.byteLength ? chunk : chunk.slice(0, bytesRead));
          if (position >= size) {
            await close();
            controller.close();
          }
        } catch (error) {
          await close().catch(ignore);
          controller.error(storageError('body', error));
        }
      },
      cancel: close,
    },
    { highWaterMark: 0 },
  );
  unclosed.register(stream, handle, handle);
  return stream;
}

/** Closes the file of a body stream dropped unread (a HEAD response's, say) once it is collected. */
const unclosed = new FinalizationRegistry<FileHandle>((handle) => {
  handle.close().catch(ignore);
});
