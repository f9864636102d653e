import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { replayedBody } from '../body.ts';
import { originResponse } from '../origin-response.ts';
import { fromNodeReadable, isNodeReadable } from '../streams.ts';
import { toHeaders } from './headers.ts';

/**
 * The origin side of the axios integration: axios' own adapter called with the request config,
 * asked for a stream and every status, its answer built into a WHATWG `Response`.
 *
 * @module
 */

/** RFC 9110 §6.4.1: statuses whose responses have no content. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** One axios request on its way through the cache. */
export interface AdapterCall {
  readonly adapter: AxiosAdapter;
  readonly config: InternalAxiosRequestConfig;
  /** The headers handed to the engine, to tell which fields it added. */
  readonly headers: Headers;
  /** Whether the adapter is axios' Node.js http adapter (Buffers, Node streams, no decoding). */
  readonly node: boolean;
  /** The adapter's `request` of the last origin response, for `response.request`. */
  request: unknown;
}

/** Sends `call` through the original adapter, with the validators the engine added. */
export async function callAdapter(
  call: AdapterCall,
  input: RequestInfo | URL,
  url: string,
  headers: HeadersInit | undefined,
): Promise<Response> {
  const config: InternalAxiosRequestConfig = {
    ...call.config,
    headers: withAddedFields(call, headers),
    responseType: 'stream',
    // Every status reaches the cache (a 304 above all); the caller's validateStatus applies to
    // the cache's answer.
    validateStatus: null,
  };
  // The http adapter decodes content codings and drops Content-Encoding but not Content-Length;
  // the cache stores the coded bytes with their own headers instead, and decodes on the way out.
  if (call.node) config.decompress = false;
  // A body-keyed request's body was read for its key; the engine hands it back as bytes.
  const replayed = await replayedBody(input);
  if (replayed !== undefined) {
    config.data = call.node ? Buffer.from(replayed.buffer, 0, replayed.length) : replayed;
  }
  const response = await call.adapter(config);
  call.request = response.request;
  return toResponse(response, url, config.method);
}

function withAddedFields(
  call: AdapterCall,
  headers: HeadersInit | undefined,
): InternalAxiosRequestConfig['headers'] {
  if (headers === call.headers || !(headers instanceof Headers)) return call.config.headers;
  const added: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (call.headers.get(name) !== value) added[name] = value;
  }
  return call.config.headers.concat(added);
}

function toResponse(response: AxiosResponse, url: string, method: string | undefined): Response {
  const empty = NULL_BODY_STATUSES.has(response.status) || method?.toUpperCase() === 'HEAD';
  const body = empty ? null : toBody(response.data);
  if (empty) discard(response.data);
  const headers = toHeaders(
    response.headers as Iterable<[string, string | string[] | undefined]> | Record<string, string>,
  );
  const result = originResponse(body, {
    status: response.status,
    statusText: response.statusText ?? '',
    headers,
  });
  // follow-redirects (the http adapter's) tells where the response came from; a redirected
  // response answers another URL, and the engine does not store it under this one.
  const final = responseUrl(response.request);
  Object.defineProperty(result, 'url', { value: final ?? url });
  if (final !== undefined && final !== new URL(url).href) {
    Object.defineProperty(result, 'redirected', { value: true });
  }
  return result;
}

function responseUrl(request: unknown): string | undefined {
  const res = (request as { res?: { responseUrl?: unknown } } | undefined)?.res;
  const value = res?.responseUrl;
  return typeof value === 'string' && URL.canParse(value) ? new URL(value).href : undefined;
}

/** What an adapter returned as `data` for `responseType: 'stream'`, as a body. */
function toBody(data: unknown): BodyInit | null {
  if (data === undefined || data === null) return null;
  if (isNodeReadable(data)) return fromNodeReadable(data);
  // The fetch adapter's stream, or whatever another adapter made of it.
  return data as BodyInit;
}

function discard(data: unknown): void {
  if (isNodeReadable(data)) data.destroy();
  else if (data instanceof ReadableStream) data.cancel().catch(() => {});
}
