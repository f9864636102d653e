import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * A real S3-compatible server for the tests: s3rver in a child process on 127.0.0.1, keeping its
 * objects in a temp directory, and SDK clients pointed at it.
 *
 * @module
 */

const fixture = fileURLToPath(new URL('./fixtures/s3-server.ts', import.meta.url));

/** The bucket every test server has. */
export const BUCKET = 'httpcache-test';

/** A running test server. */
export interface TestS3 {
  readonly port: number;
  readonly endpoint: string;
  readonly directory: string;
  /** A client of this server, with fake credentials. */
  client(config?: S3ClientConfig): S3Client;
  /** Makes an object look `ms` older to S3 (its LastModified). */
  age(bucket: string, key: string, ms: number): Promise<void>;
  /** Stops the server (its objects stay in its directory). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same objects. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Starts a server on a free port of 127.0.0.1, with {@link BUCKET}. */
export async function startS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'httpcache-s3-'));
  let { proc, port } = await launch(directory, 0);
  const clients: S3Client[] = [];
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    client(config = {}) {
      const client = new S3Client({
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        ...config,
      });
      clients.push(client);
      return client;
    },
    async age(bucket, key, ms) {
      const parts = key.split('/');
      const file = join(directory, bucket, ...parts.slice(0, -1), `${parts.at(-1)}._S3rver_object`);
      const then = new Date(Date.now() - ms);
      await utimes(file, then, then);
    },
    stop,
    async restart() {
      await stop();
      ({ proc, port } = await launch(directory, port));
    },
    async close() {
      for (const client of clients.splice(0)) client.destroy();
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Runs the server process; resolves once it prints its port. */
async function launch(
  directory: string,
  port: number,
): Promise<{ proc: ChildProcess; port: number }> {
  const args = ['--openssl-legacy-provider', fixture, directory, String(port), BUCKET];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(proc, 'exit').then(([code]) => {
    throw new Error(`the S3 server exited with ${String(code)} before it listened`);
  });
  const lines = createInterface({ input: proc.stdout });
  const listening = once(lines, 'line').then(
    ([line]) => JSON.parse(String(line)) as { port: number },
  );
  try {
    return { proc, port: (await Promise.race([listening, exited])).port };
  } finally {
    lines.close();
    exited.catch(() => undefined);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
