import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { required } from '../requirements.ts';

/**
 * Real `redis-server` processes for the Redis tests, on loopback ports: one server, or a Redis
 * Cluster of several masters. Every server started here is stopped by its pid.
 *
 * @module
 */

const run = promisify(execFile);

/**
 * Whether `redis-server` and `redis-cli` are on PATH; when they are not and `CI` is set, throws
 * (see {@link required}).
 */
export function redisAvailable(): boolean {
  const found = ['redis-server', 'redis-cli'].every(
    (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  return required(found, 'redis-server (on PATH)', 'apt-get install -y redis-server');
}

/** A redis-server this test started. */
export interface RedisServer {
  readonly port: number;
  /** The pid of the running process; `undefined` while it is stopped. */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory (empty: nothing is saved). */
  start(): Promise<void>;
}

/** Starts a redis-server on a free loopback port, keeping its files in `directory`. */
export async function startRedis(
  directory: string,
  extra: readonly string[] = [],
  port?: number,
): Promise<RedisServer> {
  mkdirSync(directory, { recursive: true });
  const chosen = port ?? (await freePort());
  const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--dir', directory];
  args.push('--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...extra);
  let proc: ChildProcess | undefined;
  const server: RedisServer = {
    port: chosen,
    get pid() {
      return proc?.pid;
    },
    async start() {
      proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      await untilReady(proc, chosen);
    },
    async stop() {
      const running = proc;
      proc = undefined;
      if (running?.pid === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      process.kill(running.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (running.pid !== undefined && running.exitCode === null) {
          process.kill(running.pid, 'SIGKILL');
        }
      }, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  await server.start();
  return server;
}

/** A Redis Cluster of masters only, each a {@link RedisServer}. */
export interface RedisCluster {
  readonly servers: readonly RedisServer[];
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/** Starts `masters` cluster-enabled servers, creates the cluster, and waits for `cluster_state:ok`. */
export async function startCluster(directory: string, masters = 3): Promise<RedisCluster> {
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const extra = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];
      extra.push('--cluster-node-timeout', '2000');
      servers.push(await startRedis(join(directory, `node-${i}`), extra, await freePort(true)));
    }
    const ports = servers.map((server) => server.port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await until(async () => {
      const infos = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info')));
      return infos.every((info) => info.includes('cluster_state:ok'));
    });
    return { servers, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs redis-cli against a port; its output. */
async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
}

/** A port free on 127.0.0.1 (and, for a cluster node, its bus port, 10000 above it). */
async function freePort(withBus = false): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (!withBus) return port;
    if (port + 10000 < 65536 && (await listenOnce(port + 10000).catch(() => 0)) !== 0) return port;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
    });
  });
}

/** Waits until the server answers PING, or fails with its output when it exits first. */
async function untilReady(proc: ChildProcess, port: number): Promise<void> {
  let output = '';
  proc.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  proc.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  await until(async () => {
    if (proc.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
    return (await ping(port)) === '+PONG';
  });
}

function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(500, () => socket.destroy());
    socket.once('data', (data) => {
      resolve(data.toString().trim());
      socket.destroy();
    });
    socket.once('error', () => resolve(''));
    socket.once('close', () => resolve(''));
  });
}

/** Polls until `check` holds; a wait that never ends is ended by the test's (or hook's) timeout. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** A client of one server, connected, failing fast while the server is down. */
export async function connectRedis(port: number, commandTimeout?: number): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100,
    ...(commandTimeout === undefined ? {} : { commandTimeout }),
  });
  // Reconnection errors while a test has stopped the server are expected; ioredis would log them.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A client of the cluster, connected. */
export async function connectCluster(cluster: RedisCluster): Promise<Cluster> {
  const client = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { lazyConnect: true, enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 } },
  );
  await client.connect();
  return client;
}
