import type { StoredBody } from '../storage/types.ts';
import { BodyIncompleteError } from './body-tee.ts';

/**
 * Bodies put together from pieces: the bytes of stored parts and of the origin's answer, read one
 * after the other as the reader asks, so that combining parts never holds more than a chunk.
 *
 * @module
 */

/** A piece of a joined body, and how many bytes it must hold. */
export interface Piece {
  readonly body: StoredBody;
  readonly length: number;
}

/**
 * One stream of `pieces` in order. A piece that holds more or fewer bytes than it should makes
 * the stream error rather than end: a joined body never takes one part's bytes for another's.
 * Cancelling it cancels every piece not yet read to its end.
 */
export function joinBodies(pieces: readonly Piece[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  let index = 0;
  let seen = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>> | undefined;
  const cancelRest = async (reason: unknown): Promise<void> => {
    await reader?.cancel(reason);
    for (const { body } of pieces.slice(index + 1)) {
      if (body instanceof ReadableStream) await body.cancel(reason);
    }
  };
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        for (;;) {
          const piece = pieces[index];
          if (piece === undefined) {
            controller.close();
            return;
          }
          const chunk = await next(piece);
          if (chunk !== undefined) {
            seen += chunk.byteLength;
            if (seen > piece.length) return fail(controller, piece, 'more');
            controller.enqueue(chunk);
            return;
          }
          if (seen !== piece.length) return fail(controller, piece, 'fewer');
          index++;
          seen = 0;
          reader = undefined;
        }
      },
      cancel: cancelRest,
    },
    { highWaterMark: 0 },
  );

  async function next(piece: Piece): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if (piece.body instanceof Uint8Array) {
      // Bytes are one chunk: handed over once, then the piece is done.
      if (seen > 0 || piece.body.byteLength === 0) return undefined;
      return piece.body;
    }
    reader ??= piece.body.getReader();
    const { done, value } = await reader.read();
    return done ? undefined : value;
  }

  async function fail(
    controller: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>,
    piece: Piece,
    what: 'more' | 'fewer',
  ): Promise<void> {
    const error = new BodyIncompleteError(`a piece of ${piece.length} bytes held ${what} bytes`);
    controller.error(error);
    await cancelRest(error).catch(() => undefined);
  }
}
