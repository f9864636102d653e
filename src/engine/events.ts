import type { ForwardReason } from '../core/decision.ts';
import { publish } from './diagnostics-channel.ts';

/**
 * Typed events a cache emits about what it does.
 *
 * @module
 */

interface EventBase {
  /** The primary cache key. */
  readonly key: string;
  /** The request URL. */
  readonly url: string;
}

/** Every event, by type. */
export interface CacheEvents {
  /** A stored response was served without going to the origin. */
  hit: EventBase & { readonly stale: boolean };
  /** The request went to the origin. */
  miss: EventBase & { readonly reason: ForwardReason };
  /** An origin response was stored (its body read to the end). */
  store: EventBase & { readonly size: number };
  /** A stored response was revalidated: `status` 304 freshened it, 200 replaced it. */
  revalidate: EventBase & { readonly status: number };
  /** The request shared another concurrent request's origin response. */
  coalesced: EventBase;
  /** Storage evicted an entry to stay within its size cap. */
  evict: EventBase;
  /** A stale response stood in for a failed origin. */
  'stale-if-error': EventBase & { readonly error: unknown };
  /** Stored responses were removed because an unsafe request changed their URL (RFC 9111 §4.4). */
  invalidate: EventBase & { readonly urls: readonly string[] };
  /**
   * A storage operation, a background revalidation, or a `filter` (`operation`
   * `filter.request` or `filter.response`) failed; the request was served from the origin (or
   * from storage).
   */
  error: EventBase & { readonly operation: string; readonly error: unknown };
  /**
   * The origin answered (`status`) or failed (`error`), `duration` milliseconds after the cache
   * asked it (until the response head). Background revalidations included.
   */
  origin: EventBase & {
    readonly status: number | undefined;
    readonly error?: unknown;
    readonly duration: number;
  };
  /**
   * The cache answered a request: `result` says how, `duration` is the milliseconds until the
   * response head was ready (or the request failed: `status` is then `undefined`). One per
   * request; the key is empty for a request that failed before it had one.
   */
  response: EventBase & {
    readonly result: ResponseResult;
    readonly status: number | undefined;
    readonly duration: number;
  };
}

/**
 * How the cache answered a request: from storage (`hit`, or `stale`), from the origin (`miss`),
 * with a stored response the origin confirmed (`revalidated`), with another request's origin
 * response (`collapsed`), or not at all (`error`: the request failed).
 */
export type ResponseResult = 'hit' | 'stale' | 'miss' | 'revalidated' | 'collapsed' | 'error';

/** The name of an event. */
export type CacheEventType = keyof CacheEvents;

/** A listener for events of type `T`. */
export type CacheEventListener<T extends CacheEventType> = (event: CacheEvents[T]) => void;

/** Every event type, for counting and logging. */
export const CACHE_EVENT_TYPES: readonly CacheEventType[] = [
  'hit',
  'miss',
  'store',
  'revalidate',
  'coalesced',
  'stale-if-error',
  'invalidate',
  'evict',
  'error',
  'origin',
  'response',
];

/** How many events of each type a cache has emitted. */
export type CacheEventCounts = { readonly [T in CacheEventType]: number };

/** A small typed emitter that counts what it emits; a listener that throws is isolated from the request. */
export class Emitter {
  readonly #listeners = new Map<CacheEventType, Set<(event: never) => void>>();
  readonly #counts = Object.fromEntries(CACHE_EVENT_TYPES.map((type) => [type, 0])) as Record<
    CacheEventType,
    number
  >;

  /** A snapshot of the counts. */
  counts(): CacheEventCounts {
    return { ...this.#counts };
  }

  /** Adds a listener. Returns a function that removes it. */
  on<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
    return () => this.off(type, listener);
  }

  /** Removes a listener. */
  off<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /**
   * Counts an event, calls the listeners of its type, and publishes it on the
   * `httpcache:<type>` diagnostics channel where the runtime has one.
   */
  emit<T extends CacheEventType>(type: T, event: CacheEvents[T]): void {
    this.#counts[type]++;
    publish(type, event);
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as CacheEventListener<T>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
