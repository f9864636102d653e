import type { CacheStatusEntry } from '../core/cache-status.ts';
import type { RequestHead } from '../core/types.ts';
import type { Flights } from './coalesce.ts';
import type { Emitter } from './events.ts';
import type { Exchange } from './exchange.ts';
import type { ResolvedOptions } from './options.ts';
import type { CacheRequestInit, IncomingRequest } from './request.ts';
import type { StorageGate, Subject } from './storage-gate.ts';

/**
 * What every part of the engine shares: the options, the events, the way to storage.
 *
 * @module
 */

/** The engine's shared state, handed to each of its parts. */
export interface Engine {
  readonly options: ResolvedOptions;
  readonly events: Emitter;
  readonly store: StorageGate;
  /** Origin requests in flight that others may join. */
  readonly flights: Flights<Exchange>;
  /** Keys being revalidated in the background. */
  readonly revalidating: Set<string>;
  /** The primary key of a request (see the `key` option). */
  readonly keyOf: (head: RequestHead, request: IncomingRequest) => string;
  /** Handles a request from the start (a waiting request with nothing to share looks again). */
  readonly handle: (
    input: RequestInfo | URL,
    init: CacheRequestInit | undefined,
  ) => Promise<Response>;
}

/** The Cache-Status member to add, or `undefined` when the header is off. */
export function statusEntry(
  engine: Engine,
  params: Omit<CacheStatusEntry, 'cache'>,
  key: string,
): CacheStatusEntry | undefined {
  const option = engine.options.cacheStatus;
  if (option === false) return undefined;
  return { cache: option.name, ...params, ...(option.key ? { key } : {}) };
}

/** Names a request in events. */
export function subject(ex: Exchange): Subject {
  return { key: ex.key, url: ex.head.url };
}

/** The end of a switch over a union: unreachable when every case is handled. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected decision: ${JSON.stringify(value)}`);
}
