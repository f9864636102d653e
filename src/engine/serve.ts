import type { CacheStatusEntry } from '../core/cache-status.ts';
import type { ForwardReason } from '../core/decision.ts';
import { type Freshness, isFresh, ttlOf } from '../core/freshness.ts';
import type { EntryMeta, StoredBody } from '../storage/types.ts';
import type { Answer, StoredAnswer } from './answer.ts';
import { type Engine, statusEntry, subject } from './context.ts';
import type { Exchange } from './exchange.ts';
import { ranged } from './range-response.ts';
import { buildResponse, type ResponseParts } from './respond.ts';

/**
 * Serving stored responses: hits, stale hits, 304s the cache answers itself, and responses the
 * origin confirmed or stood in for.
 *
 * @module
 */

/**
 * Serves a stored response (fresh, or stale where allowed), or `undefined` when its body is gone
 * or unreadable: the caller decides what then.
 */
export function serveStored(
  engine: Engine,
  ex: Exchange,
  entry: EntryMeta,
  f: Freshness,
  stale: boolean,
  fwd?: ForwardReason,
): Answer | undefined | Promise<Answer | undefined> {
  // An in-process storage answers at once: no promise, no turn of the event loop.
  const body = engine.store.body(subject(ex), entry);
  return body instanceof Promise
    ? body.then((found) => serveBody(engine, ex, entry, f, stale, fwd, found))
    : serveBody(engine, ex, entry, f, stale, fwd, body);
}

/** Serves a stored response with its body, when there is one. */
function serveBody(
  engine: Engine,
  ex: Exchange,
  entry: EntryMeta,
  f: Freshness,
  stale: boolean,
  fwd: ForwardReason | undefined,
  body: StoredBody | undefined,
): Answer | undefined {
  if (body === undefined) return undefined;
  touch(engine, ex, entry);
  engine.events.emit('hit', { key: ex.key, url: ex.head.url, stale });
  const served =
    ex.head.headers.get('range') === null ? { entry, body } : ranged(ex.head, entry, body);
  return answer(
    ex,
    storedParts(engine, ex, served.entry, f, served.body, { hit: true, fwd, ttl: ttlOf(f) }),
  );
}

/** RFC 9111 §4.3.2: answers the caller's conditional request with 304 from a fresh entry. */
export function notModified(engine: Engine, ex: Exchange, entry: EntryMeta, f: Freshness): Answer {
  touch(engine, ex, entry);
  engine.events.emit('hit', { key: ex.key, url: ex.head.url, stale: false });
  const notModified = { ...entry, status: 304, statusText: 'Not Modified' };
  return answer(ex, storedParts(engine, ex, notModified, f, null, { hit: true, ttl: ttlOf(f) }));
}

/** A response built from a stored entry and (part of) its body: see {@link storedParts}. */
export function fromStorage(...parts: Parameters<typeof storedParts>): Response {
  return buildResponse(storedParts(...parts));
}

/**
 * A stored response as parts for a door that asked for them ({@link Exchange.parts}) when its
 * body is in memory; otherwise as a `Response`.
 */
function answer(ex: Exchange, parts: ResponseParts): Answer {
  const { body } = parts;
  if (ex.parts === true && !(body instanceof ReadableStream)) {
    return parts as StoredAnswer;
  }
  return buildResponse(parts);
}

/** The parts of a response built from a stored entry and (part of) its body. */
function storedParts(
  engine: Engine,
  ex: Exchange,
  entry: EntryMeta,
  f: Freshness,
  body: StoredBody | null,
  status: Omit<CacheStatusEntry, 'cache' | 'fwd'> & { readonly fwd?: ForwardReason | undefined },
  revalidated = false,
): ResponseParts {
  return {
    status: entry.status,
    statusText: entry.statusText,
    headers: entry.headers,
    body: ex.head.method === 'HEAD' ? discard(body) : body,
    age: f.age,
    cacheStatus: statusEntry(engine, status, ex.key),
    url: ex.request.url,
    redirected: false,
    metadata: {
      fromCache: true,
      revalidated,
      stored: false,
      collapsed: false,
      key: ex.key,
      createdAt: entry.createdAt,
      hits: entry.hits,
      ttl: ttlOf(f),
      stale: !isFresh(f),
      forwarded: status.fwd,
    },
  };
}

/** Records a hit, moving the entry's expiry when `refreshTtlOnAccess` asks for it. */
function touch(engine: Engine, ex: Exchange, entry: EntryMeta): void {
  const ttl = engine.options.policy.ttl;
  const refresh = engine.options.refreshTtlOnAccess && ttl !== undefined;
  engine.store.touch(subject(ex), entry, refresh ? engine.options.clock() + ttl * 1000 : undefined);
}

/** A body a response will not carry (HEAD): a stream is cancelled so storage can let go of it. */
function discard(body: StoredBody | null): null {
  if (body instanceof ReadableStream) body.cancel().catch(() => undefined);
  return null;
}
