import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_TAGS } from '../../core/tags.ts';
import type { HttpCache } from '../../engine/http-cache.ts';
import { OptionsError } from '../../errors.ts';

/**
 * The reverse proxy's purge endpoint, on when `purgeToken` is set. A request with method
 * `PURGE` and `Authorization: Bearer <purgeToken>` deletes stored entries instead of going
 * upstream:
 *
 * - `PURGE /path?query`: every entry for that URL (every method and variant);
 * - with `X-Purge-Prefix: /path/`: every entry whose URL starts with that path (the request
 *   target is then ignored);
 * - with `X-Purge-Tag: tag1, tag2` (several fields allowed): every entry stored with any of
 *   those tags (the request target is then ignored).
 *
 * It answers `200` with `{"purged":N}`, `400` for a request that names nothing valid (both
 * headers, an empty tag, a prefix that is not a path), and `403` with nothing purged when the
 * token is missing or wrong. The token is compared in constant time.
 *
 * @module
 */

/** The header naming a URL path prefix to purge. */
export const PURGE_PREFIX_HEADER = 'x-purge-prefix';
/** The header naming tags to purge. */
export const PURGE_TAG_HEADER = 'x-purge-tag';

/** The shortest `purgeToken` accepted: a token an attacker could guess is no protection. */
const MIN_TOKEN_LENGTH = 16;

/** Answers a `PURGE` request. */
export type PurgeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The purge endpoint for `cache`, or `undefined` when `token` is not set (PURGE then goes
 * upstream like any other method). `toUrl` maps a request path to the upstream URL it is stored
 * under, `undefined` for a path that is not one.
 */
export function purgeEndpoint(
  cache: HttpCache,
  token: string | undefined,
  toUrl: (path: string) => string | undefined,
): PurgeHandler | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /[\s]/.test(token)) {
    throw new OptionsError(
      'purgeToken',
      `must be a string of at least ${MIN_TOKEN_LENGTH} characters without whitespace`,
    );
  }
  const expected = digest(token);
  return async function purge(req, res) {
    // The request body, if any, means nothing here: read and dropped.
    req.resume();
    if (!(await authorized(req.headers.authorization, expected))) {
      answer(res, 403, { error: 'a PURGE needs Authorization: Bearer <purge token>' });
      return;
    }
    const target = targetOf(req, toUrl);
    if (typeof target === 'string') {
      answer(res, 400, { error: target });
      return;
    }
    let purged = 0;
    try {
      for (const one of target) purged += await cache.invalidate(one);
    } catch (error) {
      answer(res, 500, { error: `purging failed: ${(error as Error).message}` });
      return;
    }
    answer(res, 200, { purged });
  };
}

/** What a PURGE names, as `invalidate()` targets, or the problem with it. */
function targetOf(
  req: IncomingMessage,
  toUrl: (path: string) => string | undefined,
): (string | { prefix: string } | { tag: string })[] | string {
  const prefix = req.headers[PURGE_PREFIX_HEADER];
  const tagFields = req.headersDistinct[PURGE_TAG_HEADER];
  if (prefix !== undefined && tagFields !== undefined) {
    return `send ${PURGE_PREFIX_HEADER} or ${PURGE_TAG_HEADER}, not both`;
  }
  if (tagFields !== undefined) {
    const tags = tagFields.flatMap((field) => field.split(',')).map((tag) => tag.trim());
    if (tags.some((tag) => tag === '')) return `${PURGE_TAG_HEADER} has an empty tag`;
    if (tags.length > MAX_TAGS) return `${PURGE_TAG_HEADER} has more than ${MAX_TAGS} tags`;
    return [...new Set(tags)].map((tag) => ({ tag }));
  }
  const path = typeof prefix === 'string' ? prefix : (req.url ?? '');
  const url = toUrl(path);
  if (url === undefined) {
    return `${typeof prefix === 'string' ? PURGE_PREFIX_HEADER : 'the request target'} must be a path`;
  }
  return [typeof prefix === 'string' ? { prefix: url } : url];
}

/** Whether `header` is `Bearer <token>` for the token of digest `expected`, in constant time. */
async function authorized(
  header: string | undefined,
  expected: Promise<Uint8Array>,
): Promise<boolean> {
  const match = /^bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  // Digests of equal length, compared without an early exit: the time says nothing of the token.
  const [given, wanted] = await Promise.all([digest(match?.[1] ?? ''), expected]);
  let difference = match === null ? 1 : 0;
  for (let i = 0; i < wanted.length; i++) difference |= (given[i] ?? 0) ^ (wanted[i] ?? 0);
  return difference === 0;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const json = `${JSON.stringify(body)}\n`;
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      'cache-control': 'no-store',
    })
    .end(json);
}
