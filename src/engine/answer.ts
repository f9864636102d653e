import { appendCacheStatus } from '../core/cache-status.ts';
import type { HeaderPairs } from '../core/types.ts';
import { type ResponseParts, trimHttpWhitespace } from './respond.ts';

/**
 * Answers in a door's own shape: a stored response handed over as its parts (status, header
 * fields, stored bytes), so that the undici interceptor, the axios adapter and the proxy write
 * it straight into their own response types instead of building a WHATWG `Response` and
 * translating it again.
 *
 * @module
 */

/** The `HttpCache` method that answers a door. */
export const ANSWER = Symbol('httpcache.answer');

/** A stored response as its parts, its body whole in memory (or absent). */
export interface StoredAnswer extends ResponseParts {
  readonly body: Uint8Array<ArrayBuffer> | null;
}

/** What a door gets: a stored response as its parts, or any other answer as a `Response`. */
export type Answer = Response | StoredAnswer;

/** Whether an answer is a stored response's parts. */
export function isStoredAnswer(answer: Answer): answer is StoredAnswer {
  return !(answer instanceof Response);
}

/**
 * A stored entry's header fields other than `Age` and `Cache-Status`, which the cache writes
 * itself: one object per stored version of an entry (stored fields change only by being
 * replaced), so that a door may keep what it makes of them beside it. Never to be changed.
 */
export interface StoredLines {
  readonly lines: HeaderPairs;
  /** The stored `Cache-Status` members, combined, or `null` when there are none. */
  readonly cacheStatus: string | null;
}

const storedLines = new WeakMap<HeaderPairs, StoredLines>();

/**
 * A stored answer's header fields as {@link answerHeaders} makes them, in two parts: the stored
 * ones without `Age` and `Cache-Status`, the same object for every hit on one stored version of
 * an entry, and the `Age` and `Cache-Status` fields of this answer, which follow them. Undefined
 * when the cache writes no `Cache-Status` (the stored one then stays where it is).
 */
export function splitAnswerHeaders(
  answer: StoredAnswer,
): { readonly stored: StoredLines; readonly added: [string, string][] } | undefined {
  const { headers, age, cacheStatus } = answer;
  if (!Array.isArray(headers) || age === undefined || cacheStatus === undefined) return undefined;
  const pairs = headers as HeaderPairs;
  let stored = storedLines.get(pairs);
  if (stored === undefined) {
    stored = withoutCacheFields(pairs);
    storedLines.set(pairs, stored);
  }
  // RFC 9111 §5.1: a cache MUST generate Age when it uses a stored response without validation.
  const added: [string, string][] = [
    ['age', String(Math.floor(age))],
    ['cache-status', appendCacheStatus(stored.cacheStatus, cacheStatus)],
  ];
  return { stored, added };
}

function withoutCacheFields(headers: HeaderPairs): StoredLines {
  const lines: (readonly [string, string])[] = [];
  let cacheStatus: string | null = null;
  for (const line of headers) {
    const lower = line[0].toLowerCase();
    if (lower === 'age') continue;
    if (lower === 'cache-status') {
      const trimmed = trimHttpWhitespace(line[1]);
      cacheStatus = cacheStatus === null ? trimmed : `${cacheStatus}, ${trimmed}`;
      continue;
    }
    lines.push(line);
  }
  return { lines, cacheStatus };
}
