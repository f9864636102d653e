import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClosedError, OptionsError, StorageError } from '../../src/errors.ts';
import { defaultDirectory, sha256 } from '../../src/storage/fs/layout.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { jsonSerializer } from '../../src/storage/serializers.ts';
import { manualClock } from '../helpers/clock.ts';
import { storageContract } from './contract.ts';
import {
  bytesOf,
  entry,
  failing,
  files,
  pattern,
  serializers,
  stream,
  tempDir,
} from './fs-helpers.ts';

const NOW = Date.now();

const root = mkdtempSync(join(tmpdir(), 'httpcache-fs-contract-'));
afterAll(() => rm(root, { recursive: true, force: true }));

for (const [name, serializer] of serializers) {
  storageContract(
    `FileSystemStorage (${name})`,
    ({ location, clock, maxBytes }) =>
      new FileSystemStorage({
        directory: join(root, name, location),
        serializer: serializer(),
        clock,
        ...(maxBytes === undefined ? {} : { maxBytes }),
      }),
    { persistent: true, maxBytes: true, invalidation: true },
  );
}

const LAYOUT =
  /^entries\/[0-9a-f]{2}\/[0-9a-f]{64}\/[0-9a-f]{64}\.(meta\.[a-z]+|[0-9a-f]{32}\.body)$/;

