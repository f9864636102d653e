import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CodecError, OptionsError, StorageError } from '../../src/index.ts';
import { S3Storage, type S3StorageOptions } from '../../src/s3.ts';
import type { StorageReporter } from '../../src/storage/types.ts';
import { blackHole } from './black-hole.ts';
import { storageContract } from './contract.ts';
import { bytesOf, entry, stream as streamOf } from './fs-helpers.ts';
import { BUCKET, sha256, startS3, type TestS3 } from './s3-helpers.ts';

let s3: TestS3;
let client: S3Client;
/** A prefix of this run, so that reruns against one server never meet. */
const run = randomBytes(4).toString('hex');
let prefixes = 0;

beforeAll(async () => {
  s3 = await startS3();
  client = s3.client();
});
afterAll(async () => {
  await s3?.close();
});

const MiB = 1024 * 1024;

// Every operation is an HTTP exchange with a server in another process: on a busy machine the
// contract's many-entry tests take far longer than the default timeout, a backstop only here.
vi.setConfig({ testTimeout: 90_000 });

storageContract(
  'S3Storage',
  ({ clock, location }) =>
    new S3Storage({
      client,
      bucket: BUCKET,
      prefix: `${run}/${location}`,
      clock,
      partSize: 5 * MiB,
    }),
  { persistent: true, invalidation: true },
);

/** A storage under a fresh prefix, reporting into `reported`. */
function open(options: Partial<S3StorageOptions> = {}): {
  storage: S3Storage;
  prefix: string;
  reported: Parameters<StorageReporter>[];
} {
  const prefix = `${run}/case-${++prefixes}`;
  const storage = new S3Storage({ client, bucket: BUCKET, prefix, ...options });
  const reported: Parameters<StorageReporter>[] = [];
  storage.setReporter((...args) => reported.push(args));
  return { storage, prefix, reported };
}

/** The keys of every object under `prefix`, sorted. */
async function objects(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).flatMap(({ Key }) => (Key === undefined ? [] : [Key])).sort();
}

async function putObject(key: string, body: string | Uint8Array): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** The names of the commands a client sends from now on. */
function recordCommands(target: S3Client): string[] {
  const names: string[] = [];
  target.middlewareStack.add(
    (next, context) => (args) => {
      names.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return names;
}

describe('S3Storage: layout', () => {
  it('keeps metadata, body and URL index as objects under the prefix', async () => {
    const { storage, prefix } = open();
    const toStore = entry({ key: 'GET https://example.com/a', variant: 'accept=json' });
    const stored = await storage.put(toStore, streamOf('hello'));
    const kh = sha256(toStore.key);
    expect(await objects(`${prefix}/`)).toEqual(
      [
        `${prefix}/bodies/${stored.id}`,
        `${prefix}/entries/${kh}/${sha256('accept=json')}.json`,
        `${prefix}/urls/${sha256(toStore.url)}/${kh}`,
      ].sort(),
    );
    const meta = await client.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `${prefix}/entries/${kh}/${sha256('accept=json')}.json`,
      }),
    );
    expect(meta.ContentType).toBe('application/json');
    expect(JSON.parse((await meta.Body?.transformToString()) ?? '')).toMatchObject({
      v: 2,
      id: stored.id,
      key: toStore.key,
      size: 5,
    });
  });

  it('trims slashes around the prefix, and clear() deletes only what is under it', async () => {
    const prefix = `${run}/clear-${++prefixes}`;
    const storage = new S3Storage({ client, bucket: BUCKET, prefix: `/${prefix}/` });
    expect(storage.prefix).toBe(prefix);
    await storage.put(entry(), streamOf('x'));
    await putObject(`${prefix}/other.txt`, 'not ours');
    await putObject(`${prefix}-sibling/entries/x`, 'not ours either');
    await storage.clear();
    expect(await objects(`${prefix}`)).toEqual([
      `${prefix}-sibling/entries/x`,
      `${prefix}/other.txt`,
    ]);
  });

  it('uploads a small body with one PutObject', async () => {
    const target = s3.client();
    const { prefix } = open();
    const storage = new S3Storage({ client: target, bucket: BUCKET, prefix });
    const commands = recordCommands(target);
    await storage.put(entry(), streamOf(new Uint8Array(100 * 1024)));
    expect(commands.filter((name) => /Upload|PutObject/.test(name))).toEqual([
      'PutObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
    ]);
  });

  it('a 12 MiB body goes up in 5 MiB parts and comes back byte for byte', async () => {
    const target = s3.client();
    const { prefix } = open();
    const storage = new S3Storage({ client: target, bucket: BUCKET, prefix, partSize: 5 * MiB });
    const commands = recordCommands(target);
    const source = randomBody(12 * MiB);
    const stored = await storage.put(entry(), source.stream);
    expect(stored.size).toBe(12 * MiB);
    expect(commands.filter((name) => /Upload/.test(name))).toEqual([
      'CreateMultipartUploadCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'UploadPartCommand',
      'CompleteMultipartUploadCommand',
    ]);
    const body = await storage.body(stored);
    expect(body).toBeInstanceOf(ReadableStream);
    const bytes = await bytesOf(body);
    expect(bytes.byteLength).toBe(12 * MiB);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(source.digest());
  });

  it('a large body whose stream fails after a part went up leaves no object behind', async () => {
    const { storage, prefix } = open({ partSize: 5 * MiB });
    const failure = new Error('the origin went away');
    let sent = 0;
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull(controller) {
        if (sent >= 7 * MiB) return controller.error(failure);
        sent += MiB;
        controller.enqueue(new Uint8Array(MiB));
      },
    });
    await expect(storage.put(entry(), body)).rejects.toBe(failure);
    expect(await storage.get(entry().key)).toEqual([]);
    expect((await objects(`${prefix}/`)).filter((key) => !key.includes('/urls/'))).toEqual([]);
  });
});

