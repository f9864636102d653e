import type { Server } from 'node:http';
import type { CachingProxy } from '../integrations/server/proxy.ts';

/**
 * Stopping a proxy gracefully: it stops accepting, lets the responses in flight finish, then
 * closes the cache and its storage.
 *
 * @module
 */

/** A proxy that can be drained; see {@link drainable}. */
export interface Drainable {
  /** Responses not yet finished. */
  readonly inFlight: () => number;
  /** Stops accepting, waits for the responses in flight, closes the proxy and its storage. */
  readonly drain: () => Promise<void>;
}

/**
 * Watches a proxy's responses from now on (call it right after the proxy starts, before any
 * request is read), so that {@link Drainable.drain} knows which it must wait for.
 */
export function drainable(running: CachingProxy): Drainable {
  const { server } = running;
  let inFlight = 0;
  let draining = false;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      // A connection kept alive would wait for its next request: it is closed once idle.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  let drained: Promise<void> | undefined;
  return {
    inFlight: () => inFlight,
    drain() {
      drained ??= (async () => {
        draining = true;
        await stopAccepting(server);
        await running.close();
      })();
      return drained;
    },
  };
}

/** Closes the listener and idle connections; resolves once every connection has ended. */
function stopAccepting(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closed;
}

/**
 * Resolves at the first SIGINT or SIGTERM (or when `stop` is called); a second signal then ends
 * the process the default way.
 */
export function untilSignal(): { readonly stopped: Promise<void>; readonly stop: () => void } {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { stopped, stop };
}
