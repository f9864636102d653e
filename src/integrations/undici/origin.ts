import type { Dispatcher } from 'undici';
import { originResponse } from '../origin-response.ts';
import { asArrayBufferView } from '../streams.ts';
import { type IncomingHttpHeaders, responseLines } from './headers.ts';

/**
 * The origin side of the undici interceptor: a request sent through the next `dispatch`, its
 * answer built into a WHATWG `Response` whose body streams with back-pressure.
 *
 * @module
 */

/** RFC 9110 §6.4.1: statuses whose responses have no content. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** Below this many queued bytes the origin is resumed; at it, paused. */
const HIGH_WATER_MARK = 64 * 1024;

/** Callbacks the caller's handler still wants while its own request is on the wire. */
export interface RequestProgress {
  onBodySent?(chunk: Buffer): void;
  onRequestSent?(): void;
  /** An interim (1xx) response, before the final one (RFC 9110 §15.2). */
  onInterim?(
    status: number,
    headers: IncomingHttpHeaders,
    raw: Dispatcher.DispatchController['rawHeaders'],
    statusText: string | undefined,
  ): void;
}

/**
 * Dispatches `opts` and resolves with the response once its head arrives. `signal` aborts the
 * request until then; afterwards, cancelling the body does.
 */
export function dispatchToResponse(
  dispatch: Dispatcher.Dispatch,
  opts: Dispatcher.DispatchOptions,
  url: string,
  signal: AbortSignal | undefined,
  progress: RequestProgress | undefined,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let body: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>> | undefined;
    let started = false;
    let ended = false;

    const onAbort = (): void => {
      controller?.abort(abortReason(signal));
    };
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const stopWatching = (): void => signal?.removeEventListener('abort', onAbort);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted === true) c.abort(abortReason(signal));
      },
      onBodySent(chunk) {
        progress?.onBodySent?.(chunk);
      },
      onRequestSent() {
        progress?.onRequestSent?.();
      },
      onResponseStart(c, status, headers, statusText) {
        if (started) return;
        // RFC 9110 §15.2: interim (1xx) responses go on to the caller; they are not the answer
        // the cache sees (it stores final responses only), which follows.
        if (status < 200) {
          progress?.onInterim?.(status, headers, c.rawHeaders, statusText);
          return;
        }
        started = true;
        stopWatching();
        let response: Response;
        try {
          const stream =
            NULL_BODY_STATUSES.has(status) || opts.method === 'HEAD'
              ? null
              : new ReadableStream<Uint8Array<ArrayBuffer>>(
                  {
                    start(streamController) {
                      body = streamController;
                    },
                    pull() {
                      if (c.paused) c.resume();
                    },
                    cancel(reason) {
                      ended = true;
                      c.abort(
                        reason instanceof Error ? reason : new Error('the body was cancelled'),
                      );
                    },
                  },
                  { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
                );
          response = originResponse(stream, {
            status,
            statusText: statusText ?? '',
            headers: responseLines(c.rawHeaders, headers),
          });
        } catch (error) {
          // A status or header field a WHATWG Response cannot carry.
          ended = true;
          c.abort(error instanceof Error ? error : new Error(String(error)));
          reject(error);
          return;
        }
        Object.defineProperty(response, 'url', { value: url });
        resolve(response);
      },
      onResponseData(c, chunk) {
        if (ended || body === undefined) return;
        body.enqueue(asArrayBufferView(chunk));
        if ((body.desiredSize ?? 0) <= 0) c.pause();
      },
      onResponseEnd() {
        if (ended) return;
        ended = true;
        body?.close();
      },
      onResponseError(_c, error) {
        stopWatching();
        if (!started) {
          reject(error);
          return;
        }
        if (ended) return;
        ended = true;
        body?.error(error);
      },
    };
    try {
      dispatch(opts, handler);
    } catch (error) {
      stopWatching();
      reject(error);
    }
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}
