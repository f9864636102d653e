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

/** A rough size of an entry's metadata, so that many tiny bodies still count against a cap. */
export function metaCost(meta: {
  readonly url: string;
  readonly key: string;
  readonly headers: readonly (readonly [string, string])[];
}): number {
  let cost = 256 + meta.url.length + meta.key.length;
  for (const [name, value] of meta.headers) cost += name.length + value.length;
  return cost;
}
