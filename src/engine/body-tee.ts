/**
 * Splitting an origin body between its readers and storage, with back-pressure.
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
  /** Stop storing (the readers still get every byte) past this many bytes. */
  readonly maxBytes: number;
  /** The length the origin declared, checked before the stored copy is committed. */
  readonly expectedLength: number | undefined;
  /**
   * How long, in ms, the readers may wait for storage alone (it has taken nothing more) before
   * storage is dropped from the body, so a stalled storage never holds a caller.
   */
  readonly storageTimeout: number;
  /** How many readers share the body (collapsed requests). @default 1 */
  readonly readers?: number;
  /** How many bytes a reader or storage may lag behind before the origin is paused. @default 1 MiB */
  readonly highWaterMark?: number;
}

/** The branches of a teed body. */
export interface TeedBody {
  /** What the callers read; their reads drive the reading of the origin. */
  readonly readers: ReadableStream<Uint8Array<ArrayBuffer>>[];
  /**
   * What storage reads. It ends normally only when the body was read to its end, complete and
   * within `maxBytes`; otherwise it errors, so storage commits nothing.
   */
  readonly storage: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** Stops copying to storage (its branch errors); the readers go on. */
  readonly abortStoring: (reason: string) => void;
}

type Bytes = Uint8Array<ArrayBuffer>;

interface Branch {
  controller: ReadableStreamDefaultController<Bytes>;
  open: boolean;
  /** Whether its reader has asked for data yet. */
  started: boolean;
}

/**
 * How far a reader that has not started reading may fall behind before it paces the others: a
 * shared response whose caller never reads it must not hold the others back, within reason.
 */
const UNSTARTED_LAG = 16 << 20;

/**
 * Tees `source` to one or more readers and to storage. A chunk is read from the origin when a
 * reader asks for one and every open reader and storage have room (less than `highWaterMark`
 * bytes queued; a reader that has not started reading yet may fall 16 MiB behind), so the
 * slowest of them paces the origin and nothing is buffered whole. A reader
 * that cancels drops out; when all have cancelled, the origin is cancelled and storage fails.
 * Storage cancelling its branch only stops the copying.
 */
export function teeBody(source: ReadableStream<Bytes>, options: TeeOptions): TeedBody {
  const limit = options.highWaterMark ?? 1 << 20;
  const reader = source.getReader();
  const branches: Branch[] = [];
  const waiting = new Set<() => void>();
  let storeController!: ReadableStreamDefaultController<Bytes>;
  let storing = true;
  let stored = 0;
  let reading: Promise<void> | undefined;

  const wake = (): void => {
    for (const resume of waiting) resume();
    waiting.clear();
  };
  const stopStoring = (reason: string): void => {
    if (!storing) return;
    storing = false;
    storeController.error(new BodyIncompleteError(reason));
    wake();
  };
  const readersHaveRoom = (): boolean =>
    branches.every(
      (b) =>
        !b.open ||
        -(b.controller.desiredSize ?? 0) < (b.started ? limit : Math.max(limit, UNSTARTED_LAG)),
    );
  const roomForAll = (): boolean =>
    readersHaveRoom() && (!storing || (storeController.desiredSize ?? 0) > 0);

  const finish = (): void => {
    for (const b of branches) if (b.open) b.controller.close();
    if (!storing) return;
    if (options.expectedLength !== undefined && stored !== options.expectedLength) {
      stopStoring(`the body had ${stored} bytes, not the ${options.expectedLength} declared`);
      return;
    }
    storing = false;
    storeController.close();
  };
  const distribute = (chunk: Bytes): void => {
    let first = true;
    for (const b of branches) {
      if (!b.open) continue;
      // Each reader and storage get their own bytes: a reader may transfer or mutate its chunk.
      b.controller.enqueue(first ? chunk : chunk.slice());
      first = false;
    }
    if (!storing) return;
    stored += chunk.byteLength;
    if (stored > options.maxBytes) stopStoring(`the body is larger than ${options.maxBytes} bytes`);
    else storeController.enqueue(chunk.slice());
  };
  const readOnce = async (): Promise<void> => {
    let result: ReadableStreamReadResult<Bytes>;
    try {
      result = await reader.read();
    } catch (error) {
      stopStoring('the origin body failed');
      for (const b of branches) if (b.open) b.controller.error(error);
      return;
    }
    if (result.done) finish();
    else distribute(result.value);
  };

  /** Waits for room; drops storage if it alone is what the readers wait for, for too long. */
  const waitForRoom = async (): Promise<void> => {
    const stalled = storing && readersHaveRoom();
    const timer = stalled
      ? setTimeout(
          () => stopStoring(`storage took nothing for ${options.storageTimeout} ms`),
          options.storageTimeout,
        )
      : undefined;
    await new Promise<void>((resolve) => waiting.add(resolve));
    clearTimeout(timer);
  };
  const pull = async (branch: Branch): Promise<void> => {
    branch.started = true;
    wake();
    for (;;) {
      if (!branch.open || (branch.controller.desiredSize ?? 0) < 0) return;
      if (reading !== undefined) {
        await reading;
        continue;
      }
      if (!roomForAll()) {
        await waitForRoom();
        continue;
      }
      reading = readOnce().finally(() => {
        reading = undefined;
      });
      await reading;
      wake();
      return;
    }
  };
  const cancel = (branch: Branch, reason: unknown): Promise<void> | undefined => {
    branch.open = false;
    wake();
    if (branches.some((b) => b.open)) return undefined;
    stopStoring('every reader cancelled the body');
    return reader.cancel(reason);
  };

  const storage = new ReadableStream<Bytes>(
    {
      start(controller) {
        storeController = controller;
      },
      pull: wake,
      cancel() {
        storing = false;
        wake();
      },
    },
    { highWaterMark: limit, size: (chunk) => chunk.byteLength },
  );
  const readers: ReadableStream<Bytes>[] = [];
  for (let i = 0; i < (options.readers ?? 1); i++) {
    let branch!: Branch;
    readers.push(
      new ReadableStream<Bytes>(
        {
          start(controller) {
            branch = { controller, open: true, started: false };
            branches.push(branch);
          },
          pull: () => pull(branch),
          cancel: (reason) => cancel(branch, reason),
        },
        { highWaterMark: 0, size: (chunk) => chunk.byteLength },
      ),
    );
  }
  return { readers, storage, abortStoring: stopStoring };
}
