import cluster from 'node:cluster';
import { MetricsRecorder } from '../engine/metrics.ts';
import type { CachingProxy } from '../integrations/server/proxy.ts';
import { drainable, untilSignal } from './cluster-drain.ts';
import { isOurs, type PrimaryMessage, WORKER_ENV, type WorkerMessage } from './cluster-messages.ts';
import { serveMetrics } from './cluster-metrics.ts';
import type { Io } from './io.ts';

/**
 * One proxy process, alone or as a worker of `httpcache proxy --workers`: it serves until a
 * signal (or, for a worker, the primary) tells it to stop, then drains. Alone, it serves its own
 * `--metrics-port`; a worker answers the primary's requests for its metrics instead.
 *
 * @module
 */

/** How to run one proxy process. */
export interface ServeOptions {
  readonly io: Io;
  /** Where to serve `/metrics` (alone only). */
  readonly metricsPort: number | undefined;
  readonly host: string;
  /** The line printed once serving (alone only). */
  readonly banner: string;
}

/**
 * Serves with `running` (started just before: no request read yet) until told to stop, then
 * stops accepting, finishes the responses in flight and closes the storage.
 */
export async function serveUntilStopped(
  running: CachingProxy,
  options: ServeOptions,
): Promise<void> {
  const proxy = drainable(running);
  const { stopped, stop } = untilSignal();
  const worker = cluster.isWorker ? process.env[WORKER_ENV] : undefined;
  let closeMetrics = async (): Promise<void> => undefined;
  if (worker === undefined) {
    if (options.metricsPort !== undefined) {
      const metrics = await serveMetrics(options.metricsPort, options.host, () =>
        running.cache.metrics(),
      ).catch(async (error: unknown) => {
        stop();
        await running.close();
        throw error;
      });
      options.io.stderr.write(`metrics on ${metrics.url}\n`);
      closeMetrics = metrics.close;
    }
    options.io.stderr.write(`${options.banner}\n`);
  } else {
    answerPrimary(running, stop);
  }
  await stopped;
  const name = worker === undefined ? 'proxy' : `worker ${worker}`;
  options.io.stderr.write(`${name} stopping (${proxy.inFlight()} responses in flight)\n`);
  await closeMetrics();
  await proxy.drain();
}

/** A worker tells the primary where it listens, answers its metrics requests, and stops on its word. */
function answerPrimary(running: CachingProxy, stop: () => void): void {
  const recorder = new MetricsRecorder(running.cache);
  const send = (message: WorkerMessage): void => {
    process.send?.(message);
  };
  process.on('message', (message: unknown) => {
    if (!isOurs<PrimaryMessage>(message)) return;
    if (message.httpcache === 'shutdown') stop();
    else send({ httpcache: 'metrics', id: message.id, snapshot: recorder.snapshot() });
  });
  send({ httpcache: 'listening', url: running.url });
}
