/**
 * The proxy's `error` event: what went wrong behind a 502 or 504, for logs, while the client gets
 * only the status text (an error's detail names hosts, ports and paths an attacker should not see).
 *
 * @module
 */

/** A failure the proxy answered with an error status of its own. */
export interface ProxyErrorEvent {
  /** The upstream URL the request was for (the client's target if the proxy had not built it). */
  readonly url: string;
  /**
   * The status the client got: 502, or 504 for an upstream that did not answer in time; also 502
   * for a response cut off because its body did not match its `Content-Length`.
   */
  readonly status: number;
  /** What failed, with its detail (`code`, `cause`, message). */
  readonly error: unknown;
}

/** A listener for {@link ProxyErrorEvent}s. */
export type ProxyErrorListener = (event: ProxyErrorEvent) => void;

/** The listeners of one proxy; a listener that throws is isolated from the request. */
export class ErrorReporter {
  readonly #listeners = new Set<ProxyErrorListener>();

  /** Adds a listener; returns a function that removes it. */
  on(listener: ProxyErrorListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls every listener. */
  report(event: ProxyErrorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
