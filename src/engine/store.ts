import type { Freshening } from '../core/freshening.ts';
import { normalizeUrl } from '../core/key.ts';
import type { OriginOutcome, ResponseDecision, Storing } from '../core/response-decision.ts';
import type { HeaderPairs } from '../core/types.ts';
import { matchesVariant } from '../core/vary.ts';
import type { EntryMeta, EntryToStore } from '../storage/types.ts';
import { teeBody } from './body-tee.ts';
import type { Follower } from './coalesce.ts';
import { type Engine, statusEntry, subject } from './context.ts';
import { type Exchange, expectedLength, type Forward } from './exchange.ts';
import { filterStoring } from './filter.ts';
import { signalOf } from './request.ts';
import { buildResponse, relayBody } from './respond.ts';
import { withTags } from './tags.ts';

/**
 * Passing the origin's response on, storing it on the way: a small body of declared length is
 * read whole, stored, and then answered; a larger one is teed to the caller and to storage.
 *
 * What `stored` (Cache-Status, `cacheStatus()`) means: the entry is durable and findable. A body
 * read whole is stored before the response is answered, so its response says so only when it
 * is. A teed body can only be stored once it has been read, after its head has gone out: its
 * response says `stored` when the cache is storing it, and its body ends only once the write
 * has settled, so whoever has read it to the end finds the entry, unless the write failed (an
 * `error` event by then) or the body turned out incomplete or too large to store.
 *
 * @module
 */

/** Bodies of a declared length up to this many bytes are read whole rather than teed. */
const WHOLE_BODY_LIMIT = 64 * 1024;

type Body = Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>> | null;

/** The origin's response handed on, to the caller and any waiting requests it answers. */
export interface Handing {
  readonly ex: Exchange;
  readonly fwd: Forward;
  readonly response: Response;
  /** What the policy said to store, if anything. */
  readonly storing: Storing | undefined;
  /** The requests waiting for this one's origin request, when it leads a flight. */
  readonly followers: readonly Follower<Exchange>[] | undefined;
  readonly responseTime: number;
}

/** The policy's decision to pass the origin's response on. */
type Passing = Extract<ResponseDecision<EntryMeta>, { type: 'pass' }>;

/**
 * Passes the origin's response on (storing it as the policy said), once the stored responses it
 * changes are updated. Most change none and go through no filter: they are handed on at once.
 */
export function pass(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  answer: Response | unknown,
  origin: OriginOutcome,
  decision: Passing,
  land: (() => readonly Follower<Exchange>[]) | undefined,
): Promise<Response> | Response {
  if (!(answer instanceof Response)) throw answer;
  const response = answer;
  if (fwd.entry !== undefined) {
    engine.events.emit('revalidate', { key: ex.key, url: ex.head.url, status: response.status });
  }
  const hand = (storing: Storing | undefined): Response | Promise<Response> =>
    passOn(engine, {
      ex,
      fwd,
      response,
      storing,
      followers: land?.(),
      responseTime: origin.type === 'response' ? origin.responseTime : engine.options.clock(),
    });
  const changes =
    decision.invalidate.length > 0 || decision.dropStored || decision.freshen.length > 0;
  const filtered = Boolean(engine.options.filter?.response);
  if (!changes && !filtered) return hand(decision.storing);
  return updateStored(engine, ex, decision).then(async () =>
    hand(filtered ? await filterStoring(engine, ex, response, decision.storing) : decision.storing),
  );
}

/** What a passed-on response changes in storage: invalidated URLs, dropped or freshened entries. */
async function updateStored(engine: Engine, ex: Exchange, decision: Passing): Promise<void> {
  for (const url of decision.invalidate) {
    // By URL rather than by key: whatever key function stored them, they all go.
    await engine.store.deleteUrl(subject(ex), normalizeUrl(url));
  }
  if (decision.invalidate.length > 0) {
    engine.events.emit('invalidate', { key: ex.key, url: ex.head.url, urls: decision.invalidate });
  }
  if (decision.dropStored) await engine.store.deleteKey(subject(ex));
  if (decision.freshen.length > 0) await write(engine, ex, decision.freshen);
}

/** Writes freshened metadata; returns the entries storage still had. */
export async function write(
  engine: Engine,
  ex: Exchange,
  freshenings: readonly Freshening<EntryMeta>[],
): Promise<EntryMeta[]> {
  const written: EntryMeta[] = [];
  for (const { updated } of freshenings) {
    // An in-process storage updates at once: no promise, no turn of the event loop.
    const update = engine.store.update(subject(ex), updated);
    const done: boolean = update instanceof Promise ? await update : update;
    if (done) written.push(updated);
  }
  return written;
}

