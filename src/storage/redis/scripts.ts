import { createHash } from 'node:crypto';
import type { RedisArgument, RedisClientLike } from './client.ts';

/**
 * The Lua scripts through which {@link RedisStorage} changes entries, each atomic on the one slot
 * of a primary key (see `keys.ts`). `KEYS[1]` is the variants hash `<prefix>{<hash>}:v` (or the
 * one key a script works on); the entry and body keys are derived from it, so they share its hash
 * tag.
 *
 * An entry that is replaced or deleted is *retired*: its entry hash goes at once (so `get` and
 * `body` no longer see it), while its body list is kept for a grace period, renewed by each chunk
 * read ({@link READ}), so a reader already streaming it can finish.
 *
 * @module
 */

/** A script: its source and its SHA-1, for EVALSHA. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

const PRELUDE = `
local base = string.sub(KEYS[1], 1, -2)
local function extend(key, ttl)
  local current = redis.call('PTTL', key)
  if current == -1 or current < ttl then redis.call('PEXPIRE', key, ttl) end
end
local function retire(id, grace)
  redis.call('DEL', base .. 'e:' .. id)
  local body = base .. 'b:' .. id
  local ttl = redis.call('PTTL', body)
  if ttl == -1 or ttl > grace then
    if grace > 0 then redis.call('PEXPIRE', body, grace) else redis.call('DEL', body) end
  end
end
local function drop(id, grace)
  retire(id, grace)
  local pointers = redis.call('HGETALL', KEYS[1])
  for i = 1, #pointers, 2 do
    if pointers[i + 1] == id then redis.call('HDEL', KEYS[1], pointers[i]) end
  end
end
`;

export function script(name: string, body: string): LuaScript {
  const source = `${PRELUDE}${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** KEYS: body list. ARGV: chunk, ms the list of an unfinished write is kept. */
export const APPEND = script(
  'append',
  `local n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n`,
);

/**
 * Makes a written body visible: checks its chunks are all there, retires the entry it replaces
 * and points the variant at the new one; every key expires at the entry's `deleteAt`. Beyond
 * `maxVariants` variants, the least recently used (by their `used` time, set at commit and by
 * each hit) are retired, so that no lookup reads more than the cap.
 * ARGV: variant, id, meta, size, chunks, ttl, grace, url, cost, deleteAt, now, maxVariants (0:
 * none)[, last chunk].
 */
export const COMMIT = script(
  'commit',
  `local variant, id = ARGV[1], ARGV[2]
local chunks, ttl, grace = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local body = base .. 'b:' .. id
if ARGV[13] then redis.call('RPUSH', body, ARGV[13]) end
if redis.call('LLEN', body) ~= chunks then
  redis.call('DEL', body)
  return redis.error_reply('HTTPCACHE_LOST chunks of the body expired or were evicted before the commit')
end
local old = redis.call('HGET', KEYS[1], variant)
if old then retire(old, grace) end
if ttl <= 0 then
  redis.call('HDEL', KEYS[1], variant)
  redis.call('DEL', body)
  return 0
end
local entry = base .. 'e:' .. id
redis.call('HSET', entry, 'meta', ARGV[3], 'size', ARGV[4], 'chunks', ARGV[5], 'hits', 0,
  'url', ARGV[8], 'variant', variant, 'cost', ARGV[9], 'deleteAt', ARGV[10], 'used', ARGV[11])
redis.call('PEXPIRE', entry, ttl)
if chunks > 0 then redis.call('PEXPIRE', body, ttl) end
redis.call('HSET', KEYS[1], variant, id)
extend(KEYS[1], ttl)
local max = tonumber(ARGV[12])
if max > 0 and redis.call('HLEN', KEYS[1]) > max then
  local pointers = redis.call('HGETALL', KEYS[1])
  local others = {}
  for i = 1, #pointers, 2 do
    local other = pointers[i + 1]
    if other ~= id then
      local used = redis.call('HGET', base .. 'e:' .. other, 'used')
      table.insert(others, {variant = pointers[i], id = other, used = tonumber(used) or 0})
    end
  end
  table.sort(others, function(a, b) return a.used < b.used end)
  for i = 1, #others - (max - 1) do
    retire(others[i].id, grace)
    redis.call('HDEL', KEYS[1], others[i].variant)
  end
end
return 1`,
);

/** KEYS: URL set. ARGV: key hash, ttl. Indexes a key under its URL, for `deleteUrl`. */
export const INDEX = script(
  'index',
  `redis.call('SADD', KEYS[1], ARGV[1])
extend(KEYS[1], tonumber(ARGV[2]))
return 1`,
);

/**
 * The live variants: flat [id, meta, hits, size, ...] of entries whose `deleteAt` is after `now`
 * (ARGV[1]); pointers to entries Redis has expired or evicted are removed.
 */
export const GET = script(
  'get',
  `local now = tonumber(ARGV[1])
local pointers = redis.call('HGETALL', KEYS[1])
local found = {}
for i = 1, #pointers, 2 do
  local id = pointers[i + 1]
  local fields = redis.call('HMGET', base .. 'e:' .. id, 'meta', 'hits', 'size', 'deleteAt')
  if not fields[1] then
    redis.call('HDEL', KEYS[1], pointers[i])
  else
    local at = tonumber(fields[4])
    if at == nil or at > now then
      table.insert(found, id)
      table.insert(found, fields[1])
      table.insert(found, fields[2])
      table.insert(found, fields[3])
    end
  end
end
return found`,
);

