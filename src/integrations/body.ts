import { fromNodeReadable, isNodeReadable } from './streams.ts';

/**
 * Request bodies for body-keyed requests (`bodyKey`): handed to the engine, which reads them once
 * for the key's digest and gives the origin function a `Request` holding the bytes to send.
 *
 * @module
 */

/** `body` and `duplex` members of a `RequestInit`. */
export interface BodyMembers {
  body?: BodyInit;
  duplex?: 'half';
}

/** Whether the request is keyed by its body (the request's control, else the cache's option). */
export function bodyKeyed(
  controls: { readonly bodyKey?: boolean } | undefined,
  options: { readonly bodyKey?: boolean },
): boolean {
  return (controls?.bodyKey ?? options.bodyKey) === true;
}

/**
 * The `RequestInit` members that give the engine `body`: strings, bytes, `URLSearchParams`,
 * `Blob`s, Node.js readables and async iterables. Empty for anything else (the request is then
 * keyed without its body, as the engine does for a request without one).
 */
export function bodyMembers(body: unknown): BodyMembers {
  if (body === undefined || body === null) return {};
  if (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof Blob
  ) {
    return { body: body as BodyInit };
  }
  if (isNodeReadable(body)) return { body: fromNodeReadable(body), duplex: 'half' };
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    return { body: fromAsyncIterable(body as AsyncIterable<Uint8Array | string>), duplex: 'half' };
  }
  return {};
}

function fromAsyncIterable(
  iterable: AsyncIterable<Uint8Array | string>,
): ReadableStream<Uint8Array> {
  const iterator = iterable[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done === true) controller.close();
      else {
        const chunk = next.value;
        controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
      }
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/** The bytes of a request the engine rebuilt around its body (body-keyed), else `undefined`. */
export async function replayedBody(
  input: RequestInfo | URL,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (typeof input !== 'object' || input instanceof URL || input.body === null) return undefined;
  return new Uint8Array(await input.arrayBuffer());
}
