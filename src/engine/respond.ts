import { appendCacheStatus, type CacheStatusEntry } from '../core/cache-status.ts';
import type { HeaderPairs } from '../core/types.ts';
import { attachMetadata, type CacheMetadata } from './metadata.ts';

/**
 * Building the responses the cache returns.
 *
 * @module
 */

/** RFC 9110 §6.4.1: statuses whose responses have no content. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** What the caller of {@link buildResponse} supplies. */
export interface ResponseParts {
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeaderPairs | Headers;
  readonly body: BodyInit | null;
  /** The `Age` to add (responses served from storage), in seconds. */
  readonly age: number | undefined;
  /** The Cache-Status member to append, or `undefined` when the header is off. */
  readonly cacheStatus: CacheStatusEntry | undefined;
  readonly url: string;
  readonly redirected: boolean;
  readonly metadata: CacheMetadata;
}

/**
 * A WHATWG `Response` with the cache's `Age` and `Cache-Status`, the request's URL (as fetch
 * would report it) and the metadata `cacheStatus()` reads.
 */
export function buildResponse(parts: ResponseParts): Response {
  const headers = new Headers(parts.headers as HeadersInit);
  // RFC 9111 §5.1: a cache MUST generate Age when it uses a stored response without validation.
  if (parts.age !== undefined) headers.set('age', String(Math.floor(parts.age)));
  if (parts.cacheStatus !== undefined) {
    headers.set('cache-status', appendCacheStatus(headers.get('cache-status'), parts.cacheStatus));
  }
  const body = NULL_BODY_STATUSES.has(parts.status) ? null : parts.body;
  const response = new Response(body, {
    status: parts.status,
    statusText: parts.statusText,
    headers,
  });
  if (parts.url !== '') Object.defineProperty(response, 'url', { value: parts.url });
  if (parts.redirected) Object.defineProperty(response, 'redirected', { value: true });
  return attachMetadata(response, parts.metadata);
}

/** A 504 for `only-if-cached` with nothing usable stored (RFC 9111 §5.2.1.7). */
export function gatewayTimeout(
  url: string,
  key: string,
  cacheStatus: CacheStatusEntry | undefined,
): Response {
  return buildResponse({
    status: 504,
    statusText: 'Gateway Timeout',
    headers: [['content-type', 'text/plain; charset=utf-8']],
    body: 'No stored response satisfies this only-if-cached request.',
    age: undefined,
    cacheStatus,
    url,
    redirected: false,
    metadata: {
      fromCache: false,
      revalidated: false,
      stored: false,
      key,
      createdAt: undefined,
      hits: 0,
      ttl: undefined,
      forwarded: undefined,
    },
  });
}
