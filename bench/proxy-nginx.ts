/**
 * nginx with `proxy_cache` for the proxy group: a config generated in a temp directory, nginx run
 * in the foreground (one worker process, like the one event loop of the Node servers) on
 * loopback, stopped when the group ends or the process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { removeTemp, tempDir } from './harness.ts';
import { childOf, onCpu } from './proxy-processes.ts';

/** A running nginx. */
export interface Nginx {
  readonly url: string;
  /** Its worker process, which does the work, where `/proc` tells it. */
  worker(): number | undefined;
  close(): Promise<void>;
}

/** A port free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, upstream: URL): string {
  // Started by root, nginx's worker would run as `nobody`, which cannot open the temp directory.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : '';
  return `${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=bench:10m max_size=1g inactive=60m use_temp_path=off;
  upstream origin {
    server ${upstream.host};
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache bench;
      add_header X-Cache $upstream_cache_status;
    }
  }
}
`;
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx as a caching proxy in front of `upstream`, its processes on core `cpu`. */
export async function startNginx(
  executable: string,
  upstream: string,
  cpu: number,
): Promise<Nginx> {
  const dir = tempDir('nginx');
  const port = await freePort();
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, port, new URL(upstream)));
  const [command, args] = onCpu(cpu, executable, [
    '-p',
    dir,
    '-c',
    file,
    '-e',
    join(dir, 'error.log'),
  ]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Startup takes a few milliseconds; a bench may poll for it (tests may not).
  for (let tries = 0; !(await accepts(port)); tries++) {
    if (child.exitCode !== null || tries > 100) {
      stop();
      const log = readFileSync(join(dir, 'error.log'), 'utf8');
      removeTemp(dir);
      throw new Error(`bench: nginx did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    worker: () => childOf(child.pid),
    async close() {
      stop();
      await exited;
      process.off('exit', stop);
      removeTemp(dir);
    },
  };
}
