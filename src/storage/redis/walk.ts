import type { EntryMeta, StorageStats } from '../types.ts';
import { type RedisClientLike, scanReply, scanTargets } from './client.ts';
import type { RedisContext } from './context.ts';
import { decodeEntry } from './entries.ts';
import { REMOVE } from './scripts.ts';

/**
 * The operations of {@link RedisStorage} that walk every key of its prefix with SCAN, on every
 * master of a Cluster: list, stats, prune and clear. They are for tools: their cost grows with
 * the number of entries.
 *
 * @module
 */

const SCAN_COUNT = 500;

/** Every live entry. */
export async function* listEntries(ctx: RedisContext): AsyncGenerator<EntryMeta> {
  const now = ctx.clock();
  for await (const names of scan(ctx, 'list', ctx.keys.entries)) {
    const found = await Promise.all(names.map((name) => listed(ctx, name)));
    for (const meta of found) if (meta !== undefined && meta.deleteAt > now) yield meta;
  }
}

/** The entries and their bytes (bodies plus metadata). */
export async function countEntries(ctx: RedisContext): Promise<StorageStats> {
  let entries = 0;
  let bytes = 0;
  for await (const names of scan(ctx, 'stats', ctx.keys.entries)) {
    const costs = await Promise.all(
      names.map((name) => ctx.send('stats', () => ctx.client.call('hget', name, 'cost'))),
    );
    for (const cost of costs.filter((c) => c !== null)) {
      entries++;
      bytes += Number(cost) || 0;
    }
  }
  return { entries, bytes };
}

/** Removes the entries past their `deleteAt` by the storage's clock; what was freed. */
export async function pruneEntries(ctx: RedisContext): Promise<StorageStats> {
  const now = ctx.clock();
  let entries = 0;
  let bytes = 0;
  for await (const names of scan(ctx, 'prune', ctx.keys.entries)) {
    const freed = await Promise.all(
      names.map((name) => {
        const parsed = ctx.keys.parseEntry(name);
        if (parsed === undefined) return -1;
        const variants = ctx.keys.variants(parsed.hash);
        return ctx.script('prune', REMOVE, [variants], [parsed.id, ctx.grace, now]);
      }),
    );
    for (const cost of freed.map(Number).filter((c) => c >= 0)) {
      entries++;
      bytes += cost;
    }
  }
  return { entries, bytes };
}

/** Deletes every key of the prefix, and nothing else. */
export async function clearAll(ctx: RedisContext): Promise<void> {
  for await (const names of scan(ctx, 'clear', ctx.keys.everything)) {
    await Promise.all(
      names.map((name) => ctx.send('clear', () => ctx.client.call('unlink', name))),
    );
  }
}

/** The names of keys matching `pattern`, a page at a time, each name once. */
async function* scan(ctx: RedisContext, operation: string, pattern: string) {
  const seen = new Set<string>();
  const targets = await ctx.send(operation, async () => scanTargets(ctx.client));
  for (const node of targets) {
    let cursor = '0';
    do {
      const reply = await ctx.send(operation, () => scanPage(node, cursor, pattern));
      cursor = reply.cursor;
      const names = reply.keys.filter((name) => !seen.has(name) && seen.add(name));
      if (names.length > 0) yield names;
    } while (cursor !== '0');
  }
}

async function scanPage(node: RedisClientLike, cursor: string, pattern: string) {
  return scanReply(await node.call('scan', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
}

/** The metadata of a listed entry hash, or `undefined` when it is gone or corrupted. */
async function listed(ctx: RedisContext, name: string): Promise<EntryMeta | undefined> {
  const parsed = ctx.keys.parseEntry(name);
  if (parsed === undefined) return undefined;
  const fields = await ctx.send('list', () =>
    ctx.client.call('hmget', name, 'meta', 'hits', 'size'),
  );
  if (!Array.isArray(fields) || fields[0] === null) return undefined;
  try {
    return decodeEntry(ctx.keys, undefined, parsed.hash, parsed.id, fields);
  } catch (problem) {
    await ctx.discard(parsed.hash, parsed.id, undefined, 'list', problem);
    return undefined;
  }
}