describe('S3Storage: corrupted entries are misses, removed and reported', () => {
  it.each([
    ['not JSON', 'garbage{'],
    ['another format version', JSON.stringify({ v: 99 })],
    ['a field of the wrong type', null],
    ['the metadata of another key', 'moved'],
  ])('metadata that is %s', async (_, damage) => {
    const { storage, prefix, reported } = open();
    const stored = await storage.put(entry(), streamOf('body'));
    const name = `${prefix}/entries/${sha256(stored.key)}/${sha256(stored.variant)}.json`;
    const replacement =
      damage === null
        ? JSON.stringify({ ...(await metaOf(name)), status: 'two hundred' })
        : damage === 'moved'
          ? JSON.stringify({ ...(await metaOf(name)), key: 'another key' })
          : damage;
    await putObject(name, replacement);
    expect(await storage.get(stored.key)).toEqual([]);
    expect(reported.map(([operation, , key]) => [operation, key])).toEqual([['get', stored.key]]);
    expect(reported[0]?.[1]).toBeInstanceOf(CodecError);
    expect(String(reported[0]?.[1])).toContain(name);
    expect(await objects(`${prefix}/entries/`)).toEqual([]);
    expect(await storage.get(stored.key)).toEqual([]);
    expect(reported).toHaveLength(1);
  });

  it('list() passes over corrupted metadata, removing and reporting it', async () => {
    const { storage, prefix, reported } = open();
    const good = await storage.put(entry({ key: 'good' }), streamOf('good'));
    const bad = await storage.put(entry({ key: 'bad' }), streamOf('bad'));
    await putObject(`${prefix}/entries/${sha256(bad.key)}/${sha256('')}.json`, '{}');
    const listed = [];
    for await (const meta of storage.list()) listed.push(meta);
    expect(listed).toEqual([good]);
    expect(reported.map(([operation]) => operation)).toEqual(['list']);
    expect((await storage.stats()).entries).toBe(1);
  });

  it.each([
    [
      'missing',
      async (name: string) => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: name })),
    ],
    ['cut short', (name: string) => putObject(name, new Uint8Array(10))],
    ['too long', (name: string) => putObject(name, new Uint8Array(200 * 1024))],
  ])('a body that is %s', async (_, damage) => {
    const { storage, prefix, reported } = open();
    const stored = await storage.put(entry(), streamOf(new Uint8Array(100 * 1024).fill(7)));
    await damage(`${prefix}/bodies/${stored.id}`);
    expect(await storage.body(stored)).toBeNull();
    expect(reported.map(([operation, , key]) => [operation, key])).toEqual([['body', stored.key]]);
    expect(reported[0]?.[1]).toBeInstanceOf(CodecError);
    expect(await storage.get(stored.key)).toEqual([]);
    expect(await objects(`${prefix}/entries/`)).toEqual([]);
  });

  it('a body replaced meanwhile is a quiet miss, not a corrupted entry', async () => {
    const { storage, reported } = open();
    const old = await storage.put(entry(), streamOf('old'));
    await storage.put(entry(), streamOf('new'));
    expect(await storage.body(old)).toBeNull();
    expect(reported).toEqual([]);
  });
});

