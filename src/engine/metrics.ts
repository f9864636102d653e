import { type Answer, isStoredAnswer } from './answer.ts';
import type { CacheEventListener, CacheEventType, Emitter, ResponseResult } from './events.ts';
import { type CacheMetadata, cacheStatus } from './metadata.ts';
import {
  DURATION_BUCKETS,
  emptyHistogram,
  emptySnapshot,
  label,
  type MetricsSnapshot,
  slot,
} from './metrics-format.ts';

/**
 * Metrics from a cache's events: counters and histograms kept as plain numbers, so that a
 * snapshot crosses process boundaries as JSON. Runtime-agnostic. The names and their meaning are
 * in {@link METRIC_FAMILIES}.
 *
 * @module
 */

/** Anything that emits cache events: an `HttpCache`, or the engine's emitter. */
export interface EventSource {
  on<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): () => void;
}

/** Counts a cache's events into Prometheus metrics from the moment it is created. */
export class MetricsRecorder {
  readonly #snapshot: MetricsSnapshot = emptySnapshot();

  constructor(source: EventSource) {
    source.on('hit', ({ stale }) => {
      this.#count('hits_total');
      if (stale) this.#count('stale_served_total', 'cause="stale-hit"');
    });
    source.on('miss', ({ reason }) => this.#count('misses_total', label('reason', reason)));
    source.on('store', ({ size }) => {
      this.#count('stores_total');
      this.#count('stored_bytes_total', '', size);
    });
    source.on('revalidate', ({ status }) =>
      this.#count(
        'revalidations_total',
        status === 304 ? 'outcome="not-modified"' : 'outcome="modified"',
      ),
    );
    source.on('coalesced', () => this.#count('collapsed_total'));
    source.on('evict', () => this.#count('evictions_total'));
    source.on('invalidate', () => this.#count('invalidations_total'));
    source.on('stale-if-error', () => {
      this.#count('stale_served_total', 'cause="stale-if-error"');
      this.#count('revalidations_total', 'outcome="failed"');
    });
    source.on('error', ({ operation }) => {
      this.#count('errors_total', label('operation', operation));
      if (operation === 'revalidate') this.#count('revalidations_total', 'outcome="failed"');
    });
    source.on('origin', ({ status, duration }) => {
      const outcome = status === undefined ? 'error' : `${Math.floor(status / 100)}xx`;
      this.#count('origin_requests_total', label('status', outcome));
      if (status === undefined || status >= 500) this.#count('origin_errors_total');
      this.#observe('origin_duration_seconds', '', duration);
    });
    source.on('response', ({ result, duration }) => {
      const labels = label('result', result);
      this.#count('requests_total', labels);
      this.#observe('response_duration_seconds', labels, duration);
    });
  }

  /** A copy of the numbers so far. */
  snapshot(): MetricsSnapshot {
    return structuredClone(this.#snapshot);
  }

  #count(name: string, labels = '', by = 1): void {
    const samples = slot(this.#snapshot.counters, name, () => ({}));
    samples[labels] = (samples[labels] ?? 0) + by;
  }

  /** Adds an observation in milliseconds to a histogram in seconds. */
  #observe(name: string, labels: string, milliseconds: number): void {
    const seconds = milliseconds / 1000;
    const samples = slot(this.#snapshot.histograms, name, () => ({}));
    const data = slot(samples, labels, emptyHistogram);
    let bucket = DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
    if (bucket === -1) bucket = DURATION_BUCKETS.length;
    data.counts[bucket] = (data.counts[bucket] ?? 0) + 1;
    data.sum += seconds;
  }
}

/**
 * Emits the `response` event of a request once `response` settles (at once for an answer given
 * without a promise): how the cache answered (read from the response's metadata) and how long it
 * took since `started` (`performance.now()`). Returns `response` itself, so the caller waits no
 * longer for it.
 */
export function reportResponse<T extends Answer>(
  events: Emitter,
  input: RequestInfo | URL,
  started: number,
  response: Promise<T>,
): Promise<T>;
export function reportResponse<T extends Answer>(
  events: Emitter,
  input: RequestInfo | URL,
  started: number,
  response: T | Promise<T>,
): T | Promise<T>;
export function reportResponse<T extends Answer>(
  events: Emitter,
  input: RequestInfo | URL,
  started: number,
  response: T | Promise<T>,
): T | Promise<T> {
  const answered = (res: T): void => {
    const metadata = isStoredAnswer(res) ? res.metadata : cacheStatus(res);
    events.emit('response', {
      key: metadata?.key ?? '',
      url: urlOf(input),
      result: resultOf(metadata),
      status: res.status,
      duration: performance.now() - started,
    });
  };
  if (!(response instanceof Promise)) {
    answered(response);
    return response;
  }
  response.then(answered, () => {
    const duration = performance.now() - started;
    const url = urlOf(input);
    events.emit('response', { key: '', url, result: 'error', status: undefined, duration });
  });
  return response;
}

/** The URL a request was made with; empty for an argument that is not one (it failed). */
function urlOf(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  const url = (input as { url?: unknown } | null | undefined)?.url;
  return typeof url === 'string' ? url : '';
}

function resultOf(metadata: CacheMetadata | undefined): ResponseResult {
  if (metadata === undefined) return 'miss';
  if (metadata.collapsed) return 'collapsed';
  if (metadata.revalidated) return 'revalidated';
  if (!metadata.fromCache) return 'miss';
  return metadata.stale ? 'stale' : 'hit';
}
