import cluster, { type Worker } from 'node:cluster';
import { formatWorkerMetrics, type MetricsSnapshot } from '../engine/metrics-format.ts';
import { untilSignal } from './cluster-drain.ts';
import { isOurs, type PrimaryMessage, WORKER_ENV, type WorkerMessage } from './cluster-messages.ts';
import { type MetricsServer, serveMetrics } from './cluster-metrics.ts';
import { ExitCode } from './exit-codes.ts';
import type { Io } from './io.ts';

/**
 * The primary of `httpcache proxy --workers N`: it runs N worker processes (`node:cluster`) that
 * share one port, restarts a worker that dies (after a delay that doubles while it keeps dying),
 * serves `--metrics-port` with each worker's numbers and their sum, and on SIGTERM or SIGINT
 * tells every worker to stop accepting and finish its responses, then exits once they have.
 *
 * @module
 */

/** How to run the primary. */
export interface PrimaryOptions {
  readonly workers: number;
  readonly host: string;
  readonly metricsPort: number | undefined;
  readonly io: Io;
  /** The line printed once every worker listens, given the proxy's URL. */
  readonly banner: (url: string) => string;
}

/** The first restart's delay; each further one in a row doubles it, up to {@link MAX_DELAY}. */
const FIRST_DELAY = 100;
const MAX_DELAY = 10_000;
/** A worker that ran this long before dying starts its slot's delays afresh. */
const STABLE_AFTER = 30_000;
/** How long a scrape waits for a worker's numbers before leaving them out. */
const SCRAPE_TIMEOUT = 5_000;

/** One worker's place: its number stays when the process behind it is replaced. */
interface Slot {
  readonly number: number;
  worker: Worker | undefined;
  listeningSince: number | undefined;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
}

/** Runs the workers until a signal; returns the exit code. */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { io } = options;
  const slots: Slot[] = Array.from({ length: options.workers }, (_, i) => ({
    number: i + 1,
    worker: undefined,
    listeningSince: undefined,
    restarts: 0,
    timer: undefined,
  }));
  const scrapes = new Map<number, (snapshot: MetricsSnapshot | undefined) => void>();
  let scrapeId = 0;
  const signal = untilSignal();
  let stopping = false;
  let started = false;
  let code: number = ExitCode.ok;
  let metrics: MetricsServer | undefined;
  const allExited = (): boolean => slots.every((slot) => slot.worker === undefined);
  let exited: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    exited = resolve;
  });

  const fork = (slot: Slot): void => {
    slot.timer = undefined;
    slot.listeningSince = undefined;
    slot.worker = cluster.fork({ [WORKER_ENV]: String(slot.number) });
    // A worker that went away mid-message: its `exit` event says what happened.
    slot.worker.on('error', () => undefined);
    slot.worker.on('message', (message: unknown) => {
      if (isOurs<WorkerMessage>(message)) heard(slot, message);
    });
  };

  const heard = (slot: Slot, message: WorkerMessage): void => {
    if (message.httpcache === 'metrics') {
      scrapes.get(message.id)?.(message.snapshot);
      return;
    }
    slot.listeningSince = Date.now();
    const pid = slot.worker?.process.pid;
    io.stderr.write(`worker ${slot.number} ${started ? 'restarted' : 'started'} (pid ${pid})\n`);
    if (!started && slots.every((s) => s.listeningSince !== undefined)) {
      started = true;
      io.stderr.write(`${options.banner(message.url)}\n`);
    }
  };

  const tell = (slot: Slot, message: PrimaryMessage): void => {
    if (slot.worker?.isConnected() === true) slot.worker.send(message);
  };

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    signal.stop();
    for (const slot of slots) {
      clearTimeout(slot.timer);
      // A worker still starting has not heard the primary yet; it drains on SIGTERM as well.
      if (slot.listeningSince === undefined) slot.worker?.process.kill('SIGTERM');
      else tell(slot, { httpcache: 'shutdown' });
    }
    if (allExited()) exited();
  };

  cluster.on('exit', (worker, exitCode, signalName) => {
    const slot = slots.find((s) => s.worker === worker);
    if (slot === undefined) return;
    slot.worker = undefined;
    const how = signalName === null ? `code ${exitCode}` : `signal ${signalName}`;
    if (stopping) {
      if (exitCode !== 0 && signalName !== 'SIGTERM') code = ExitCode.failure;
      if (allExited()) exited();
      return;
    }
    if (!started) {
      // A worker that cannot start (a port in use, a store it cannot open) would fail again.
      io.stderr.write(`worker ${slot.number} exited with ${how} before listening; stopping\n`);
      code = ExitCode.failure;
      stop();
      return;
    }
    const ran = slot.listeningSince === undefined ? 0 : Date.now() - slot.listeningSince;
    if (ran >= STABLE_AFTER) slot.restarts = 0;
    const delay = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** slot.restarts);
    slot.restarts++;
    io.stderr.write(`worker ${slot.number} exited with ${how}; restarting in ${delay} ms\n`);
    slot.timer = setTimeout(() => fork(slot), delay);
  });

  /** Asks each listening worker for its numbers; a worker that does not answer is left out. */
  const collect = async (): Promise<string> => {
    const live = slots.filter((slot) => slot.worker !== undefined && slot.listeningSince);
    const answers = await Promise.all(
      live.map(
        (slot) =>
          new Promise<[string, MetricsSnapshot | undefined]>((resolve) => {
            const id = ++scrapeId;
            const timer = setTimeout(() => answer(undefined), SCRAPE_TIMEOUT);
            function answer(snapshot: MetricsSnapshot | undefined): void {
              clearTimeout(timer);
              scrapes.delete(id);
              resolve([String(slot.number), snapshot]);
            }
            scrapes.set(id, answer);
            tell(slot, { httpcache: 'metrics', id });
          }),
      ),
    );
    const snapshots = new Map<string, MetricsSnapshot>();
    for (const [number, snapshot] of answers) if (snapshot) snapshots.set(number, snapshot);
    return formatWorkerMetrics(snapshots);
  };

  if (options.metricsPort !== undefined) {
    metrics = await serveMetrics(options.metricsPort, options.host, collect).catch(
      (error: unknown) => {
        signal.stop();
        throw error;
      },
    );
    io.stderr.write(`metrics on ${metrics.url}\n`);
  }
  for (const slot of slots) fork(slot);
  signal.stopped.then(() => {
    if (!stopping) {
      io.stderr.write(
        `stopping: ${slots.filter((s) => s.worker).length} workers finish their responses\n`,
      );
    }
    stop();
  }, stop);
  await done;
  await metrics?.close();
  cluster.removeAllListeners('exit');
  return code;
}
