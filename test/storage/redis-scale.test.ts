import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisCluster,
  type RedisServer,
  redisAvailable,
  startCluster,
  startRedis,
} from './redis/servers.ts';

/**
 * RedisStorage across real processes: each test starts Node.js processes running
 * `fixtures/redis-scale-child.ts`, each a cache over one redis-server (or a Redis Cluster), and
 * an origin of its own that counts its requests.
 */

const available = redisAvailable();
const fixture = fileURLToPath(new URL('./fixtures/redis-scale-child.ts', import.meta.url));
let directory = '';
let server: RedisServer | undefined;
let cluster: RedisCluster | undefined;

beforeAll(async () => {
  if (!available) return;
  directory = mkdtempSync(join(tmpdir(), 'httpcache-redis-scale-'));
  const started = await Promise.allSettled([
    startRedis(join(directory, 'single')).then((s) => {
      server = s;
    }),
    startCluster(join(directory, 'cluster')).then((c) => {
      cluster = c;
    }),
  ]);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
}, 30_000);

afterAll(async () => {
  await Promise.allSettled([server?.stop(), cluster?.stop()]);
  if (directory !== '') rmSync(directory, { recursive: true, force: true });
});

/** One line a child wrote. */
type Line = Record<string, unknown>;

/** A child process: commands in, answers and events out. */
class Child {
  readonly process: ChildProcess;
  readonly #lines: Line[] = [];
  readonly #waiting = new Set<{ test: (line: Line) => boolean; resolve: (line: Line) => void }>();
  #next = 0;

  constructor(config: object) {
    this.process = spawn(process.execPath, [fixture, JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    if (this.process.stdout === null) throw new Error('no stdout');
    createInterface({ input: this.process.stdout }).on('line', (text) => {
      const line = JSON.parse(text) as Line;
      this.#lines.push(line);
      for (const waiter of this.#waiting) {
        if (!waiter.test(line)) continue;
        this.#waiting.delete(waiter);
        waiter.resolve(line);
      }
    });
  }

  /** The first line (already written or to come) that passes `test`. */
  line(test: (line: Line) => boolean): Promise<Line> {
    const found = this.#lines.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiting.add({ test, resolve }));
  }

  /** The lines written so far that pass `test`. */
  lines(test: (line: Line) => boolean): Line[] {
    return this.#lines.filter(test);
  }

  /** The `n`th line (1 for the first) that passes `test`. */
  nth(test: (line: Line) => boolean, n: number): Promise<Line> {
    let seen = 0;
    return this.line((line) => test(line) && ++seen === n);
  }

  /** Sends a command; its answer. */
  send(command: object): Promise<Line> {
    const id = ++this.#next;
    this.process.stdin?.write(`${JSON.stringify({ id, ...command })}\n`);
    return this.line((line) => line.id === id);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.stdin?.end();
    await exited;
  }
}

/** A fetch result as a child reports it. */
interface Result {
  readonly status: number;
  readonly length: number;
  readonly sha: string;
  readonly cacheStatus: string | null;
  readonly error?: string;
}

/** An origin whose handler the test sets per path, counting requests per path. */
async function startOrigin(
  handle: (path: string, n: number, res: ServerResponse) => Promise<void>,
): Promise<{ url: string; count: (path: string) => number; close: () => Promise<void> }> {
  const counts = new Map<string, number>();
  const origin: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    handle(path, n, res).catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const { port } = origin.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise((resolve) => {
        origin.closeAllConnections();
        origin.close(() => resolve());
      }),
  };
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const title = available
  ? 'RedisStorage across processes'
  : 'RedisStorage across processes (skipped: redis-server is not on PATH)';

describe.skipIf(!available)(title, () => {
  const children: Child[] = [];
  let prefixes = 0;
  afterEach(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill();
    await Promise.all(children.splice(0).map((child) => child.stop()));
  });

  function spawnChildren(n: number, config: object): Child[] {
    const prefix = `scale${++prefixes}:`;
    const started = Array.from({ length: n }, () => new Child({ prefix, ...config }));
    children.push(...started);
    return started;
  }

  const single = () => ({ ports: [server?.port], cluster: false });
  const clustered = () => ({ ports: cluster?.ports, cluster: true });

  describe.each([
    ['one redis-server', single],
    ['a Redis Cluster', clustered],
  ])('coalescing on %s', (_, servers) => {
    it('4 processes, 400 concurrent requests for one cold URL: 1 origin request, 400 full bodies', {
      timeout: 60_000,
    }, async () => {
      const body = new Uint8Array(32 * 1024).map((_, i) => (i * 7) % 251);
      // The origin answers once the 3 other processes wait for the one that asked it.
      let releaseOrigin: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        releaseOrigin = resolve;
      });
      const origin = await startOrigin(async (_path, _n, res) => {
        await released;
        res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': body.length });
        res.end(body);
      });
      try {
        const processes = spawnChildren(4, servers());
        const waits = processes.map((child) => child.line((line) => line.event === 'wait'));
        const answers = processes.map((child) =>
          child.send({ op: 'fetch', url: `${origin.url}/cold`, count: 100 }),
        );
        // Every process but the lock's holder waits for it: only then may the origin answer.
        await allBut(waits, 1);
        releaseOrigin();
        const results = (await Promise.all(answers)).flatMap((a) => a.results as Result[]);
        expect(processes.flatMap((child) => child.lines((l) => l.event === 'error'))).toEqual([]);
        expect(results).toHaveLength(400);
        expect(results.filter((r) => r.error !== undefined)).toEqual([]);
        for (const result of results) {
          expect(result).toMatchObject({ status: 200, length: body.length, sha: sha(body) });
        }
        expect(origin.count('/cold')).toBe(1);
        // Every other request shared its response, or was served it from Redis once stored; the
        // request each other process waited with says so.
        const others = results.filter((r) => !r.cacheStatus?.includes('fwd-status'));
        for (const r of others) expect(r.cacheStatus).toMatch(/collapsed|hit/);
        const waited = results.filter((r) => /; hit; .*; collapsed/.test(r.cacheStatus ?? ''));
        expect(waited.length).toBeGreaterThanOrEqual(3);
      } finally {
        releaseOrigin();
        await origin.close();
      }
    });

    it('the leader SIGKILLed mid-body: a waiter takes over, every other client gets the full body', {
      timeout: 60_000,
    }, async () => {
      const body = new Uint8Array(200 * 1024).map((_, i) => (i * 13) % 251);
      let halfSent: () => void = () => undefined;
      const midBody = new Promise<void>((resolve) => {
        halfSent = resolve;
      });
      const origin = await startOrigin(async (_path, n, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': body.length });
        // The first request stops halfway, for good: its process is killed meanwhile.
        if (n === 1) res.write(body.subarray(0, body.length / 2), () => halfSent());
        else res.end(body);
      });
      try {
        const processes = spawnChildren(4, { ...servers(), lockTtl: 1000 });
        const leads = processes.map((child, i) =>
          child.line((l) => l.event === 'lead').then(() => i),
        );
        const waits = processes.map((child) => child.line((line) => line.event === 'wait'));
        const answers = processes.map((child) =>
          child.send({ op: 'fetch', url: `${origin.url}/killed`, count: 25 }),
        );
        const leader = await Promise.race(leads);
        await Promise.all([allBut(waits, 1), midBody]);
        processes[leader]?.process.kill('SIGKILL');
        const survivors = answers.filter((_, i) => i !== leader);
        const results = (await Promise.all(survivors)).flatMap((a) => a.results as Result[]);
        expect(results).toHaveLength(75);
        for (const result of results) {
          expect(result).toMatchObject({ status: 200, length: body.length, sha: sha(body) });
        }
        // The leader's request, and the one of the waiter that took over.
        expect(origin.count('/killed')).toBe(2);
      } finally {
        await origin.close();
      }
    });
  });