/** Returns the origin's response, storing it on the way when the policy said so. */
export function passOn(engine: Engine, h: Handing): Response | Promise<Response> {
  const { ex, response, storing } = h;
  const entry = storing === undefined ? undefined : entryToStore(engine, h, storing);
  // Waiting requests share this response only if it is to be stored and answers them too (RFC 9111 §4.1).
  const sharing =
    entry === undefined
      ? []
      : (h.followers ?? []).filter((f) =>
          matchesVariant(entry, f.context.head.headers, engine.options.policy.varyNormalizers),
        );
  const ttl = entry === undefined ? undefined : (entry.staleAt - h.responseTime) / 1000;
  const copies = { sharing, ttl, waitingHeaders: storing?.waitingHeaders ?? [] };
  if (entry === undefined) return answer(engine, h, copies, () => response.body, false);
  const length = expectedLength(entry);
  if (response.body === null || readsWhole(engine, length)) {
    return passOnWhole(engine, h, entry, length, copies);
  }
  const teed = teeBody(response.body, {
    maxBytes: engine.options.maxBodySize,
    storageTimeout: engine.options.storageTimeout,
    expectedLength: length,
    readers: 1 + sharing.length,
  });
  const write = engine.store.store(subject(ex), entry, teed.storage, teed.abortStoring);
  // Each reader's body ends once the write has settled (waited for from the body's end, as long
  // as storageTimeout allows): whoever has read the body to its end finds the entry stored, or
  // an `error` event has been emitted.
  let committed: Promise<boolean> | undefined;
  const settled = (): Promise<boolean> => {
    committed ??= engine.store.committed(subject(ex), write);
    return committed;
  };
  let next = 0;
  return answer(engine, h, copies, () => teed.readers[next++] ?? null, true, settled);
}

/** The copies a response is handed on as: the waiting requests it answers, and their fields. */
interface Copies {
  readonly sharing: readonly Follower<Exchange>[];
  readonly ttl: number | undefined;
  readonly waitingHeaders: HeaderPairs;
}

/**
 * A small storable response: its body read whole and stored before it is answered (so `stored`
 * means findable), then handed to the caller and any waiting requests as bytes. A body that
 * fails reaches each of them failing the same way, as plain fetch's would, and nothing is stored.
 */
async function passOnWhole(
  engine: Engine,
  h: Handing,
  entry: EntryToStore,
  length: number | undefined,
  copies: Copies,
): Promise<Response> {
  let body: () => Body;
  let stored = false;
  try {
    const bytes =
      h.response.body === null ? new Uint8Array() : new Uint8Array(await h.response.arrayBuffer());
    const complete = h.response.body === null || bytes.byteLength === length;
    if (complete) {
      // An in-process storage stores at once: no promise, no turn of the event loop.
      const write = engine.store.storeBytes(subject(h.ex), entry, bytes);
      stored = write instanceof Promise ? await write : write;
    }
    body = () => (h.response.body === null ? null : bytes);
  } catch (error) {
    body = () => failing(error);
  }
  return answer(engine, h, copies, body, stored);
}

/** Settles the waiting requests this response answers, and returns the caller's copy. */
function answer(
  engine: Engine,
  h: Handing,
  copies: Copies,
  body: () => Body,
  stored: boolean,
  endsAfter?: () => Promise<boolean>,
): Response {
  const { ttl } = copies;
  const own = body();
  for (const follower of copies.sharing) {
    follower.settle({
      type: 'response',
      response: originResponse(engine, follower.context, h, body(), {
        stored,
        ttl,
        headers: copies.waitingHeaders,
        endsAfter,
      }),
    });
  }
  return originResponse(engine, h.ex, h, own, { stored, ttl, headers: undefined, endsAfter });
}

/**
 * The copy of an origin response one request gets, with Cache-Status and metadata. A request
 * waiting on another's origin request gets `headers`, the fields a stored entry carries; its body
 * follows its own abort signal, as the origin request's no longer does.
 */
function originResponse(
  engine: Engine,
  ex: Exchange,
  h: Handing,
  body: Body,
  copy: {
    stored: boolean;
    ttl: number | undefined;
    headers: HeaderPairs | undefined;
    endsAfter?: (() => Promise<boolean>) | undefined;
  },
): Response {
  const { response, fwd } = h;
  const collapsed = copy.headers !== undefined;
  // In a flight the origin request no longer follows this request's signal: its body does.
  const inFlight = h.followers !== undefined || collapsed;
  return buildResponse({
    status: response.status,
    statusText: response.statusText,
    headers: copy.headers ?? response.headers,
    body: relayBody(body, {
      signal: inFlight ? signalOf(ex.request) : undefined,
      endsAfter: copy.endsAfter,
    }),
    origin: response,
    age: undefined,
    cacheStatus: statusEntry(
      engine,
      {
        fwd: fwd.fwd,
        fwdStatus: response.status,
        stored: copy.stored,
        ttl: copy.ttl,
        collapsed,
      },
      ex.key,
    ),
    url: response.url,
    redirected: response.redirected,
    metadata: {
      fromCache: false,
      revalidated: false,
      stored: copy.stored,
      collapsed,
      key: ex.key,
      createdAt: undefined,
      hits: 0,
      ttl: copy.ttl,
      stale: false,
      forwarded: fwd.fwd,
    },
  });
}

/** The entry to write: what the policy said, under the key of the method it is stored for. */
function entryToStore(engine: Engine, h: Handing, storing: Storing): EntryToStore {
  const { ex } = h;
  const key =
    storing.method === ex.head.method
      ? ex.key
      : engine.keyOf({ ...ex.head, method: storing.method }, ex.request);
  return {
    ...withTags(storing.entry, engine.options.tags),
    key,
    url: ex.head.url,
    method: storing.method,
    createdAt: h.responseTime,
  };
}

/**
 * Whether to read a storable body whole before answering, rather than tee it: a small body of
 * declared length is cheaper to read once, store and hand on as bytes.
 */
function readsWhole(engine: Engine, length: number | undefined): boolean {
  return length !== undefined && length <= WHOLE_BODY_LIMIT && length <= engine.options.maxBodySize;
}

/** A body that fails with `error` when read, as a failed origin body does. */
function failing(error: unknown): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}
