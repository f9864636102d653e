import type { RedisArgument, RedisClientLike } from './client.ts';
import type { RedisKeys } from './keys.ts';
import type { LuaScript } from './scripts.ts';

/**
 * What the parts of {@link RedisStorage} share.
 *
 * @module
 */

/** The storage as its parts see it. */
export interface RedisContext {
  readonly client: RedisClientLike;
  readonly keys: RedisKeys;
  /** How long (ms) a retired entry's body stays readable. */
  readonly grace: number;
  readonly clock: () => number;
  /**
   * Runs one Redis exchange as storage `operation`: refused once the storage is closed, failed
   * after the timeout, every failure a {@link StorageError}.
   */
  send<T>(operation: string, exchange: () => Promise<T>): Promise<T>;
  /** Runs a script as {@link send} runs an exchange. */
  script(
    operation: string,
    script: LuaScript,
    keys: string[],
    args: RedisArgument[],
    buffers?: boolean,
  ): Promise<unknown>;
  /** Removes a corrupted entry and reports it. */
  discard(
    hash: string,
    id: string,
    key: string | undefined,
    operation: string,
    problem: unknown,
  ): Promise<void>;
}
