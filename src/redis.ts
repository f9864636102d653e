/**
 * `httpcache/redis`: {@link RedisStorage}, entries in Redis or a Redis Cluster shared by every
 * process and machine, through your ioredis client (an optional peer dependency).
 *
 * @module
 */

export type { RedisArgument, RedisClientLike } from './storage/redis/client.ts';
export { RedisStorage, type RedisStorageOptions } from './storage/redis.ts';
