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
      const extra = [...CLUSTER_NODE, '--cluster-node-timeout', '2000'];
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

/** The options of a server of a Redis Cluster. */
const CLUSTER_NODE = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];

/** Starts a cluster-enabled server in `directory` and has it join the cluster, without slots. */
export async function joinCluster(cluster: RedisCluster, directory: string): Promise<RedisServer> {
  const extra = [...CLUSTER_NODE, '--cluster-node-timeout', '2000'];
  const server = await startRedis(directory, extra, await freePort(true));
  const id = await nodeId(server.port);
  await cli(server.port, 'cluster', 'meet', '127.0.0.1', String(cluster.ports[0]));
  // Every node of the cluster knows the new one, and the new one every node.
  await until(async () => {
    const views = await Promise.all(cluster.ports.map((port) => cli(port, 'cluster', 'nodes')));
    const own = await cli(server.port, 'cluster', 'nodes');
    const known = own.split('\n').filter((line) => line.includes('connected'));
    return views.every((view) => view.includes(id)) && known.length > cluster.ports.length;
  });
  return server;
}

/** The port of the master serving `slot`, as the node on `port` sees it. */
export async function slotOwner(port: number, slot: number): Promise<number> {
  for (const line of (await cli(port, 'cluster', 'nodes')).split('\n')) {
    const [, address, flags, , , , , , ...ranges] = line.split(' ');
    if (!flags?.includes('master') || address === undefined) continue;
    const serves = ranges.some((range) => {
      const [first, last = first] = range.split('-').map(Number);
      return first !== undefined && last !== undefined && first <= slot && slot <= last;
    });
    if (serves) return Number(address.split(':')[1]?.split('@')[0]);
  }
  throw new Error(`no master serves slot ${slot}`);
}

/**
 * Moves `slot` and its keys from the master on `from` to the one on `to` (IMPORTING, MIGRATING,
 * MIGRATE, then SETSLOT NODE on every master in `ports`).
 */
export async function moveSlot(
  ports: readonly number[],
  slot: number,
  from: number,
  to: number,
): Promise<void> {
  const [fromId, toId] = await Promise.all([nodeId(from), nodeId(to)]);
  await cli(to, 'cluster', 'setslot', String(slot), 'importing', fromId);
  await cli(from, 'cluster', 'setslot', String(slot), 'migrating', toId);
  for (;;) {
    const keys = (await cli(from, 'cluster', 'getkeysinslot', String(slot), '100'))
      .split('\n')
      .filter((key) => key !== '');
    if (keys.length === 0) break;
    await cli(from, 'migrate', '127.0.0.1', String(to), '', '0', '5000', 'keys', ...keys);
  }
  for (const port of [to, from, ...ports.filter((p) => p !== to && p !== from)]) {
    await cli(port, 'cluster', 'setslot', String(slot), 'node', toId);
  }
}

/**
 * Makes the server on `port` a replica of the master on `master`, and waits until it is in sync
 * and every node on `ports` knows it as a replica.
 */
export async function replicate(
  port: number,
  master: number,
  ports: readonly number[],
): Promise<void> {
  const [id, masterId] = await Promise.all([nodeId(port), nodeId(master)]);
  // The master sends its data at once, rather than waiting for more replicas (5 s).
  await cli(master, 'config', 'set', 'repl-diskless-sync-delay', '0');
  await cli(port, 'cluster', 'replicate', masterId);
  await until(async () =>
    (await cli(port, 'info', 'replication')).includes('master_link_status:up'),
  );
  await until(async () => {
    const views = await Promise.all(ports.map((p) => cli(p, 'cluster', 'nodes')));
    return views.every((view) =>
      view.split('\n').some((line) => line.startsWith(id) && line.includes(`slave ${masterId}`)),
    );
  });
}

/**
 * Has the replica on `port` take over from its master (CLUSTER FAILOVER), and waits until every
 * node on `ports` knows it as a master.
 */
export async function failover(port: number, ports: readonly number[]): Promise<void> {
  const id = await nodeId(port);
  await cli(port, 'cluster', 'failover');
  await until(async () => {
    const views = await Promise.all(ports.map((p) => cli(p, 'cluster', 'nodes')));
    return views.every((view) =>
      view.split('\n').some((line) => line.startsWith(id) && /[ ,]master /.test(line)),
    );
  });
}

async function nodeId(port: number): Promise<string> {
  return (await cli(port, 'cluster', 'myid')).trim();
}

/** Runs redis-cli against a port; its output. */
export async function cli(port: number, ...args: string[]): Promise<string> {
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
