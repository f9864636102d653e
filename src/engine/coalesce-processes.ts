import { coalescerOf, type Lease } from '../storage/coalescer.ts';
import type { Follower } from './coalesce.ts';
import { type Engine, subject } from './context.ts';
import type { Exchange, Forward } from './exchange.ts';
import { cacheStatus } from './metadata.ts';
import type { CacheRequestInit } from './request.ts';
import { signalOf } from './request.ts';

/**
 * Coalescing across processes, for a storage that offers it (RedisStorage): the request that
 * leads this process's flight for a key takes the key's lock before it goes to the origin; when
 * another process holds the lock, it waits for that one's entry and looks again in storage.
 *
 * @module
 */

/** The requests that waited already: looked at again, they go to the origin if they must. */
const waited = new WeakSet<CacheRequestInit>();

/**
 * `go` (the request to the origin) under the key's lock, or the stored response another process
 * fetched meanwhile. A storage failure on the way only costs the coalescing: `go` runs then.
 */
export async function acrossProcesses(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  go: () => Promise<Response>,
  land: () => readonly Follower<Exchange>[],
): Promise<Response> {
  const coalescer = coalescerOf(engine.store.storage);
  const init = ex.request.init;
  // Only plain misses: a revalidation has a stored response to fall back on.
  if (coalescer === undefined || fwd.entry !== undefined || (init && waited.has(init))) return go();
  const signal = signalOf(ex.request);
  let lease: Lease | undefined;
  try {
    lease = await coalescer.acquire(ex.key);
    // Taken after another process released it: its entry may be stored since this one looked.
    if (lease !== undefined && (await storedMeanwhile(engine, ex, fwd))) {
      lease.release();
      return shareStored(engine, ex, land);
    }
    if (lease === undefined) {
      const outcome = await coalescer.wait(ex.key, signal);
      if (outcome === 'done') return shareStored(engine, ex, land);
      if (outcome === 'timeout') return go();
      lease = outcome;
    }
  } catch (error) {
    if (signal?.aborted === true) throw error;
    engine.store.failed(subject(ex), 'coalesce', error);
    return go();
  }
  return lead(lease, go);
}

/** Goes to the origin holding the lock: released now, or by storage once the entry is written. */
async function lead(lease: Lease, go: () => Promise<Response>): Promise<Response> {
  let response: Response;
  try {
    response = await go();
  } catch (error) {
    lease.release();
    throw error;
  }
  if (cacheStatus(response)?.stored === true) lease.storing();
  else lease.release();
  return response;
}

/** Whether storage has an entry under the key that was not there when the request looked. */
async function storedMeanwhile(engine: Engine, ex: Exchange, fwd: Forward): Promise<boolean> {
  const seen = new Set(fwd.variants.map((entry) => entry.id));
  return (await engine.store.lookup(subject(ex))).some((entry) => !seen.has(entry.id));
}

/**
 * Another process's entry is stored (or will not be): the request looks again, and so does each
 * request of this process that waited for it, each getting its own response.
 */
async function shareStored(
  engine: Engine,
  ex: Exchange,
  land: () => readonly Follower<Exchange>[],
): Promise<Response> {
  // Each settled before the leader returns: a follower left over would go its own way.
  const followers = land().map(async (follower) => {
    try {
      follower.settle({
        type: 'response',
        response: await lookAgain(engine, follower.context, false),
      });
    } catch (error) {
      follower.settle({ type: 'error', error });
    }
  });
  const [own] = await Promise.all([lookAgain(engine, ex, true), ...followers]);
  return own;
}

/**
 * The request again, from the start, once the process that held the lock is done: served from
 * storage, it says `collapsed`; otherwise it goes to the origin without waiting again.
 */
async function lookAgain(engine: Engine, ex: Exchange, counted: boolean): Promise<Response> {
  const init: CacheRequestInit = { ...ex.request.init };
  waited.add(init);
  const response = await engine.handle(ex.request.input, init);
  const metadata = cacheStatus(response);
  if (metadata?.fromCache !== true) return response;
  // The metadata object was made for this response alone.
  (metadata as { collapsed: boolean }).collapsed = true;
  const field = response.headers.get('cache-status');
  if (field !== null) response.headers.set('cache-status', collapsedStatus(field));
  // A request that waited in this process is counted as it takes its response.
  if (counted) engine.events.emit('coalesced', { key: ex.key, url: ex.head.url });
  return response;
}

/**
 * A Cache-Status field with its last member (this cache's, as the engine wrote it) marked
 * `collapsed` (RFC 9211 §2.6), where the engine writes that parameter: before `key` and
 * `detail`, which come last.
 */
function collapsedStatus(field: string): string {
  let start = 0;
  let at = -1;
  let quoted = false;
  for (let i = 0; i < field.length; i++) {
    const ch = field[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === ',') {
      // The last member starts after the last comma outside a quoted string.
      start = i + 1;
      at = -1;
    } else if (at < 0 && ch === ';' && /^; (?:key|detail)=/.test(field.slice(i, i + 9))) at = i;
  }
  if (field.slice(start).trim() === '') return field;
  return at < 0 ? `${field}; collapsed` : `${field.slice(0, at)}; collapsed${field.slice(at)}`;
}
