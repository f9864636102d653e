/**
 * Parsers for the small header field values a cache reads on every lookup: `Age`, `Vary`,
 * `Pragma`, `If-None-Match`, and the comma-separated list syntax they share.
 *
 * Every function here is pure, allocates as little as it can, and never throws: malformed input
 * yields the documented fallback instead.
 *
 * @module
 */

const HTAB = 0x09;
const SP = 0x20;
const DQUOTE = 0x22;
const STAR = 0x2a;
const COMMA = 0x2c;
const DIGIT_0 = 0x30;
const BACKSLASH = 0x5c;

/** The value RFC 9111 §1.2.2 substitutes for a delta-seconds value too large to represent. */
const MAX_DELTA_SECONDS = 2147483648;

/** Shared result for absent or empty lists; frozen so no caller can mutate it. */
const EMPTY: readonly string[] = Object.freeze([]);

/** RFC 9110 §5.6.2: a run of `tchar` at the sticky index. */
const TCHARS = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/** RFC 9110 §5.6.3: OWS is any run of SP and HTAB. */
function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/**
 * RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/" (case-sensitive);
 * opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (no DQUOTE, no
 * whitespace, no escapes). The opaque-tag is the group.
 */
const ENTITY_TAG = '(?:W/)?("[\\x21\\x23-\\x7e\\x80-\\xff]*")';
/**
 * An If-None-Match member at the sticky index, after OWS and empty members (RFC 9110 §5.6.1.2):
 * `*` or an entity-tag (captured), then OWS and a comma or the end; else a malformed member, up
 * to the next comma.
 */
const MEMBER = /* @__PURE__ */ new RegExp(
  `[ \\t,]*(?:(\\*|${ENTITY_TAG})[ \\t]*(?:,|$)|[^,]*)`,
  'y',
);
/** Exactly one entity-tag, with OWS around it. */
const ONE_ENTITY_TAG = /* @__PURE__ */ new RegExp(`^[ \\t]*${ENTITY_TAG}[ \\t]*$`);

/**
 * Skips a quoted-string that opens at `i` (RFC 9110 §5.6.4), honouring `\` escapes.
 *
 * @returns The index just past the closing quote, or `value.length` when the quote is unbalanced.
 */
function skipQuoted(value: string, i: number): number {
  const len = value.length;
  for (let j = i + 1; j < len; j++) {
    const c = value.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === DQUOTE) return j + 1;
  }
  return len;
}

/**
 * Walks the members of a comma-separated list (RFC 9110 §5.6.1) without allocating, calling
 * `visit` with the bounds of each non-empty member, OWS trimmed. Commas inside quoted strings do
 * not split; an unbalanced quote runs to the end. Stops early when `visit` returns `true`.
 */
export function scanList(
  value: string,
  visit: (start: number, end: number) => boolean | undefined,
): void {
  const len = value.length;
  let i = 0;
  while (i < len) {
    let start = i;
    while (start < len && isOws(value.charCodeAt(start))) start++;
    let j = start;
    while (j < len) {
      const c = value.charCodeAt(j);
      if (c === COMMA) break;
      j = c === DQUOTE ? skipQuoted(value, j) : j + 1;
    }
    let end = j;
    while (end > start && isOws(value.charCodeAt(end - 1))) end--;
    // RFC 9110 §5.6.1.2: recipients ignore empty list elements.
    if (end > start && visit(start, end) === true) return;
    i = j + 1;
  }
}

/**
 * Whether `value[start, end)` is a non-empty `token` (RFC 9110 §5.6.2), the syntax of field
 * names and directive names.
 *
 * @param value - The string to inspect.
 * @param start - First index to check; defaults to 0.
 * @param end - Index after the last one to check; defaults to `value.length`.
 */
export function isToken(value: string, start = 0, end: number = value.length): boolean {
  if (start >= end) return false;
  TCHARS.lastIndex = start;
  // The run may go on past `end`: every character before `end` is then a tchar too.
  return TCHARS.test(value) && TCHARS.lastIndex >= end;
}

/**
 * Parses `value[start, end)` as delta-seconds (RFC 9111 §1.2.2): one or more ASCII digits, no
 * sign, no whitespace. Leading zeros are allowed; a value above 2^31 becomes 2147483648.
 *
 * @param value - The string holding the digits.
 * @param start - First index of the digits; defaults to 0.
 * @param end - Index after the last digit; defaults to `value.length`.
 * @returns The number of seconds, or `undefined` when the range is empty or not all digits.
 */
export function parseDeltaSeconds(
  value: string,
  start = 0,
  end: number = value.length,
): number | undefined {
  // RFC 9111 §1.2.2: delta-seconds = 1*DIGIT.
  if (start >= end) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = value.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return undefined;
    // Stop accumulating once past the cap: n stays an exact integer however long the input.
    if (n <= MAX_DELTA_SECONDS) n = n * 10 + d;
  }
  // RFC 9111 §1.2.2: delta-seconds overflow becomes 2147483648 (2^31).
  return Math.min(n, MAX_DELTA_SECONDS);
}

