import { parseCacheControl } from './cache-control.ts';
import { type DecisionInput, decide } from './decision.ts';
import type { NewEntry } from './entry.ts';
import type { Freshness } from './freshness.ts';
import { getHeader } from './headers.ts';
import { parseHttpDate } from './http-date.ts';
import { answerRange } from './range.ts';
import { updateHeaders } from './stored-headers.ts';
import type { HeaderPairs, StoredResponse } from './types.ts';

/**
 * Partial content: storing 206 responses as parts of a representation, combining them, and
 * answering requests from them (RFC 9111 §3.3 and §3.4, RFC 9110 §14).
 *
 * A stored part is an entry of status 206 whose `Content-Range` names one byte range of a
 * representation of known length. It lives under the primary key of the whole response, with a
 * variant of its own ({@link partVariant}), so that parts and the complete response never
 * replace one another.
 *
 * @module
 */

/** The bytes `start` to `end` (inclusive) of a representation of `total` bytes. */
export interface PartRange {
  readonly start: number;
  readonly end: number;
  readonly total: number;
}

/**
 * RFC 9110 §14.4: a `Content-Range` of one byte range of a representation of known length,
 * `bytes first-last/complete-length`; `undefined` for anything else (an unsatisfied range, an
 * unknown length `*`, another unit, a range past the length).
 */
export function parseContentRange(value: string | null): PartRange | undefined {
  if (value === null) return undefined;
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(value);
  if (match === null) return undefined;
  const [start, end, total] = match.slice(1).map(Number) as [number, number, number];
  // RFC 9110 §14.4: "invalid if the last-pos value is less than its first-pos value, or the
  // complete-length value is less than or equal to its last-pos value".
  if (end < start || total <= end || !Number.isSafeInteger(total)) return undefined;
  return { start, end, total };
}

/** Whether a stored response is a part of a representation (RFC 9111 §3.3). */
export function isPart(stored: Pick<StoredResponse, 'status'>): boolean {
  return stored.status === 206;
}

/** The range a stored part holds, or `undefined` when it is no usable part. */
export function partRange(
  stored: Pick<StoredResponse, 'status' | 'headers'>,
): PartRange | undefined {
  if (!isPart(stored)) return undefined;
  return parseContentRange(getHeader(stored.headers, 'content-range'));
}

/**
 * The variant a part holding `range` is stored under, beside the complete response's: one per
 * range, so that a part never replaces a stored part of other bytes (a shorter one, say).
 */
export function partVariant(variant: string, range: Pick<PartRange, 'start' | 'end'>): string {
  return `${variant}#bytes=${range.start}-${range.end}`;
}

/** The variant of the complete response a stored entry (a part or not) belongs to. */
export function wholeVariant(entry: Pick<NewEntry, 'status' | 'variant'>): string {
  if (!isPart(entry)) return entry.variant;
  const at = entry.variant.lastIndexOf('#bytes=');
  return at < 0 ? entry.variant : entry.variant.slice(0, at);
}

/**
 * RFC 9111 §3.3: a 206 the cache stores as a part, under its own variant; `undefined` when it
 * cannot be one: several ranges (`multipart/byteranges`), an unknown length, a `Content-Length`
 * that disagrees with the range, or a content coding (the bytes stored would be decoded ones,
 * while the range counts encoded ones).
 */
export function asPart<T extends NewEntry>(entry: T): T | undefined {
  const range = partRange(entry);
  if (range === undefined || getHeader(entry.headers, 'content-encoding') !== null) {
    return undefined;
  }
  const length = getHeader(entry.headers, 'content-length');
  if (length !== null && Number(length) !== range.end - range.start + 1) return undefined;
  return { ...entry, variant: partVariant(entry.variant, range) };
}

/**
 * RFC 9111 §3.4 combines responses that "have the same strong validator": a strong entity tag,
 * or (RFC 9110 §8.8.2.2) a `Last-Modified` at least 60 seconds before the response's `Date`.
 * Returns it as it would be sent in `If-Range`, or `undefined` when the response has none.
 */
export function strongValidator(headers: HeaderPairs): string | undefined {
  const etag = getHeader(headers, 'etag')?.trim();
  if (etag !== undefined) return etag.startsWith('"') ? etag : undefined;
  const lastModified = getHeader(headers, 'last-modified');
  const modified = parseHttpDate(lastModified);
  const date = parseHttpDate(getHeader(headers, 'date'));
  if (modified === undefined || date === undefined || date - modified < 60_000) return undefined;
  return lastModified ?? undefined;
}

