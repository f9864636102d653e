import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ANSWER, type Answer } from '../../engine/answer.ts';
import { HttpCache } from '../../engine/http-cache.ts';
import type { CacheRequestInit } from '../../engine/request.ts';
import { bodyKeyed, bodyMembers, replayedBody } from '../body.ts';
import {
  forwardedHeaders,
  hasBody,
  type ProxyOptions,
  rejectUnknownProxyOptions,
  upstreamBase,
  upstreamResolver,
  validate,
} from './forward.ts';
import { TRUSTED_VARY, trustedPeers } from './forwarded.ts';
import { listen } from './listen.ts';
import { purgeEndpoint } from './purge.ts';
import { ErrorReporter, type ProxyErrorListener } from './report.ts';
import { sendError, sendInterim, sendResponse } from './send.ts';
import { sendUpstream, UpstreamTimeoutError } from './upstream.ts';

/**
 * A caching reverse proxy on node:http: a shared cache in front of one upstream.
 *
 * @module
 */

export type { ProxyOptions } from './forward.ts';

/** A running proxy. */
export interface CachingProxy {
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The node:http server. */
  readonly server: Server;
  /** The cache, for events and storage. */
  readonly cache: HttpCache;
  /**
   * Adds a listener for failures the proxy answered 502 or 504 (the client gets the status text
   * alone; the event has the detail); returns a function that removes it.
   */
  on(type: 'error', listener: ProxyErrorListener): () => void;
  /** Stops listening, ends open connections, and closes the cache and its storage. */
  close(): Promise<void>;
}

/** What the origin function needs of the client request. */
interface ClientCall {
  readonly body: IncomingMessage | null;
  /** Relays an interim response to this client. */
  readonly interim: (status: number, headers: [string, string][]) => void;
  sent: boolean;
}

const CONTEXT = Symbol('httpcache.proxy.call');

type ProxyInit = CacheRequestInit & { [CONTEXT]?: ClientCall };

/**
 * Starts a caching reverse proxy: it forwards method, path, query and body (streamed) to
 * `upstream`, strips hop-by-hop fields both ways and adds `Via`, and answers with `Age` and
 * `Cache-Status` from the cache; `400` for requests it cannot parse, `502` when the upstream cannot
 * be reached and `504` when it does not answer in time (or a stale response where allowed).
 *
 * @example
 * ```ts
 * import { createProxy } from 'httpcache/server';
 *
 * const proxy = await createProxy({ upstream: 'http://127.0.0.1:3000', port: 8080 });
 * console.log(`caching ${proxy.url}`);
 * ```
 */