describe('S3Storage: prune sweeps what dead writers left', () => {
  it('bodies no metadata names and URL index objects naming no entry, once an hour old', async () => {
    const { storage, prefix } = open();
    const live = await storage.put(entry(), streamOf('live'));
    const orphan = `${prefix}/bodies/${randomBytes(16).toString('hex')}`;
    const recent = `${prefix}/bodies/${randomBytes(16).toString('hex')}`;
    const stale = `${prefix}/urls/${sha256('https://example.com/gone')}/${sha256('gone')}`;
    await putObject(orphan, 'left by a writer that died');
    await putObject(recent, 'being committed right now');
    await putObject(stale, new Uint8Array(0));
    const indexed = `${prefix}/urls/${sha256(live.url)}/${sha256(live.key)}`;
    for (const name of [orphan, stale, indexed, `${prefix}/bodies/${live.id}`]) {
      await s3.age(BUCKET, name, 2 * 3_600_000);
    }
    expect(await storage.prune()).toEqual({ entries: 0, bytes: 26 });
    expect(await objects(`${prefix}/`)).toEqual(
      [
        `${prefix}/bodies/${live.id}`,
        recent,
        `${prefix}/entries/${sha256(live.key)}/${sha256('')}.json`,
        indexed,
      ].sort(),
    );
    expect(await bytesOf(await storage.body(live))).toEqual(new TextEncoder().encode('live'));
  });
});

describe('S3Storage: maxVariants', () => {
  it('a new variant beyond the cap deletes the least recently written, body and all', async () => {
    const { storage, prefix } = open({ maxVariants: 2 });
    const variant = (v: string) => entry({ key: 'k', variant: v, vary: { accept: v } });
    const a = await storage.put(variant('a'), streamOf('a'));
    await storage.put(variant('b'), streamOf('b'));
    // b was last written longer ago than a: it is the one to go.
    await s3.age(BUCKET, `${prefix}/entries/${sha256('k')}/${sha256('a')}.json`, 60_000);
    await s3.age(BUCKET, `${prefix}/entries/${sha256('k')}/${sha256('b')}.json`, 120_000);
    const c = await storage.put(variant('c'), streamOf('c'));
    expect((await storage.get('k')).map((e) => e.variant).sort()).toEqual(['a', 'c']);
    const bodies = (await objects(`${prefix}/bodies/`)).sort();
    expect(bodies).toEqual([a.id, c.id].map((id) => `${prefix}/bodies/${id}`).sort());
  });
});

describe('S3Storage: options and failures', () => {
  it('validates its options', () => {
    const base = { client, bucket: BUCKET };
    expect(() => new S3Storage({ ...base, client: {} as S3Client })).toThrow(OptionsError);
    expect(() => new S3Storage({ ...base, bucket: '' })).toThrow(/`bucket`/);
    expect(() => new S3Storage({ ...base, partSize: MiB })).toThrow(/`partSize`/);
    expect(() => new S3Storage({ ...base, timeout: 0 })).toThrow(/`timeout`/);
    expect(() => new S3Storage({ ...base, maxVariants: 1.5 })).toThrow(/`maxVariants`/);
    expect(new S3Storage(base).prefix).toBe('httpcache');
    expect(new S3Storage({ ...base, prefix: '' }).prefix).toBe('');
  });

  it('countHits: false leaves hits at 0 and costs a hit no write', async () => {
    // The client options the README suggests, bounding the SDK's own waits.
    const target = s3.client({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
    });
    const { prefix } = open();
    const storage = new S3Storage({ client: target, bucket: BUCKET, prefix, countHits: false });
    const stored = await storage.put(entry(), streamOf('x'));
    const commands = recordCommands(target);
    await storage.touch(stored, Date.now());
    expect(commands).toEqual([]);
    expect((await storage.get(stored.key))[0]?.hits).toBe(0);
  });

  it('a missing bucket is a StorageError naming it, with the cause', async () => {
    const storage = new S3Storage({ client, bucket: 'no-such-bucket' });
    const error = await storage.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).operation).toBe('get');
    expect((error as StorageError).message).toContain('S3 bucket `no-such-bucket`');
    expect(((error as StorageError).cause as Error).name).toBe('NoSuchBucket');
  });

  it('an S3 that never answers: operations reject with a StorageError once the timeout is up', async () => {
    const silent = await blackHole();
    try {
      const mute = s3.client({ endpoint: `http://127.0.0.1:${silent.port}`, maxAttempts: 1 });
      const storage = new S3Storage({ client: mute, bucket: BUCKET, timeout: 300 });
      // The message says the storage's own timeout ended the wait (no test deadline is needed).
      const error = await storage.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).message).toMatch(/ListObjectsV2 got no answer within 300 ms/);
      const put = storage.put(entry(), streamOf('x')).catch((e: unknown) => e);
      expect(await put).toBeInstanceOf(StorageError);
      mute.destroy();
    } finally {
      silent.close();
    }
  });
});

/** The metadata object `name` as JSON. */
async function metaOf(name: string): Promise<Record<string, unknown>> {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: name }));
  return JSON.parse((await object.Body?.transformToString()) ?? '') as Record<string, unknown>;
}

/** Random bytes made as they are read, with their SHA-256. */
function randomBody(size: number): {
  stream: ReadableStream<Uint8Array<ArrayBuffer>>;
  digest(): string;
} {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (sent === size) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024 + 3, size - sent));
      randomFillSync(chunk);
      hash.update(chunk);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, digest: () => hash.copy().digest('hex') };
}
