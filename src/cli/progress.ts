import { Presets, SingleBar } from 'cli-progress';
import { formatBytes, formatClock, formatRate } from './format.ts';
import type { OutputStream } from './io.ts';

/**
 * The download progress bar of `httpcache get` (cli-progress): percentage and bar when the size
 * is known, bytes, speed, elapsed time and ETA. It appears only once a body has taken
 * {@link ProgressOptions.delay} ms, so quick downloads and cache hits print no bar.
 *
 * @module
 */

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  /** Where the bar is drawn (stderr). */
  readonly stream: OutputStream;
  /** The body's size when known (`Content-Length`). */
  readonly total: number | undefined;
  /** Draw even when `stream` is not a terminal: then one line per update, four a second. */
  readonly force: boolean;
  /** Milliseconds before the bar appears. */
  readonly delay: number;
  /** The clock, in ms. */
  readonly now?: () => number;
}

/** A running progress display. */
export interface Progress {
  /** Counts `bytes` more of the body. */
  advance(bytes: number): void;
  /** Removes the bar (on a terminal) and stops its timers. */
  stop(): void;
}

/** How long a download takes before it gets a bar, unless forced. */
export const PROGRESS_DELAY = 500;

/** Starts counting; the bar appears after the delay. */
export function startProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let done = 0;
  let bar: SingleBar | undefined;

  const payload = () => {
    const elapsed = now() - started;
    const total = options.total;
    const remaining =
      total !== undefined && done > 0 ? ((total - done) * elapsed) / done : undefined;
    return {
      done: formatBytes(done),
      size: total === undefined ? '' : formatBytes(total),
      speed: formatRate(done, elapsed),
      elapsed: formatClock(elapsed),
      remaining: remaining === undefined ? '-:--' : formatClock(remaining),
    };
  };
  const show = (): void => {
    bar = createBar(options);
    bar.start(options.total ?? 0, done, payload());
  };
  const timer = options.delay > 0 ? setTimeout(show, options.delay) : undefined;
  timer?.unref();
  if (timer === undefined) show();

  return {
    advance(bytes) {
      done += bytes;
      bar?.update(done, payload());
    },
    stop() {
      clearTimeout(timer);
      bar?.update(done, payload());
      bar?.stop();
      bar = undefined;
    },
  };
}

function createBar(options: ProgressOptions): SingleBar {
  const columns = options.stream.columns ?? 80;
  const known = options.total !== undefined;
  return new SingleBar(
    {
      stream: options.stream,
      format: known
        ? '{bar} {percentage}% {done} / {size}  {speed}  {elapsed} ETA {remaining}'
        : '{done}  {speed}  {elapsed}',
      barsize: Math.max(10, Math.min(30, columns - 60)),
      // Keep the terminal's own line wrapping, which an interrupted download could not restore.
      linewrap: true,
      hideCursor: false,
      clearOnComplete: true,
      noTTYOutput: options.force,
      notTTYSchedule: 250,
    },
    Presets.shades_classic,
  );
}
