import { StorageError } from '../errors.ts';
import type { EntryMeta, Storage, SyncStorage } from '../storage/types.ts';

/**
 * What the storage gate checks of what storage hands back, and which synchronous operations a
 * storage has.
 *
 * @module
 */

/**
 * The synchronous operations a storage has: those it defines as functions beside their
 * asynchronous counterparts. One whose counterpart was replaced or overridden without it (an
 * instance's `get` wrapped, a subclass's `get` of its own) is left out, so the counterpart is
 * what the cache calls.
 */
export function syncOf(storage: Storage & SyncStorage): SyncStorage {
  const sync: Record<string, unknown> = {};
  for (const [name, of] of SYNC_TWINS) {
    const fn = storage[name];
    if (typeof fn === 'function' && ownerOf(storage, name) === ownerOf(storage, of))
      sync[name] = fn;
  }
  return sync as SyncStorage;
}

/** Each synchronous operation, beside its asynchronous counterpart. */
const SYNC_TWINS: readonly (readonly [keyof SyncStorage, keyof Storage])[] = [
  ['getSync', 'get'],
  ['bodySync', 'body'],
  ['putBytesSync', 'put'],
  ['updateSync', 'update'],
  ['touchSync', 'touch'],
];

/** The object in `value`'s prototype chain that defines `name`. */
function ownerOf(value: object, name: PropertyKey): object | null {
  let owner: object | null = value;
  while (owner !== null && !Object.hasOwn(owner, name)) owner = Object.getPrototypeOf(owner);
  return owner;
}

/** Whether `value` is an entry's metadata stored under `key`, with what the engine reads of it. */
export function isEntryOf(value: unknown, key: string): value is EntryMeta {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<keyof EntryMeta, unknown>;
  return (
    e.key === key &&
    typeof e.id === 'string' &&
    typeof e.variant === 'string' &&
    typeof e.status === 'number' &&
    e.status >= 200 &&
    e.status <= 599 &&
    typeof e.statusText === 'string' &&
    Array.isArray(e.headers) &&
    e.headers.every(isFieldLine) &&
    typeof e.vary === 'object' &&
    e.vary !== null &&
    Number.isFinite(e.requestTime) &&
    Number.isFinite(e.responseTime) &&
    Number.isFinite(e.staleAt) &&
    Number.isFinite(e.deleteAt) &&
    Number.isSafeInteger(e.size) &&
    (e.size as number) >= 0
  );
}

function isFieldLine(line: unknown): boolean {
  return (
    Array.isArray(line) &&
    line.length === 2 &&
    typeof line[0] === 'string' &&
    typeof line[1] === 'string'
  );
}

/** What a value is, for messages: its type, or its class. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return Array.isArray(value) ? 'an array' : (value.constructor?.name ?? 'an object');
}

/**
 * A stored body stream checked as it is read: one that holds more or fewer than `size` bytes (or
 * something other than bytes) errors instead of ending, so no reader takes it for the whole body.
 */
export function sized(
  body: ReadableStream<unknown>,
  size: number,
  report: (error: StorageError) => void,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let seen = 0;
  const wrong = (
    controller: TransformStreamDefaultController<Uint8Array<ArrayBuffer>>,
    problem: string,
  ): void => {
    const error = new StorageError('body', `${problem} of a ${size}-byte body`);
    report(error);
    controller.error(error);
  };
  return body.pipeThrough(
    new TransformStream<unknown, Uint8Array<ArrayBuffer>>({
      transform(chunk, controller) {
        if (!(chunk instanceof Uint8Array)) return wrong(controller, `streamed ${kindOf(chunk)}`);
        seen += chunk.byteLength;
        if (seen > size) return wrong(controller, `streamed more than ${size} bytes`);
        controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
      },
      flush(controller) {
        if (seen !== size) wrong(controller, `streamed ${seen} bytes`);
      },
    }),
  );
}
