/**
 * The doors a conformance case reaches the cache through: `createFetch()` (private and shared),
 * the undici interceptor under undici's `fetch` (private and shared), the reverse proxy under a
 * plain `fetch` (shared) and `withCache()` on an axios instance with its Node.js http adapter
 * (private and shared). Each door opens a fresh cache on the conformance clock.
 */
import axios, { type AxiosResponse } from 'axios';
import { Agent, fetch as undiciFetch } from 'undici';
import type { HttpCache } from '../../src/engine/http-cache.ts';
import type { HttpCacheOptions } from '../../src/engine/options.ts';
import { createFetch } from '../../src/index.ts';
import { withCache } from '../../src/integrations/axios.ts';
import { originResponse } from '../../src/integrations/origin-response.ts';
import { createProxy } from '../../src/integrations/server/index.ts';
import { cacheInterceptor } from '../../src/integrations/undici.ts';
import { conformanceClock } from './origin.ts';

/** One cache behind one door, for one case. */
export interface DoorClient {
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Resolves once the cache's background work (stores, revalidations) has settled. */
  idle(): Promise<void>;
  /** The cache's `error` events so far, described: with memory storage, each one is a fault. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Cache options a test sets beyond the door's own (`shared`, the clock, the origin). */
export type DoorOptions = Omit<HttpCacheOptions, 'fetch' | 'shared' | 'clock'>;

/** A way into the cache. */
export interface Door {
  readonly name: string;
  /** The `shared` settings it runs with. */
  readonly modes: readonly boolean[];
  open(shared: boolean, origin: string, options?: DoorOptions): Promise<DoorClient>;
}

const clock = conformanceClock.read;

/** Collects the `error` events of `cache`. */
function errorsOf(cache: Pick<HttpCache, 'on'>): string[] {
  const errors: string[] = [];
  cache.on('error', (event) =>
    errors.push(`${event.operation} ${event.key}: ${String(event.error)}`),
  );
  return errors;
}

/** The statuses whose responses have no body. */
const NO_BODY = new Set([204, 205, 304]);

/**
 * An axios request for a fetch-style one: header lines of one name combined, any status kept,
 * the body as text.
 */
function axiosRequest(url: string, init: RequestInit) {
  const headers: Record<string, string> = {};
  for (const [name, value] of new Headers(init.headers)) headers[name] = value;
  return {
    url,
    method: init.method ?? 'GET',
    headers,
    data: init.body ?? undefined,
    maxRedirects: init.redirect === 'manual' ? 0 : 5,
    responseType: 'text' as const,
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    // The Fetch cache mode of browser runs, as the axios integration takes it.
    ...(init.cache === undefined ? {} : { httpcache: { cache: init.cache } }),
  };
}

/** The axios response as a fetch `Response`, its `Set-Cookie` lines kept apart. */
function asResponse(response: AxiosResponse<string>): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const line of value) headers.append(name, String(line));
    else if (value !== undefined && value !== null) headers.set(name, String(value));
  }
  const body = NO_BODY.has(response.status) ? null : String(response.data ?? '');
  return originResponse(body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/** The doors, in the order they run. */
export const DOORS: readonly Door[] = [
  {
    name: 'fetch',
    modes: [false, true],
    async open(shared, _origin, options) {
      const cachedFetch = createFetch({ ...options, shared, clock });
      return {
        fetch: cachedFetch,
        idle: () => cachedFetch.idle(),
        errors: errorsOf(cachedFetch.cache),
        close: () => cachedFetch.close(),
      };
    },
  },
  {
    name: 'undici',
    modes: [false, true],
    async open(shared, _origin, options) {
      const interceptor = cacheInterceptor({ ...options, shared, clock });
      const agent = new Agent().compose(interceptor);
      return {
        fetch: (url, init) =>
          undiciFetch(url, { ...init, dispatcher: agent } as Parameters<
            typeof undiciFetch
          >[1]) as unknown as Promise<Response>,
        idle: () => interceptor.cache.idle(),
        errors: errorsOf(interceptor.cache),
        close: async () => {
          await agent.close();
          await interceptor.close();
        },
      };
    },
  },
  {
    name: 'axios',
    modes: [false, true],
    async open(shared, _origin, options) {
      const instance = withCache(axios.create(), { ...options, shared, clock });
      return {
        fetch: async (url, init) => asResponse(await instance.request(axiosRequest(url, init))),
        idle: () => instance.httpcache.idle(),
        errors: errorsOf(instance.httpcache),
        close: () => instance.httpcache.close(),
      };
    },
  },
  {
    name: 'proxy',
    modes: [true],
    async open(shared, origin, options) {
      const proxy = await createProxy({ ...options, upstream: origin, shared, clock });
      return {
        async fetch(url, init) {
          const response = await fetch(proxy.url + url.slice(origin.length), init);
          // Every answer of the origin carries Server-Request-Count; a 502 without it is the
          // proxy's report of a failure, where a plain fetch would have rejected.
          if (response.status === 502 && !response.headers.has('server-request-count')) {
            throw new Error(`the proxy answered ${response.status}: ${await response.text()}`);
          }
          return response;
        },
        idle: () => proxy.cache.idle(),
        errors: errorsOf(proxy.cache),
        close: () => proxy.close(),
      };
    },
  },
];

/** The doors `CONFORMANCE_DOORS` (a comma-separated list of names; empty for all) picks. */
export function chosenDoors(list: string | undefined): readonly Door[] {
  const names = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !DOORS.some((door) => door.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `CONFORMANCE_DOORS names unknown door(s) ${unknown.join(', ')}; the doors are ${DOORS.map((d) => d.name).join(', ')}`,
    );
  }
  return names.length === 0 ? DOORS : DOORS.filter((door) => names.includes(door.name));
}
