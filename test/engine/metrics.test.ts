import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emitter } from '../../src/engine/events.ts';
import { MetricsRecorder } from '../../src/engine/metrics.ts';
import { formatMetrics, formatWorkerMetrics } from '../../src/engine/metrics-format.ts';
import { createFetch } from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

const subject = { key: 'GET https://a/', url: 'https://a/' };

/** The lines of a metrics text that are samples of `name` (its buckets, sum and count too). */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(name) && !line.startsWith('#'));
}

describe('MetricsRecorder and the text format', () => {
  it('counts each event type into its metric', () => {
    const events = new Emitter();
    const recorder = new MetricsRecorder(events);
    events.emit('hit', { ...subject, stale: false });
    events.emit('hit', { ...subject, stale: true });
    events.emit('miss', { ...subject, reason: 'uri-miss' });
    events.emit('store', { ...subject, size: 300 });
    events.emit('store', { ...subject, size: 12 });
    events.emit('revalidate', { ...subject, status: 304 });
    events.emit('revalidate', { ...subject, status: 200 });
    events.emit('stale-if-error', { ...subject, error: 503 });
    events.emit('coalesced', subject);
    events.emit('evict', subject);
    events.emit('error', { ...subject, operation: 'revalidate', error: new Error('x') });
    events.emit('error', { ...subject, operation: 'get "odd"', error: new Error('x') });
    const text = formatMetrics(recorder.snapshot());
    const counters = text
      .split('\n')
      .filter((line) => /^httpcache_\w+_total/.test(line) && !line.includes('origin'));
    expect(counters).toEqual([
      'httpcache_hits_total 2',
      'httpcache_misses_total{reason="uri-miss"} 1',
      'httpcache_stale_served_total{cause="stale-hit"} 1',
      'httpcache_stale_served_total{cause="stale-if-error"} 1',
      'httpcache_revalidations_total{outcome="not-modified"} 1',
      'httpcache_revalidations_total{outcome="modified"} 1',
      'httpcache_revalidations_total{outcome="failed"} 2',
      'httpcache_collapsed_total 1',
      'httpcache_stores_total 2',
      'httpcache_stored_bytes_total 312',
      'httpcache_evictions_total 1',
      'httpcache_invalidations_total 0',
      'httpcache_errors_total{operation="revalidate"} 1',
      'httpcache_errors_total{operation="get \\"odd\\""} 1',
    ]);
  });

  it('writes HELP and TYPE for every metric, and zeros before the first event', () => {
    const text = formatMetrics(new MetricsRecorder(new Emitter()).snapshot());
    expect(text).toContain('# TYPE httpcache_requests_total counter\n');
    expect(text).toContain('# TYPE httpcache_origin_duration_seconds histogram\n');
    expect(samples(text, 'httpcache_origin_duration_seconds_count')).toEqual([
      'httpcache_origin_duration_seconds_count 0',
    ]);
    expect(samples(text, 'httpcache_requests_total')).toEqual([]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('puts durations in cumulative buckets, in seconds', () => {
    const events = new Emitter();
    const recorder = new MetricsRecorder(events);
    for (const duration of [0.2, 3, 40, 40, 20_000]) {
      events.emit('origin', { ...subject, status: 200, duration });
    }
    events.emit('origin', { ...subject, status: undefined, error: new Error('x'), duration: 1 });
    events.emit('origin', { ...subject, status: 502, duration: 1 });
    const text = formatMetrics(recorder.snapshot());
    const buckets = samples(text, 'httpcache_origin_duration_seconds');
    expect(buckets).toContain('httpcache_origin_duration_seconds_bucket{le="0.0005"} 1');
    expect(buckets).toContain('httpcache_origin_duration_seconds_bucket{le="0.001"} 3');
    expect(buckets).toContain('httpcache_origin_duration_seconds_bucket{le="0.005"} 4');
    expect(buckets).toContain('httpcache_origin_duration_seconds_bucket{le="0.05"} 6');
    expect(buckets).toContain('httpcache_origin_duration_seconds_bucket{le="10"} 6');
    expect(buckets).toContain('httpcache_origin_duration_seconds_bucket{le="+Inf"} 7');
    expect(buckets).toContain('httpcache_origin_duration_seconds_count 7');
    const sum = buckets.find((line) => line.startsWith('httpcache_origin_duration_seconds_sum'));
    expect(Number(sum?.split(' ')[1])).toBeCloseTo(20.0852, 6);
    expect(samples(text, 'httpcache_origin_requests_total')).toEqual([
      'httpcache_origin_requests_total{status="2xx"} 5',
      'httpcache_origin_requests_total{status="error"} 1',
      'httpcache_origin_requests_total{status="5xx"} 1',
    ]);
    expect(samples(text, 'httpcache_origin_errors_total')).toEqual([
      'httpcache_origin_errors_total 2',
    ]);
  });

  it("labels each worker's samples and adds the totals without the label", () => {
    const one = new Emitter();
    const two = new Emitter();
    const recorders = [new MetricsRecorder(one), new MetricsRecorder(two)];
    one.emit('hit', { ...subject, stale: false });
    two.emit('hit', { ...subject, stale: false });
    two.emit('hit', { ...subject, stale: false });
    two.emit('miss', { ...subject, reason: 'stale' });
    one.emit('response', { ...subject, result: 'hit', status: 200, duration: 2 });
    two.emit('response', { ...subject, result: 'hit', status: 200, duration: 30 });
    const text = formatWorkerMetrics(
      new Map([
        ['1', recorders[0]?.snapshot() ?? { counters: {}, histograms: {} }],
        ['2', recorders[1]?.snapshot() ?? { counters: {}, histograms: {} }],
      ]),
    );
    expect(samples(text, 'httpcache_hits_total')).toEqual([
      'httpcache_hits_total{worker="1"} 1',
      'httpcache_hits_total{worker="2"} 2',
      'httpcache_hits_total 3',
    ]);
    expect(samples(text, 'httpcache_misses_total')).toEqual([
      'httpcache_misses_total{worker="2",reason="stale"} 1',
      'httpcache_misses_total{reason="stale"} 1',
    ]);
    expect(samples(text, 'httpcache_response_duration_seconds_bucket')).toContain(
      'httpcache_response_duration_seconds_bucket{worker="2",result="hit",le="0.05"} 1',
    );
    expect(samples(text, 'httpcache_response_duration_seconds_count')).toEqual([
      'httpcache_response_duration_seconds_count{worker="1",result="hit"} 1',
      'httpcache_response_duration_seconds_count{worker="2",result="hit"} 1',
      'httpcache_response_duration_seconds_count{result="hit"} 2',
    ]);
  });
});

let origin: TestOrigin;
beforeAll(async () => {
  origin = await startOrigin({
    '/fresh': { headers: { 'cache-control': 'max-age=60' }, body: 'fresh body' },
    '/page': { headers: { 'cache-control': 'max-age=60' }, body: 'page' },
  });
});
afterAll(() => origin.close());

describe('cache.metrics()', () => {
  it('counts what a cache did, one result per request', async () => {
    const cachedFetch = createFetch({ shared: true });
    const first = await cachedFetch(`${origin.url}/fresh`);
    await first.text();
    await cachedFetch.idle();
    await (await cachedFetch(`${origin.url}/fresh`)).text();
    // Two concurrent requests for one URL: one goes to the origin, the other waits for it.
    let release: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      origin.route('/slow', (_req, res) => {
        release = () => res.writeHead(200, { 'cache-control': 'max-age=60' }).end('slow');
        resolve();
      });
    });
    const slow = [cachedFetch(`${origin.url}/slow`), cachedFetch(`${origin.url}/slow`)];
    await asked;
    release();
    for (const response of await Promise.all(slow)) expect(await response.text()).toBe('slow');
    await expect(cachedFetch('http://127.0.0.1:1/refused')).rejects.toThrow();
    await cachedFetch.idle();
    const text = cachedFetch.cache.metrics();
    expect(samples(text, 'httpcache_requests_total')).toEqual([
      'httpcache_requests_total{result="miss"} 2',
      'httpcache_requests_total{result="hit"} 1',
      'httpcache_requests_total{result="collapsed"} 1',
      'httpcache_requests_total{result="error"} 1',
    ]);
    expect(samples(text, 'httpcache_hits_total')).toEqual(['httpcache_hits_total 1']);
    expect(samples(text, 'httpcache_misses_total')).toEqual([
      'httpcache_misses_total{reason="uri-miss"} 3',
    ]);
    expect(samples(text, 'httpcache_collapsed_total')).toEqual(['httpcache_collapsed_total 1']);
    expect(samples(text, 'httpcache_stored_bytes_total')).toEqual([
      `httpcache_stored_bytes_total ${'fresh body'.length + 'slow'.length}`,
    ]);
    expect(samples(text, 'httpcache_origin_requests_total')).toEqual([
      'httpcache_origin_requests_total{status="2xx"} 2',
      'httpcache_origin_requests_total{status="error"} 1',
    ]);
    expect(samples(text, 'httpcache_response_duration_seconds_count')).toHaveLength(4);
    await cachedFetch.close();
  });
});

describe('diagnostics_channel', () => {
  it('publishes each event on httpcache:<type>', async () => {
    const seen: [string, unknown][] = [];
    const names = ['httpcache:miss', 'httpcache:hit', 'httpcache:store', 'httpcache:response'];
    const listeners = names.map((name) => {
      const listener = (message: unknown): void => {
        seen.push([name, message]);
      };
      subscribe(name, listener);
      return [name, listener] as const;
    });
    try {
      const cachedFetch = createFetch();
      const url = `${origin.url}/page`;
      await (await cachedFetch(url)).text();
      await cachedFetch.idle();
      await (await cachedFetch(url)).text();
      await cachedFetch.close();
      expect(seen.map(([name]) => name)).toEqual([
        'httpcache:miss',
        'httpcache:response',
        'httpcache:store',
        'httpcache:hit',
        'httpcache:response',
      ]);
      expect(seen[3]?.[1]).toEqual({ key: `GET ${url}`, url, stale: false });
      expect(seen[4]?.[1]).toMatchObject({ url, result: 'hit', status: 200 });
    } finally {
      for (const [name, listener] of listeners) unsubscribe(name, listener);
    }
  });
});
