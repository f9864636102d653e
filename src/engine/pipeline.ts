import {
  decide,
  isOnlyIfCached,
  type RequestDecision,
  requestCacheControl,
} from '../core/decision.ts';
import { servableBy } from '../core/entry.ts';
import type { Freshness } from '../core/freshness.ts';
import { defaultKey, keyUrl } from '../core/key.ts';
import type { HeaderReader, RequestControls, RequestHead } from '../core/types.ts';
import { ClosedError } from '../errors.ts';
import type { EntryMeta } from '../storage/types.ts';
import type { Answer } from './answer.ts';
import { assertNever, type Engine, statusEntry, subject } from './context.ts';
import { type Exchange, type Forward, passing, validUrl } from './exchange.ts';
import { usesCache } from './filter.ts';
import { forward } from './forward.ts';
import { fromParts, splitParts } from './partial.ts';
import {
  CALLER_ONLY_FIELDS,
  type CacheRequestInit,
  describeRequest,
  digestBody,
  hasBody,
  type IncomingRequest,
  plainRequest,
  withCredentialsDigested,
} from './request.ts';
import { gatewayTimeout } from './respond.ts';
import { notModified, serveStored } from './serve.ts';

/**
 * One request's way through the cache: read it, key it, look it up, let the policy decide
 * ({@link decide}), and run the decision.
 *
 * @module
 */

/**
 * Handles one request through the cache. With `asParts`, a stored response whose body is in
 * memory comes back as its parts (a door writes them in its own shape), and a request a storage
 * in the same process answers comes back at once, without a promise. Never throws: a failure is
 * a rejected promise.
 */
export function handle(
  engine: Engine,
  input: RequestInfo | URL,
  init: CacheRequestInit | undefined,
  closed: boolean,
): Promise<Response>;
export function handle(
  engine: Engine,
  input: RequestInfo | URL,
  init: CacheRequestInit | undefined,
  closed: boolean,
  asParts: true,
): Answer | Promise<Answer>;
export function handle(
  engine: Engine,
  input: RequestInfo | URL,
  init: CacheRequestInit | undefined,
  closed: boolean,
  asParts = false,
): Answer | Promise<Answer> {
  let answer: Answer | Promise<Answer>;
  try {
    answer = start(engine, input, init, closed, asParts);
  } catch (error) {
    return Promise.reject(error);
  }
  return asParts || answer instanceof Promise ? answer : Promise.resolve(answer);
}

/** Reads a request and goes on with it, at once unless its body or credentials need digesting. */
function start(
  engine: Engine,
  input: RequestInfo | URL,
  init: CacheRequestInit | undefined,
  closed: boolean,
  asParts: boolean,
): Answer | Promise<Answer> {
  if (closed) throw new ClosedError('HttpCache');
  const { options } = engine;
  const request = describeRequest(input, init);
  const url = validUrl(request.url);
  // A request fetch itself would reject goes to it untouched, so the caller sees its error.
  if (url === undefined) return options.fetch(input, init);
  if ((request.controls.bodyKey ?? options.bodyKey) && hasBody(request)) {
    return digestBody(request).then(({ request: read, digest }) =>
      withHeaders(engine, read, url, digest, asParts),
    );
  }
  return withHeaders(engine, request, url, undefined, asParts);
}

/** Goes on once the request's credentials (if any) are digested. */
function withHeaders(
  engine: Engine,
  request: IncomingRequest,
  url: string,
  digest: string | undefined,
  asParts: boolean,
): Answer | Promise<Answer> {
  const headers = withCredentialsDigested(request.headers);
  if (headers instanceof Promise) {
    return headers.then((read) =>
      lookUp(engine, exchange(engine, request, url, read, digest, asParts)),
    );
  }
  return lookUp(engine, exchange(engine, request, url, headers, digest, asParts));
}

/** The exchange for a request read whole. */
function exchange(
  engine: Engine,
  request: IncomingRequest,
  url: string,
  headers: HeaderReader,
  digest: string | undefined,
  asParts: boolean,
): Exchange {
  const head: RequestHead = { method: request.method, url, headers };
  const controls: RequestControls = {
    mode: request.mode,
    ttl: request.controls.ttl,
    maxAge: request.controls.maxAge,
    forceStore: request.controls.forceStore,
  };
  const key = engine.keyOf(head, request);
  return {
    request,
    head,
    requestCc: requestCacheControl(head),
    key: digest === undefined ? key : `${key} body:${digest}`,
    controls,
    bodyKeyed: digest !== undefined && engine.options.policy.cacheableMethods.has(request.method),
    parts: asParts,
  };
}

/** Looks a request up in storage, unless it goes straight to the origin. */
function lookUp(engine: Engine, ex: Exchange): Answer | Promise<Answer> {
  const { request } = ex;
  const policy = engine.options.policy;
  if (request.controls.bypass === true || !usesCache(engine, ex)) {
    return forward(engine, ex, passing('bypass'));
  }
  if (request.mode === 'no-store') return forward(engine, ex, passing('request'));
  const lookupMethod = request.method === 'HEAD' ? 'GET' : request.method;
  if (!policy.cacheableMethods.has(lookupMethod) || !policy.cacheableMethods.has(request.method)) {
    return forward(engine, ex, passing('method'));
  }
  if (request.mode === 'reload') return forward(engine, ex, { ...passing('request'), store: true });
  // An in-process storage answers at once: no promise, no turn of the event loop.
  const found = engine.store.lookup(subject(ex));
  return found instanceof Promise
    ? found.then((entries) => decideOn(engine, ex, entries))
    : decideOn(engine, ex, found);
}

