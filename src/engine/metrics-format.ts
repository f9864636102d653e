/**
 * The Prometheus text format (version 0.0.4) of metrics snapshots: one cache's, or several
 * workers' with a `worker` label each and their totals without it.
 *
 * @module
 */

/** Histogram bucket bounds, in seconds: from half a millisecond to ten seconds. */
export const DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A histogram's observations: a count per bucket (not cumulative; the last is `+Inf`), and their sum. */
export interface HistogramData {
  readonly counts: number[];
  sum: number;
}

/**
 * The numbers of one cache, by metric name (without the `httpcache_` prefix), then by label set (rendered, e.g.
 * `reason="stale"`; empty for none). Plain data: it crosses process boundaries as JSON.
 */
export interface MetricsSnapshot {
  readonly counters: Record<string, Record<string, number>>;
  readonly histograms: Record<string, Record<string, HistogramData>>;
}

/**
 * Every metric, in the order they are written: its name without the `httpcache_` prefix, its
 * help text, and whether it has labels (one without shows 0 before its first event). Names
 * ending in `_seconds` are histograms, the others counters.
 */
export const METRIC_FAMILIES: readonly (readonly [name: string, help: string, labelled?: true])[] =
  [
    [
      'requests_total',
      'Requests answered, by result: hit, stale, miss, revalidated, collapsed or error.',
      true,
    ],
    ['hits_total', 'Responses served from storage (fresh or stale).'],
    [
      'misses_total',
      'Requests that went to the origin, by reason (the Cache-Status fwd value).',
      true,
    ],
    [
      'stale_served_total',
      'Stale responses served: as hits (stale-hit) or for a failed origin (stale-if-error).',
      true,
    ],
    [
      'revalidations_total',
      'Revalidations of stored responses, by outcome: not-modified, modified or failed.',
      true,
    ],
    ['collapsed_total', "Requests answered with another concurrent request's origin response."],
    ['stores_total', 'Responses stored.'],
    ['stored_bytes_total', 'Bytes of the bodies stored.'],
    ['evictions_total', 'Entries evicted to stay within a size cap.'],
    ['invalidations_total', 'Invalidations of stored responses by unsafe requests.'],
    [
      'errors_total',
      'Failures the request survived (error events: storage, background revalidation, filters), by operation.',
      true,
    ],
    [
      'origin_requests_total',
      'Origin requests, by status class (2xx ... 5xx) or error (no response).',
      true,
    ],
    ['origin_errors_total', 'Origin requests that failed or were answered with a 5xx status.'],
    ['origin_duration_seconds', 'Time from asking the origin to its response head.'],
    ['response_duration_seconds', 'Time from a request to its response head, by result.', true],
  ];

/** A histogram with no observations. */
export function emptyHistogram(): HistogramData {
  return { counts: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0 };
}

/** A snapshot with no numbers yet. */
export function emptySnapshot(): MetricsSnapshot {
  return { counters: {}, histograms: {} };
}

/** One cache's metrics in the text format. */
export function formatMetrics(snapshot: MetricsSnapshot): string {
  return render([{ prefix: '', snapshot }]);
}

/**
 * Several workers' metrics in the text format: each sample once per worker (`worker="k"`), and
 * once without a `worker` label, the sum over the workers.
 */
export function formatWorkerMetrics(workers: ReadonlyMap<string, MetricsSnapshot>): string {
  const sources = [...workers].map(([worker, snapshot]) => ({
    prefix: label('worker', worker),
    snapshot,
  }));
  return render([...sources, { prefix: '', snapshot: sumSnapshots([...workers.values()]) }]);
}

/** The sum of snapshots. */
export function sumSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const total = emptySnapshot();
  for (const { counters, histograms } of snapshots) {
    for (const [name, samples] of Object.entries(counters)) {
      const into = slot(total.counters, name, () => ({}));
      for (const [labels, value] of Object.entries(samples)) {
        into[labels] = (into[labels] ?? 0) + value;
      }
    }
    for (const [name, samples] of Object.entries(histograms)) {
      const into = slot(total.histograms, name, () => ({}));
      for (const [labels, data] of Object.entries(samples)) {
        const sum = slot(into, labels, () => ({ counts: data.counts.map(() => 0), sum: 0 }));
        data.counts.forEach((count, i) => {
          sum.counts[i] = (sum.counts[i] ?? 0) + count;
        });
        sum.sum += data.sum;
      }
    }
  }
  return total;
}

/** The value under `key`, put there first when missing. */
export function slot<T>(record: Record<string, T>, key: string, make: () => NoInfer<T>): T {
  let value = record[key];
  if (value === undefined) {
    value = make();
    record[key] = value;
  }
  return value;
}

interface Source {
  /** Labels put before each sample's own (a worker's), or empty. */
  readonly prefix: string;
  readonly snapshot: MetricsSnapshot;
}

function render(sources: readonly Source[]): string {
  let text = '';
  for (const [short, help, labelled] of METRIC_FAMILIES) {
    const name = `httpcache_${short}`;
    const histogram = short.endsWith('_seconds');
    text += `# HELP ${name} ${help}\n# TYPE ${name} ${histogram ? 'histogram' : 'counter'}\n`;
    for (const { prefix, snapshot } of sources) {
      // A metric without labels shows its zero before its first event.
      const samples: Record<string, number | HistogramData> =
        (histogram ? snapshot.histograms : snapshot.counters)[short] ??
        (labelled ? {} : { '': histogram ? emptyHistogram() : 0 });
      for (const [own, value] of Object.entries(samples)) {
        const labels = join(prefix, own);
        if (typeof value === 'number') {
          text += `${name}${braces(labels)} ${value}\n`;
          continue;
        }
        let cumulative = 0;
        value.counts.forEach((count, i) => {
          cumulative += count;
          const le = label('le', String(DURATION_BUCKETS[i] ?? '+Inf'));
          text += `${name}_bucket${braces(join(labels, le))} ${cumulative}\n`;
        });
        text += `${name}_sum${braces(labels)} ${value.sum}\n${name}_count${braces(labels)} ${cumulative}\n`;
      }
    }
  }
  return text;
}

function join(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

function braces(labels: string): string {
  return labels === '' ? '' : `{${labels}}`;
}

/**
 * Labels already rendered, by name then value: each request renders at least one, found without
 * building a string to look it up by.
 */
const renderedLabels = new Map<string, Map<string, string>>();

/** One label, its value escaped as the text format asks. */
export function label(name: string, value: string): string {
  let byValue = renderedLabels.get(name);
  if (byValue === undefined) {
    byValue = new Map();
    renderedLabels.set(name, byValue);
  }
  let rendered = byValue.get(value);
  if (rendered === undefined) {
    rendered = `${name}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`;
    // The values are few (results, reasons, operations); the bound is for safety's sake.
    if (byValue.size >= 1000) byValue.clear();
    byValue.set(value, rendered);
  }
  return rendered;
}
