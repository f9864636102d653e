import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { entry, files, stream, tempDir } from './fs-helpers.ts';

const TAG_FILE = /^tags\/[0-9a-f]{2}\/[0-9a-f]{64}\/[0-9a-f]{64}$/;

describe('FileSystemStorage: the tag index', () => {
  it('keeps one empty file per tag and key; prune sweeps those no live entry keeps', async () => {
    const directory = await tempDir();
    const storage = new FileSystemStorage({ directory });
    await storage.put(entry({ tags: ['a', 'b'] }), stream('1'));
    const tagFiles = async () => (await files(directory)).filter((f) => f.startsWith('tags/'));
    expect(await tagFiles()).toHaveLength(2);
    for (const file of await tagFiles()) expect(file).toMatch(TAG_FILE);
    // Replaced by an entry without `a`: its index file stays until prune finds it settled.
    await storage.put(entry({ tags: ['b'] }), stream('2'));
    const past = new Date(Date.now() - 120_000);
    for (const file of await tagFiles()) await utimes(join(directory, file), past, past);
    await storage.prune();
    expect(await tagFiles()).toHaveLength(1);
    expect(await storage.deleteTag('a')).toBe(0);
    expect(await storage.deleteTag('b')).toBe(1);
    await storage.put(entry({ tags: ['c'] }), stream('3'));
    await storage.clear();
    expect(await tagFiles()).toEqual([]);
    await storage.close();
  });
});
