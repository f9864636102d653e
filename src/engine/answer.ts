import type { ResponseParts } from './respond.ts';

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
