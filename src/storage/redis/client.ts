import type { Buffer } from 'node:buffer';

/**
 * The Redis client {@link RedisStorage} needs, typed by its shape so that `httpcache/redis` loads
 * without `ioredis` installed: an ioredis `Redis` or `Cluster` fits.
 *
 * @module
 */

/** An argument of a Redis command. */
export type RedisArgument = string | Buffer | number;

/**
 * A Redis client: an ioredis `Redis` (one server, or Sentinel) or `Cluster`.
 *
 * @example
 * ```ts
 * import { Cluster, Redis } from 'ioredis';
 * const client: RedisClientLike = new Redis('redis://localhost:6379');
 * const cluster: RedisClientLike = new Cluster([{ host: '10.0.0.1', port: 6379 }]);
 * ```
 */
export interface RedisClientLike {
  /** Sends a command; bulk replies come back as strings. */
  call(command: string, ...args: RedisArgument[]): Promise<unknown>;
  /** Sends a command; bulk replies come back as Buffers. */
  callBuffer(command: string, ...args: RedisArgument[]): Promise<unknown>;
  /** Closes the connection once pending replies are in. */
  quit(): Promise<unknown>;
  /** A Cluster's connections to its nodes; absent on a client of one server. */
  nodes?(role: 'master'): RedisClientLike[];
  /**
   * A new connection with the same options (`override` merged in, for a client of one server),
   * for pub/sub: what coalescing across processes and the memory tier's invalidations listen on.
   * Without it, neither is available.
   */
  duplicate?(...override: unknown[]): RedisSubscriberLike;
  /** The client's options; a `keyPrefix` there is refused (use the storage's `prefix`). */
  readonly options?: { readonly keyPrefix?: string | undefined };
}

/** A connection that subscribes to channels: an ioredis `Redis` or `Cluster`. */
export interface RedisSubscriberLike {
  /** Sends a command (before subscribing, on a connection of the RESP2 protocol). */
  call(command: string, ...args: RedisArgument[]): Promise<unknown>;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  /** `messageBuffer`: a message as Buffers (an array of them for a tracking invalidation). */
  on(event: 'messageBuffer', listener: (channel: Buffer, message: unknown) => void): unknown;
  /** `ready`: connected (again), `close`: disconnected, `error`: a connection error. */
  on(event: 'ready' | 'close' | 'error', listener: (error?: unknown) => void): unknown;
  /** Closes the connection at once. */
  disconnect(): void;
}

/** A Redis call that did not answer in time. */
export class RedisTimeoutError extends Error {
  constructor(timeout: number) {
    super(`Redis did not answer within ${timeout} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/** `promise`, or a {@link RedisTimeoutError} once `timeout` ms have passed without it settling. */
export function withTimeout<T>(promise: Promise<T>, timeout: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(timeout)), timeout);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** The servers to SCAN: every master of a Cluster, or the one server. */
export function scanTargets(client: RedisClientLike): RedisClientLike[] {
  if (client.nodes === undefined) return [client];
  const masters = client.nodes('master');
  if (masters.length === 0) throw new Error('the Redis Cluster client knows no master yet');
  return masters;
}

/** One SCAN reply: the next cursor and the keys. */
export function scanReply(reply: unknown): { cursor: string; keys: string[] } {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[1])) {
    throw new Error('SCAN answered something else than [cursor, keys]');
  }
  return { cursor: reply[0], keys: reply[1].filter((key) => typeof key === 'string') };
}

/**
 * A new connection like `client`'s, with `override` merged into its options (a Cluster's
 * startup nodes kept), or `undefined` when the client cannot make one.
 */
export function duplicateOf(
  client: RedisClientLike,
  override: Record<string, unknown>,
): RedisSubscriberLike | undefined {
  if (client.duplicate === undefined) return undefined;
  return client.nodes === undefined ? client.duplicate(override) : client.duplicate([], override);
}
