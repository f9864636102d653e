import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { get, Lines } from './processes.ts';
import { baseEnv, MAIN, tempDir } from './run.ts';

/** The value of each sample of `name` (without HELP/TYPE), by its label set. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

/** The sum of the samples of `name` without a `worker` label (the totals). */
function total(text: string, name: string): number {
  let sum = 0;
  for (const [labels, value] of samples(text, name)) if (!labels.includes('worker=')) sum += value;
  return sum;
}

describe('httpcache proxy --workers 4', () => {
  let origin: TestOrigin;
  let child: ChildProcess;
  let lines: Lines;
  let url: string;
  let metrics: string;
  let exited: Promise<number | null>;
  const dir = tempDir();

  beforeAll(async () => {
    origin = await startOrigin({
      '/page': { headers: { 'cache-control': 'max-age=60' }, body: 'page' },
    });
    for (let i = 0; i < 10; i++) {
      origin.route(`/item/${i}`, { headers: { 'cache-control': 'max-age=60' }, body: `item ${i}` });
    }
    const store = `sqlite:${join(dir.path, 'proxy.sqlite')}`;
    child = spawn(
      process.execPath,
      [MAIN, 'proxy', '--upstream', origin.url, '--port', '0', '--workers', '4'].concat([
        '--metrics-port',
        '0',
        '--store',
        store,
      ]),
      { env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    exited = new Promise((resolve) => child.on('close', resolve));
    lines = new Lines(child);
    metrics = (await lines.next(/^metrics on (\S+)$/)).match[1] ?? '';
    url =
      (await lines.next(/listening on (http:\/\/127\.0\.0\.1:\d+) → .*4 workers/)).match[1] ?? '';
  }, 60_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await origin.close();
    dir.remove();
  });

  it('hands connections to every worker in turn', async () => {
    for (let i = 0; i < 8; i++) expect((await get(`${url}/page`)).body).toBe('page');
    const text = (await get(metrics)).body;
    const perWorker = [1, 2, 3, 4].map((worker) => {
      let sum = 0;
      for (const [labels, value] of samples(text, 'httpcache_requests_total')) {
        if (labels.includes(`worker="${worker}"`)) sum += value;
      }
      return sum;
    });
    expect(perWorker.every((count) => count > 0)).toBe(true);
    expect(total(text, 'httpcache_requests_total')).toBe(8);
    // One SQLite file for all: the first stored it, the others found it.
    expect(origin.count('/page')).toBeLessThanOrEqual(4);
  });

  it('adds up the metrics of a load run scraped while it runs', async () => {
    const before = (await get(metrics)).body;
    const requests = 200;
    const urls = Array.from({ length: requests }, (_, i) => `${url}/item/${i % 10}`);
    const scrapes: Promise<unknown>[] = [];
    const answers = await Promise.all(
      urls.map(async (target, i) => {
        if (i % 50 === 0) scrapes.push(get(metrics));
        return get(target);
      }),
    );
    await Promise.all(scrapes);
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    const after = (await get(metrics)).body;
    const delta = (name: string): number => total(after, name) - total(before, name);
    expect(delta('httpcache_requests_total')).toBe(requests);
    expect(
      delta('httpcache_hits_total') +
        delta('httpcache_misses_total') +
        delta('httpcache_collapsed_total'),
    ).toBe(requests);
    expect(delta('httpcache_response_duration_seconds_count')).toBe(requests);
    expect(delta('httpcache_origin_requests_total')).toBe(delta('httpcache_misses_total'));
  });

  it('restarts a worker that dies, and the port keeps answering', async () => {
    const worker = (await lines.next(/^worker 2 started \(pid (\d+)\)$/)).match[1];
    const from = lines.all.length;
    process.kill(Number(worker), 'SIGKILL');
    await lines.next(/^worker 2 exited with signal SIGKILL; restarting in \d+ ms$/, from);
    for (let i = 0; i < 4; i++) expect((await get(`${url}/page`)).body).toBe('page');
    const restarted = await lines.next(/^worker 2 restarted \(pid (\d+)\)$/, from);
    expect(restarted.match[1]).not.toBe(worker);
    for (let i = 0; i < 8; i++) expect((await get(`${url}/page`)).body).toBe('page');
  });

  it('on SIGTERM, finishes the responses in flight, then exits 0', async () => {
    let finish: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      origin.route('/slow', (_req, res) => {
        res.writeHead(200, { 'cache-control': 'no-store', 'content-length': '10' });
        res.write('first');
        finish = () => res.end('-last');
        resolve();
      });
    });
    const body = new Promise<string>((resolve, reject) => {
      request(`${url}/slow`, { agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve(text));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    await asked;
    const from = lines.all.length;
    child.kill('SIGTERM');
    // Every worker has stopped accepting; the one with the slow response still has it.
    await lines.next(/^worker \d stopping \(1 responses in flight\)$/, from);
    for (const worker of [1, 2, 3, 4]) {
      await lines.next(new RegExp(`^worker ${worker} stopping`), from);
    }
    finish();
    expect(await body).toBe('first-last');
    expect(await exited).toBe(0);
  });
});

describe('httpcache proxy --workers 2 that cannot start', () => {
  it('stops every worker and exits 1 when one fails before listening', async () => {
    const origin = await startOrigin();
    const port = new URL(origin.url).port;
    try {
      const child = spawn(
        process.execPath,
        [MAIN, 'proxy', '--upstream', origin.url, '--port', port, '--workers', '2'].concat([
          '--store',
          'memory:',
        ]),
        { env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const lines = new Lines(child);
      await lines.next(/^worker \d exited with code 1 before listening; stopping$/);
      expect(await exited).toBe(1);
      expect(lines.all).toContain(
        `error: cannot start the proxy: bind EADDRINUSE 127.0.0.1:${port}`,
      );
    } finally {
      await origin.close();
    }
  });
});

describe('httpcache proxy --metrics-port, one process', () => {
  it('serves the cache metrics on /metrics', async () => {
    const origin = await startOrigin({
      '/page': { headers: { 'cache-control': 'max-age=60' }, body: 'page' },
    });
    const child = spawn(
      process.execPath,
      [MAIN, 'proxy', '--upstream', origin.url, '--port', '0', '--metrics-port', '0'].concat([
        '--store',
        'memory:',
      ]),
      { env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = new Lines(child);
    try {
      const metrics = (await lines.next(/^metrics on (\S+)$/)).match[1] ?? '';
      const url = (await lines.next(/listening on (http:\/\/127\.0\.0\.1:\d+) → /)).match[1];
      expect(lines.all.join('\n')).not.toMatch(/workers/);
      await get(`${url}/page`);
      await get(`${url}/page`);
      const res = await get(metrics);
      expect(res.status).toBe(200);
      expect(samples(res.body, 'httpcache_hits_total')).toEqual(new Map([['', 1]]));
      expect(samples(res.body, 'httpcache_requests_total')).toEqual(
        new Map([
          ['{result="miss"}', 1],
          ['{result="hit"}', 1],
        ]),
      );
      expect((await get(metrics.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await origin.close();
    }
    expect(await exited).toBe(0);
  });

  it('exits 1 when the metrics port is taken, and the proxy does not stay up', async () => {
    const origin = await startOrigin();
    const taken = new URL(origin.url).port;
    try {
      const child = spawn(
        process.execPath,
        [MAIN, 'proxy', '--upstream', origin.url, '--port', '0', '--metrics-port', taken].concat([
          '--store',
          'memory:',
        ]),
        { env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const lines = new Lines(child);
      expect(await exited).toBe(1);
      expect(lines.all).toContain(
        `error: cannot serve metrics: listen EADDRINUSE: address already in use 127.0.0.1:${taken}`,
      );
    } finally {
      await origin.close();
    }
  });
});
