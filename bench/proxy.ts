/**
 * The `proxy` group: hits per second through `httpcache proxy` (`createProxy()` with
 * `MemoryStorage`, the server `httpcache proxy` runs) for 1 KiB and 256 KiB bodies, with 64
 * keep-alive clients, against a plain node:http server sending the same bytes from memory (the
 * most a Node proxy could do) and against nginx with `proxy_cache` where nginx is installed.
 *
 * Each server runs in a process of its own, and so does the load generator; where `taskset`
 * exists they are pinned, the load generator to one core and the servers to the other, so that
 * the client never takes time from the server it measures. Beside hits per second, the CPU time
 * each server spent per hit is read from `/proc`: it does not move with the load of the machine.
 * `BENCH_PROXY_CPU_PROF=<dir>` writes a CPU profile of the httpcache proxy's process there.
 */
import type { ChildProcess } from 'node:child_process';
import { expect, type Figure, figureTable, type Group, table } from './harness.ts';
import type { LoadRequest, LoadResult } from './proxy-load.ts';
import { startNginx } from './proxy-nginx.ts';
import {
  cpuSeconds,
  findExecutable,
  LOAD_CPU,
  nextMessage,
  pinned,
  SERVER_CPU,
  SIZES,
  spawnScript,
} from './proxy-processes.ts';

const CONCURRENCY = 64;
const HTTPCACHE = 'httpcache proxy';
const CEILING = 'node:http from memory (ceiling)';
const NGINX = 'nginx proxy_cache';
/** Within this factor of the ceiling's time per response (issue target). */
const TARGET = 1.3;

/** A server to measure: where it listens, its hit marker, its working process, how to stop it. */
interface Target {
  readonly name: string;
  readonly url: string;
  readonly prefix: string;
  readonly marker: readonly [string, string] | undefined;
  readonly pid: () => number | undefined;
  readonly close: () => Promise<void>;
}

/** One measurement: hits per second, and the server's CPU seconds per hit (NaN where unknown). */
interface Sample {
  readonly rate: number;
  readonly cpu: number;
  readonly busy: number;
  /** The load generator's share of its core. */
  readonly client: number;
}

/** A bench server (`proxy-server.ts`) in its own process on the servers' core. */
async function startServer(
  name: string,
  prefix: string,
  args: string[],
  marker: Target['marker'],
  execArgv: string[] = [],
): Promise<Target> {
  const child: ChildProcess = spawnScript(SERVER_CPU, './proxy-server.ts', args, execArgv);
  const { url } = await nextMessage<{ url: string }>(child);
  return {
    name,
    url,
    prefix,
    marker,
    pid: () => child.pid,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    },
  };
}

/** The load generator in its own process on its own core; `load` runs one measurement. */
function startLoad(): {
  load: (request: LoadRequest, pid: number | undefined) => Promise<Sample>;
  close: () => Promise<void>;
} {
  const child = spawnScript(LOAD_CPU, './proxy-load.ts', []);
  const load = async (request: LoadRequest, pid: number | undefined): Promise<Sample> => {
    const before = cpuSeconds(pid);
    const clientBefore = cpuSeconds(child.pid);
    const reply = nextMessage<LoadResult>(child);
    child.send(request);
    const result = await reply;
    const after = cpuSeconds(pid);
    const clientAfter = cpuSeconds(child.pid);
    if (!result.ok) throw new Error(`bench: ${result.error}`);
    const spent = before === undefined || after === undefined ? Number.NaN : after - before;
    return {
      rate: result.requests / result.seconds,
      cpu: spent / result.requests,
      busy: spent / result.seconds,
      client:
        clientBefore === undefined || clientAfter === undefined
          ? Number.NaN
          : (clientAfter - clientBefore) / result.seconds,
    };
  };
  const close = async (): Promise<void> => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('close');
    await exited;
  };
  return { load, close };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1] ?? Number.NaN;
};

