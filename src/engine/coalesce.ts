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
  /** Delivers the outcome; only the first call counts (a response that comes too late is cancelled). */
  settle(outcome: FlightOutcome): void;
}

/**
 * One origin request that several requests wait for. It is made with {@link signal}, which
 * aborts only once every request waiting for it has aborted: one request's abort (the leader's
 * included) rejects that request alone.
 */
export class Flight<T> {
  /** Made when first needed: most origin requests are made without a signal to follow. */
  #controller: AbortController | undefined;
  readonly #followers: Follower<T>[] = [];
  /** Requests still waiting for the response head, the leader included. */
  #waiting = 1;
  #landed = false;

  /** The signal to make the origin request with. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /** A request stopped waiting (its own abort); the origin request ends once none waits. */
  leave(reason: unknown): void {
    this.#waiting--;
    if (this.#waiting > 0 || this.#landed) return;
    this.#controller ??= new AbortController();
    this.#controller.abort(reason);
  }

  /** Adds a request that waits for this flight's outcome, or rejects when `signal` aborts first. */
  follow(context: T, signal: AbortSignal | undefined): Promise<FlightOutcome> {
    this.#waiting++;
    return new Promise<FlightOutcome>((resolve, reject) => {
      let settled = false;
      const onAbort = (): void => {
        if (settled) return;
        settled = true;
        this.leave(signal?.reason);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#followers.push({
        context,
        settle(outcome) {
          if (settled) {
            if (outcome.type === 'response') outcome.response.body?.cancel().catch(() => undefined);
            return;
          }
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      });
    });
  }

  /** Ends the flight: no one joins it any more; returns its followers. */
  land(): Follower<T>[] {
    this.#landed = true;
    return this.#followers;
  }
}

/**
 * The requests in flight to the origin, by key. The first request for a key leads; requests
 * for the same key that arrive before its response head follow it and wait for their outcome.
 */
export class Flights<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** Number of keys with a request in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /**
   * The flight for `key` when there is one, to follow; otherwise a new one led by the caller,
   * who must {@link land} it.
   */
  join(key: string): { readonly lead: boolean; readonly flight: Flight<T> } {
    const flight = this.#flights.get(key);
    if (flight !== undefined) return { lead: false, flight };
    const created = new Flight<T>();
    this.#flights.set(key, created);
    return { lead: true, flight: created };
  }

  /** Ends the flight for `key`: no one joins it any more; returns its followers. */
  land(key: string, flight: Flight<T>): Follower<T>[] {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
    return flight.land();
  }
}
