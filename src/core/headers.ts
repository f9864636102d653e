import type { HeaderPairs, HeaderReader } from './types.ts';

/**
 * The value of field `name` (lower-case) in stored header pairs: several lines are joined with
 * ", " as RFC 9110 §5.3 allows, `null` when absent.
 */
export function getHeader(pairs: HeaderPairs, name: string): string | null {
  let value: string | null = null;
  for (const [n, v] of pairs) {
    if (n === name) value = value === null ? v : `${value}, ${v}`;
  }
  return value;
}

/** A {@link HeaderReader} over stored header pairs. */
export function pairsReader(pairs: HeaderPairs): HeaderReader {
  return { get: (name) => getHeader(pairs, name.toLowerCase()) };
}

/** An empty {@link HeaderReader}. */
export const noHeaders: HeaderReader = { get: () => null };