/** ARGV: id. [size, chunks, first chunk] of a visible entry, or nil. */
export const HEAD = script(
  'head',
  `local fields = redis.call('HMGET', base .. 'e:' .. ARGV[1], 'size', 'chunks')
if not fields[1] then return false end
return {fields[1], fields[2], redis.call('LINDEX', base .. 'b:' .. ARGV[1], 0)}`,
);

/**
 * KEYS: body list. ARGV: seq, grace. Chunk `seq` of a body being streamed, or nil. A body that
 * has less than the grace period left (a retired one) gets the grace period again: it stays
 * readable as long as its reader goes on reading.
 */
export const READ = script(
  'read',
  `local chunk = redis.call('LINDEX', KEYS[1], ARGV[1])
local grace = tonumber(ARGV[2])
if chunk and grace > 0 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl >= 0 and ttl < grace then redis.call('PEXPIRE', KEYS[1], grace) end
end
return chunk`,
);

/**
 * ARGV: id, meta, ttl, grace, deleteAt, meta read. Replaces a visible entry's metadata if it is
 * still the one read (compare and set); 1, 0 if the entry is gone, -1 if its metadata changed.
 */
export const UPDATE = script(
  'update',
  `local id, ttl = ARGV[1], tonumber(ARGV[3])
local entry = base .. 'e:' .. id
local fields = redis.call('HMGET', entry, 'size', 'meta')
local size = fields[1]
if not size then return 0 end
if fields[2] ~= ARGV[6] then return -1 end
if ttl <= 0 then
  drop(id, tonumber(ARGV[4]))
  return 1
end
redis.call('HSET', entry, 'meta', ARGV[2], 'deleteAt', ARGV[5],
  'cost', tonumber(size) + string.len(ARGV[2]))
-- Rewritten, the pointer tells the processes that hold the key in memory that it changed.
redis.call('HSET', KEYS[1], redis.call('HGET', entry, 'variant'), id)
redis.call('PEXPIRE', entry, ttl)
redis.call('PEXPIRE', base .. 'b:' .. id, ttl)
extend(KEYS[1], ttl)
return 1`,
);

/**
 * KEYS: entry hash. ARGV: hits, now. Counts hits of an entry that still exists, and marks it used
 * at `now` (the variant kept longest when {@link COMMIT} trims a key's variants).
 */
export const TOUCH = script(
  'touch',
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'used', ARGV[2])
return redis.call('HINCRBY', KEYS[1], 'hits', ARGV[1])`,
);

/**
 * ARGV: grace[, url]. Retires every variant (of `url` only, when given); returns how many
 * entries it removed.
 */
export const DELETE = script(
  'delete',
  `local grace, url = tonumber(ARGV[1]), ARGV[2]
local pointers = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #pointers, 2 do
  local id = pointers[i + 1]
  local entryUrl = redis.call('HGET', base .. 'e:' .. id, 'url')
  if url == nil or entryUrl == url then
    if entryUrl then removed = removed + 1 end
    retire(id, grace)
    redis.call('HDEL', KEYS[1], pointers[i])
  end
end
return removed`,
);

/**
 * ARGV: id, grace, time or ''. Removes an entry (only if its `deleteAt` is at or before `time`,
 * when given); returns the bytes it held, or -1 when it was not removed.
 */
export const REMOVE = script(
  'remove',
  `local id = ARGV[1]
local fields = redis.call('HMGET', base .. 'e:' .. id, 'cost', 'deleteAt')
if ARGV[3] ~= '' then
  local at = tonumber(fields[2])
  if not fields[1] or at == nil or at > tonumber(ARGV[3]) then return -1 end
end
drop(id, tonumber(ARGV[2]))
return tonumber(fields[1]) or 0`,
);

/** KEYS: lock. ARGV: token, ttl. Extends a lock still held with `token`; 1, or 0 when lost. */
export const RENEW = script(
  'renew',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
);

/**
 * KEYS: lock. ARGV: token, channel. Deletes a lock still held with `token` (compare and delete),
 * and tells the requests waiting on `channel` to look again (the entry is stored, or will not be).
 */
export const UNLOCK = script(
  'unlock',
  `local held = redis.call('GET', KEYS[1]) == ARGV[1]
if held then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], 'done')
return held and 1 or 0`,
);

/**
 * Runs a script by its SHA-1, loading it (EVAL) on a server that does not have it yet, as after a
 * restart or on a Cluster node seen for the first time.
 */
export async function runScript(
  client: RedisClientLike,
  script: LuaScript,
  keys: readonly string[],
  args: readonly RedisArgument[],
  buffers = false,
): Promise<unknown> {
  const send = (command: string, ...rest: RedisArgument[]) =>
    buffers ? client.callBuffer(command, ...rest) : client.call(command, ...rest);
  try {
    return await send('evalsha', script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
    return await send('eval', script.source, keys.length, ...keys, ...args);
  }
}