  describe.each([
    ['one redis-server', single],
    ['a Redis Cluster', clustered],
  ])('memory tier on %s', (_, servers) => {
    it('process A serves from its tier; B replaces, then deletes: A never serves the old entry', {
      timeout: 60_000,
    }, async () => {
      const origin = await startOrigin(async (_path, n, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=600' });
        res.end(`version ${n}`);
      });
      const version = (n: number) => sha(new TextEncoder().encode(`version ${n}`));
      const url = `${origin.url}/doc`;
      try {
        const [a, b] = spawnChildren(2, { ...servers(), tier: { maxBytes: 1024 * 1024 } });
        if (a === undefined || b === undefined) throw new Error('no processes');
        const isTier = (type: string) => (line: Line) =>
          line.event === 'tier' && line.type === type;
        const first = await a.send({ op: 'fetch', url });
        expect(first.results).toMatchObject([{ sha: version(1) }]);
        await a.line(isTier('tracking'));
        // Read from Redis once tracking is on, then held in A's tier.
        for (const _ of [1, 2]) {
          expect((await a.send({ op: 'fetch', url })).results).toMatchObject([
            { sha: version(1), cacheStatus: expect.stringContaining('hit') },
          ]);
        }
        await b.send({ op: 'fetch', url, reload: true });
        // Told by Redis: A's tier held the key, and let it go.
        await a.nth(isTier('invalidate'), 1);
        expect((await a.send({ op: 'fetch', url })).results).toMatchObject([
          { sha: version(2), cacheStatus: expect.stringContaining('hit') },
        ]);
        await a.send({ op: 'fetch', url });
        expect(await b.send({ op: 'deleteUrl', url })).toMatchObject({ deleted: 1 });
        await a.nth(isTier('invalidate'), 2);
        expect((await a.send({ op: 'fetch', url })).results).toMatchObject([
          { sha: version(3), cacheStatus: expect.stringContaining('stored') },
        ]);
        expect(origin.count('/doc')).toBe(3);
      } finally {
        await origin.close();
      }
    });
  });
});

/** Resolves once all but `n` of `promises` have resolved. */
async function allBut(promises: readonly Promise<unknown>[], n: number): Promise<void> {
  let resolved = 0;
  await new Promise<void>((resolve) => {
    for (const promise of promises) {
      promise.then(
        () => {
          resolved++;
          if (resolved === promises.length - n) resolve();
        },
        () => undefined,
      );
    }
  });
}