export const proxy: Group = async (context) => {
  const { origin, quick } = context;
  const ms = quick ? 400 : 1000;
  const rounds = quick ? 1 : 7;
  const profile = process.env.BENCH_PROXY_CPU_PROF;
  const profiling = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  const targets: Target[] = [
    await startServer(
      HTTPCACHE,
      '/proxy',
      ['proxy', origin.url],
      ['cache-status', 'hit'],
      profiling,
    ),
    await startServer(CEILING, '/ceiling', ['ceiling'], undefined),
  ];
  const executable = findExecutable('nginx');
  if (executable !== undefined) {
    const nginx = await startNginx(executable, origin.url, SERVER_CPU);
    targets.push({
      name: NGINX,
      url: nginx.url,
      prefix: '/nginx',
      marker: ['x-cache', 'hit'],
      pid: nginx.worker,
      close: nginx.close,
    });
  }
  const worker = startLoad();
  /** The samples of each target, for each size, one per round. */
  const samples = new Map<string, Sample[]>();
  const started = performance.now();
  try {
    for (const size of SIZES) {
      const run = (target: Target, warm = false) =>
        worker.load(
          {
            origin: target.url,
            path: `${target.prefix}/${size}`,
            concurrency: CONCURRENCY,
            ms: warm ? Math.round(ms / 2) : ms,
            size,
            // The first requests of a warm-up are misses that store.
            marker: warm ? undefined : target.marker,
          },
          target.pid(),
        );
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
          samples.set(key, [...(samples.get(key) ?? []), await run(target)]);
        }
      }
      unchanged();
    }
  } finally {
    await worker.close();
    for (const target of targets) await target.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const label = (size: number) => (size === 1024 ? '1 KiB' : `${size / 1024} KiB`);
  const of = (name: string, size: number) => samples.get(`${name} ${size}`) ?? [];
  /** The median of a value over the rounds, with half the spread between its extremes. */
  const least = (values: readonly number[]): number => Math.min(...values);
  const spread = (values: readonly number[], digits: number): string => {
    const sorted = [...values].sort((a, b) => a - b);
    const half = ((sorted.at(-1) ?? Number.NaN) - (sorted[0] ?? Number.NaN)) / 2;
    return `${median(values).toFixed(digits)} ±${half.toFixed(digits)}`;
  };
  console.log(
    `\n== proxy: hits with ${CONCURRENCY} keep-alive clients, ${rounds} rounds of ${ms} ms, ${seconds.toFixed(0)} s; ${pinned ? `load generator on CPU ${LOAD_CPU}, servers on CPU ${SERVER_CPU}` : 'processes not pinned to cores (no taskset): numbers swing more'}\n`,
  );
  if (executable === undefined) console.log('nginx is not installed: its rows are skipped.\n');
  console.log(
    table([
      ['server', 'size', 'hits/s', 'CPU µs/hit', 'least', 'server busy', 'client busy'],
      ...SIZES.flatMap((size) =>
        targets.map((t) => [
          t.name,
          label(size),
          Math.round(median(of(t.name, size).map((s) => s.rate))).toLocaleString('en-US'),
          spread(
            of(t.name, size).map((s) => s.cpu * 1e6),
            1,
          ),
          least(of(t.name, size).map((s) => s.cpu * 1e6)).toFixed(1),
          `${(median(of(t.name, size).map((s) => s.busy)) * 100).toFixed(0)}%`,
          `${(median(of(t.name, size).map((s) => s.client)) * 100).toFixed(0)}%`,
        ]),
      ),
    ]),
  );
  /** Per round, `a`'s value over `b`'s (time per hit: rates inverted). */
  const perRound = (a: string, b: string, size: number, pick: (s: Sample) => number) => {
    const theirs = of(b, size);
    return of(a, size).map((mine, round) => {
      const other = theirs[round];
      return other === undefined ? Number.NaN : pick(mine) / pick(other);
    });
  };
  const timeRatios = (a: string, b: string, size: number) =>
    perRound(a, b, size, (s) => 1 / s.rate);
  const cpuRatios = (a: string, b: string, size: number) => perRound(a, b, size, (s) => s.cpu);
  /** The least disturbed rounds' CPU per hit, `a`'s over `b`'s: the machine's load only adds. */
  const leastRatio = (a: string, b: string, size: number): string =>
    (least(of(a, size).map((s) => s.cpu)) / least(of(b, size).map((s) => s.cpu))).toFixed(2);
  const rows: Figure[] = [];
  const ratioLines: string[][] = [
    [
      'ratio (median ± half range over rounds)',
      'time per hit (1 / hits/s)',
      'CPU per hit',
      'least CPU per hit',
    ],
  ];
  // The CPU each server spent per hit is what the ratio with a target compares: on a machine busy
  // with other work a server gets a varying share of its core, which moves its hits per second
  // but not the CPU a hit costs. Where /proc cannot tell, hits per second stand in.
  const cpuKnown = [...samples.values()].every((list) => list.every((s) => Number.isFinite(s.cpu)));
  const measure = cpuKnown ? 'CPU per hit' : 'time per hit';
  const ratios = cpuKnown ? cpuRatios : timeRatios;
  for (const size of SIZES) {
    rows.push({
      label: `proxy ${label(size)} hit: httpcache / node:http ceiling (${measure})`,
      value: median(ratios(HTTPCACHE, CEILING, size)),
      target: TARGET,
      explain:
        'a proxy hit costs more than 1.3x a bare node:http response: the engine work of each hit (request fields, key, lookup, freshness, Age, Cache-Status) shares one event loop with the writes',
    });
    ratioLines.push([
      `${label(size)}: httpcache / ceiling`,
      spread(timeRatios(HTTPCACHE, CEILING, size), 2),
      spread(cpuRatios(HTTPCACHE, CEILING, size), 2),
      leastRatio(HTTPCACHE, CEILING, size),
    ]);
    if (executable !== undefined) {
      rows.push({
        label: `proxy ${label(size)} hit: httpcache / nginx proxy_cache (${measure})`,
        value: median(ratios(HTTPCACHE, NGINX, size)),
      });
      ratioLines.push([
        `${label(size)}: httpcache / nginx`,
        spread(timeRatios(HTTPCACHE, NGINX, size), 2),
        spread(cpuRatios(HTTPCACHE, NGINX, size), 2),
        leastRatio(HTTPCACHE, NGINX, size),
      ]);
    }
  }
  expect(
    rows.every((row) => Number.isFinite(row.value)),
    'every proxy target was measured',
  );
  console.log();
  console.log(table(ratioLines));
  console.log();
  console.log(figureTable(rows));
  return rows;
};
