import { createHash } from 'node:crypto';
import type { RedisContext } from './context.ts';
import { isKeyHash } from './entries.ts';
import { INDEX, type LuaScript, script } from './scripts.ts';

/**
 * The tag index of {@link RedisStorage}: `<prefix>{<sha256(tag)>}:tag`, a set of the key hashes
 * with entries stored with the tag (a slot of its own, like the URL sets), so that `deleteTag`
 * visits only those keys.
 *
 * @module
 */

/** ARGV: grace, tag. Retires the variants whose metadata lists the tag; returns how many. */
const DELETE_TAGGED = script(
  'deleteTagged',
  `local grace, tag = tonumber(ARGV[1]), ARGV[2]
local pointers = redis.call('HGETALL', KEYS[1])
local removed = 0
for i = 1, #pointers, 2 do
  local id = pointers[i + 1]
  local meta = redis.call('HGET', base .. 'e:' .. id, 'meta')
  local ok, decoded = pcall(cjson.decode, meta or '')
  if ok and type(decoded) == 'table' and type(decoded.tags) == 'table' then
    for _, t in ipairs(decoded.tags) do
      if t == tag then
        removed = removed + 1
        retire(id, grace)
        redis.call('HDEL', KEYS[1], pointers[i])
        break
      end
    end
  end
end
return removed`,
);

/** The set of the key hashes with entries stored with `tag`. */
function tagSet(ctx: RedisContext, tag: string): string {
  return `${ctx.keys.prefix}{${createHash('sha256').update(tag).digest('hex')}}:tag`;
}

/** Indexes key hash `hash` under each of `tags`, for as long as its entry lives (`ttl` ms). */
export async function indexTags(
  ctx: RedisContext,
  tags: readonly string[] | undefined,
  hash: string,
  ttl: number,
): Promise<void> {
  await Promise.all(
    (tags ?? []).map((tag) => ctx.script('put', INDEX, [tagSet(ctx, tag)], [hash, ttl])),
  );
}

/** Deletes every entry stored with `tag` of the keys its set names; returns how many. */
export function deleteTag(
  ctx: RedisContext,
  tag: string,
  forget: (hash: string) => void,
): Promise<number> {
  return purgeIndexed(ctx, 'deleteTag', tagSet(ctx, tag), DELETE_TAGGED, tag, forget);
}

/**
 * Runs `remover` (ARGV: grace, `what`) on each key hash the set `index` names, once they are out
 * of the set, and tells `forget` each hash (the in-process tier drops it); returns how many
 * entries it removed. For the URL sets and the tag sets.
 */
export async function purgeIndexed(
  ctx: RedisContext,
  operation: string,
  index: string,
  remover: LuaScript,
  what: string,
  forget: (hash: string) => void,
): Promise<number> {
  const reply = await ctx.send(operation, () => ctx.client.call('smembers', index));
  const hashes = (Array.isArray(reply) ? reply : []).filter(isKeyHash);
  if (hashes.length === 0) return 0;
  // Out of the index first: a put that commits meanwhile indexes itself again after its commit.
  await ctx.send(operation, () => ctx.client.call('srem', index, ...hashes));
  for (const hash of hashes) forget(hash);
  const removed = await Promise.all(
    hashes.map((hash) =>
      ctx.script(operation, remover, [ctx.keys.variants(hash)], [ctx.grace, what]),
    ),
  );
  return removed.reduce<number>((sum, n) => sum + Number(n), 0);
}
