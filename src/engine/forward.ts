import type { Freshening } from '../core/freshening.ts';
import { freshnessUnder, ttlOf } from '../core/freshness.ts';
import {
  decideResponse,
  type OriginOutcome,
  type ResponseDecision,
} from '../core/response-decision.ts';
import { coalescerOf } from '../storage/coalescer.ts';
import type { EntryMeta } from '../storage/types.ts';
import type { Flight, FlightOutcome, Follower } from './coalesce.ts';
import { acrossProcesses } from './coalesce-processes.ts';
import { assertNever, type Engine, statusEntry, subject } from './context.ts';
import { coalescable, type Exchange, type Forward } from './exchange.ts';
import { attachMetadata, type CacheMetadata } from './metadata.ts';
import { originArguments, signalOf } from './request.ts';
import { gatewayTimeout } from './respond.ts';
import { fromStorage } from './serve.ts';
import { pass, write } from './store.ts';

/**
 * Going to the origin: coalescing concurrent requests into one origin request, and running what
 * the policy decides about the origin's answer ({@link decideResponse}).
 *
 * @module
 */

/**
 * Goes to the origin for a request. Concurrent requests that may share a stored response join
 * the first one's origin request instead of making their own.
 */
export function forward(engine: Engine, ex: Exchange, fwd: Forward): Promise<Response> {
  const signal = signalOf(ex.request);
  // A request already aborted goes alone: the origin fetch rejects it as plain fetch would.
  if (!coalescable(ex, fwd) || signal?.aborted === true) {
    return forwardAlone(engine, ex, fwd, undefined);
  }
  const { lead, flight } = engine.flights.join(ex.key);
  if (!lead) return flight.follow(ex, signal).then((outcome) => follow(engine, ex, fwd, outcome));
  let followers: Follower<Exchange>[] | undefined;
  const land = (): Follower<Exchange>[] => {
    followers ??= engine.flights.land(ex.key, flight);
    return followers;
  };
  const go = () => forwardAlone(engine, ex, fwd, { flight, land });
  // Without a storage that coalesces across processes, the origin request goes at once.
  const led =
    coalescerOf(engine.store.storage) === undefined
      ? go()
      : acrossProcesses(engine, ex, fwd, go, land);
  // Whoever still waits once the leader has its answer goes alone (settling twice is a no-op).
  const work = led.then(
    (response) => {
      for (const follower of land()) follower.settle({ type: 'alone' });
      return response;
    },
    (error: unknown) => {
      for (const follower of land()) follower.settle({ type: 'error', error });
      throw error;
    },
  );
  return signal === undefined ? work : ownAbort(engine, work, signal, flight);
}

/**
 * The leader's answer, or its own abort: the origin request goes on for those still waiting,
 * and a response that comes after the leader gave up is cancelled.
 */
