import type { Buffer } from 'node:buffer';
import { duplicateOf, type RedisClientLike, type RedisSubscriberLike } from './client.ts';

/**
 * Redis server-assisted client-side caching for the memory tier: on a connection of its own to
 * each server (each master of a Cluster), `CLIENT TRACKING on REDIRECT <its own id> BCAST PREFIX
 * <prefix>` and a subscription to `__redis__:invalidate` (the RESP2 form, which every client
 * version speaks), so that Redis names every key of the prefix that any client changes, deletes
 * or lets expire.
 *
 * On a Cluster there is a connection on every node the client knows, replicas too (a replica
 * tracks nothing while it replicates, but once promoted it tells of every change made on it, so a
 * failover to it leaves no gap), and they follow the client's slot map: when it changes (a
 * resharding, a failover, a redirection to a node it did not know), a new node gets a
 * connection, a gone one loses its own, the tier drops everything, and it holds nothing until
 * every node tracks.
 *
 * @module
 */

/** What tracking tells the tier. */
export interface TrackingHandlers {
  /** Redis changed these keys (`null`: every key, as after FLUSHALL). */
  invalidate(names: readonly string[] | null): void;
  /** Every connection tracks: from now on, every change is told. */
  active(): void;
  /**
   * Changes may go untold until {@link active}: tracking is being set up (no `reason`), a
   * connection was lost, or the Cluster's masters changed (`reason` says which).
   */
  unsure(reason?: string): void;
  /** Tracking cannot work here (an old server, a proxy that refuses it): why. */
  unavailable(reason: string): void;
}

const CHANNEL = '__redis__:invalidate';

/** The Cluster client events after which its masters may have changed. */
const TOPOLOGY_EVENTS = ['+node', '-node', 'refresh'] as const;

/** The tracking connections of one storage. */
export class Tracking {
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  readonly #handlers: TrackingHandlers;
  /** The connection of each server tracked (the client's connection to it as the key). */
  readonly #connections = new Map<RedisClientLike, RedisSubscriberLike>();
  readonly #tracking = new Set<RedisSubscriberLike>();
  /** The masters when the connections were last set up. */
  #masters: readonly RedisClientLike[] = [];
  #started = false;
  /** Closed, or tracking refused: no connection is opened again. */
  #done = false;
  #checkQueued = false;
  readonly #queueCheck = (): void => {
    if (this.#checkQueued) return;
    this.#checkQueued = true;
    // A slot map refresh adds and removes nodes one by one: look once it is done.
    queueMicrotask(() => {
      this.#checkQueued = false;
      this.check();
    });
  };

  constructor(client: RedisClientLike, prefix: string, handlers: TrackingHandlers) {
    this.#client = client;
    this.#prefix = prefix;
    this.#handlers = handlers;
  }

  /** Opens the connections, once (a Cluster client that knows no master yet: at a later call). */
  start(): void {
    if (this.#started || this.#done) return;
    if ((this.#client.nodes?.('master') ?? [this.#client]).length === 0) return;
    this.#started = true;
    for (const event of TOPOLOGY_EVENTS) this.#client.on?.(event, this.#queueCheck);
    this.check();
  }

  /**
   * Follows the Cluster's nodes: a connection for each node the client knows now, none for the
   * others. When they or the masters among them change, the tier is told
   * {@link TrackingHandlers.unsure} at once (what it holds may have moved, and a read from a
   * node not tracked yet must not be kept), then {@link TrackingHandlers.active} once every node
   * tracks.
   */
  check(): void {
    if (!this.#started || this.#done) return;
    const targets = this.#targets();
    const masters = this.#client.nodes?.('master') ?? targets;
    const gone = [...this.#connections].filter(([target]) => !targets.includes(target));
    const added = targets.filter((target) => !this.#connections.has(target));
    const moved =
      masters.length !== this.#masters.length || masters.some((m) => !this.#masters.includes(m));
    if (gone.length === 0 && added.length === 0 && !moved) return;
    const initial = this.#connections.size === 0;
    this.#masters = masters;
    for (const [target, connection] of gone) {
      this.#connections.delete(target);
      this.#tracking.delete(connection);
      connection.disconnect();
    }
    const opened: RedisSubscriberLike[] = [];
    for (const target of added) {
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
      this.#connections.set(target, connection);
      opened.push(connection);
    }
    const now = `now ${masters.length} masters of ${targets.length} nodes`;
    this.#handlers.unsure(initial ? undefined : `the Redis Cluster's nodes changed (${now})`);
    for (const connection of opened) this.#watch(connection);
    this.#activeIfAll();
  }

  /** Closes the connections. */
  close(): void {
    this.#done = true;
    for (const event of TOPOLOGY_EVENTS) this.#client.off?.(event, this.#queueCheck);
    for (const connection of this.#connections.values()) connection.disconnect();
    this.#connections.clear();
    this.#tracking.clear();
  }

  /** The servers to track: every node of a Cluster, or the one server. */
  #targets(): RedisClientLike[] {
    return this.#client.nodes === undefined ? [this.#client] : this.#client.nodes('all');
  }

  #watch(connection: RedisSubscriberLike): void {
    connection.on('error', () => undefined);
    connection.on('close', () => {
      if (!this.#tracking.delete(connection)) return;
      this.#handlers.unsure('a tracking connection closed');
    });
    connection.on('ready', () => {
      this.#track(connection).catch((error: unknown) => {
        // A connection lost while it was set up tries again once ready; a refusal is final.
        if (String(error).includes('Connection is closed')) return;
        if (!this.#isOpen(connection)) return;
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
    // A master gone meanwhile: its connection is closed, and does not count.
    if (!this.#isOpen(connection)) return;
    this.#tracking.add(connection);
    this.#activeIfAll();
  }

  #isOpen(connection: RedisSubscriberLike): boolean {
    for (const open of this.#connections.values()) if (open === connection) return true;
    return false;
  }

  #activeIfAll(): void {
    if (this.#connections.size === 0 || this.#tracking.size !== this.#connections.size) return;
    this.#handlers.active();
  }

  #unavailable(reason: string): void {
    if (this.#done) return;
    this.close();
    this.#handlers.unavailable(reason);
  }
}
