/**
 * Splitting an origin body between the caller and storage, with back-pressure.
 *
 * @module
 */

/** Why a body was not handed to storage complete. */
export class BodyIncompleteError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BodyIncompleteError';
  }
}

/** Options of {@link teeBody}. */
export interface TeeOptions {
  /** Stop storing (the caller still gets every byte) past this many bytes. */
  readonly maxBytes: number;
  /** The length the origin declared, checked before the stored copy is committed. */
  readonly expectedLength: number | undefined;
  /** How many bytes storage may lag behind before the origin is paused. @default 1 MiB */
  readonly highWaterMark?: number;
}

/** The two branches of a teed body. */
export interface TeedBody {
  /** What the caller reads. It drives the reading of the origin. */
  readonly caller: ReadableStream<Uint8Array<ArrayBuffer>>;
  /**
   * What storage reads. It ends normally only when the caller read the whole body and it was
   * complete and within `maxBytes`; otherwise it errors, so storage commits nothing.
   */
  readonly storage: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** Stops copying to storage (its branch errors); the caller's branch goes on. */
  readonly abortStoring: (reason: string) => void;
}

/**
 * Tees `source`: the caller's reads pull chunks from the origin and each chunk is also queued for
 * storage. When storage lags `highWaterMark` bytes behind, the caller's next read waits for it, so
 * the origin is paused rather than the body buffered. Cancelling the caller's branch cancels the
 * origin and fails the storage branch; storage cancelling its branch only stops the copying.
 */
export function teeBody(
  source: ReadableStream<Uint8Array<ArrayBuffer>>,
  options: TeeOptions,
): TeedBody {
  const reader = source.getReader();
  let storeController!: ReadableStreamDefaultController<Uint8Array<ArrayBuffer>>;
  let storing = true;
  let stored = 0;
  let drained: (() => void) | undefined;

  const stopStoring = (reason: string): void => {
    if (!storing) return;
    storing = false;
    storeController.error(new BodyIncompleteError(reason));
    release();
  };
  const release = (): void => {
    drained?.();
    drained = undefined;
  };

  const storage = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      start(controller) {
        storeController = controller;
      },
      pull: release,
      cancel() {
        storing = false;
        release();
      },
    },
    { highWaterMark: options.highWaterMark ?? 1 << 20, size: (chunk) => chunk.byteLength },
  );

  const caller = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array<ArrayBuffer>>;
        try {
          result = await reader.read();
        } catch (error) {
          stopStoring('the origin body failed');
          controller.error(error);
          return;
        }
        if (result.done) {
          controller.close();
          if (!storing) return;
          if (options.expectedLength !== undefined && stored !== options.expectedLength) {
            stopStoring(`the body had ${stored} bytes, not the ${options.expectedLength} declared`);
            return;
          }
          storing = false;
          storeController.close();
          return;
        }
        const chunk = result.value;
        controller.enqueue(chunk);
        if (!storing) return;
        stored += chunk.byteLength;
        if (stored > options.maxBytes) {
          stopStoring(`the body is larger than ${options.maxBytes} bytes`);
          return;
        }
        // Storage gets its own copy: the caller may transfer or mutate the chunk it reads.
        storeController.enqueue(chunk.slice());
        if ((storeController.desiredSize ?? 0) <= 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
          });
        }
      },
      cancel(reason) {
        stopStoring('the caller cancelled the body');
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { caller, storage, abortStoring: stopStoring };
}