/**
 * Splits a comma-separated list field value (RFC 9110 §5.6.1) into its members.
 *
 * Members are trimmed of OWS (SP, HTAB) and kept otherwise verbatim; empty members are dropped.
 * A comma inside a quoted-string (with `\` escapes) does not split, and an unbalanced quote runs
 * to the end of the value.
 *
 * @param value - A field value; multiple field lines already joined with `", "`.
 * @returns The non-empty members, in order.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  scanList(value, (start, end) => {
    out.push(value.slice(start, end));
    return undefined;
  });
  return out;
}

/**
 * Parses an `Age` field value (RFC 9111 §5.1).
 *
 * When the field was sent more than once (a list such as `"5, 10"`), the first non-empty member is
 * used. An invalid value (negative, non-numeric, empty) is ignored rather than treated as an
 * error; a value above 2^31 becomes 2147483648.
 *
 * @param value - The `Age` field value, or `null`/`undefined` when absent.
 * @returns The age in seconds, or `undefined` when absent or invalid.
 */
export function parseAge(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  let age: number | undefined;
  // RFC 9111 §5.1: a list means the field was repeated; only the first member counts.
  scanList(value, (start, end) => {
    // RFC 9111 §5.1: Age = delta-seconds; an invalid value is ignored.
    age = parseDeltaSeconds(value, start, end);
    return true;
  });
  return age;
}

/**
 * Parses a `Vary` field value (RFC 9110 §12.5.5, used by RFC 9111 §4.1).
 *
 * Field names are trimmed, lower-cased and de-duplicated, in first-seen order; empty members
 * are dropped. Members that are not a valid field name (not a `token`) are dropped too: no
 * request can carry such a field, so they cannot affect matching. Any member `*` makes the
 * whole value `'*'`.
 *
 * @param value - The `Vary` field value, or `null`/`undefined` when absent.
 * @returns `'*'`, or the field names (an empty list when absent or empty).
 */
export function parseVary(value: string | null | undefined): '*' | readonly string[] {
  if (!value) return EMPTY;
  let star = false;
  const names = new Set<string>();
  scanList(value, (start, end) => {
    // RFC 9111 §4.1: a Vary member "*" always fails to match.
    star = end - start === 1 && value.charCodeAt(start) === STAR;
    // RFC 9110 §12.5.5: Vary = #( "*" / field-name ); field-name = token. §5.1: field names are
    // case-insensitive.
    if (isToken(value, start, end)) names.add(value.slice(start, end).toLowerCase());
    return star;
  });
  if (star) return '*';
  return names.size === 0 ? EMPTY : [...names];
}

/**
 * Whether a `Pragma` field value holds the `no-cache` directive (RFC 9111 §5.4), which a cache
 * honours as `Cache-Control: no-cache` when a request has no `Cache-Control` field.
 *
 * The value is a list; the match is case-insensitive and on the exact member `no-cache` (a member
 * with an argument, such as `no-cache=x`, is an extension pragma and does not count).
 *
 * @param value - The `Pragma` field value, or `null`/`undefined` when absent.
 */
export function hasPragmaNoCache(value: string | null | undefined): boolean {
  if (!value) return false;
  let found = false;
  scanList(value, (start, end) => {
    // RFC 9111 §5.4: Pragma = 1#pragma-directive; pragma-directive = "no-cache" / extension-pragma.
    found = end - start === 8 && value.slice(start, end).toLowerCase() === 'no-cache';
    return found;
  });
  return found;
}

/**
 * Parses an `If-None-Match` (or `If-Match`) field value: `*` or a list of entity-tags
 * (RFC 9110 §13.1.2, §8.8.3).
 *
 * Entity-tags are kept verbatim, quotes and `W/` prefix included. Whitespace around members is
 * tolerated. Malformed members are dropped, including unquoted tokens (`abc`), a lower-case
 * `w/` prefix and tags holding whitespace or control characters: dropping one can only turn a
 * would-be `304` into a full response, never the reverse. Entity-tags have no escapes, so a `\`
 * is an ordinary character and a `,` inside the quotes does not split. Any member `*` makes the
 * whole value `'*'`.
 *
 * @param value - The field value, or `null`/`undefined` when absent.
 * @returns `'*'`, or the well-formed entity-tags in order (an empty list when none).
 */
export function parseEntityTags(value: string | null | undefined): '*' | readonly string[] {
  if (!value) return EMPTY;
  const tags: string[] = [];
  MEMBER.lastIndex = 0;
  // Every step takes at least one character: an empty member, a tag or a malformed member.
  while (MEMBER.lastIndex < value.length) {
    const tag = MEMBER.exec(value)?.[1];
    // RFC 9110 §13.1.2: If-None-Match = "*" / #entity-tag; any member "*" stands for the whole
    // value, as for Vary.
    if (tag === '*') return '*';
    if (tag !== undefined) tags.push(tag);
  }
  return tags.length === 0 ? EMPTY : tags;
}

/**
 * Weak comparison of two entity-tags (RFC 9110 §8.8.3.2): equal when their opaque-tags match
 * character by character, whether or not either is marked weak (`W/`).
 *
 * Each argument must be one well-formed entity-tag, as {@link parseEntityTags} returns them;
 * surrounding OWS is ignored. Anything else, unquoted tags included, never matches.
 *
 * @param a - An entity-tag, such as `"abc"` or `W/"abc"`.
 * @param b - Another entity-tag.
 */
export function weakEtagMatch(a: string, b: string): boolean {
  // RFC 9110 §8.8.3.2: weak comparison ignores the W/ prefix and compares opaque-tags exactly.
  const opaque = ONE_ENTITY_TAG.exec(a)?.[1];
  return opaque !== undefined && opaque === ONE_ENTITY_TAG.exec(b)?.[1];
}
