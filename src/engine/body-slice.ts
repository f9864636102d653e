import type { StoredBody } from '../storage/types.ts';

/**
 * Bytes `start` to `end` (inclusive) of a stored body, for answering a range request. A stream is
 * read up to `end` and then cancelled.
 */
export function sliceBody(body: StoredBody, start: number, end: number): StoredBody {
  if (body instanceof Uint8Array) return body.subarray(start, end + 1);
  const reader = body.getReader();
  let offset = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        const from = Math.max(start - offset, 0);
        const to = Math.min(end + 1 - offset, value.byteLength);
        offset += value.byteLength;
        if (to > from) controller.enqueue(value.subarray(from, to));
        if (offset > end) {
          controller.close();
          await reader.cancel();
          return;
        }
        if (to > from) return;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