/** Lets the policy decide about a request and what is stored for it, and runs the decision. */
function decideOn(
  engine: Engine,
  ex: Exchange,
  found: readonly EntryMeta[],
): Answer | Promise<Answer> {
  const { policy } = engine.options;
  // A stored redirect answers only a request that takes redirects as they come (`manual`):
  // fetch follows one otherwise (or, with `error`, fails), so the origin is asked.
  const manual = ex.request.redirect === 'manual';
  const usable = (v: EntryMeta): boolean =>
    servableBy(v, policy.shared) && (manual || !isRedirect(v.status));
  // Most lookups find only usable entries: the list is then used as it is.
  const [variants, parts] = splitParts(found.every(usable) ? found : found.filter(usable));
  const decision = decide({
    request: ex.head,
    requestCc: ex.requestCc,
    variants,
    controls: ex.controls,
    options: policy,
    now: engine.options.clock(),
  });
  const otherwise = () => act(engine, ex, variants, decision);
  return fromParts(engine, ex, variants, parts, decision, otherwise) ?? otherwise();
}

/** Runs the policy's decision about a request. */
function act(
  engine: Engine,
  ex: Exchange,
  variants: readonly EntryMeta[],
  decision: RequestDecision<EntryMeta>,
): Promise<Answer> | Answer {
  switch (decision.type) {
    case 'fresh':
    case 'stale':
      return serveOr(
        engine,
        ex,
        variants,
        decision.entry,
        decision.freshness,
        decision.type === 'stale',
      );
    case 'stale-while-revalidate':
      revalidateInBackground(engine, ex, {
        fwd: 'stale',
        variants,
        entry: decision.entry,
        freshness: decision.freshness,
        conditions: decision.conditions,
        store: true,
        uncounted: true,
      });
      return serveOr(engine, ex, variants, decision.entry, decision.freshness, true, 'stale');
    case 'not-modified':
      return notModified(engine, ex, decision.entry, decision.freshness);
    case 'gateway-timeout':
      return onlyIfCachedTimeout(engine, ex);
    case 'forward':
      // A range request the cache cannot answer goes as it is; a 206 is stored as a part.
      if (ex.head.headers.get('range') !== null) {
        return forward(engine, ex, { ...decision, variants, conditions: undefined, store: true });
      }
      return forward(engine, ex, { ...decision, variants, store: true });
    default:
      return assertNever(decision);
  }
}

/**
 * Serves a stored response; when its body is gone or unreadable, goes to the origin instead,
 * unless the request is `only-if-cached` (RFC 9111 §5.2.1.7), which is answered 504.
 */
function serveOr(
  engine: Engine,
  ex: Exchange,
  variants: readonly EntryMeta[],
  entry: EntryMeta,
  f: Freshness,
  stale: boolean,
  fwd?: 'stale',
): Answer | Promise<Answer> {
  const served = serveStored(engine, ex, entry, f, stale, fwd);
  return served instanceof Promise
    ? served.then((answer) => answer ?? originInstead(engine, ex, variants))
    : (served ?? originInstead(engine, ex, variants));
}

/** A stored response whose body is gone: the origin's instead, or 504 for `only-if-cached`. */
function originInstead(
  engine: Engine,
  ex: Exchange,
  variants: readonly EntryMeta[],
): Response | Promise<Response> {
  if (isOnlyIfCached(ex.requestCc, ex.controls)) return onlyIfCachedTimeout(engine, ex);
  return forward(engine, ex, { ...passing('uri-miss'), variants, store: true });
}

/** RFC 9111 §5.2.1.7: nothing stored can answer an `only-if-cached` request: 504. */
function onlyIfCachedTimeout(engine: Engine, ex: Exchange): Response {
  return gatewayTimeout(
    ex.request.url,
    ex.key,
    statusEntry(engine, { detail: 'only-if-cached' }, ex.key),
    'No stored response satisfies this only-if-cached request.',
  );
}

/**
 * RFC 5861 §3: revalidates a stale entry after it was served, once per key at a time, with the
 * cache's own plain request (no caller range or preconditions, as the forward path sends). The
 * response body is read to the end so that a 200 is stored; failures become events.
 */
function revalidateInBackground(engine: Engine, ex: Exchange, fwd: Forward): void {
  const running = engine.revalidating;
  if (running.has(ex.key)) return;
  running.add(ex.key);
  const task = forward(engine, plainExchange(ex), fwd)
    .then(drain)
    .catch((error: unknown) => engine.store.failed(subject(ex), 'revalidate', error))
    .finally(() => running.delete(ex.key));
  engine.store.track(task);
}

/** An exchange as the cache's own plain request for the same thing: see {@link plainRequest}. */
function plainExchange(ex: Exchange): Exchange {
  const headers: HeaderReader = {
    get: (name) => (CALLER_ONLY_FIELDS.has(name.toLowerCase()) ? null : ex.head.headers.get(name)),
  };
  return { ...ex, request: plainRequest(ex.request), head: { ...ex.head, headers } };
}

/** The primary key of a request: a per-request key, the key option, or the default. */
export function keyOf(engine: Engine, head: RequestHead, request: IncomingRequest): string {
  if (request.controls.key !== undefined) return request.controls.key;
  const keyFn = engine.options.key;
  const url = keyUrl(head.url, engine.options.normalizeUrl);
  return keyFn === undefined ? defaultKey(head.method, url) : keyFn({ ...head, url });
}

/** Reads a response body to the end, discarding it. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  while (!(await reader.read()).done) {
    // Each chunk is discarded; reading drives the tee that stores it.
  }
}

/** RFC 9110 §15.4: the redirection statuses fetch follows. */
function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
