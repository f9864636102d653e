/**
 * HTTP-date (RFC 9110 §5.6.7): a strict, fixed-layout parser for the three formats recipients
 * must accept, and a formatter for the preferred one.
 *
 * @module
 */

const HTAB = 0x09;
const SP = 0x20;
const COMMA = 0x2c;
const HYPHEN = 0x2d;
const DIGIT_0 = 0x30;
const COLON = 0x3a;

const MS_PER_DAY = 86_400_000;
/** 400 Gregorian years are exactly 146097 days: shifting by them leaves the calendar unchanged. */
const MS_PER_400_YEARS = 146_097 * MS_PER_DAY;
/** `Sat, 01 Jan 0000 00:00:00 GMT`, the earliest instant IMF-fixdate can express. */
const MIN_FORMATTABLE = -62_167_219_200_000;
/** `Fri, 31 Dec 9999 23:59:59 GMT`, the latest instant IMF-fixdate can express. */
const MAX_FORMATTABLE = 253_402_300_799_999;

/**
 * A three-letter ASCII word at `i` as one number, case folded, so that names compare with a
 * single lookup; -1 when any of the three is not an ASCII letter.
 */
function word3(value: string, i: number): number {
  // c | 0x20 lands in a-z only for ASCII letters, whatever the code unit.
  const a = value.charCodeAt(i) | 0x20;
  const b = value.charCodeAt(i + 1) | 0x20;
  const c = value.charCodeAt(i + 2) | 0x20;
  if (a < 0x61 || a > 0x7a || b < 0x61 || b > 0x7a || c < 0x61 || c > 0x7a) return -1;
  return (a << 16) | (b << 8) | c;
}

/** RFC 9110 §5.6.7: day-name, and what day-name-l adds to it (`sun` + `day`). */
const DAY_NAME_REST: ReadonlyMap<number, string> = /* @__PURE__ */ new Map(
  (
    [
      ['mon', 'day'],
      ['tue', 'sday'],
      ['wed', 'nesday'],
      ['thu', 'rsday'],
      ['fri', 'day'],
      ['sat', 'urday'],
      ['sun', 'day'],
    ] as const
  ).map(([name, rest]) => [word3(name, 0), rest]),
);

/** RFC 9110 §5.6.7: month, to its 1-based number. */
const MONTHS: ReadonlyMap<number, number> = /* @__PURE__ */ new Map(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map(
    (name, m) => [word3(name, 0), m + 1],
  ),
);

/** RFC 9110 §5.6.7: the zone of IMF-fixdate and rfc850-date. */
const GMT = word3('gmt', 0);