/** Stored parts of the same representation as `part`: same variant, validator and length. */
function sameRepresentation<T extends NewEntry>(part: NewEntry, range: PartRange, stored: T[]) {
  const validator = strongValidator(part.headers);
  const base = wholeVariant(part);
  const same: { entry: T; range: PartRange }[] = [];
  const others: T[] = [];
  for (const entry of stored) {
    if (!isPart(entry) || wholeVariant(entry) !== base) continue;
    const r = partRange(entry);
    if (
      r !== undefined &&
      validator !== undefined &&
      r.total === range.total &&
      strongValidator(entry.headers) === validator
    ) {
      same.push({ entry, range: r });
    } else {
      others.push(entry);
    }
  }
  return { same, others };
}

/** A piece of a combined body: bytes of a stored part, or the new part's whole body. */
export type Segment<T> =
  | { readonly source: 'stored'; readonly entry: T; readonly skip: number; readonly take: number }
  | { readonly source: 'new' };

/** How to store a new part together with the stored parts it joins. */
export interface Combination<T> {
  /** The entry to write: the combined part, or the complete response once every byte is there. */
  readonly entry: NewEntry;
  /** The pieces of its body, in order. */
  readonly segments: readonly Segment<T>[];
  /** Stored parts its body takes bytes of, to drop once it is written. */
  readonly absorbed: readonly T[];
  /**
   * Stored parts of another representation (or of none that can be told), to drop once it is
   * written: the new part shows what the representation is now.
   */
  readonly superseded: readonly T[];
}

/**
 * RFC 9111 §3.4: "When a cache receives a 206 (Partial Content) response and has one or more
 * stored responses with the same strong validator, it MAY combine them": a new part joins the
 * stored parts of the same representation it overlaps or touches into one part, or into the
 * complete response (status 200) once it covers every byte. Overlapping bytes come from the new
 * part. `stored`: the live entries under the part's primary key.
 */
export function combine<T extends NewEntry>(part: NewEntry, stored: readonly T[]): Combination<T> {
  const range = partRange(part);
  if (range === undefined) {
    return { entry: part, segments: [{ source: 'new' }], absorbed: [], superseded: [] };
  }
  const { same, others } = sameRepresentation(part, range, [...stored]);
  let { start, end } = range;
  const absorbed: { entry: T; range: PartRange }[] = [];
  for (let grown = true; grown; ) {
    grown = false;
    for (const p of same) {
      if (absorbed.includes(p) || p.range.start > end + 1 || p.range.end < start - 1) continue;
      absorbed.push(p);
      start = Math.min(start, p.range.start);
      end = Math.max(end, p.range.end);
      grown = true;
    }
  }
  const segments = [
    ...storedSegments(absorbed, start, range.start - 1),
    { source: 'new' } as const,
    ...storedSegments(absorbed, range.end + 1, end),
  ];
  const complete = start === 0 && end === range.total - 1;
  return {
    entry: combinedEntry(part, absorbed, { start, end, total: range.total }, complete),
    segments,
    absorbed: absorbed.map((p) => p.entry),
    superseded: others,
  };
}

/** Segments of stored parts covering bytes `from` to `to` (none when `to < from`). */
function storedSegments<T>(
  parts: readonly { entry: T; range: PartRange }[],
  from: number,
  to: number,
): Segment<T>[] {
  const segments: Segment<T>[] = [];
  let at = from;
  while (at <= to) {
    let best: { entry: T; range: PartRange } | undefined;
    for (const p of parts) {
      if (
        p.range.start <= at &&
        p.range.end >= at &&
        (best === undefined || p.range.end > best.range.end)
      ) {
        best = p;
      }
    }
    // The parts were absorbed because they cover this span without a gap.
    if (best === undefined) break;
    const take = Math.min(best.range.end, to) - at + 1;
    segments.push({ source: 'stored', entry: best.entry, skip: at - best.range.start, take });
    at += take;
  }
  return segments;
}

/**
 * The combined entry: RFC 9111 §3.4: the cache "MUST update the stored response header fields
 * using the header fields provided in the new response, as per Section 3.2"; the new part's
 * times and freshness; `Content-Range` and `Content-Length` of the combined bytes.
 */
function combinedEntry(
  part: NewEntry,
  absorbed: readonly { entry: NewEntry }[],
  range: PartRange,
  complete: boolean,
): NewEntry {
  let headers: HeaderPairs = part.headers;
  for (const { entry } of absorbed) {
    const older = entry.headers.filter(([name]) => name !== 'age');
    const cc = parseCacheControl(getHeader(part.headers, 'cache-control'));
    // Both sets were filtered by the storing rules when stored: nothing more to strip here.
    headers = updateHeaders(older, headers, cc, {
      shared: part.shared === true,
      storeSetCookie: true,
    });
  }
  const base = wholeVariant(part);
  return complete
    ? {
        ...part,
        status: 200,
        statusText: 'OK',
        variant: base,
        headers: withRange(headers, undefined, range.total),
      }
    : {
        ...part,
        variant: partVariant(base, range),
        headers: withRange(headers, range, range.end - range.start + 1),
      };
}

