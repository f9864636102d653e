import { isPart, partRange, withRange } from '../core/partial.ts';
import { answerRange } from '../core/range.ts';
import type { RequestHead } from '../core/types.ts';
import type { EntryMeta, StoredBody } from '../storage/types.ts';

/**
 * Range requests answered from stored complete responses: RFC 9110 §14.
 *
 * @module
 */

/**
 * A range request answered from a stored response: 206 with the requested bytes, 416 when they
 * are out of range, or the whole response. A stored part (see `core/partial.ts`) answers only
 * ranges it holds, as `answerFromParts` chose it for: any other request gets the part as it is.
 */
export function ranged(
  head: RequestHead,
  entry: EntryMeta,
  body: StoredBody,
): { entry: EntryMeta; body: StoredBody | null } {
  const part = isPart(entry) ? partRange(entry) : undefined;
  const total = part?.total ?? entry.size;
  const offset = part?.start ?? 0;
  const answer = answerRange(head.headers, entry, total);
  if (answer.type === 'full') return { entry, body };
  if (answer.type === 'unsatisfiable') {
    const headers = entry.headers.filter(
      ([name]) => name !== 'content-length' && name !== 'content-range',
    );
    headers.push(['content-range', `bytes */${total}`]);
    return {
      entry: { ...entry, status: 416, statusText: 'Range Not Satisfiable', headers },
      body: null,
    };
  }
  const { start, end } = answer;
  if (start < offset || end >= offset + entry.size) return { entry, body };
  return {
    entry: {
      ...entry,
      status: 206,
      statusText: 'Partial Content',
      headers: withRange(entry.headers, { start, end, total }, end - start + 1),
    },
    body: sliceBody(body, start - offset, end - offset),
  };
}

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
