import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { type RedisServer, redisAvailable, startRedis } from '../storage/redis/servers.ts';
import { get, Lines } from './processes.ts';
import { baseEnv, MAIN } from './run.ts';

/**
 * `httpcache proxy --workers 4` over one redis-server: a cold URL asked for by 400 clients at
 * once, spread over the four processes, reaches the origin once (coalescing across processes).
 */

const available = redisAvailable();
const BODY = 'cold '.repeat(16_384);

describe.skipIf(!available)('httpcache proxy --workers 4 --store redis://', () => {
  let directory = '';
  let redis: RedisServer;
  let origin: TestOrigin;
  let child: ChildProcess;
  let url: string;
  let release: () => void = () => undefined;
  let asked: Promise<void>;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'httpcache-workers-redis-'));
    redis = await startRedis(directory);
    origin = await startOrigin();
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    asked = new Promise<void>((resolve) => {
      // The origin holds its answer until the test lets it go, so that the clients pile up.
      origin.route('/cold', async (_req, res) => {
        resolve();
        await held;
        res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' });
        res.end(BODY);
      });
    });
    const store = `redis://127.0.0.1:${redis.port}`;
    child = spawn(
      process.execPath,
      [MAIN, 'proxy', '--upstream', origin.url, '--port', '0', '--workers', '4'].concat([
        '--store',
        store,
      ]),
      { env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const lines = new Lines(child);
    url =
      (await lines.next(/listening on (http:\/\/127\.0\.0\.1:\d+) → .*4 workers/)).match[1] ?? '';
  }, 60_000);

  afterAll(async () => {
    release();
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await origin?.close();
    await redis?.stop();
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  it('400 concurrent requests for one cold URL: one origin request, 400 whole bodies', async () => {
    const answers = Array.from({ length: 400 }, () => get(`${url}/cold`));
    await asked;
    release();
    const done = await Promise.all(answers);
    expect(done.every(({ status }) => status === 200)).toBe(true);
    expect(done.every(({ body }) => body === BODY)).toBe(true);
    expect(origin.count('/cold')).toBe(1);
  }, 120_000);
});
