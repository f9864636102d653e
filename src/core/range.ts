import { weakEtagMatch } from './header-values.ts';
import { getHeader } from './headers.ts';
import { parseHttpDate } from './http-date.ts';
import type { HeaderReader, StoredResponse } from './types.ts';

/**
 * Answering range requests from a stored complete response: RFC 9110 §14 and RFC 9111 §3.4.
 *
 * @module
 */

/** How to answer a range request from a stored complete response. */
export type RangeAnswer =
  /** Serve the whole response (no usable range, several ranges, or If-Range failed). */
  | { readonly type: 'full' }
  /** Serve bytes `start` to `end` inclusive as 206. */
  | { readonly type: 'partial'; readonly start: number; readonly end: number }
  /** RFC 9110 §15.5.17: 416, the range does not overlap the representation. */
  | { readonly type: 'unsatisfiable' };

const FULL: RangeAnswer = { type: 'full' };

/**
 * RFC 9110 §14.2: evaluates a request's `Range` against a stored representation of `size` bytes
 * (a complete 200, or a part of one: see `partial.ts`). Only a single byte range is served
 * partially; a server (and so a cache) MAY ignore Range otherwise.
 */
export function answerRange(
  request: HeaderReader,
  stored: StoredResponse,
  size: number,
): RangeAnswer {
  const range = request.get('range');
  if (range === null || (stored.status !== 200 && stored.status !== 206)) return FULL;
  // RFC 9110 §13.1.5: If-Range: serve the range only if the validator matches the stored response.
  const ifRange = request.get('if-range');
  if (ifRange !== null && !ifRangeMatches(ifRange, stored)) return FULL;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (match === null) return FULL;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return FULL;
  // RFC 9110 §14.1.1: no range of a zero-length representation is satisfiable.
  if (size === 0) return { type: 'unsatisfiable' };
  if (first === '') {
    // RFC 9110 §14.1.2: a suffix range, the last N bytes.
    const suffix = Number(last);
    if (suffix === 0) return { type: 'unsatisfiable' };
    return { type: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return FULL;
  if (start >= size) return { type: 'unsatisfiable' };
  return { type: 'partial', start, end };
}

function ifRangeMatches(ifRange: string, stored: StoredResponse): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    // RFC 9110 §13.1.5: a strong comparison; a weak entity-tag never matches.
    const etag = getHeader(stored.headers, 'etag');
    return (
      etag !== null &&
      !value.startsWith('W/') &&
      weakEtagMatch(value, etag) &&
      !etag.trim().startsWith('W/')
    );
  }
  const date = parseHttpDate(value);
  const lastModified = parseHttpDate(getHeader(stored.headers, 'last-modified'));
  return date !== undefined && lastModified !== undefined && date === lastModified;
}
