import type { Storing } from '../core/response-decision.ts';
import { OptionsError } from '../errors.ts';
import type { Engine } from './context.ts';
import type { Exchange } from './exchange.ts';
import { fn, nested } from './option-checks.ts';
import type { IncomingRequest } from './request.ts';

/**
 * The `filter` option: the user's say on which requests use the cache and which responses are
 * stored, on top of what RFC 9111 allows. A filter that throws (or returns anything but a
 * boolean) is an `error` event, and the cache is left out: the request goes to the origin, the
 * response is not stored. The request never fails for it.
 *
 * @module
 */

/** Which requests use the cache, and which responses it stores (as Hishel's `FilterPolicy`). */
export interface CacheFilter {
  /**
   * Whether the cache is used for a request at all: `false` sends it to the origin with no
   * lookup and nothing stored, as the per-request `bypass` does (`Cache-Status: fwd=bypass`). It
   * sees the request's method, URL and header fields (not its body).
   * @example { request: (req) => new URL(req.url).pathname.startsWith('/api/') }
   */
  readonly request?: (request: Request) => boolean;
  /**
   * Whether to store a response that RFC 9111 (and the cache's options) allow to be stored. It
   * may read the body (`await response.json()`): the cache then reads the origin's body once,
   * and stores and serves exactly those bytes. A filter that does not touch the body costs
   * nothing: bodies are read ahead only for a filter that reads them.
   * @example { response: async (res) => (await res.json()).ok === true }
   */
  readonly response?: (response: Response, request: Request) => boolean | Promise<boolean>;
}

/** The `filter` option, checked: an object whose `request` and `response` are functions. */
export function filterOption(value: CacheFilter | undefined): CacheFilter | undefined {
  if (value === undefined) return undefined;
  nested('filter', value, ['request', 'response']);
  fn('filter.request', value.request);
  fn('filter.response', value.response);
  return value.request === undefined && value.response === undefined ? undefined : value;
}

/** Whether the request filter, if any, lets the cache handle the request. */
export function usesCache(engine: Engine, ex: Exchange): boolean {
  const filter = engine.options.filter?.request;
  if (filter === undefined) return true;
  try {
    return verdict(filter(filterRequest(ex.request)), 'filter.request');
  } catch (error) {
    engine.events.emit('error', { ...named(ex), operation: 'filter.request', error });
    return false;
  }
}

/**
 * What to store after the response filter, if any, has had its say on `storing` (what the policy
 * allows): `storing`, or `undefined` when the filter declines or fails.
 */
export async function filterStoring(
  engine: Engine,
  ex: Exchange,
  response: Response,
  storing: Storing | undefined,
): Promise<Storing | undefined> {
  const filter = engine.options.filter?.response;
  if (filter === undefined || storing === undefined) return storing;
  const copy = bodyOnDemand(response);
  try {
    const keep = verdict(await filter(copy.view, filterRequest(ex.request)), 'filter.response');
    return keep ? storing : undefined;
  } catch (error) {
    engine.events.emit('error', { ...named(ex), operation: 'filter.response', error });
    return undefined;
  } finally {
    copy.release();
  }
}

function named(ex: Exchange): { key: string; url: string } {
  return { key: ex.key, url: ex.head.url };
}

/** A filter's answer, which must be a boolean. */
function verdict(answer: unknown, name: string): boolean {
  if (typeof answer === 'boolean') return answer;
  throw new OptionsError(name, `must return a boolean, got ${typeof answer}`);
}

/** The request a filter sees: method, URL and header fields, without the caller's body. */
function filterRequest(request: IncomingRequest): Request {
  const { headers } = request;
  const init: RequestInit = { method: request.method };
  if (headers instanceof Headers) init.headers = headers;
  else if (Symbol.iterator in headers) init.headers = headers as HeadersInit;
  return new Request(request.url, init);
}

/** The members of a `Response` that read its body. */
const BODY_MEMBERS: ReadonlySet<string> = new Set([
  'arrayBuffer',
  'blob',
  'body',
  'bodyUsed',
  'bytes',
  'clone',
  'formData',
  'json',
  'text',
]);

/**
 * `response` as a filter sees it: its head as it is, its body from a clone made the first time
 * the filter reaches for the body. The cache goes on with `response`, whose body then holds what
 * the filter read (a clone tees the origin's body, which is read once). `release` lets go of a
 * clone whose body was left unread, so that it does not buffer the body the caller reads.
 */
function bodyOnDemand(response: Response): { view: Response; release: () => void } {
  let copy: Response | undefined;
  const view = new Proxy(response, {
    get(target, name) {
      const source = typeof name === 'string' && BODY_MEMBERS.has(name) ? body() : target;
      const value: unknown = Reflect.get(source, name, source);
      return typeof value === 'function' ? value.bind(source) : value;
    },
  });
  const body = (): Response => {
    copy ??= response.clone();
    return copy;
  };
  const release = (): void => {
    const stream = copy?.body;
    if (stream !== undefined && stream !== null && !stream.locked) {
      stream.cancel().catch(() => undefined);
    }
  };
  return { view, release };
}
