import type { IncomingMessage, request as nodeRequest } from 'node:http';
import { originResponse } from '../origin-response.ts';
import { fromNodeReadable } from '../streams.ts';
import { endToEnd, rawPairs } from './hop-by-hop.ts';

/**
 * The proxy's origin: a request to the upstream on node:http, its answer as a WHATWG `Response`
 * whose body streams with back-pressure. Unlike `fetch`, it leaves content codings alone, so the
 * bytes the upstream sent are the bytes stored and relayed.
 *
 * @module
 */

/** RFC 9110 §6.4.1: statuses whose responses have no content. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** The upstream did not answer within the proxy's `timeout`. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(url: string, ms: number) {
    super(`The upstream did not answer ${url} within ${ms} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

/** One request to the upstream. */
export interface UpstreamRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Iterable<readonly [string, string]>;
  /** The client's request body, streamed on (or its bytes, once read for a body key), or `null`. */
  readonly body: IncomingMessage | Uint8Array | null;
  /** Aborts the request until the response head arrives. */
  readonly signal: AbortSignal | undefined;
  /** Called with each interim (1xx) response before the final one; fields end-to-end only. */
  readonly onInterim: ((status: number, headers: [string, string][]) => void) | undefined;
  /** Milliseconds of upstream silence before giving up. */
  readonly timeout: number;
  /** node:http's and node:https' `request` with their agents (loaded by the proxy on start). */
  readonly transports: { readonly 'http:': Transport; readonly 'https:': Transport };
}

/** A `request` function of node:http or node:https, and the agent to use with it. */
export interface Transport {
  readonly request: typeof nodeRequest;
  readonly agent: NonNullable<Parameters<typeof nodeRequest>[1]>['agent'];
}

/** Fields this module sets itself: the upstream's `Host`, and the framing of the body it sends. */
const FRAMING_FIELDS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
]);

/**
 * RFC 9112 §6: the framing of the body sent upstream, always explicit. A body the upstream cannot
 * delimit would be read as the next request on the connection (request smuggling): a streamed body
 * keeps the length the client declared (node:http has checked it) or is sent chunked; bytes are
 * sent with their length; no body, no framing.
 */
function framing(body: UpstreamRequest['body']): string[] {
  if (body === null) return [];
  if (body instanceof Uint8Array) return ['content-length', String(body.byteLength)];
  const length = body.headers['content-length'];
  return length === undefined ? ['transfer-encoding', 'chunked'] : ['content-length', length];
}

/** Sends a request upstream; resolves with the response once its head arrives. */
export function sendUpstream(upstream: UpstreamRequest): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const target = new URL(upstream.url);
    const transport = upstream.transports[target.protocol === 'https:' ? 'https:' : 'http:'];
    // Headers as an array keep their lines apart, but then node:http adds no Host of its own.
    const flat: string[] = ['host', target.host, ...framing(upstream.body)];
    for (const [name, value] of upstream.headers) {
      if (!FRAMING_FIELDS.has(name.toLowerCase())) flat.push(name, value);
    }
    const request = transport.request(target, {
      method: upstream.method,
      headers: flat,
      agent: transport.agent,
    });
    let answered = false;
    const onAbort = (): void => {
      request.destroy(abortError(upstream.signal));
    };
    upstream.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      answered = true;
      upstream.signal?.removeEventListener('abort', onAbort);
    };
    request.setTimeout(upstream.timeout, () => {
      request.destroy(new UpstreamTimeoutError(upstream.url, upstream.timeout));
    });
    request.on('error', (error) => {
      if (answered) return;
      settle();
      reject(error);
    });
    request.on('information', (info) => {
      upstream.onInterim?.(info.statusCode, endToEnd(rawPairs(info.rawHeaders)));
    });
    request.on('response', (response) => {
      settle();
      try {
        resolve(toResponse(response, upstream));
      } catch (error) {
        response.destroy();
        reject(error);
      }
    });
    if (upstream.signal?.aborted === true) {
      onAbort();
      return;
    }
    if (upstream.body === null || upstream.body instanceof Uint8Array) request.end(upstream.body);
    else upstream.body.pipe(request);
  });
}

function toResponse(response: IncomingMessage, upstream: UpstreamRequest): Response {
  const status = response.statusCode ?? 502;
  const empty = NULL_BODY_STATUSES.has(status) || upstream.method === 'HEAD';
  if (empty) response.resume();
  // Once the head is here, silence is the body's business: the timeout errors the body.
  response.on('error', () => {});
  const result = originResponse(empty ? null : fromNodeReadable(response), {
    status,
    statusText: response.statusMessage ?? '',
    headers: endToEnd(rawPairs(response.rawHeaders)),
  });
  Object.defineProperty(result, 'url', { value: upstream.url });
  return result;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The client went away', 'AbortError');
}
