import type { RedisClientLike, RedisSubscriberLike } from './client.ts';
import { duplicateOf } from './client.ts';

/**
 * Subscriptions to pub/sub channels on one connection of their own, opened at the first, each
 * channel subscribed once however many listen to it.
 *
 * @module
 */

/** Listeners of channels, on a connection made from the storage's client. */
export class Channels {
  readonly #client: RedisClientLike;
  #connection: RedisSubscriberLike | undefined;
  #closed = false;
  readonly #listeners = new Map<string, Set<() => void>>();
  /** Subscriptions under way, by channel: a second listener waits for the first's. */
  readonly #subscribing = new Map<string, Promise<unknown>>();

  constructor(client: RedisClientLike) {
    this.#client = client;
  }

  /** Whether the client can open the connection. */
  get available(): boolean {
    return this.#client.duplicate !== undefined;
  }

  /**
   * Calls `listener` on each message on `channel` once subscribed (resolves then); returns the
   * function that stops listening.
   */
  async listen(channel: string, listener: () => void): Promise<() => void> {
    const connection = this.#connect();
    let listeners = this.#listeners.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(channel, listeners);
      this.#subscribing.set(channel, connection.subscribe(channel));
    }
    listeners.add(listener);
    const stop = (): void => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.#listeners.get(channel) !== listeners) return;
      this.#listeners.delete(channel);
      this.#subscribing.delete(channel);
      connection.unsubscribe(channel).catch(() => undefined);
    };
    try {
      await this.#subscribing.get(channel);
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /** Opens the connection ahead of the first subscription (it takes a while on a Cluster). */
  open(): void {
    if (this.available && !this.#closed) this.#connect();
  }

  /** Closes the connection; listeners hear nothing more. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#connection?.disconnect();
    this.#connection = undefined;
  }

  #connect(): RedisSubscriberLike {
    if (this.#connection !== undefined) return this.#connection;
    if (this.#closed) throw new Error('the storage is closed');
    // Subscriptions wait for the connection rather than fail while it (re)connects.
    const connection = duplicateOf(this.#client, { enableOfflineQueue: true, lazyConnect: false });
    if (connection === undefined) throw new Error('the Redis client cannot open a connection');
    connection.on('error', () => undefined);
    connection.on('messageBuffer', (channel) => {
      for (const listener of this.#listeners.get(channel.toString()) ?? []) listener();
    });
    this.#connection = connection;
    return connection;
  }
}
