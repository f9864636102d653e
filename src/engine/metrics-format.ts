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
 * The numbers of one cache, by metric name, then by label set (rendered, e.g.
 * `reason="stale"`; empty for none). Plain data: it crosses process boundaries as JSON.
 */
export interface MetricsSnapshot {
  readonly counters: Record<string, Record<string, number>>;
  readonly histograms: Record<string, Record<string, HistogramData>>;
}

/** A metric's type, help text, and whether it has labels (one without shows 0 before its first event). */
interface Family {
  readonly type: 'counter' | 'histogram';
  readonly help: string;
  readonly labelled?: true;
}

/** Every metric, in the order they are written. */
export const METRIC_FAMILIES: Readonly<Record<string, Family>> = {
  httpcache_requests_total: {
    type: 'counter',
    help: 'Requests answered, by result: hit, stale, miss, revalidated, collapsed or error.',
    labelled: true,
  },
  httpcache_hits_total: {
    type: 'counter',
    help: 'Responses served from storage (fresh or stale).',
  },
  httpcache_misses_total: {
    type: 'counter',
    help: 'Requests that went to the origin, by reason (the Cache-Status fwd value).',
    labelled: true,
  },
  httpcache_stale_served_total: {
    type: 'counter',
    help: 'Stale responses served: as hits (stale-hit) or for a failed origin (stale-if-error).',
    labelled: true,
  },
  httpcache_revalidations_total: {
    type: 'counter',
    help: 'Revalidations of stored responses, by outcome: not-modified, modified or failed.',
    labelled: true,
  },
  httpcache_collapsed_total: {
    type: 'counter',
    help: "Requests answered with another concurrent request's origin response.",
  },
  httpcache_stores_total: { type: 'counter', help: 'Responses stored.' },
  httpcache_stored_bytes_total: { type: 'counter', help: 'Bytes of the bodies stored.' },
  httpcache_evictions_total: {
    type: 'counter',
    help: 'Entries evicted to stay within a size cap.',
  },
  httpcache_invalidations_total: {
    type: 'counter',
    help: 'Invalidations of stored responses by unsafe requests.',
  },
  httpcache_errors_total: {
    type: 'counter',
    help: 'Failures the request survived (error events: storage, background revalidation, filters), by operation.',
    labelled: true,
  },
  httpcache_origin_requests_total: {
    type: 'counter',
    help: 'Origin requests, by status class (2xx ... 5xx) or error (no response).',
    labelled: true,
  },
  httpcache_origin_errors_total: {
    type: 'counter',
    help: 'Origin requests that failed or were answered with a 5xx status.',
  },
  httpcache_origin_duration_seconds: {
    type: 'histogram',
    help: 'Time from asking the origin to its response head.',
  },
  httpcache_response_duration_seconds: {
    type: 'histogram',
    help: 'Time from a request to its response head, by result.',
    labelled: true,
  },
};

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
  const lines: string[] = [];
  for (const [name, family] of Object.entries(METRIC_FAMILIES)) {
    lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
    for (const { prefix, snapshot } of sources) {
      if (family.type === 'counter') {
        const samples = withDefault(snapshot.counters[name], family, 0);
        for (const [labels, value] of Object.entries(samples)) {
          lines.push(`${name}${braces(join(prefix, labels))} ${value}`);
        }
      } else {
        const samples = withDefault(snapshot.histograms[name], family, emptyHistogram());
        for (const [labels, data] of Object.entries(samples)) {
          histogram(lines, name, join(prefix, labels), data);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A metric without labels shows its zero before its first event. */
function withDefault<T>(
  samples: Record<string, T> | undefined,
  family: Family,
  zero: T,
): Record<string, T> {
  if (samples !== undefined) return samples;
  return family.labelled === true ? {} : { '': zero };
}

function histogram(lines: string[], name: string, labels: string, data: HistogramData): void {
  let cumulative = 0;
  data.counts.forEach((count, i) => {
    cumulative += count;
    const le = label('le', i < DURATION_BUCKETS.length ? String(DURATION_BUCKETS[i]) : '+Inf');
    lines.push(`${name}_bucket${braces(join(labels, le))} ${cumulative}`);
  });
  lines.push(
    `${name}_sum${braces(labels)} ${data.sum}`,
    `${name}_count${braces(labels)} ${cumulative}`,
  );
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