/** Header pairs with `Content-Range` set to `range` (or removed) and `Content-Length` to `length`. */
export function withRange(
  headers: HeaderPairs,
  range: PartRange | undefined,
  length: number,
): [string, string][] {
  const kept: [string, string][] = headers
    .filter(([name]) => name !== 'content-range' && name !== 'content-length')
    .map(([n, v]) => [n, v]);
  if (range !== undefined) {
    kept.push(['content-range', `bytes ${range.start}-${range.end}/${range.total}`]);
  }
  kept.push(['content-length', String(length)]);
  return kept;
}

/** How to answer a request from stored parts (RFC 9111 §3.3, §3.4). */
export type PartsAnswer<T> =
  /** Serve `entry`: it holds every byte asked for (or the range is unsatisfiable: 416). */
  | {
      readonly type: 'serve';
      readonly entry: T;
      readonly freshness: Freshness;
      readonly stale: boolean;
    }
  /**
   * `entry` holds the first bytes asked for, from `from` to its end: ask the origin for the rest
   * with `conditions` (`Range`, and `If-Range` with the part's validator when it has one), then
   * answer bytes `from` to `to` of `total`, the whole representation when `whole`.
   */
  | {
      readonly type: 'complete';
      readonly entry: T;
      readonly part: PartRange;
      readonly from: number;
      readonly to: number;
      readonly whole: boolean;
      readonly validator: string | undefined;
      readonly conditions: Readonly<Record<string, string>>;
    }
  /** The parts do not help: go on as if none were stored. */
  | { readonly type: 'none' };

const NONE = { type: 'none' } as const;

/**
 * RFC 9111 §3.4 and RFC 9110 §14.2: how stored parts answer a GET. `input.variants` are the
 * stored parts under the request's key; each is used only where {@link decide} would serve it
 * (fresh, or stale where the request allows it).
 */
export function answerFromParts<T extends NewEntry>(input: DecisionInput<T>): PartsAnswer<T> {
  // How the request's decision would serve the newest of `variants`, if it would.
  const served = (variants: readonly T[]) => {
    const d = decide({ ...input, variants });
    return d.type === 'fresh' || d.type === 'stale'
      ? {
          type: 'serve' as const,
          entry: d.entry,
          freshness: d.freshness,
          stale: d.type === 'stale',
        }
      : undefined;
  };
  const newest = served(input.variants);
  const range = newest && partRange(newest.entry);
  if (newest === undefined || range === undefined) return NONE;
  const parts = sameRepresentation(newest.entry, range, [...input.variants]).same;
  if (parts.length === 0) parts.push({ entry: newest.entry, range });
  const whole = input.request.headers.get('range') === null;
  const answer = answerRange(input.request.headers, newest.entry, range.total);
  if (answer.type === 'unsatisfiable') return newest;
  // Several ranges, an invalid one, or an If-Range that does not match: parts cannot answer.
  if (answer.type === 'full' && !whole) return NONE;
  const from = answer.type === 'partial' ? answer.start : 0;
  const to = answer.type === 'partial' ? answer.end : range.total - 1;
  for (const p of parts) {
    if (p.range.start > from || p.range.end < from) continue;
    const use = served([p.entry]);
    if (use === undefined) continue;
    if (p.range.end >= to && !whole) return use;
    if (p.range.end >= to) continue;
    const validator = strongValidator(p.entry.headers);
    // RFC 9110 §14.1.2: an open range asks for everything from its first byte on.
    const conditions: Record<string, string> = {
      range: `bytes=${p.range.end + 1}-${to === range.total - 1 ? '' : to}`,
    };
    // RFC 9110 §13.1.5: If-Range makes the origin send the rest only of the same representation.
    if (validator !== undefined) conditions['if-range'] = validator;
    return {
      type: 'complete',
      entry: p.entry,
      part: p.range,
      from,
      to,
      whole,
      validator,
      conditions,
    };
  }
  return NONE;
}

/**
 * Whether the origin's answer to a request for the rest of a part continues it (RFC 9111 §3.4):
 * a 206 of exactly the bytes asked for, of the same length, with the part's strong validator.
 * Without a validator nothing tells that both are of the same representation.
 */
export function continuesPart(
  answer: PartsAnswer<unknown> & { type: 'complete' },
  status: number,
  headers: HeaderPairs,
): boolean {
  if (status !== 206 || answer.validator === undefined) return false;
  const range = parseContentRange(getHeader(headers, 'content-range'));
  return (
    range !== undefined &&
    range.start === answer.part.end + 1 &&
    range.end === answer.to &&
    range.total === answer.part.total &&
    strongValidator(headers) === answer.validator
  );
}
