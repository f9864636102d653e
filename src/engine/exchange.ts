import type { CacheControl } from '../core/cache-control.ts';
import type { ForwardReason } from '../core/decision.ts';
import { declaredLength } from '../core/entry.ts';
import type { Freshness } from '../core/freshness.ts';
import { normalizeUrl } from '../core/key.ts';
import type { RequestControls, RequestHead } from '../core/types.ts';
import { isConditional } from '../core/validation.ts';
import type { EntryMeta } from '../storage/types.ts';
import type { IncomingRequest } from './request.ts';

/**
 * What the engine knows about one request on its way through the cache.
 *
 * @module
 */

/** One request on its way through the cache. */
export interface Exchange {
  readonly request: IncomingRequest;
  readonly head: RequestHead;
  readonly requestCc: CacheControl;
  readonly key: string;
  readonly controls: RequestControls;
  /** A cacheable request keyed by its body: a query, which invalidates nothing. */
  readonly bodyKeyed: boolean;
  /** A door asked for stored responses as their parts (see `answer.ts`). */
  readonly parts?: boolean;
}

/** What the cache knew before going to the origin. */
export interface Forward {
  readonly fwd: ForwardReason;
  /** Stored variants under the key, live ones only. */
  readonly variants: readonly EntryMeta[];
  /** The stored response being revalidated, if any. */
  readonly entry: EntryMeta | undefined;
  readonly freshness: Freshness | undefined;
  /** Validators the cache adds. */
  readonly conditions: Readonly<Record<string, string>> | undefined;
  /** Whether the response may be stored. */
  readonly store: boolean;
  /**
   * No `miss` event for this origin request: it answers no caller (a background revalidation,
   * RFC 5861 §3), or its caller was counted already (a second, unconditional request).
   */
  readonly uncounted?: boolean;
}

/** The Forward for a request that goes to the origin without looking at storage. */
export function passing(fwd: ForwardReason): Forward {
  return {
    fwd,
    variants: [],
    entry: undefined,
    freshness: undefined,
    conditions: undefined,
    store: false,
  };
}

/**
 * Whether a request may share another's origin request: one whose response could be stored and
 * reused for it, that carries no validators or range of its own and does not insist on its own
 * origin request (`reload`).
 */
export function coalescable(ex: Exchange, fwd: Forward): boolean {
  const headers = ex.head.headers;
  return (
    fwd.store &&
    ex.head.method === 'GET' &&
    ex.controls.mode !== 'reload' &&
    headers.get('range') === null &&
    !isConditional(headers)
  );
}

/**
 * The body length to check before committing: the declared `Content-Length`, unless a content
 * coding was decoded on the way (the length then describes the encoded body).
 */
export function expectedLength(entry: {
  headers: readonly (readonly [string, string])[];
}): number | undefined {
  if (entry.headers.some(([name]) => name === 'content-encoding')) return undefined;
  return declaredLength(entry);
}

/** The normalised URL, or `undefined` when `url` is not a valid absolute URL (parsed once). */
export function validUrl(url: string): string | undefined {
  try {
    return normalizeUrl(url);
  } catch {
    return undefined;
  }
}
