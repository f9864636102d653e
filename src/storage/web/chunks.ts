/**
 * Streams and chunk lists for the web storages.
 *
 * @module
 */

type Bytes = Uint8Array<ArrayBuffer>;

/** A stream of the stored chunks. */
export function streamOfChunks(chunks: readonly Bytes[]): ReadableStream<Bytes> {
  let next = 0;
  return new ReadableStream<Bytes>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}
