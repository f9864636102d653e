/**
 * The `proxy` group: hits per second through `httpcache proxy` (`createProxy()` with
 * `MemoryStorage`, the server `httpcache proxy` runs) for 1 KiB and 256 KiB bodies, with 64
 * keep-alive clients, against a plain node:http server sending the same bytes from memory (the
 * most a Node proxy could do) and against nginx with `proxy_cache` where nginx is installed. The
 * load generator runs in a worker thread: it never shares an event loop with the server measured.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { MemoryStorage } from '../src/index.ts';
import { createProxy } from '../src/integrations/server/index.ts';
import { expect, type Figure, figureTable, type Group, table } from './harness.ts';
import { bodyOf, responseHeaders } from './origin.ts';
import type { LoadRequest, LoadResult } from './proxy-load.ts';
import { findNginx, startNginx } from './proxy-nginx.ts';

const CONCURRENCY = 64;
const SIZES = [1024, 256 * 1024] as const;
const HTTPCACHE = 'httpcache proxy';
const CEILING = 'node:http from memory (ceiling)';
const NGINX = 'nginx proxy_cache';
/** Within this factor of the ceiling's time per response (issue target). */
const TARGET = 1.3;

/** A server to measure: where it listens, the path prefix it is asked for, and its hit marker. */
interface Target {
  readonly name: string;
  readonly origin: string;
  readonly prefix: string;
  readonly marker: readonly [string, string] | undefined;
}

/** The ceiling: node:http answering every `/ceiling/<bytes>` with the origin's fields and bytes. */
async function startCeiling(): Promise<{ url: string; server: Server }> {
  const bodies = new Map(SIZES.map((size) => [size, bodyOf(size)]));
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const size = Number((req.url ?? '').split('/')[2]);
    const body = bodies.get(size as (typeof SIZES)[number]);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, responseHeaders(size, 'max-age=3600')).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The load generator in its worker; `load` runs one measurement. */
function startLoad(): {
  load: (request: LoadRequest) => Promise<number>;
  close: () => Promise<void>;
} {
  const worker = new Worker(new URL('./proxy-load.ts', import.meta.url));
  worker.unref();
  const load = (request: LoadRequest): Promise<number> =>
    new Promise((resolve, reject) => {
      worker.once('message', (result: LoadResult) => {
        if (result.ok) resolve(result.requests / result.seconds);
        else reject(new Error(`bench: ${result.error}`));
      });
      worker.postMessage(request);
    });
  const close = async (): Promise<void> => {
    worker.postMessage('close');
    await new Promise((resolve) => worker.once('exit', resolve));
  };
  return { load, close };
}

export const proxy: Group = async (context) => {
  const { origin, quick } = context;
  const ms = quick ? 400 : 2000;
  const rounds = quick ? 1 : 3;
  const cached = await createProxy({ upstream: origin.url, storage: new MemoryStorage() });
  const ceiling = await startCeiling();
  const executable = findNginx();
  const nginx = executable === undefined ? undefined : await startNginx(executable, origin.url);
  const worker = startLoad();
  const targets: Target[] = [
    { name: HTTPCACHE, origin: cached.url, prefix: '/proxy', marker: ['cache-status', 'hit'] },
    { name: CEILING, origin: ceiling.url, prefix: '/ceiling', marker: undefined },
  ];
  if (nginx !== undefined) {
    targets.push({ name: NGINX, origin: nginx.url, prefix: '/nginx', marker: ['x-cache', 'hit'] });
  }
  /** Responses per second of each target, for each size, one per round. */
  const rps = new Map<string, number[]>();
  const started = performance.now();
  try {
    for (const size of SIZES) {
      const run = (target: Target, warm = false) =>
        worker.load({
          origin: target.origin,
          path: `${target.prefix}/${size}`,
          concurrency: CONCURRENCY,
          ms: warm ? Math.round(ms / 2) : ms,
          size,
          // The first requests of a warm-up are misses that store.
          marker: warm ? undefined : target.marker,
        });
      // Warm up (connections, JIT, the caches: the first requests are misses that store).
      for (const target of targets) await run(target, true);
      const cachedPaths = targets
        .filter((t) => t.name !== CEILING)
        .map((t) => `${t.prefix}/${size}`);
      const unchanged = origin.unchanged(cachedPaths);
      for (let round = 0; round < rounds; round++) {
        // Rotate the order so that no target always follows the same one.
        for (let k = 0; k < targets.length; k++) {
          const target = targets[(k + round) % targets.length] as Target;
          const key = `${target.name} ${size}`;
          rps.set(key, [...(rps.get(key) ?? []), await run(target)]);
        }
      }
      unchanged();
    }
  } finally {
    await worker.close();
    await cached.close();
    await new Promise((resolve) => ceiling.server.close(resolve));
    ceiling.server.closeAllConnections();
    await nginx?.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const label = (size: number) => (size === 1024 ? '1 KiB' : `${size / 1024} KiB`);
  const median = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[(sorted.length - 1) >> 1] ?? Number.NaN;
  };
  console.log(
    `\n== proxy: hits/s with ${CONCURRENCY} keep-alive clients (load generator in a worker thread), ${rounds} rounds of ${ms} ms, ${seconds.toFixed(0)} s\n`,
  );
  if (nginx === undefined) console.log('nginx is not installed: its rows are skipped.\n');
  console.log(
    table([
      ['server', ...SIZES.map((size) => `${label(size)} hits/s`)],
      ...targets.map((t) => [
        t.name,
        ...SIZES.map((size) =>
          Math.round(median(rps.get(`${t.name} ${size}`) ?? [])).toLocaleString('en-US'),
        ),
      ]),
    ]),
  );
  /** Time per response of `a` over `b`'s (their rates inverted), the median over the rounds. */
  const ratio = (a: string, b: string, size: number): number => {
    const mine = rps.get(`${a} ${size}`) ?? [];
    const theirs = rps.get(`${b} ${size}`) ?? [];
    return median(mine.map((rate, round) => (theirs[round] ?? Number.NaN) / rate));
  };
  const rows: Figure[] = [];
  for (const size of SIZES) {
    rows.push({
      label: `proxy ${label(size)} hit: httpcache / node:http ceiling`,
      value: ratio(HTTPCACHE, CEILING, size),
      target: TARGET,
      explain:
        'a proxy hit takes more than 1.3x the time of a bare node:http response: the engine work of each hit (request fields, key, lookup, freshness, Age, Cache-Status) shares one event loop with the writes',
    });
    if (nginx !== undefined) {
      rows.push({
        label: `proxy ${label(size)} hit: httpcache / nginx proxy_cache`,
        value: ratio(HTTPCACHE, NGINX, size),
      });
    }
  }
  expect(
    rows.every((row) => Number.isFinite(row.value)),
    'every proxy target was measured',
  );
  console.log();
  console.log(figureTable(rows));
  return rows;
};
