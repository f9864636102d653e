/**
 * The proxy group's load generator, run in a worker thread so that it never shares an event loop
 * with the server it measures: `concurrency` keep-alive connections (an undici `Pool`), each
 * sending GETs one after another and reading every body whole, for `ms` milliseconds.
 */
import { parentPort } from 'node:worker_threads';
import { Pool } from 'undici';

/** What the main thread asks for. */
export interface LoadRequest {
  readonly origin: string;
  readonly path: string;
  readonly concurrency: number;
  readonly ms: number;
  /** The body length every response must have. */
  readonly size: number;
  /** A field every response must carry, e.g. `cache-status` (case-insensitive), or `undefined`. */
  readonly marker: readonly [string, string] | undefined;
}

/** What the worker answers: responses completed in the time, or what went wrong. */
export type LoadResult =
  | { readonly ok: true; readonly requests: number; readonly seconds: number }
  | { readonly ok: false; readonly error: string };

const pools = new Map<string, Pool>();

function poolFor(origin: string, connections: number): Pool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    pools.set(origin, pool);
  }
  return pool;
}

async function run(load: LoadRequest): Promise<LoadResult> {
  const pool = poolFor(load.origin, load.concurrency);
  const started = performance.now();
  const deadline = started + load.ms;
  let requests = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const res = await pool.request({ path: load.path, method: 'GET' });
      const body = await res.body.arrayBuffer();
      if (res.statusCode !== 200 || body.byteLength !== load.size) {
        throw new Error(`${load.path}: status ${res.statusCode}, ${body.byteLength} bytes`);
      }
      if (load.marker !== undefined) {
        const [name, expected] = load.marker;
        const value = res.headers[name];
        if (typeof value !== 'string' || !value.toLowerCase().includes(expected)) {
          throw new Error(`${load.path}: ${name} is ${String(value)}, not ${expected}`);
        }
      }
      requests++;
    }
  };
  try {
    await Promise.all(Array.from({ length: load.concurrency }, client));
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, requests, seconds: (performance.now() - started) / 1000 };
}

parentPort?.on('message', (message: LoadRequest | 'close') => {
  if (message === 'close') {
    Promise.all([...pools.values()].map((pool) => pool.close())).then(
      () => parentPort?.close(),
      () => parentPort?.close(),
    );
    return;
  }
  // run() settles with a result, failures included: it never rejects.
  void run(message).then((result) => parentPort?.postMessage(result));
});
