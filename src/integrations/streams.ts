/**
 * Node.js readable streams as WHATWG streams, with back-pressure, without importing `node:`
 * modules (so browser bundles of the integrations that use it stay clean).
 *
 * @module
 */

/** The part of a Node.js `Readable` that {@link fromNodeReadable} uses. */
export interface NodeReadableLike {
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(error?: Error): unknown;
}

/** Whether `value` looks like a Node.js readable stream. */
export function isNodeReadable(value: unknown): value is NodeReadableLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { on?: unknown }).on === 'function' &&
    typeof (value as { pause?: unknown }).pause === 'function' &&
    typeof (value as { resume?: unknown }).resume === 'function'
  );
}

/**
 * A WHATWG stream over a Node.js readable: the source is paused when `highWaterMark` bytes are
 * queued and resumed when the reader pulls; cancelling the stream destroys the source.
 */
export function fromNodeReadable(
  source: NodeReadableLike,
  highWaterMark = 64 * 1024,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let done = false;
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      start(controller) {
        source.on('data', (chunk) => {
          if (done) return;
          const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
          controller.enqueue(asArrayBufferView(bytes));
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.on('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        source.on('error', (error) => {
          if (done) return;
          done = true;
          controller.error(error);
        });
        // A stream closed without 'end' (destroyed, aborted) ends the body as incomplete.
        source.on('close', () => {
          if (done) return;
          done = true;
          controller.error(new Error('the stream closed before its end'));
        });
      },
      pull() {
        source.resume();
      },
      cancel(reason) {
        done = true;
        source.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  );
}

/** A view of `bytes` typed over an `ArrayBuffer` (Node's Buffers may sit on a pooled one). */
export function asArrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}
