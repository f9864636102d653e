import type { MetricsSnapshot } from '../engine/metrics-format.ts';

/**
 * What the primary of `httpcache proxy --workers` and its workers say to each other over the
 * cluster's IPC channel.
 *
 * @module
 */

/** From a worker: it listens at `url`; or its metrics, answering request `id`. */
export type WorkerMessage =
  | { readonly httpcache: 'listening'; readonly url: string }
  | { readonly httpcache: 'metrics'; readonly id: number; readonly snapshot: MetricsSnapshot };

/** From the primary: send your metrics (answer with `id`); or stop gracefully. */
export type PrimaryMessage =
  | { readonly httpcache: 'metrics'; readonly id: number }
  | { readonly httpcache: 'shutdown' };

/** The environment variable that gives a worker its number (1 to N, kept across restarts). */
export const WORKER_ENV = 'HTTPCACHE_WORKER';

/** Whether an IPC message is one of ours (other code may use the channel too). */
export function isOurs<T extends { readonly httpcache: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { httpcache?: unknown }).httpcache === 'string'
  );
}
