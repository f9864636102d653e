import type { EntryMeta, EntryPatch } from '../types.ts';

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

/** `meta` with the fields `patch` sets replaced; what storage owns is never patched. */
export function patched(meta: EntryMeta, patch: EntryPatch): EntryMeta {
  const { headers, requestTime, responseTime, staleAt, deleteAt } = patch;
  return {
    ...meta,
    ...(headers === undefined ? {} : { headers }),
    ...(requestTime === undefined ? {} : { requestTime }),
    ...(responseTime === undefined ? {} : { responseTime }),
    ...(staleAt === undefined ? {} : { staleAt }),
    ...(deleteAt === undefined ? {} : { deleteAt }),
  };
}