function ownAbort(
  engine: Engine,
  work: Promise<Response>,
  signal: AbortSignal,
  flight: Flight<Exchange>,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      flight.leave(signal.reason);
      reject(signal.reason);
      engine.store.track(
        work.then(
          (response) => response.body?.cancel(),
          () => undefined,
        ),
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (response) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A request that waited for another's origin request takes its outcome. */
function follow(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  outcome: FlightOutcome,
): Promise<Response> | Response {
  switch (outcome.type) {
    case 'response':
      engine.events.emit('coalesced', { key: ex.key, url: ex.head.url });
      return outcome.response;
    case 'error':
      return settle(engine, ex, fwd, outcome.error, { type: 'error' }, undefined);
    case 'alone':
      // Nothing to share: look again (the leader may have freshened the stored response).
      return engine.handle(ex.request.input, ex.request.init);
    default:
      return assertNever(outcome);
  }
}

/** The flight a request leads: its signal, and how to hand the outcome to its followers. */
interface Leading {
  readonly flight: Flight<Exchange>;
  readonly land: () => Follower<Exchange>[];
}

/** Goes to the origin, and runs the policy's decision about its answer. */
async function forwardAlone(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  leading: Leading | undefined,
): Promise<Response> {
  // Each request counts once: see Forward.uncounted.
  if (fwd.uncounted !== true) {
    engine.events.emit('miss', { key: ex.key, url: ex.head.url, reason: fwd.fwd });
  }
  // The flight's signal aborts once every request waiting for it has aborted: never while the
  // leader, which has no signal of its own, waits. fetch then needs no signal to watch.
  const signal = signalOf(ex.request) === undefined ? undefined : leading?.flight.signal;
  const [input, init] = originArguments(ex.request, fwd.conditions, signal);
  const requestTime = engine.options.clock();
  const started = performance.now();
  let response: Response;
  try {
    response = await engine.options.fetch(input, init);
  } catch (error) {
    const duration = performance.now() - started;
    engine.events.emit('origin', { ...subject(ex), status: undefined, error, duration });
    if (leading !== undefined) {
      for (const follower of leading.land()) follower.settle({ type: 'error', error });
    }
    return settle(engine, ex, fwd, error, { type: 'error' }, undefined);
  }
  const duration = performance.now() - started;
  engine.events.emit('origin', {
    key: ex.key,
    url: ex.head.url,
    status: response.status,
    duration,
  });
  // A status a Response cannot be built with (600 and up) passes through untouched, as the
  // origin fetch gave it: there is nothing a cache may do with it.
  if (response.status > 599) return attachMetadata(response, passedThrough(ex, fwd));
  const origin: OriginOutcome = {
    type: 'response',
    head: {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      redirected: response.redirected,
    },
    requestTime,
    responseTime: engine.options.clock(),
  };
  return settle(engine, ex, fwd, response, origin, leading);
}

/** Asks the policy what to do with the origin's answer, and does it. */
function settle(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  answer: Response | unknown,
  origin: OriginOutcome,
  leading: Leading | undefined,
): Promise<Response> | Response {
  const decision = decideResponse({
    request: ex.head,
    requestCc: ex.requestCc,
    controls: ex.controls,
    forward: {
      variants: fwd.variants,
      entry: fwd.entry,
      freshness: fwd.freshness,
      conditional: fwd.conditions !== undefined,
      store: fwd.store,
    },
    origin,
    options: engine.options.policy,
    query: ex.bodyKeyed,
    maxBodySize: engine.options.maxBodySize,
    now: engine.options.clock(),
  });
  return run(engine, ex, fwd, answer, origin, decision, leading);
}

type Decision = ResponseDecision<EntryMeta>;

/** Runs a decision about the origin's answer (`answer`: its response, or its error). */
function run(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  answer: Response | unknown,
  origin: OriginOutcome,
  decision: Decision,
  leading: Leading | undefined,
): Promise<Response> | Response {
  return decision.type === 'pass'
    ? pass(engine, ex, fwd, answer, origin, decision, leading?.land)
    : runOther(engine, ex, fwd, answer, origin, decision, leading);
}

/** Runs a decision other than passing the origin's response on. */
async function runOther(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  answer: Response | unknown,
  origin: OriginOutcome,
  decision: Exclude<Decision, { type: 'pass' }>,
  leading: Leading | undefined,
): Promise<Response> {
  const response = answer instanceof Response ? answer : undefined;
  switch (decision.type) {
    case 'serve-stale': {
      const body = await engine.store.body(subject(ex), decision.entry);
      if (body === undefined) {
        return run(engine, ex, fwd, answer, origin, decision.otherwise, leading);
      }
      await response?.body?.cancel();
      // The event names what failed: the origin's error, or its error status.
      const error = response === undefined ? answer : response.status;
      engine.events.emit('stale-if-error', { key: ex.key, url: ex.head.url, error });
      const f = decision.freshness;
      return fromStorage(engine, ex, decision.entry, f, body, {
        fwd: fwd.fwd,
        fwdStatus: response?.status,
        ttl: ttlOf(f),
        detail: 'stale-if-error',
      });
    }
    case 'gateway-timeout':
      return gatewayTimeout(
        ex.request.url,
        ex.key,
        statusEntry(engine, { fwd: fwd.fwd, detail: 'must-revalidate' }, ex.key),
        'The origin could not be reached and the stored response must be revalidated.',
      );
    case 'fail':
      throw answer;
    case 'retry':
      await response?.body?.cancel();
      // RFC 9111 §4.3.3: a 304 that selects no stored response cannot be used: ask again.
      return forwardAlone(
        engine,
        ex,
        { ...fwd, conditions: undefined, uncounted: true },
        undefined,
      );
    case 'freshen':
      await response?.body?.cancel();
      return revalidated(engine, ex, fwd, response, decision.freshen, decision.serve);
    default:
      return assertNever(decision);
  }
}

/** A 304 to the cache's own conditional request: freshen, and serve the stored response. */
async function revalidated(
  engine: Engine,
  ex: Exchange,
  fwd: Forward,
  response: Response | undefined,
  freshenings: readonly Freshening<EntryMeta>[],
  entry: EntryMeta,
): Promise<Response> {
  const written = await write(engine, ex, freshenings);
  // The served response was to be rewritten and storage did not take it (it is gone, or failed):
  // without a freshened stored response, ask again, unconditionally. So too when its body is gone.
  const unwritten = freshenings.some((f) => f.updated === entry) && !written.includes(entry);
  const body = unwritten ? undefined : await engine.store.body(subject(ex), entry);
  if (body === undefined) {
    return forwardAlone(engine, ex, { ...fwd, conditions: undefined, uncounted: true }, undefined);
  }
  engine.events.emit('revalidate', { key: ex.key, url: ex.head.url, status: 304 });
  const f = freshnessUnder(entry, engine.options.clock(), engine.options.policy);
  // A shared cache stores no Set-Cookie, but the cookies of this exchange are this caller's own.
  const cookies = engine.options.policy.shared ? (response?.headers.getSetCookie() ?? []) : [];
  const served =
    cookies.length === 0
      ? entry
      : {
          ...entry,
          headers: [...entry.headers, ...cookies.map((c): [string, string] => ['set-cookie', c])],
        };
  return fromStorage(
    engine,
    ex,
    served,
    f,
    body,
    { fwd: fwd.fwd, fwdStatus: 304, ttl: ttlOf(f) },
    true,
  );
}

/** The metadata of a response the cache handed on untouched. */
function passedThrough(ex: Exchange, fwd: Forward): CacheMetadata {
  return {
    fromCache: false,
    revalidated: false,
    stored: false,
    collapsed: false,
    key: ex.key,
    createdAt: undefined,
    hits: 0,
    ttl: undefined,
    stale: false,
    forwarded: fwd.fwd,
  };
}
