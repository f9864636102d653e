/**
 * Request coalescing: concurrent requests for one key share one origin request.
 *
 * @module
 */

/** What the request that went to the origin hands each request that waited for it. */
export type FlightOutcome =
  /** A response of its own, reading the shared origin body. */
  | { readonly type: 'response'; readonly response: Response }
  /** The origin failed; the waiter decides what to do with the error. */
  | { readonly type: 'error'; readonly error: unknown }
  /** Nothing to share (another variant, not storable, a 304): the waiter goes its own way. */
  | { readonly type: 'alone' };

/** A request waiting for another's origin response. */
export interface Follower<T> {
  readonly context: T;
  /** Delivers the outcome; only the first call counts. */
  settle(outcome: FlightOutcome): void;
}

/**
 * The requests in flight to the origin, by key. The first request for a key leads; requests
 * for the same key that arrive before its response head follow it and wait for their outcome.
 */
export class Flights<T> {
  readonly #flights = new Map<string, Follower<T>[]>();

  /** Number of keys with a request in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /**
   * Follows the flight for `key` when there is one, resolving to its outcome; otherwise starts
   * one led by the caller, who must {@link land} it, and returns `undefined`.
   */
  join(key: string, context: T): Promise<FlightOutcome> | undefined {
    const followers = this.#flights.get(key);
    if (followers === undefined) {
      this.#flights.set(key, []);
      return undefined;
    }
    return new Promise<FlightOutcome>((resolve) => {
      let settled = false;
      followers.push({
        context,
        settle(outcome) {
          if (settled) return;
          settled = true;
          resolve(outcome);
        },
      });
    });
  }

  /** Ends the flight for `key`: no one joins it any more; returns its followers. */
  land(key: string): Follower<T>[] {
    const followers = this.#flights.get(key) ?? [];
    this.#flights.delete(key);
    return followers;
  }
}
