import type { Dispatcher } from 'undici';
import type { StoredAnswer } from '../../engine/answer.ts';
import { type CacheMetadata, cacheStatus } from '../../engine/metadata.ts';
import { answerHasBody } from '../../engine/respond.ts';
import { answerHandlerHeaders, handlerHeaders, type IncomingHttpHeaders } from './headers.ts';
import type { RequestProgress } from './origin.ts';

/**
 * The caller side of the undici interceptor: the engine's `Response` written into the caller's
 * dispatch handler (`onRequestStart`, `onResponseStart`, `onResponseData`, `onResponseEnd`,
 * `onResponseError`), honouring its `pause()`, `resume()` and `abort()`.
 *
 * @module
 */

/** A stored body goes to the handler in pieces of at most this many bytes. */
const PIECE = 64 * 1024;

/** What a caller's handler gets as `context`; `request()` returns it as `context`. */
export interface CacheContext {
  /** What the cache did, set before `onResponseStart`. */
  httpcache?: CacheMetadata;
}

/**
 * One caller's handler, fed from one engine response. It is also the controller the handler
 * gets (`pause()`, `resume()`, `abort()`), as undici's own dispatchers are.
 */
export class Reply implements Dispatcher.DispatchController {
  readonly #handler: Dispatcher.DispatchHandler;
  /** Aborts the origin request while the response head is awaited (made when one is sent). */
  #origin: AbortController | undefined;
  readonly #context: CacheContext = {};
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** A stored body being written, and how much of it has been. */
  #bytes: Uint8Array | undefined;
  #offset = 0;
  #aborted = false;
  #reason: Error | null = null;
  #paused = false;
  #pumping = false;
  #finished = false;
  #responded = false;

  rawHeaders: Buffer[] | string[] | IncomingHttpHeaders | null = [];
  rawTrailers: Buffer[] | string[] | IncomingHttpHeaders | null = [];

  /** The controller the caller's handler gets: the reply itself. */
  readonly controller: Dispatcher.DispatchController = this;

  constructor(handler: Dispatcher.DispatchHandler) {
    this.#handler = handler;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason?: Error): void {
    this.#abort(reason ?? new DOMException('This operation was aborted', 'AbortError'));
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pump();
  }

  /** Aborted by the caller before the origin answered. */
  get signal(): AbortSignal {
    this.#origin ??= new AbortController();
    return this.#origin.signal;
  }

  /** The caller's request-progress callbacks, while its request is the one on the wire. */
  get progress(): RequestProgress {
    return {
      onBodySent: (chunk) => {
        if (!this.finished) this.#handler.onBodySent?.(chunk);
      },
      onRequestSent: () => {
        if (!this.finished) this.#handler.onRequestSent?.();
      },
      onInterim: (status, headers, raw, statusText) => {
        if (this.finished || this.#responded) return;
        this.controller.rawHeaders = raw ?? [];
        this.#call(() =>
          this.#handler.onResponseStart?.(this.controller, status, headers, statusText),
        );
      },
    };
  }

  /** Whether the caller has had its whole answer (or an error) already. */
  get finished(): boolean {
    return this.#finished || this.#aborted;
  }

  /** Calls `onRequestStart`; false when the caller aborted in it. */
  start(): boolean {
    this.#call(() => this.#handler.onRequestStart?.(this.controller, this.#context));
    return !this.#aborted;
  }

  /** Writes the engine's response to the caller's handler, streaming its body. */
  respond(response: Response): void {
    if (this.#aborted) {
      response.body?.cancel(this.#reason).catch(ignore);
      return;
    }
    this.#responded = true;
    const metadata = cacheStatus(response);
    if (metadata !== undefined) this.#context.httpcache = metadata;
    const { parsed, raw } = handlerHeaders(response.headers);
    this.controller.rawHeaders = raw;
    this.#reader = response.body?.getReader();
    this.#call(() =>
      this.#handler.onResponseStart?.(
        this.controller,
        response.status,
        parsed,
        response.statusText,
      ),
    );
    this.#pump();
  }

  /** Writes a stored response, from its parts, to the caller's handler. */
  respondStored(answer: StoredAnswer): void {
    if (this.#aborted) return;
    this.#responded = true;
    this.#context.httpcache = answer.metadata;
    const { parsed, raw } = answerHandlerHeaders(answer);
    this.controller.rawHeaders = raw;
    this.#bytes = answerHasBody(answer.status) ? (answer.body ?? undefined) : undefined;
    this.#call(() =>
      this.#handler.onResponseStart?.(this.controller, answer.status, parsed, answer.statusText),
    );
    this.#pump();
  }

  /** Reports a failure to the caller, once. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.#finished = true;
    this.#handler.onResponseError?.(this.controller, asError(error));
  }

  #abort(reason: Error): void {
    if (this.finished) return;
    this.#aborted = true;
    this.#reason = reason;
    // Once the engine answered, the origin request (if any) stops through the body instead.
    if (!this.#responded) this.#origin?.abort(reason);
    this.#reader?.cancel(reason).catch(ignore);
    this.#handler.onResponseError?.(this.controller, reason);
  }

  /** Reads chunks into `onResponseData` until paused, ended, or aborted. */
  #pump(): void {
    if (this.#pumping || this.finished) return;
    if (this.#bytes !== undefined) {
      this.#writeBytes(this.#bytes);
      return;
    }
    this.#pumping = true;
    this.#loop().catch((error: unknown) => this.fail(error));
  }

  async #loop(): Promise<void> {
    try {
      const reader = this.#reader;
      while (!this.#paused && !this.finished) {
        if (reader === undefined) {
          this.#end();
          return;
        }
        const result = await reader.read();
        if (this.finished) return;
        if (result.done) {
          this.#end();
          return;
        }
        const chunk = result.value;
        this.#call(() =>
          this.#handler.onResponseData?.(
            this.controller,
            Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
          ),
        );
      }
    } finally {
      // Synchronously with the loop's end, so that a resume() right after restarts it.
      this.#pumping = false;
    }
  }

  /**
   * Writes stored bytes in pieces until paused, ended, or aborted. Each piece is a copy: the
   * caller never holds the stored bytes themselves.
   */
  #writeBytes(bytes: Uint8Array): void {
    while (!this.#paused && !this.finished) {
      if (this.#offset >= bytes.byteLength) {
        this.#end();
        return;
      }
      const end = Math.min(this.#offset + PIECE, bytes.byteLength);
      const piece = Buffer.copyBytesFrom(bytes, this.#offset, end - this.#offset);
      this.#offset = end;
      this.#call(() => this.#handler.onResponseData?.(this.controller, piece));
    }
  }

  #end(): void {
    if (this.finished) return;
    this.#finished = true;
    try {
      this.#handler.onResponseEnd?.(this.controller, {});
    } catch (error) {
      this.#handler.onResponseError?.(this.controller, asError(error));
    }
  }

  /** Calls into the handler; a throw aborts the request, as undici's own dispatchers do. */
  #call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#abort(asError(error));
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function ignore(): void {}
