import { spawn } from 'node:child_process';
import {
  mkdir,
  readdir,
  readFile,
  stat,
  truncate,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CodecError, OptionsError } from '../../src/errors.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { loadOptional, yamlSerializer } from '../../src/storage/serializers.ts';
import { bytesOf, entry, files, pattern, reports, stream, tempDir } from './fs-helpers.ts';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fs-put-forever.ts');

/** A storage in a fresh directory with one stored entry, and what it reports. */
async function stored(body = 'stored body') {
  const storage = new FileSystemStorage({ directory: await tempDir() });
  const reported = reports();
  storage.setReporter(reported.reporter);
  const meta = await storage.put(entry(), stream(body));
  const all = await files(storage.directory);
  const path = (suffix: string) => join(storage.directory, all.find((f) => f.endsWith(suffix))!);
  return {
    storage,
    meta,
    calls: reported.calls,
    metaFile: path('.meta.json'),
    bodyFile: path('.body'),
  };
}

describe('FileSystemStorage with bad data: a miss, removed and reported, never served', () => {
  it('treats corrupted metadata as a miss', async () => {
    const { storage, calls, metaFile, bodyFile } = await stored();
    await writeFile(metaFile, '{"v": 1, "id": tru');
    expect(await storage.get(entry().key)).toEqual([]);
    expect(calls).toMatchObject([{ operation: 'get', error: expect.any(CodecError) }]);
    await expect(stat(metaFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(bodyFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });

  it('treats metadata of an unknown format version, or of another entry, as a miss', async () => {
    const { storage, calls, metaFile } = await stored();
    const data = JSON.parse(await readFile(metaFile, 'utf8')) as Record<string, unknown>;
    await writeFile(metaFile, JSON.stringify({ ...data, v: 99 }));
    expect(await storage.get(entry().key)).toEqual([]);
    await storage.put(entry(), stream('again'));
    await writeFile(metaFile, JSON.stringify({ ...data, key: 'another key' }));
    expect(await storage.get(entry().key)).toEqual([]);
    expect(calls.map((c) => String(c.error))).toEqual([
      expect.stringContaining('format version 99'),
      expect.stringContaining('does not describe'),
    ]);
    await storage.close();
  });

  it('treats a truncated body as a miss, whether found by get or by body', async () => {
    const { storage, calls, meta, metaFile, bodyFile } = await stored();
    await truncate(bodyFile, 3);
    expect(await storage.get(meta.key)).toEqual([]);
    expect(calls).toMatchObject([{ operation: 'get', key: meta.key }]);
    await expect(stat(metaFile)).rejects.toMatchObject({ code: 'ENOENT' });

    const again = await storage.put(entry(), stream('stored body'));
    const [found] = await storage.get(again.key);
    const newBody = join(
      dirname(bodyFile),
      `${bodyFile.split(sep).at(-1)?.split('.')[0]}.${again.id}.body`,
    );
    await writeFile(newBody, 'stored body, and more');
    expect(await storage.body(found!)).toBeNull();
    expect(calls).toMatchObject([{}, { operation: 'body', error: expect.any(CodecError) }]);
    expect(await files(storage.directory)).not.toContainEqual(expect.stringContaining('entries/'));
    await storage.close();
  });

  it('treats metadata whose body file is missing as a miss', async () => {
    const { storage, calls, meta, metaFile, bodyFile } = await stored();
    await unlink(bodyFile);
    expect(await storage.body(meta)).toBeNull();
    expect(calls).toMatchObject([{ operation: 'body', key: meta.key }]);
    expect(String(calls[0]?.error)).toContain('is missing');
    await expect(stat(metaFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });

  it('prunes unreferenced bodies and URL index files once they are a minute old', async () => {
    const { storage, bodyFile } = await stored();
    const orphanBody = bodyFile.replace(/[0-9a-f]{32}\.body$/, `${'0'.repeat(32)}.body`);
    const urls = join(storage.directory, 'urls', 'ab', 'ab'.repeat(32));
    const orphanIndex = join(urls, 'cd'.repeat(32));
    await mkdir(urls, { recursive: true });
    for (const file of [orphanBody, orphanIndex]) await writeFile(file, 'orphan');
    expect(await storage.prune()).toEqual({ entries: 0, bytes: 0 });
    const past = new Date(Date.now() - 120_000);
    for (const file of [orphanBody, orphanIndex]) await utimes(file, past, past);
    expect(await storage.prune()).toEqual({ entries: 0, bytes: 6 });
    const left = await files(storage.directory);
    expect(left).toHaveLength(3);
    expect(left.filter((f) => f.includes('0'.repeat(32)) || f.includes('cd'.repeat(32)))).toEqual(
      [],
    );
    expect(await storage.get(entry().key)).toHaveLength(1);
    await storage.close();
  });

  it('treats a file written by another serializer as a miss', async () => {
    const directory = await tempDir();
    const yaml = new FileSystemStorage({ directory, serializer: yamlSerializer() });
    await yaml.put(entry(), stream('yaml'));
    await yaml.close();
    const json = new FileSystemStorage({ directory });
    const reported = reports();
    json.setReporter(reported.reporter);
    expect(await json.get(entry().key)).toEqual([]);
    expect(String(reported.calls[0]?.error)).toContain('another serializer (.yaml)');
    expect((await files(directory)).filter((f) => f.startsWith('entries/'))).toEqual([]);
    await json.close();
  });

  it('keeps every key, URL and variant inside the directory', async () => {
    const parent = await tempDir();
    const directory = join(parent, 'cache');
    const storage = new FileSystemStorage({ directory });
    const hostile = ['../../escape', '/etc/passwd', '..\\..\\win', 'nul\0byte', '', '.'];
    for (const key of hostile) {
      await storage.put(entry({ key, url: key, variant: key }), stream(`body of ${key}`));
    }
    expect(await readdir(parent)).toEqual(['cache']);
    for (const file of await files(directory)) {
      expect(resolve(directory, file).startsWith(directory + sep)).toBe(true);
      expect(file).toMatch(/^(entries|urls)\/[0-9a-f]{2}\/[0-9a-f]{64}\/[0-9a-f.a-z]+$/);
    }
    for (const key of hostile) {
      const [meta] = await storage.get(key);
      expect(new TextDecoder().decode(await bytesOf(await storage.body(meta!)))).toBe(
        `body of ${key}`,
      );
      expect(await storage.body({ ...meta!, id: '../../escape' })).toBeNull();
    }
    await storage.close();
  });

  it('says what to install when an optional serializer dependency is missing', () => {
    expect(() => loadOptional('httpcache-no-such-package', 'fooSerializer')).toThrow(
      new OptionsError(
        'serializer',
        'fooSerializer() needs `httpcache-no-such-package`: npm install httpcache-no-such-package',
      ),
    );
  });
});

describe('FileSystemStorage and a process killed while storing', () => {
  it('leaves no visible entry, and prune sweeps what is left', async () => {
    const directory = await tempDir();
    const storage = new FileSystemStorage({ directory });
    await storage.put(entry({ key: 'other' }), stream('kept'));
    const child = spawn(process.execPath, [fixture, directory], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_, signal) => done(signal)),
    );
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (data: Buffer) => data.toString().includes('writing') && done());
      child.on('exit', () => fail(new Error('the child exited before writing')));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const leftovers = (await files(directory)).filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toHaveLength(1);
    expect((await stat(join(directory, leftovers[0]!))).size).toBeGreaterThanOrEqual(8 << 20);
    expect(await storage.get('GET https://example.com/large')).toEqual([]);
    const listed = [];
    for await (const meta of storage.list()) listed.push(meta.key);
    expect(listed).toEqual(['other']);

    const freed = await storage.prune();
    expect(freed).toMatchObject({ entries: 0, bytes: expect.any(Number) });
    expect(freed.bytes).toBeGreaterThanOrEqual(8 << 20);
    expect((await files(directory)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await storage.stats()).entries).toBe(1);
    await storage.close();
  });

  it('sweeps a dead process temp files when a storage opens', async () => {
    const directory = await tempDir();
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => child.on('exit', done));
    const seeded = new FileSystemStorage({ directory });
    await seeded.put(entry(), stream(pattern(10)));
    await seeded.close();
    const body = (await files(directory)).find((f) => f.endsWith('.body'))!;
    const orphan = join(directory, `${body}.${child.pid}-0a0b.tmp`);
    await writeFile(orphan, 'partial');
    const storage = new FileSystemStorage({ directory });
    expect(await storage.get(entry().key)).toHaveLength(1);
    await expect(stat(orphan)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.close();
  });
});