export async function createProxy(options: ProxyOptions): Promise<CachingProxy> {
  rejectUnknownProxyOptions(options);
  const {
    upstream,
    port = 0,
    host = '127.0.0.1',
    timeout = 30_000,
    via,
    trustProxy,
    purgeToken,
    ...rest
  } = options;
  const base = upstreamBase(upstream);
  validate(port, timeout, via);
  const trusts = trustedPeers(trustProxy);
  // Fields from a trusted peer change the upstream's answer: the answer is keyed on them.
  const varyOnForwarding = trustProxy !== undefined && trustProxy !== false;
  const pseudonym = via === false ? undefined : (via ?? 'httpcache');
  /** RFC 9110 §7.6.3: this proxy's member of a response's `Via`. */
  const viaMember = pseudonym && `1.1 ${pseudonym}`;
  // Loaded here rather than imported, so that `httpcache/server` (cacheHandler) also loads on
  // platforms without node:http.
  const http = await import('node:http');
  const https = await import('node:https');
  const agents = [new http.Agent({ keepAlive: true }), new https.Agent({ keepAlive: true })];
  const transports = {
    'http:': { request: http.request, agent: agents[0] },
    'https:': { request: https.request, agent: agents[1] },
  };

  async function toUpstream(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const call = (init as ProxyInit | undefined)?.[CONTEXT];
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // A body-keyed request's body was read for its key; the engine hands it back as bytes.
    const replayed = await replayedBody(input);
    const first = call !== undefined && !call.sent;
    const body = replayed ?? (first ? call.body : null);
    if (call !== undefined) call.sent = true;
    const response = await sendUpstream({
      url,
      method:
        init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET'),
      headers: new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)),
      body,
      // Interim responses go to the client whose request this is, never to storage.
      onInterim: first ? call.interim : undefined,
      // The engine's signal for this upstream request: the client's own, or, for a request others
      // wait for too, one that aborts only once every one of them has gone away; none for a
      // background revalidation.
      signal: init?.signal ?? undefined,
      timeout,
      transports,
    });
    if (varyOnForwarding) response.headers.append('vary', TRUSTED_VARY);
    return response;
  }

  const cache = new HttpCache({ shared: true, ...rest, fetch: toUpstream });
  const errors = new ErrorReporter();
  const upstreamUrl = upstreamResolver(base);
  const purge = purgeEndpoint(cache, purgeToken, upstreamUrl);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'PURGE' && purge !== undefined) return purge(req, res);
    const target = req.url ?? '';
    const url = upstreamUrl(target);
    if (url === undefined) {
      sendError(res, 400, pseudonym);
      return;
    }
    let headers: Headers;
    try {
      headers = forwardedHeaders(req, pseudonym, trusts(req.socket.remoteAddress ?? ''));
    } catch {
      sendError(res, 400, pseudonym);
      return;
    }
    let answered = false;
    let aborter: AbortController | undefined;
    // Made when the engine first asks for it, which it does only to send a request upstream: a hit
    // needs neither the controller nor a listener. Aborted once the client goes away before it has
    // its response head; then a client gone away cancels the body instead.
    const signal = (): AbortSignal => {
      if (aborter === undefined) {
        const controller = new AbortController();
        aborter = controller;
        const abort = () =>
          controller.abort(new DOMException('The client went away', 'AbortError'));
        if (res.closed) {
          if (!answered) abort();
        } else {
          res.once('close', () => {
            if (!answered) abort();
          });
        }
      }
      return aborter.signal;
    };
    const call: ClientCall = {
      // A GET or HEAD body has no meaning (RFC 9110 §9.3.1) and no place in the key: not forwarded.
      body: hasBody(req) && method !== 'GET' && method !== 'HEAD' ? req : null,
      interim: (status, fields) => sendInterim(res, req.httpVersion, status, fields),
      sent: false,
    };
    const init: ProxyInit = {
      method,
      headers,
      get signal() {
        return signal();
      },
      // A proxy relays redirects to its client: a stored one is an answer like any other.
      redirect: 'manual',
      ...(call.body !== null && bodyKeyed(undefined, rest) ? bodyMembers(call.body) : {}),
      [CONTEXT]: call,
    };
    // A body not forwarded is read and dropped, so the connection stays in step.
    if (call.body === null) req.resume();
    let response: Answer;
    try {
      response = await cache[ANSWER](url, init);
    } catch (error) {
      if (!call.sent) req.resume();
      // The client went away before its answer (the signal, if made, is aborted).
      if (res.closed) {
        res.destroy();
        return;
      }
      const status = error instanceof UpstreamTimeoutError ? 504 : 502;
      errors.report({ url, status, error });
      sendError(res, status, pseudonym);
      return;
    }
    answered = true;
    // A body the cache answered for without the upstream is read and dropped.
    if (!call.sent && call.body !== null) req.resume();
    // A stored response is written at once: no promise to wait for.
    const sending = sendResponse(res, response, { head: method === 'HEAD', via: viaMember });
    if (sending !== undefined) await sending;
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      errors.report({ url: req.url ?? '', status: 502, error });
      sendError(res, 502);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  const url = await listen(server, port, host);
  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    cache,
    on: (_type, listener) => errors.on(listener),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        for (const agent of agents) agent.destroy();
        await cache.close();
      })();
      return closing;
    },
  };
}
