import type { Buffer } from 'node:buffer';
import { duplicateOf, type RedisClientLike, type RedisSubscriberLike } from './client.ts';

/**
 * Redis server-assisted client-side caching for the memory tier: on a connection of its own to
 * each server (each master of a Cluster), `CLIENT TRACKING on REDIRECT <its own id> BCAST PREFIX
 * <prefix>` and a subscription to `__redis__:invalidate` (the RESP2 form, which every client
 * version speaks), so that Redis names every key of the prefix that any client changes, deletes
 * or lets expire.
 *
 * @module
 */

/** What tracking tells the tier. */
export interface TrackingHandlers {
  /** Redis changed these keys (`null`: every key, as after FLUSHALL). */
  invalidate(names: readonly string[] | null): void;
  /** Every connection tracks: from now on, every change is told. */
  active(): void;
  /** A connection was lost, or is being set up: changes may go untold until {@link active}. */
  unsure(): void;
  /** Tracking cannot work here (an old server, a proxy that refuses it): why. */
  unavailable(reason: string): void;
}

const CHANNEL = '__redis__:invalidate';

/** The tracking connections of one storage. */
export class Tracking {
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  readonly #handlers: TrackingHandlers;
  #connections: RedisSubscriberLike[] | undefined;
  readonly #tracking = new Set<RedisSubscriberLike>();
  #failed = false;

  constructor(client: RedisClientLike, prefix: string, handlers: TrackingHandlers) {
    this.#client = client;
    this.#prefix = prefix;
    this.#handlers = handlers;
  }

  /** Opens the connections, once (a Cluster client that knows no master yet: at a later call). */
  start(): void {
    if (this.#connections !== undefined || this.#failed) return;
    const targets =
      this.#client.nodes === undefined ? [this.#client] : this.#client.nodes('master');
    if (targets.length === 0) return;
    const connections: RedisSubscriberLike[] = [];
    for (const target of targets) {
      const connection = duplicateOf(target, {
        protocol: 2,
        enableOfflineQueue: true,
        lazyConnect: false,
        autoResubscribe: false,
      });
      if (connection === undefined) {
        this.#unavailable('the client cannot open a connection');
        return;
      }
      connections.push(connection);
    }
    this.#connections = connections;
    this.#handlers.unsure();
    for (const connection of connections) this.#watch(connection);
  }

  /** Closes the connections. */
  close(): void {
    for (const connection of this.#connections ?? []) connection.disconnect();
    this.#connections = [];
    this.#tracking.clear();
  }

  #watch(connection: RedisSubscriberLike): void {
    connection.on('error', () => undefined);
    connection.on('close', () => {
      if (!this.#tracking.delete(connection)) return;
      this.#handlers.unsure();
    });
    connection.on('ready', () => {
      this.#track(connection).catch((error: unknown) => {
        // A connection lost while it was set up tries again once ready; a refusal is final.
        if (String(error).includes('Connection is closed')) return;
        this.#unavailable(error instanceof Error ? error.message : String(error));
      });
    });
    connection.on('messageBuffer', (channel, message) => {
      if (channel.toString() !== CHANNEL) return;
      // A flush (FLUSHALL, FLUSHDB) is told as a null message: every key changed.
      this.#handlers.invalidate(
        Array.isArray(message) ? message.map((name: Buffer | string) => name.toString()) : null,
      );
    });
  }

  async #track(connection: RedisSubscriberLike): Promise<void> {
    const id = await connection.call('client', 'id');
    await connection.call(
      'client',
      'tracking',
      'on',
      'redirect',
      String(id),
      'bcast',
      'prefix',
      this.#prefix,
    );
    await connection.subscribe(CHANNEL);
    this.#tracking.add(connection);
    if (this.#tracking.size === this.#connections?.length) this.#handlers.active();
  }

  #unavailable(reason: string): void {
    if (this.#failed) return;
    this.#failed = true;
    this.close();
    this.#handlers.unavailable(reason);
  }
}
