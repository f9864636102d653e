import { randomBytes } from 'node:crypto';
import type { Coalescer, Lease } from '../coalescer.ts';
import type { Channels } from './channels.ts';
import type { RedisContext } from './context.ts';
import { RENEW, UNLOCK } from './scripts.ts';

/**
 * Coalescing across processes with a Redis lock per key: `SET lock token NX PX ttl` taken by the
 * process that goes to the origin, renewed while its origin answers and the body streams in,
 * released by a compare-and-delete once the entry is committed, with a message on the key's
 * channel to the processes waiting. The lock, its channel and the entry share a hash tag, so
 * they live on one Redis Cluster node.
 *
 * @module
 */

/** How long a lock lives without renewal, and how long a request waits at most (ms). */
export interface CoalesceSettings {
  readonly lockTtl: number;
  readonly maxWait: number;
}

/** The {@link Coalescer} of a RedisStorage. */
export class RedisCoalescer implements Coalescer {
  readonly #ctx: RedisContext;
  readonly #settings: CoalesceSettings;
  readonly #channels: Channels;
  readonly #report: (error: unknown, key: string) => void;
  readonly #forget: (hash: string) => void;
  /** The locks this process holds, by key. */
  readonly #leases = new Map<string, RedisLease>();

  constructor(
    ctx: RedisContext,
    settings: CoalesceSettings,
    channels: Channels,
    report: (error: unknown, key: string) => void,
    forget: (hash: string) => void,
  ) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#channels = channels;
    this.#report = report;
    this.#forget = forget;
  }

  /** Opens the connection waiting requests listen on, ahead of the first. */
  warm(): void {
    this.#channels.open();
  }

  async acquire(key: string): Promise<Lease | undefined> {
    const { keys, client, send } = this.#ctx;
    const token = randomBytes(12).toString('base64url');
    const lock = keys.lock(keys.hash(key));
    const { lockTtl } = this.#settings;
    const reply = await send('lock', () => client.call('set', lock, token, 'NX', 'PX', lockTtl));
    if (reply !== 'OK') return undefined;
    // What is stored is looked at afresh under the lock, not in this process's memory tier.
    this.#forget(keys.hash(key));
    const lease = new RedisLease(key, token, lockTtl, {
      renew: () => this.#ctx.script('lock', RENEW, [lock], [token, lockTtl]),
      release: () => this.#release(key, token),
    });
    this.#leases.get(key)?.release();
    this.#leases.set(key, lease);
    return lease;
  }

  async wait(key: string, signal: AbortSignal | undefined): Promise<Lease | 'done' | 'timeout'> {
    const { keys, send } = this.#ctx;
    const hash = keys.hash(key);
    const deadline = Date.now() + this.#settings.maxWait;
    let heard: () => void = () => undefined;
    const message = new Promise<'done'>((resolve) => {
      heard = () => resolve('done');
    });
    const stop = await send('lock', () => this.#channels.listen(keys.done(hash), heard));
    try {
      const outcome = await this.#waitFor(key, hash, deadline, message, signal);
      // Looked at again, the entry is read from Redis, whether the tier heard of it yet or not.
      if (outcome === 'done') this.#forget(hash);
      return outcome;
    } finally {
      stop();
    }
  }

  async #waitFor(
    key: string,
    hash: string,
    deadline: number,
    message: Promise<'done'>,
    signal: AbortSignal | undefined,
  ): Promise<Lease | 'done' | 'timeout'> {
    const { keys, client, send } = this.#ctx;
    // Subscribed only now: a holder that released the lock meanwhile published unheard.
    let ttl = await send('lock', () => client.call('pttl', keys.lock(hash)));
    for (;;) {
      if (ttl === -2) return 'done';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      const expiry = typeof ttl === 'number' && ttl >= 0 ? ttl : this.#settings.lockTtl;
      const woke = await wake(message, Math.min(expiry + 1, left), signal);
      if (woke === 'done') return 'done';
      if (Date.now() >= deadline) return 'timeout';
      // The lock expired, its holder silent: the first waiter to take it over goes on.
      const lease = await this.acquire(key);
      if (lease !== undefined) return lease;
      ttl = await send('lock', () => client.call('pttl', keys.lock(hash)));
    }
  }

  /** The body of `key`'s entry is arriving: its lock, if held here, is kept while it does. */
  progress(key: string): void {
    this.#leases.get(key)?.progress();
  }

  /** `key`'s entry is committed, or its write failed: its lock, if held here, is released. */
  settled(key: string): void {
    this.#leases.get(key)?.release();
  }

  /** Releases every lock held here. */
  close(): void {
    for (const lease of [...this.#leases.values()]) lease.release();
  }

  async #release(key: string, token: string): Promise<void> {
    const { keys, script } = this.#ctx;
    const hash = keys.hash(key);
    const held = this.#leases.get(key);
    if (held?.token === token) this.#leases.delete(key);
    try {
      await script('lock', UNLOCK, [keys.lock(hash)], [token, keys.done(hash)]);
    } catch (error) {
      // Waiting requests take the lock over once it expires.
      this.#report(error, key);
    }
  }
}

/** What a {@link RedisLease} does in Redis. */
interface LockOps {
  renew(): Promise<unknown>;
  release(): Promise<void>;
}

/**
 * A lock held. It is renewed every third of its lifetime while the origin answers; once the
 * response is being stored, only when body bytes arrived since the last renewal, so that a
 * stalled write lets it expire and a waiting process take over.
 */
class RedisLease implements Lease {
  readonly key: string;
  readonly token: string;
  readonly #ops: LockOps;
  readonly #timer: ReturnType<typeof setInterval>;
  #storing = false;
  #progressed = false;
  #released = false;

  constructor(key: string, token: string, ttl: number, ops: LockOps) {
    this.key = key;
    this.token = token;
    this.#ops = ops;
    this.#timer = setInterval(() => this.#renew(), Math.max(1, Math.floor(ttl / 3)));
    this.#timer.unref?.();
  }

  storing(): void {
    this.#storing = true;
  }

  progress(): void {
    this.#progressed = true;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    this.#ops.release().catch(() => undefined);
  }

  #renew(): void {
    const stalled = this.#storing && !this.#progressed;
    this.#progressed = false;
    if (stalled || this.#released) return;
    this.#ops.renew().then(
      (held) => {
        // Lost (expired and taken over): nothing more to renew.
        if (held === 0) clearInterval(this.#timer);
      },
      () => undefined,
    );
  }
}

/** `'done'` when `message` comes first, `'timer'` after `ms`; rejects when `signal` aborts. */
function wake(
  message: Promise<'done'>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<'done' | 'timer'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => resolve('timer')), ms);
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    if (signal?.aborted === true) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    message.then(
      () => finish(() => resolve('done')),
      () => undefined,
    );
  });
}
