/**
 * The `large` group: a 1 GB body (64 MiB with --quick), which the origin generates as
 * it sends it, stored through `createFetch()` and then served from each storage; reports the
 * throughput of both, the first-byte time of the hit, and the peak growth of the process's RSS
 * during each. Targets, for the persistent storages: the RSS grows by tens of MB (under 100), not
 * by the body's size, and the first byte of a hit arrives in milliseconds (under 50).
 */
import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileSystemStorage } from '../src/fs.ts';
import { cacheStatus, createFetch, MemoryStorage, type Storage } from '../src/index.ts';
import { SqliteStorage } from '../src/sqlite.ts';
import { expect, type Figure, type Group, removeTemp, table, tempDir } from './harness.ts';
import { type Origin, startOrigin } from './origin.ts';

const MB = 1e6;
/** RSS growth allowed to a persistent storage while it stores or serves the body. */
const RSS_MB = 100;
/** The first byte of a hit, at most (ms). */
const FIRST_BYTE_MS = 50;
/** MemoryStorage holding the body: its RSS may grow by this many times the body's size. */
const HELD = 1.1;

setFlagsFromString('--expose-gc');
/** A full garbage collection, so each phase starts from the same RSS. */
const gc = runInNewContext('gc') as () => void;

interface Phase {
  readonly res: Response;
  readonly ms: number;
  /** Time to the first byte of the body (ms). */
  readonly firstByte: number;
  /** Peak RSS over the RSS at the start (MB). */
  readonly rss: number;
}

/** Times `request`, reading its body to the end while sampling the RSS. */
async function phase(request: () => Promise<Response>, settled = async () => {}): Promise<Phase> {
  gc();
  const start = process.memoryUsage.rss();
  let peak = start;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  let firstByte = Number.NaN;
  try {
    const res = await request();
    const reader = res.body?.getReader();
    expect(reader !== undefined, 'no body');
    for (;;) {
      const { done, value } = await reader!.read();
      if (done) break;
      if (Number.isNaN(firstByte) && value.byteLength > 0) firstByte = performance.now() - t0;
      sample();
    }
    await settled();
    sample();
    return { res, ms: performance.now() - t0, firstByte, rss: (peak - start) / MB };
  } finally {
    clearInterval(timer);
  }
}

const STORAGES: [string, (dir: string, size: number) => Storage][] = [
  [
    'SqliteStorage',
    (dir, size) => new SqliteStorage({ path: join(dir, 'cache.sqlite'), maxBytes: 2 * size }),
  ],
  ['FileSystemStorage', (dir) => new FileSystemStorage({ directory: join(dir, 'fs') })],
  // Memory holds the body by design, so its RSS grows by the body's size (once: it keeps the
  // pieces as they came). Last, so that what it leaves behind is not counted against the others.
  ['MemoryStorage', (_, size) => new MemoryStorage({ maxBytes: 2 * size })],
];

/**
 * The group runs in a child process of its own (with a heap large enough), so that its RSS
 * figures are the body's alone, whatever the other groups left in the parent.
 */
export const large: Group = async ({ quick }) => {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), ...(quick ? ['--quick'] : [])],
    { stdio: ['ignore', 'inherit', 'inherit', 'pipe'], maxBuffer: 1 << 20 },
  );
  expect(child.status === 0, `the large group's process failed (${child.status ?? child.signal})`);
  return JSON.parse(String(child.output[3])) as Figure[];
};

async function measureLarge(origin: Origin, quick: boolean): Promise<Figure[]> {
  const size = quick ? 64 * 1024 * 1024 : 1e9;
  const path = `/stream/${size}`;
  const rows: string[][] = [];
  const targets: Figure[] = [];
  const started = performance.now();
  const mbps = (ms: number) => (size / MB / (ms / 1000)).toFixed(0);
  // A warm-up (fetch's and the origin's first allocations), then the reference: the same body
  // through Node's fetch, nothing cached.
  await phase(() => fetch(`${origin.url}/stream/${64 * 1024 * 1024}`));
  const plain = await phase(() => fetch(`${origin.url}${path}?storage=none`));
  rows.push(['none: plain fetch', mbps(plain.ms), plain.rss.toFixed(0), '-', '-', '-']);
  for (const [name, create] of STORAGES) {
    const dir = tempDir('large');
    const cached = createFetch({ storage: create(dir, size) });
    try {
      const url = `${origin.url}${path}?storage=${name}`;
      const stored = new Promise((resolve) => cached.cache.on('store', resolve));
      const store = await phase(
        () => cached(url),
        async () => void (await stored),
      );
      expect(cacheStatus(store.res)?.stored === true, `${name} did not store`);
      const before = origin.count(path);
      const serve = await phase(() => cached(url));
      expect(cacheStatus(serve.res)?.fromCache === true, `${name} did not serve the hit`);
      expect(origin.count(path) === before, `a hit from ${name} reached the origin`);
      rows.push([
        name,
        mbps(store.ms),
        store.rss.toFixed(0),
        serve.firstByte.toFixed(1),
        mbps(serve.ms),
        serve.rss.toFixed(0),
      ]);
      if (name === 'MemoryStorage') {
        targets.push(
          {
            label: `${name}: store, RSS growth / body`,
            value: store.rss / (size / MB),
            target: HELD,
            explain: 'MemoryStorage holds more than the body while storing it (a second copy)',
          },
          {
            label: `${name}: hit, RSS growth`,
            value: serve.rss,
            unit: ' MB',
            target: RSS_MB,
            explain: 'serving a large body from memory copies it whole',
          },
        );
      } else {
        targets.push(
          {
            label: `${name}: store, RSS growth`,
            value: store.rss,
            unit: ' MB',
            target: RSS_MB,
            explain: 'storing a large body holds much of it in memory instead of streaming it',
          },
          {
            label: `${name}: hit, RSS growth`,
            value: serve.rss,
            unit: ' MB',
            target: RSS_MB,
            explain: 'serving a large body holds much of it in memory instead of streaming it',
          },
          {
            label: `${name}: hit, first byte`,
            value: serve.firstByte,
            unit: ' ms',
            target: FIRST_BYTE_MS,
            explain: 'a large hit makes its caller wait before the first byte',
          },
        );
      }
    } finally {
      await cached.close();
      removeTemp(dir);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\n== large: a ${(size / MB).toFixed(0)} MB body stored, then served, through createFetch(), ${seconds.toFixed(0)} s\n`,
  );
  console.log(
    table([
      ['storage', 'miss+store MB/s', 'RSS +MB', 'hit: first byte ms', 'MB/s', 'RSS +MB'],
      ...rows,
    ]),
  );
  return targets;
}

// Run as the child process of the group: measures, then hands the figures back on fd 3.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const origin = await startOrigin();
  try {
    const figures = await measureLarge(origin, process.argv.includes('--quick'));
    writeSync(3, JSON.stringify(figures));
  } finally {
    await origin.close();
  }
}
