import type { CacheStatusEntry } from '../core/cache-status.ts';
import {
  decide,
  type ForwardReason,
  mustRevalidate,
  type RequestDecision,
  requestCacheControl,
} from '../core/decision.ts';
import { declaredLength, freshen, newEntry, servableBy } from '../core/entry.ts';
import { explicitLifetime, type Freshness, freshnessUnder, ttlOf } from '../core/freshness.ts';
import { invalidatedUrls } from '../core/invalidation.ts';
import { defaultKey, keyUrl, normalizeUrl } from '../core/key.ts';
import { canServeStaleOnError, STALE_IF_ERROR_STATUSES } from '../core/stale.ts';
import { storability } from '../core/storable.ts';
import { responseDirectives } from '../core/targeted.ts';
import type { HeaderPairs, RequestControls, RequestHead } from '../core/types.ts';
import { responsesToUpdate } from '../core/validation.ts';
import { matchesVariant, newestFirst } from '../core/vary.ts';
import { ClosedError } from '../errors.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { EntryMeta, EntryToStore, Storage } from '../storage/types.ts';
import { teeBody } from './body-tee.ts';
import { type FlightOutcome, Flights, type Follower } from './coalesce.ts';
import { debugLogging } from './debug.ts';
import {
  type CacheEventCounts,
  type CacheEventListener,
  type CacheEventType,
  Emitter,
} from './events.ts';
import {
  coalescable,
  type Exchange,
  expectedLength,
  type Forward,
  passing,
  validUrl,
} from './exchange.ts';
import { attachMetadata, type CacheMetadata } from './metadata.ts';
import { type HttpCacheOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { ranged } from './range-response.ts';
import {
  type CacheRequestInit,
  describeRequest,
  digestBody,
  hasBody,
  type IncomingRequest,
  originArguments,
  withCredentialsDigested,
} from './request.ts';
import { buildResponse, gatewayTimeout } from './respond.ts';
import { StorageGate, type Subject } from './storage-gate.ts';

/** What {@link HttpCache.stats} returns. */
export type CacheStats = CacheEventCounts & {
  /** Hits over hits and misses, from 0 to 1. */
  readonly hitRatio: number;
};

/**
 * The cache engine: a `fetch` in front of an origin `fetch`. It asks storage, lets the RFC 9111
 * policy decide, goes to the origin when it must, stores what may be stored while the caller
 * reads it, and marks every response with `Age`, `Cache-Status` and metadata.
 *
 * @example
 * ```ts
 * const cache = new HttpCache({ storage: new MemoryStorage() });
 * const res = await cache.fetch('https://example.com/');
 * cache.on('hit', (e) => console.log('hit', e.url));
 * ```
 */
export class HttpCache {
  readonly #options: ResolvedOptions;
  readonly #events = new Emitter();
  readonly #store: StorageGate;
  /** Keys being revalidated in the background. */
  readonly #revalidating = new Set<string>();
  /** Origin requests in flight that others may join. */
  readonly #flights = new Flights<Exchange>();
  #closed = false;

  constructor(options: HttpCacheOptions = {}) {
    this.#options = resolveOptions(options);
    debugLogging(this.#events);
    const storage = this.#options.storage ?? new MemoryStorage();
    this.#store = new StorageGate(
      storage,
      this.#events,
      this.#options.clock,
      this.#options.storageTimeout,
    );
  }

  /** The storage in use. */
  get storage(): Storage {
    return this.#store.storage;
  }

  /** Adds an event listener; returns a function that removes it. */
  on<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): () => void {
    return this.#events.on(type, listener);
  }

  /** Removes an event listener. */
  off<T extends CacheEventType>(type: T, listener: CacheEventListener<T>): void {
    this.#events.off(type, listener);
  }

  /**
   * Fetches through the cache: the same arguments as `fetch`, plus `init.httpcache` for
   * per-request controls.
   */
  readonly fetch = (input: RequestInfo | URL, init?: CacheRequestInit): Promise<Response> =>
    this.#handle(input, init);

  /**
   * Resolves once the cache's background work has settled: bodies being stored (which finish
   * only once their readers have read them), stale-while-revalidate revalidations, and hit
   * records. Each has also emitted its event (`store`, `revalidate`, `error`) by then. Useful in
   * tests and before a process exits without {@link close}.
   *
   * @example
   * ```ts
   * const res = await cache.fetch(url);
   * await res.text();
   * await cache.idle(); // the entry is now stored and findable
   * ```
   */
  idle(): Promise<void> {
    return this.#store.idle();
  }

  /** Stops storing bodies still being read, waits for background work, and closes storage. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#store.close();
  }

  async #handle(input: RequestInfo | URL, init: CacheRequestInit | undefined): Promise<Response> {
    if (this.#closed) throw new ClosedError('HttpCache');
    let request = describeRequest(input, init);
    const url = validUrl(request.url);
    // A request fetch itself would reject goes to it untouched, so the caller sees its error.
    if (url === undefined) return this.#options.fetch(input, init);
    let digest: string | undefined;
    if ((request.controls.bodyKey ?? this.#options.bodyKey) && hasBody(request)) {
      ({ request, digest } = await digestBody(request));
    }
    const head: RequestHead = {
      method: request.method,
      url,
      headers: await withCredentialsDigested(request.headers),
    };
    const controls: RequestControls = {
      mode: request.mode,
      ttl: request.controls.ttl,
      forceStore: request.controls.forceStore,
    };
    const ex: Exchange = {
      request,
      head,
      requestCc: requestCacheControl(head),
      key:
        digest === undefined
          ? this.#keyOf(head, request)
          : `${this.#keyOf(head, request)} body:${digest}`,
      controls,
      bodyKeyed: digest !== undefined && this.#options.policy.cacheableMethods.has(request.method),
    };
    const policy = this.#options.policy;
    if (request.controls.bypass === true) return this.#forward(ex, passing('bypass'));
    if (request.mode === 'no-store') return this.#forward(ex, passing('request'));
    const lookupMethod = request.method === 'HEAD' ? 'GET' : request.method;
    if (
      !policy.cacheableMethods.has(lookupMethod) ||
      !policy.cacheableMethods.has(request.method)
    ) {
      return this.#forward(ex, passing('method'));
    }
    if (request.mode === 'reload') return this.#forward(ex, { ...passing('request'), store: true });
    const stored = (await this.#store.lookup(subject(ex))).filter((v) =>
      servableBy(v, policy.shared),
    );
    // A stored redirect answers only a request that takes redirects as they come (`manual`):
    // fetch follows one otherwise (or, with `error`, fails), so the origin is asked.
    const variants =
      request.redirect === 'manual' ? stored : stored.filter((v) => !isRedirect(v.status));
    const decision = decide({
      request: head,
      requestCc: ex.requestCc,
      variants,
      controls,
      options: policy,
      now: this.#options.clock(),
    });
    return this.#act(ex, variants, decision);
  }

  #act(
    ex: Exchange,
    variants: readonly EntryMeta[],
    decision: RequestDecision<EntryMeta>,
  ): Promise<Response> | Response {
    switch (decision.type) {
      case 'fresh':
      case 'stale':
        return this.#serve(
          ex,
          variants,
          decision.entry,
          decision.freshness,
          decision.type === 'stale',
        );
      case 'stale-while-revalidate':
        this.#revalidateInBackground(ex, {
          fwd: 'stale',
          variants,
          entry: decision.entry,
          freshness: decision.freshness,
          conditions: decision.conditions,
          store: true,
        });
        return this.#serve(ex, variants, decision.entry, decision.freshness, true, 'stale');
      case 'not-modified':
        return this.#notModified(ex, decision.entry, decision.freshness);
      case 'gateway-timeout':
        return gatewayTimeout(
          ex.request.url,
          ex.key,
          this.#status({ detail: 'only-if-cached' }, ex.key),
          'No stored response satisfies this only-if-cached request.',
        );
      case 'forward':
        // A range request the cache cannot answer goes as it is: partial responses are not stored.
        if (ex.head.headers.get('range') !== null) {
          return this.#forward(ex, { ...decision, variants, conditions: undefined, store: false });
        }
        return this.#forward(ex, { ...decision, variants, store: true });
      default:
        return assertNever(decision);
    }
  }

  #keyOf(head: RequestHead, request: IncomingRequest): string {
    if (request.controls.key !== undefined) return request.controls.key;
    const keyFn = this.#options.key;
    const url = keyUrl(head.url, this.#options.normalizeUrl);
    return keyFn === undefined ? defaultKey(head.method, url) : keyFn({ ...head, url });
  }

  /** Serves a stored response (fresh, or stale where allowed); falls back to the origin when its body is gone. */
  async #serve(
    ex: Exchange,
    variants: readonly EntryMeta[],
    entry: EntryMeta,
    f: Freshness,
    stale: boolean,
    fwd?: ForwardReason,
  ): Promise<Response> {
    const body = await this.#store.body(subject(ex), entry);
    if (body === undefined)
      return this.#forward(ex, { ...passing('uri-miss'), variants, store: true });
    this.#touch(ex, entry);
    this.#events.emit('hit', { key: ex.key, url: ex.head.url, stale });
    const served =
      ex.head.headers.get('range') === null ? { entry, body } : ranged(ex.head, entry, body);
    return this.#fromStorage(
      ex,
      served.entry,
      f,
      served.body,
      { hit: true, fwd, ttl: ttlOf(f) },
      false,
    );
  }

  /**
   * RFC 5861 §3: revalidates a stale entry after it was served, once per key at a time. The
   * response body is read to the end so that a 200 is stored; failures become events.
   */
  #revalidateInBackground(ex: Exchange, fwd: Forward): void {
    if (this.#revalidating.has(ex.key)) return;
    this.#revalidating.add(ex.key);
    const task = this.#forward(ex, fwd)
      .then(drain)
      .catch((error: unknown) => this.#store.failed(subject(ex), 'revalidate', error))
      .finally(() => this.#revalidating.delete(ex.key));
    this.#store.track(task);
  }

  /** RFC 9111 §4.3.2: answers the caller's conditional request with 304 from a fresh entry. */
  #notModified(ex: Exchange, entry: EntryMeta, f: Freshness): Response {
    this.#touch(ex, entry);
    this.#events.emit('hit', { key: ex.key, url: ex.head.url, stale: false });
    return this.#fromStorage(
      ex,
      { ...entry, status: 304, statusText: 'Not Modified' },
      f,
      null,
      { hit: true, ttl: ttlOf(f) },
      false,
    );
  }

  #fromStorage(
    ex: Exchange,
    entry: EntryMeta,
    f: Freshness,
    body: BodyInit | null,
    status: Omit<CacheStatusEntry, 'cache'>,
    revalidated: boolean,
  ): Response {
    return buildResponse({
      status: entry.status,
      statusText: entry.statusText,
      headers: entry.headers,
      body: ex.head.method === 'HEAD' ? discard(body) : body,
      age: f.age,
      cacheStatus: this.#status(status, ex.key),
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
        forwarded: status.fwd,
      },
    });
  }

  /**
   * Goes to the origin for a request. Concurrent requests that may share a stored response join
   * the first one's origin request instead of making their own.
   */
  async #forward(ex: Exchange, fwd: Forward): Promise<Response> {
    if (!coalescable(ex, fwd)) return this.#forwardAlone(ex, fwd, undefined);
    const joined = this.#flights.join(ex.key, ex);
    if (joined !== undefined) return this.#follow(ex, fwd, await joined);
    let followers: Follower<Exchange>[] | undefined;
    const land = (): Follower<Exchange>[] => {
      followers ??= this.#flights.land(ex.key);
      return followers;
    };
    try {
      return await this.#forwardAlone(ex, fwd, land);
    } catch (error) {
      for (const follower of land()) follower.settle({ type: 'error', error });
      throw error;
    } finally {
      for (const follower of land()) follower.settle({ type: 'alone' });
    }
  }

  /** A request that waited for another's origin request takes its outcome. */
  async #follow(ex: Exchange, fwd: Forward, outcome: FlightOutcome): Promise<Response> {
    switch (outcome.type) {
      case 'response':
        this.#events.emit('coalesced', { key: ex.key, url: ex.head.url });
        return outcome.response;
      case 'error':
        return this.#originFailed(ex, fwd, outcome.error);
      case 'alone':
        // Nothing to share: look again (the leader may have freshened the stored response).
        return this.#handle(ex.request.input, ex.request.init);
      default:
        return assertNever(outcome);
    }
  }

  /** Goes to the origin, and handles its answer. */
  async #forwardAlone(
    ex: Exchange,
    fwd: Forward,
    land: (() => Follower<Exchange>[]) | undefined,
  ): Promise<Response> {
    this.#events.emit('miss', { key: ex.key, url: ex.head.url, reason: fwd.fwd });
    const [input, init] = originArguments(ex.request, fwd.conditions);
    const requestTime = this.#options.clock();
    let response: Response;
    try {
      response = await this.#options.fetch(input, init);
    } catch (error) {
      if (land !== undefined)
        for (const follower of land()) follower.settle({ type: 'error', error });
      return this.#originFailed(ex, fwd, error);
    }
    const responseTime = this.#options.clock();
    // A status a Response cannot be built with (600 and up) passes through untouched, as the
    // origin fetch gave it: there is nothing a cache may do with it.
    if (response.status > 599) return attachMetadata(response, passedThrough(ex, fwd));
    if (STALE_IF_ERROR_STATUSES.has(response.status)) {
      const stale = await this.#staleOnError(ex, fwd, response.status, response);
      if (stale !== undefined) return stale;
    }
    if (response.status === 304 && fwd.conditions !== undefined) {
      return this.#revalidated(ex, fwd, response, requestTime, responseTime);
    }
    if (fwd.entry !== undefined) {
      this.#events.emit('revalidate', { key: ex.key, url: ex.head.url, status: response.status });
    }
    await this.#invalidate(ex, response);
    await this.#freshenFrom(ex, fwd, response, requestTime, responseTime);
    const asGet = this.#postAnsweringGet(ex, response);
    if (asGet !== undefined) {
      return this.#passOn(
        asGet,
        { ...fwd, store: true },
        response,
        requestTime,
        responseTime,
        land,
      );
    }
    return this.#passOn(ex, fwd, response, requestTime, responseTime, land);
  }

  /**
   * RFC 9110 §9.3.3: "a cached POST response can be reused to satisfy a later GET or HEAD
   * request" when it has explicit freshness and a `Content-Location` naming the target URI
   * (RFC 9110 §8.7). Such a response is stored as the GET response of its URL: the exchange as
   * a GET sees it, or `undefined`.
   */
  #postAnsweringGet(ex: Exchange, response: Response): Exchange | undefined {
    if (
      ex.head.method !== 'POST' ||
      ex.bodyKeyed ||
      !this.#options.policy.cacheableMethods.has('GET')
    ) {
      return undefined;
    }
    const location = response.headers.get('content-location');
    const named =
      location !== null && URL.canParse(location, ex.head.url)
        ? validUrl(new URL(location, ex.head.url).href)
        : undefined;
    if (named !== ex.head.url) return undefined;
    const head: RequestHead = { ...ex.head, method: 'GET' };
    const { cc, targeted } = responseDirectives(
      [...response.headers],
      this.#options.policy.targeted,
    );
    const lifetime = explicitLifetime(
      { headers: [...response.headers], responseTime: 0 },
      cc,
      this.#options.policy.shared,
      targeted,
    );
    if (lifetime === undefined) return undefined;
    return { ...ex, head, key: this.#keyOf(head, ex.request) };
  }

  /**
   * The origin could not be reached: a stale response where allowed, a 504 where RFC 9111
   * §5.2.2.2 requires one, or the origin's error unchanged.
   */
  async #originFailed(ex: Exchange, fwd: Forward, error: unknown): Promise<Response> {
    const stale = await this.#staleOnError(ex, fwd, error, undefined);
    if (stale !== undefined) return stale;
    // RFC 9111 §5.2.2.2: "if a cache is disconnected, the cache MUST generate an error response
    // rather than reuse the stale response. The generated status code SHOULD be 504".
    if (
      fwd.freshness !== undefined &&
      mustRevalidate(fwd.freshness.cc, this.#options.policy.shared)
    ) {
      return gatewayTimeout(
        ex.request.url,
        ex.key,
        this.#status({ fwd: fwd.fwd, detail: 'must-revalidate' }, ex.key),
        'The origin could not be reached and the stored response must be revalidated.',
      );
    }
    throw error;
  }

  /** A 304 to the cache's own conditional request: freshen and serve the stored response. */
  async #revalidated(
    ex: Exchange,
    fwd: Forward,
    response: Response,
    requestTime: number,
    responseTime: number,
  ): Promise<Response> {
    await response.body?.cancel();
    const updated = await this.#freshenFrom(ex, fwd, response, requestTime, responseTime);
    const entry = updated.find((e) => e.id === fwd.entry?.id) ?? updated[0];
    const body = entry === undefined ? undefined : await this.#store.body(subject(ex), entry);
    // RFC 9111 §4.3.3: a 304 that selects no stored response cannot be used: ask again, unconditionally.
    if (entry === undefined || body === undefined)
      return this.#forwardAlone(ex, { ...fwd, conditions: undefined }, undefined);
    this.#events.emit('revalidate', { key: ex.key, url: ex.head.url, status: 304 });
    const f = freshnessUnder(entry, this.#options.clock(), this.#options.policy);
    // A shared cache stores no Set-Cookie, but the cookies of this exchange are this caller's own.
    const cookies = this.#options.policy.shared ? response.headers.getSetCookie() : [];
    const served =
      cookies.length === 0
        ? entry
        : {
            ...entry,
            headers: [...entry.headers, ...cookies.map((c): [string, string] => ['set-cookie', c])],
          };
    return this.#fromStorage(
      ex,
      served,
      f,
      body,
      { fwd: fwd.fwd, fwdStatus: 304, ttl: ttlOf(f) },
      true,
    );
  }

  /**
   * RFC 9111 §4.3.4 and §4.3.5: freshens the stored responses a 304 or a HEAD response
   * identifies, and returns them.
   */
  async #freshenFrom(
    ex: Exchange,
    fwd: Forward,
    response: Response,
    requestTime: number,
    responseTime: number,
  ): Promise<EntryMeta[]> {
    const freshening =
      response.status === 304 || (ex.head.method === 'HEAD' && response.status === 200);
    if (!freshening || fwd.variants.length === 0) return [];
    const ordered = [...fwd.variants].sort(newestFirst);
    const targets = responsesToUpdate(
      ordered,
      response.headers,
      fwd.conditions === undefined ? undefined : fwd.entry,
    );
    const updated: EntryMeta[] = [];
    for (const target of targets) {
      const entry = freshen(
        target,
        response.headers,
        requestTime,
        responseTime,
        this.#options.policy,
        ex.controls,
      );
      if (await this.#store.update(subject(ex), entry)) updated.push(entry);
    }
    return updated;
  }

  /** RFC 9111 §4.4: removes what an unsafe request's non-error response invalidates. */
  async #invalidate(ex: Exchange, response: Response): Promise<void> {
    if (ex.bodyKeyed) return;
    const urls = invalidatedUrls(ex.head.method, ex.head.url, response.status, response.headers);
    if (urls.length === 0) return;
    for (const url of urls) {
      // By URL rather than by key: whatever key function stored them, they all go.
      await this.#store.deleteUrl(subject(ex), normalizeUrl(url));
    }
    this.#events.emit('invalidate', { key: ex.key, url: ex.head.url, urls });
  }

  /** RFC 9111 §4.2.4 and RFC 5861 §4: a stale response instead of a failed origin, where allowed. */
  async #staleOnError(
    ex: Exchange,
    fwd: Forward,
    error: unknown,
    response: Response | undefined,
  ): Promise<Response | undefined> {
    const entry = fwd.entry;
    if (entry === undefined) return undefined;
    const now = this.#options.clock();
    const current = freshnessUnder(entry, now, this.#options.policy);
    if (
      !canServeStaleOnError(
        current,
        ex.requestCc,
        this.#options.policy.allowStale,
        this.#options.policy.shared,
      )
    ) {
      return undefined;
    }
    const body = await this.#store.body(subject(ex), entry);
    if (body === undefined) return undefined;
    await response?.body?.cancel();
    this.#events.emit('stale-if-error', { key: ex.key, url: ex.head.url, error });
    const fwdStatus = response?.status;
    return this.#fromStorage(
      ex,
      entry,
      current,
      body,
      { fwd: fwd.fwd, fwdStatus, ttl: ttlOf(current), detail: 'stale-if-error' },
      false,
    );
  }

  /** Returns the origin's response, storing it on the way when the policy allows. */
  #passOn(
    ex: Exchange,
    fwd: Forward,
    response: Response,
    requestTime: number,
    responseTime: number,
    land: (() => Follower<Exchange>[]) | undefined,
  ): Response | Promise<Response> {
    const entry = fwd.store ? this.#entryFor(ex, response, requestTime, responseTime) : undefined;
    // Waiting requests share this response only if it is to be stored and answers them too (RFC 9111 §4.1).
    const sharing =
      entry === undefined || land === undefined
        ? []
        : land().filter((follower) => matchesVariant(entry, follower.context.head.headers));
    const ttl = entry === undefined ? undefined : (entry.staleAt - responseTime) / 1000;
    if (entry !== undefined && response.body !== null && this.#readsWhole(entry)) {
      return this.#passOnWhole(ex, fwd, response, entry, sharing, ttl);
    }
    let bodies: (ReadableStream<Uint8Array<ArrayBuffer>> | null)[] = [response.body];
    if (entry !== undefined && response.body !== null) {
      const teed = teeBody(response.body, {
        maxBytes: this.#options.maxBodySize,
        storageTimeout: this.#options.storageTimeout,
        expectedLength: expectedLength(entry),
        readers: 1 + sharing.length,
      });
      this.#store.store(subject(ex), entry, teed.storage, teed.abortStoring);
      bodies = teed.readers;
    } else if (entry !== undefined) {
      // A response without content (a 204, say) is stored whole at once.
      this.#store.store(subject(ex), entry, new Blob().stream(), () => undefined);
      bodies = sharing.map(() => null).concat([null]);
    }
    sharing.forEach((follower, i) => {
      const body = bodies[i + 1] ?? null;
      follower.settle({
        type: 'response',
        response: this.#originResponse(follower.context, fwd, response, body, entry, ttl, true),
      });
    });
    return this.#originResponse(ex, fwd, response, bodies[0] ?? null, entry, ttl, false);
  }

  /**
   * Whether to read a storable body whole before answering, rather than tee it: a small body of
   * declared length is cheaper to read once, store and hand on as bytes.
   */
  #readsWhole(entry: EntryToStore): boolean {
    const length = expectedLength(entry);
    return (
      length !== undefined && length <= WHOLE_BODY_LIMIT && length <= this.#options.maxBodySize
    );
  }

  /**
   * A small storable response: its body read whole, stored if complete, and handed to the caller
   * (and any waiting requests) as bytes. A body that fails reaches each of them failing the same
   * way, as plain fetch's would, and nothing is stored.
   */
  async #passOnWhole(
    ex: Exchange,
    fwd: Forward,
    response: Response,
    entry: EntryToStore,
    sharing: readonly Follower<Exchange>[],
    ttl: number | undefined,
  ): Promise<Response> {
    let body: () => Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>>;
    let stored: EntryToStore | undefined = entry;
    try {
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.byteLength === expectedLength(entry))
        this.#store.storeBytes(subject(ex), entry, bytes);
      else stored = undefined;
      body = () => bytes;
    } catch (error) {
      stored = undefined;
      body = () => failing(error);
    }
    for (const follower of sharing) {
      follower.settle({
        type: 'response',
        response: this.#originResponse(follower.context, fwd, response, body(), stored, ttl, true),
      });
    }
    return this.#originResponse(ex, fwd, response, body(), stored, ttl, false);
  }

  /** The caller's copy of an origin response, with Cache-Status and metadata. */
  #originResponse(
    ex: Exchange,
    fwd: Forward,
    response: Response,
    body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>> | null,
    entry: EntryToStore | undefined,
    ttl: number | undefined,
    collapsed: boolean,
  ): Response {
    const stored = entry !== undefined;
    return buildResponse({
      status: response.status,
      statusText: response.statusText,
      // A waiting request gets what a hit would give it: the stored fields, never those a
      // shared cache strips (another user's Set-Cookie, qualified private and no-cache fields).
      headers: collapsed && entry !== undefined ? sharedFields(entry, response) : response.headers,
      body,
      origin: response,
      age: undefined,
      cacheStatus: this.#status(
        { fwd: fwd.fwd, fwdStatus: response.status, stored, ttl, collapsed },
        ex.key,
      ),
      url: response.url,
      redirected: response.redirected,
      metadata: {
        fromCache: false,
        revalidated: false,
        stored,
        collapsed,
        key: ex.key,
        createdAt: undefined,
        hits: 0,
        ttl,
        forwarded: fwd.fwd,
      },
    });
  }

  /** The entry to store for an origin response, or `undefined` when it is not to be stored. */
  #entryFor(
    ex: Exchange,
    response: Response,
    requestTime: number,
    responseTime: number,
  ): EntryToStore | undefined {
    // A redirected response answers another URL; it is not stored under this one.
    if (response.redirected || ex.head.method === 'HEAD') return undefined;
    const headers = [...response.headers];
    const { cc } = responseDirectives(headers, this.#options.policy.targeted);
    const policy = this.#options.policy;
    const verdict = storability(
      {
        request: ex.head,
        requestCc: ex.requestCc,
        status: response.status,
        headers,
        cc,
        forceStore: ex.controls.forceStore === true,
      },
      policy,
    );
    if (!verdict.storable) return undefined;
    const entry = newEntry(
      {
        requestHeaders: ex.head.headers,
        status: response.status,
        statusText: response.statusText,
        headers,
        cc,
        requestTime,
        responseTime,
      },
      policy,
      ex.controls,
    );
    if (entry === undefined) return undefined;
    const length = declaredLength(entry);
    if (length !== undefined && length > this.#options.maxBodySize) return undefined;
    return {
      ...entry,
      key: ex.key,
      url: ex.head.url,
      method: ex.head.method,
      createdAt: responseTime,
    };
  }

  /** Records a hit, moving the entry's expiry when `refreshTtlOnAccess` asks for it. */
  #touch(ex: Exchange, entry: EntryMeta): void {
    const ttl = this.#options.policy.ttl;
    const refresh = this.#options.refreshTtlOnAccess && ttl !== undefined;
    this.#store.touch(subject(ex), entry, refresh ? this.#options.clock() + ttl * 1000 : undefined);
  }

  /**
   * Counters since the cache was created: how many events of each type, and the hit ratio
   * (hits over hits and misses; a miss is any request that went to the origin).
   */
  stats(): CacheStats {
    const counts = this.#events.counts();
    const total = counts.hit + counts.miss;
    return { ...counts, hitRatio: total === 0 ? 0 : counts.hit / total };
  }

  #status(params: Omit<CacheStatusEntry, 'cache'>, key: string): CacheStatusEntry | undefined {
    const option = this.#options.cacheStatus;
    if (option === false) return undefined;
    return { cache: option.name, ...params, ...(option.key ? { key } : {}) };
  }
}

/** A body a response will not carry (HEAD): a stream is cancelled so storage can let go of it. */
function discard(body: BodyInit | null): null {
  if (body instanceof ReadableStream) body.cancel().catch(() => undefined);
  return null;
}

/** Reads a response body to the end, discarding it. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  while (!(await reader.read()).done) {
    // Each chunk is discarded; reading drives the tee that stores it.
  }
}

/**
 * The fields a waiting request gets of a response it shares: those stored, less the `Date` the
 * cache added for storing when the origin sent none.
 */
function sharedFields(entry: EntryToStore, response: Response): HeaderPairs {
  return response.headers.has('date')
    ? entry.headers
    : entry.headers.filter(([name]) => name !== 'date');
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
    forwarded: fwd.fwd,
  };
}

/** Bodies of a declared length up to this many bytes are read whole rather than teed. */
const WHOLE_BODY_LIMIT = 64 * 1024;

/** A body that fails with `error` when read, as a failed origin body does. */
function failing(error: unknown): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}

/** RFC 9110 §15.4: the redirection statuses fetch follows. */
function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Names a request in events. */
function subject(ex: Exchange): Subject {
  return { key: ex.key, url: ex.head.url };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected decision: ${JSON.stringify(value)}`);
}