describe.each(serializers)('FileSystemStorage with the %s serializer', (name, serializer) => {
  async function open(options: { maxBytes?: number; clock?: () => number } = {}) {
    return new FileSystemStorage({
      directory: await tempDir(),
      serializer: serializer(),
      ...options,
    });
  }

  it('round-trips headers, vary, times and an empty, a small and a streamed body', async () => {
    const storage = await open();
    const large = pattern(300 * 1024, 1);
    const bodies = { '': new Uint8Array(0), small: new TextEncoder().encode('hello'), large };
    for (const [variant, body] of Object.entries(bodies)) {
      const vary = { accept: variant === '' ? null : variant };
      const put = await storage.put(
        entry({ variant, vary, deleteAt: Infinity }, NOW),
        stream(body),
      );
      expect(put).toMatchObject({ size: body.byteLength, hits: 0, variant });
    }
    const got = await storage.get(entry().key);
    expect(got).toHaveLength(3);
    for (const meta of got) {
      expect(meta).toMatchObject({ ...entry({}, NOW), variant: meta.variant, deleteAt: Infinity });
      const expected = bodies[meta.variant as keyof typeof bodies];
      expect(await bytesOf(await storage.body(meta))).toEqual(expected);
    }
    const streamed = await storage.body(got.find((m) => m.variant === 'large') ?? got[0]!);
    expect(streamed).toBeInstanceOf(ReadableStream);
    await (streamed as ReadableStream).cancel();
    await storage.close();
  });

  it('writes the metadata with its own extension, next to a body file of the exact bytes', async () => {
    const storage = await open();
    const body = pattern(70_000, 3);
    const meta = await storage.put(entry(), stream(body));
    const layout = await files(storage.directory);
    expect(layout).toHaveLength(3);
    expect(layout.filter((f) => f.startsWith('entries/'))).toEqual(
      expect.arrayContaining([expect.stringMatching(LAYOUT), expect.stringMatching(LAYOUT)]),
    );
    const metaFile = layout.find((f) => f.includes('.meta.'));
    expect(metaFile?.endsWith(`.meta.${name}`)).toBe(true);
    const bodyFile = layout.find((f) => f.endsWith(`.${meta.id}.body`));
    expect(new Uint8Array(await readFile(join(storage.directory, bodyFile ?? '')))).toEqual(body);
    expect(layout.some((f) => f.startsWith('urls/'))).toBe(true);
    await storage.close();
  });

  it('replaces the entry of the same variant atomically and removes the old body', async () => {
    const storage = await open();
    await storage.put(entry(), stream('first'));
    const second = await storage.put(entry(), stream('second'));
    const got = await storage.get(entry().key);
    expect(got.map((m) => m.id)).toEqual([second.id]);
    expect(new TextDecoder().decode(await bytesOf(await storage.body(got[0]!)))).toBe('second');
    expect((await files(storage.directory)).filter((f) => f.endsWith('.body'))).toHaveLength(1);
    await storage.close();
  });

  it('updates metadata in place, keeping the body, and counts hits on touch', async () => {
    const storage = await open();
    const meta = await storage.put(entry(), stream('kept'));
    const headers: [string, string][] = [['cache-control', 'max-age=600']];
    expect(await storage.update(meta, { headers, staleAt: meta.staleAt + 1 })).toBe(true);
    await storage.touch(meta, Date.now());
    await storage.touch(meta, Date.now());
    const [got] = await storage.get(meta.key);
    expect(got).toMatchObject({ id: meta.id, headers, staleAt: meta.staleAt + 1, hits: 2 });
    expect(new TextDecoder().decode(await bytesOf(await storage.body(got!)))).toBe('kept');
    await storage.put(entry(), stream('newer'));
    expect(await storage.update(meta, { staleAt: 0 })).toBe(false);
    await storage.close();
  });

  it('deletes by key and by URL, lists, measures, prunes and clears', async () => {
    const clock = manualClock();
    const storage = await open({ clock });
    const now = clock();
    await storage.put(entry({}, now), stream('a'));
    await storage.put(entry({ key: 'custom a', deleteAt: now + 1000 }, now), stream('a2'));
    await storage.put(entry({ key: 'GET b', url: 'https://example.com/b' }, now), stream('bb'));
    const listed = [];
    for await (const meta of storage.list()) listed.push(meta.key);
    expect(listed.sort()).toEqual(['GET b', 'GET https://example.com/a', 'custom a']);
    expect(await storage.stats()).toMatchObject({ entries: 3 });
    expect((await storage.stats()).bytes).toBeGreaterThan(5);
    clock.advance(2);
    const pruned = await storage.prune();
    expect(pruned.entries).toBe(1);
    expect(pruned.bytes).toBeGreaterThan(2);
    expect(await storage.get('custom a')).toEqual([]);
    expect(await storage.deleteUrl('https://example.com/a')).toBe(1);
    expect(await storage.deleteUrl('https://example.com/a')).toBe(0);
    await storage.put(entry({}, now), stream('a'));
    await storage.delete(entry().key);
    expect(await storage.get(entry().key)).toEqual([]);
    await storage.clear();
    expect(await storage.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(await files(storage.directory)).toEqual([]);
    await storage.close();
  });

  it('keeps entries across a close and reopen', async () => {
    const storage = await open();
    await storage.put(entry(), stream('persisted'));
    await storage.close();
    const again = new FileSystemStorage({ directory: storage.directory, serializer: serializer() });
    const [meta] = await again.get(entry().key);
    expect(new TextDecoder().decode(await bytesOf(await again.body(meta!)))).toBe('persisted');
    await again.close();
  });
});

describe('FileSystemStorage', () => {
  it('stores nothing when the body stream fails, rejecting with its error', async () => {
    const storage = new FileSystemStorage({ directory: await tempDir() });
    const error = new Error('origin went away');
    await expect(storage.put(entry(), failing('partial', error))).rejects.toBe(error);
    expect(await storage.get(entry().key)).toEqual([]);
    expect((await files(storage.directory)).filter((f) => f.startsWith('entries/'))).toEqual([]);
    await storage.close();
  });

  it('gives a reader the old complete body while the entry is replaced or deleted', async () => {
    const storage = new FileSystemStorage({ directory: await tempDir() });
    const old = pattern(1024 * 1024, 1);
    const meta = await storage.put(entry(), stream(old));
    const body = (await storage.body(meta)) as ReadableStream<Uint8Array<ArrayBuffer>>;
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      // Halfway through, the entry is replaced.
      if (chunks.push(read.value) === 4) await storage.put(entry(), stream(pattern(1 << 20, 2)));
    }
    expect(chunks.length).toBeGreaterThan(4);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(old));
    // The replaced entry's body is gone: asked for afterwards, it is null, not the new bytes.
    expect(await storage.body(meta)).toBeNull();
    const current = await storage.get(entry().key);
    const during = await storage.body(current[0]!);
    await storage.delete(entry().key);
    expect(await bytesOf(during)).toEqual(pattern(1024 * 1024, 2));
    await storage.close();
  });

  it('evicts the least recently used entries beyond maxBytes', async () => {
    const storage = new FileSystemStorage({ directory: await tempDir(), maxBytes: 12_000 });
    const a = await storage.put(entry({ key: 'a' }), stream(pattern(4000)));
    await storage.put(entry({ key: 'b' }), stream(pattern(4000)));
    await storage.touch(a, Date.now());
    await storage.put(entry({ key: 'c' }), stream(pattern(4000)));
    expect((await storage.get('b')).length).toBe(0);
    expect((await storage.get('a')).length).toBe(1);
    expect((await storage.get('c')).length).toBe(1);
    expect((await storage.stats()).bytes).toBeLessThanOrEqual(12_000);
    await expect(storage.put(entry({ key: 'd' }), stream(pattern(13_000)))).rejects.toThrow(
      StorageError,
    );
    await storage.close();
  });

  it('sweeps its own orphaned temp files when it opens', async () => {
    const directory = await tempDir();
    const first = new FileSystemStorage({ directory });
    const meta = await first.put(entry(), stream('x'));
    await first.close();
    const bodyFile = (await files(directory)).find((f) => f.endsWith('.body')) ?? '';
    const orphan = join(directory, `${bodyFile}.${process.pid}-abcd.tmp`);
    await writeFile(orphan, 'half');
    const storage = new FileSystemStorage({ directory });
    expect((await storage.get(meta.key)).length).toBe(1);
    await expect(stat(orphan)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });

  it('checks its options and reports I/O failures as StorageError with the cause', async () => {
    expect(() => new FileSystemStorage({ maxBytes: 0 })).toThrow(OptionsError);
    expect(() => new FileSystemStorage({ maxVariants: 1.5 })).toThrow(OptionsError);
    const bad = { ...jsonSerializer, extension: '../x' };
    expect(() => new FileSystemStorage({ serializer: bad })).toThrow(OptionsError);
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, '');
    const storage = new FileSystemStorage({ directory: file });
    const error = await storage.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).cause).toMatchObject({ code: expect.any(String) });
    await storage.close();
    await expect(storage.get('k')).rejects.toThrow(ClosedError);
  });

  // Regression: a put the file system could not write must never resolve (claiming `stored`).
  it('rejects a put it cannot write, and stores nothing', async () => {
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, '');
    const under = new FileSystemStorage({ directory: join(file, 'cache') });
    await expect(under.put(entry(), stream('x'))).rejects.toBeInstanceOf(StorageError);
    await under.close();
    const storage = new FileSystemStorage({ directory: await tempDir() });
    const other = await storage.put(entry({ key: 'other' }), stream('other'));
    const kh = sha256(entry().key);
    await mkdir(join(storage.directory, 'entries', kh.slice(0, 2)), { recursive: true });
    await writeFile(join(storage.directory, 'entries', kh.slice(0, 2), kh), 'not a directory');
    const error = await storage.put(entry(), stream('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).cause).toMatchObject({ code: expect.any(String) });
    expect(await storage.get(entry().key)).toEqual([]);
    expect(await storage.get('other')).toEqual([other]);
    await storage.close();
  });

  it('takes over a lock file whose holder died, or that is too old, and removes its own', async () => {
    const storage = new FileSystemStorage({ directory: await tempDir() });
    const meta = await storage.put(entry(), stream('x'));
    const kh = sha256(meta.key);
    const lock = join(storage.directory, 'entries', kh.slice(0, 2), `${kh}.lock`);
    // No process has the largest pid.
    await writeFile(lock, `${2 ** 31 - 1} token`);
    expect(await storage.update(meta, { staleAt: 1 })).toBe(true);
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(lock, `${process.pid} token of another storage`);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect(await storage.update(meta, { staleAt: 2 })).toBe(true);
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await storage.get(meta.key))[0]?.staleAt).toBe(2);
    await storage.close();
  });

  it('defaults to httpcache/fs in the user cache directory', () => {
    expect(defaultDirectory({ XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'httpcache', 'fs'));
    expect(defaultDirectory({ XDG_CACHE_HOME: 'relative' })).toBe(
      join(homedir(), '.cache', 'httpcache', 'fs'),
    );
    expect(defaultDirectory({})).toBe(join(homedir(), '.cache', 'httpcache', 'fs'));
    expect(new FileSystemStorage().directory).toBe(defaultDirectory());
  });
});
