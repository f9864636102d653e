import type { ForwardReason } from '../core/decision.ts';

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
  /** A stale response stood in for a failed origin. */
  'stale-if-error': EventBase & { readonly error: unknown };
  /** Stored responses were removed because an unsafe request changed their URL (RFC 9111 §4.4). */
  invalidate: EventBase & { readonly urls: readonly string[] };
  /**
   * A storage operation, or a background revalidation, failed; the request was served from the
   * origin (or from storage).
   */
  error: EventBase & { readonly operation: string; readonly error: unknown };
}

/** The name of an event. */
export type CacheEventType = keyof CacheEvents;

/** A listener for events of type `T`. */
export type CacheEventListener<T extends CacheEventType> = (event: CacheEvents[T]) => void;

/** A small typed emitter; a listener that throws is isolated from the request. */
export class Emitter {
  readonly #listeners = new Map<CacheEventType, Set<(event: never) => void>>();

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

  /** Whether anyone listens to `type`, so callers can skip building the event. */
  has(type: CacheEventType): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }

  /** Calls the listeners of `type`. */
  emit<T extends CacheEventType>(type: T, event: CacheEvents[T]): void {
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
