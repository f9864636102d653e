import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach } from 'vitest';
import {
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
  yamlSerializer,
} from '../../src/storage/serializers.ts';
import type { EntryToStore, StoredBody } from '../../src/storage/types.ts';

/** Every built-in serializer, by name. */
export const serializers: [string, () => Serializer][] = [
  ['json', () => jsonSerializer],
  ['yaml', yamlSerializer],
  ['msgpack', msgpackSerializer],
];

const made: string[] = [];

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh directory under the system temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'httpcache-fs-'));
  made.push(dir);
  return dir;
}

/** An entry to store, with times around `now`. */
export function entry(overrides: Partial<EntryToStore> = {}, now = Date.now()): EntryToStore {
  return {
    key: 'GET https://example.com/a',
    url: 'https://example.com/a',
    method: 'GET',
    status: 200,
    statusText: 'OK',
    headers: [
      ['content-type', 'text/plain'],
      ['cache-control', 'max-age=60'],
    ],
    vary: {},
    variant: '',
    requestTime: now - 10,
    responseTime: now,
    createdAt: now,
    staleAt: now + 60_000,
    deleteAt: now + 3_600_000,
    ...overrides,
  };
}

/** A body stream of `bytes` in chunks of `chunk` bytes. */
export function stream(
  bytes: Uint8Array<ArrayBuffer> | string,
  chunk = 16 * 1024,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let offset = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (offset >= data.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(data.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** A stream that sends `bytes` and then fails with `error`. */
export function failing(bytes: string, error: Error): ReadableStream<Uint8Array<ArrayBuffer>> {
  let sent = false;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (sent) controller.error(error);
      else controller.enqueue(new TextEncoder().encode(bytes));
      sent = true;
    },
  });
}

/** A stored body's bytes. */
export async function bytesOf(body: StoredBody | null): Promise<Uint8Array> {
  if (body === null) throw new Error('no body');
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** `size` bytes of a repeating pattern that differs for each `seed`. */
export function pattern(size: number, seed = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7 + (i >> 10)) & 0xff;
  return out;
}

/** Every file under `dir`, as paths relative to it, sorted. */
export async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Collects what a storage reports. */
export function reports(): {
  readonly calls: { operation: string; error: unknown; key: string | undefined }[];
  readonly reporter: (operation: string, error: unknown, key: string | undefined) => void;
} {
  const calls: { operation: string; error: unknown; key: string | undefined }[] = [];
  return { calls, reporter: (operation, error, key) => calls.push({ operation, error, key }) };
}