/** Case-insensitive ASCII comparison of `value` at `i` with an all-lower-case `lower`. */
function matchesLower(value: string, i: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    let c = value.charCodeAt(i + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether a three-letter day-name appears at `i`, case-insensitively. */
function isDayName(value: string, i: number): boolean {
  return DAY_NAME_REST.has(word3(value, i));
}

/** Whether a day-name-l of exactly `length` letters appears at `i`, case-insensitively. */
function isLongDayName(value: string, i: number, length: number): boolean {
  const rest = DAY_NAME_REST.get(word3(value, i));
  return rest !== undefined && rest.length + 3 === length && matchesLower(value, i + 3, rest);
}

/** 1-based month whose three-letter name appears at `i`, case-insensitively; 0 when none. */
function monthAt(value: string, i: number): number {
  return MONTHS.get(word3(value, i)) ?? 0;
}

/** The value of `count` ASCII digits at `i`, or -1 when any is not a digit. */
function digitsAt(value: string, i: number, count: number): number {
  let n = 0;
  for (let k = 0; k < count; k++) {
    const d = value.charCodeAt(i + k) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether `value` at `i` holds `GMT`, case-insensitively. */
function isGmt(value: string, i: number): boolean {
  return word3(value, i) === GMT;
}

/** Days in a 1-based month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Reads the time-of-day `hh:mm:ss` at `time` (RFC 9110 §5.6.7), checks the ranges of all fields
 * and converts them to milliseconds since the epoch. Malformed date fields arrive as -1 or 0.
 *
 * @returns The instant, or `undefined` when a field is malformed or out of range.
 */
function toEpochMs(
  year: number,
  month: number,
  day: number,
  value: string,
  time: number,
): number | undefined {
  if (year < 0 || month < 1 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (value.charCodeAt(time + 2) !== COLON || value.charCodeAt(time + 5) !== COLON) {
    return undefined;
  }
  const hour = digitsAt(value, time, 2);
  const minute = digitsAt(value, time + 3, 2);
  const second = digitsAt(value, time + 6, 2);
  // RFC 9110 §5.6.7: time-of-day 00:00:00 - 23:59:60 (leap second).
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return undefined;
  }
  // Date.UTC maps years 0-99 to 1900-1999: compute those 400 years later and shift back.
  if (year < 100) {
    return Date.UTC(year + 400, month - 1, day, hour, minute, second) - MS_PER_400_YEARS;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** RFC 9110 §5.6.7 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`, 29 characters at `i`. */
function parseImfFixdate(value: string, i: number, length: number): number | undefined {
  if (
    length !== 29 ||
    !isDayName(value, i) ||
    value.charCodeAt(i + 3) !== COMMA ||
    value.charCodeAt(i + 4) !== SP ||
    value.charCodeAt(i + 7) !== SP ||
    value.charCodeAt(i + 11) !== SP ||
    value.charCodeAt(i + 16) !== SP ||
    value.charCodeAt(i + 25) !== SP ||
    !isGmt(value, i + 26)
  ) {
    return undefined;
  }
  // RFC 9110 §5.6.7: date1 = day SP month SP year (2DIGIT, 3 letters, 4DIGIT).
  const year = digitsAt(value, i + 12, 4);
  return toEpochMs(year, monthAt(value, i + 8), digitsAt(value, i + 5, 2), value, i + 17);
}

/** RFC 9110 §5.6.7 rfc850-date: `Sunday, 06-Nov-94 08:49:37 GMT` at `i`. */
function parseRfc850(value: string, i: number, length: number): number | undefined {
  // day-name-l is 6 to 9 letters; the rest, from the comma, is 24 characters.
  const nameLength = length - 24;
  if (nameLength < 6 || nameLength > 9) return undefined;
  const j = i + nameLength;
  if (
    !isLongDayName(value, i, nameLength) ||
    value.charCodeAt(j) !== COMMA ||
    value.charCodeAt(j + 1) !== SP ||
    value.charCodeAt(j + 4) !== HYPHEN ||
    value.charCodeAt(j + 8) !== HYPHEN ||
    value.charCodeAt(j + 11) !== SP ||
    value.charCodeAt(j + 20) !== SP ||
    !isGmt(value, j + 21)
  ) {
    return undefined;
  }
  const yy = digitsAt(value, j + 9, 2);
  if (yy < 0) return undefined;
  // RFC 9110 §5.6.7: two-digit year; fixed pivot, 70-99 -> 19xx, 00-69 -> 20xx.
  const year = yy >= 70 ? 1900 + yy : 2000 + yy;
  return toEpochMs(year, monthAt(value, j + 5), digitsAt(value, j + 2, 2), value, j + 12);
}

/** RFC 9110 §5.6.7 asctime-date: `Sun Nov  6 08:49:37 1994`, 24 characters at `i`. */
function parseAsctime(value: string, i: number, length: number): number | undefined {
  if (
    length !== 24 ||
    !isDayName(value, i) ||
    value.charCodeAt(i + 3) !== SP ||
    value.charCodeAt(i + 7) !== SP ||
    value.charCodeAt(i + 10) !== SP ||
    value.charCodeAt(i + 19) !== SP
  ) {
    return undefined;
  }
  // RFC 9110 §5.6.7: date3 = month SP ( 2DIGIT / ( SP DIGIT ) ).
  const day =
    value.charCodeAt(i + 8) === SP ? digitsAt(value, i + 9, 1) : digitsAt(value, i + 8, 2);
  return toEpochMs(digitsAt(value, i + 20, 4), monthAt(value, i + 4), day, value, i + 11);
}

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) in any of its three formats:
 *
 * - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
 * - obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit years 70-99 are 19xx, 00-69
 *   are 20xx)
 * - obsolete asctime: `Sun Nov  6 08:49:37 1994` (the day may also be two digits)
 *
 * Day names, month names and `GMT` are matched case-insensitively; surrounding SP/HTAB is
 * ignored. The day name must be a valid one for the format but is not checked against the date.
 * A second of `60` (leap second) is accepted and counts as the next minute's first.
 *
 * @param value - The field value, or `null`/`undefined` when absent.
 * @returns Milliseconds since the Unix epoch, or `undefined` when absent or invalid (unknown
 *   names, out-of-range fields, trailing garbage, a zone other than GMT).
 */
export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  let start = 0;
  let end = value.length;
  // Surrounding whitespace (OWS) is tolerated.
  while (start < end && (value.charCodeAt(start) === SP || value.charCodeAt(start) === HTAB)) {
    start++;
  }
  while (end > start && (value.charCodeAt(end - 1) === SP || value.charCodeAt(end - 1) === HTAB)) {
    end--;
  }
  const length = end - start;
  const fourth = value.charCodeAt(start + 3);
  // RFC 9110 §5.6.7: the preferred format, IMF-fixdate, has its comma after a 3-letter day-name.
  if (fourth === COMMA) return parseImfFixdate(value, start, length);
  // RFC 9110 §5.6.7: asctime-date has a space after a 3-letter day-name.
  if (fourth === SP) return parseAsctime(value, start, length);
  // RFC 9110 §5.6.7: rfc850-date has its comma after a full day-name.
  return parseRfc850(value, start, length);
}

/**
 * Formats an instant as IMF-fixdate (RFC 9110 §5.6.7), such as `Sun, 06 Nov 1994 08:49:37 GMT`,
 * for `Date`, `Last-Modified` or `Expires` fields. Milliseconds are truncated.
 *
 * Never throws: instants outside years 0000-9999 (which IMF-fixdate cannot express) are clamped
 * to the nearest expressible one, and `NaN` formats as the epoch.
 *
 * @param ms - Milliseconds since the Unix epoch.
 */
export function formatHttpDate(ms: number): string {
  // RFC 9110 §5.6.7: IMF-fixdate has a 4-digit year; clamp what it cannot express.
  let t = Number.isNaN(ms) ? 0 : ms;
  if (t < MIN_FORMATTABLE) t = MIN_FORMATTABLE;
  else if (t > MAX_FORMATTABLE) t = MAX_FORMATTABLE;
  // ECMAScript's toUTCString produces exactly the IMF-fixdate layout.
  return new Date(t).toUTCString();
}
