/**
 * HTTP-date (RFC 9110 §5.6.7): a strict, fixed-layout parser for the three formats recipients
 * must accept, and a formatter for the preferred one.
 *
 * @module
 */

const MS_PER_DAY = 86_400_000;
/** 400 Gregorian years are exactly 146097 days: shifting by them leaves the calendar unchanged. */
const MS_PER_400_YEARS = 146_097 * MS_PER_DAY;
/** `Sat, 01 Jan 0000 00:00:00 GMT`, the earliest instant IMF-fixdate can express. */
const MIN_FORMATTABLE = -62_167_219_200_000;
/** `Fri, 31 Dec 9999 23:59:59 GMT`, the latest instant IMF-fixdate can express. */
const MAX_FORMATTABLE = 253_402_300_799_999;

/** RFC 9110 §5.6.7: month names, in order, three letters each (to find a month's number). */
const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

// RFC 9110 §5.6.7: day-name, month and time-of-day (`hh:mm:ss`). Without the `u` flag, `\d` is
// an ASCII digit and the `i` flag folds ASCII letters only.
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';
/** Surrounding SP/HTAB (OWS) is tolerated, nothing else. */
const date = (format: string): RegExp => new RegExp(`^[ \\t]*${format}[ \\t]*$`, 'i');

/** RFC 9110 §5.6.7 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (day, month, year, time). */
const IMF_FIXDATE = /* @__PURE__ */ date(`${DAY}, (\\d\\d) ${MONTH} (\\d{4}) ${TIME} gmt`);
/** RFC 9110 §5.6.7 rfc850-date: `Sunday, 06-Nov-94 08:49:37 GMT`, with day-name-l. */
const DAY_L = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const RFC850_DATE = /* @__PURE__ */ date(`${DAY_L}, (\\d\\d)-${MONTH}-(\\d\\d) ${TIME} gmt`);
/**
 * RFC 9110 §5.6.7 asctime-date: `Sun Nov  6 08:49:37 1994`; date3 = month SP ( 2DIGIT / ( SP
 * DIGIT ) ).
 */
const ASCTIME_DATE = /* @__PURE__ */ date(`${DAY} ${MONTH} ( \\d|\\d\\d) ${TIME} (\\d{4})`);

/**
 * Checks the ranges of a date's fields (RFC 9110 §5.6.7) and converts them to milliseconds since
 * the epoch; the month is its name.
 *
 * @returns The instant, or `undefined` when a field is out of range.
 */
function toEpochMs(
  year: number,
  name: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const month = MONTHS.indexOf(name.toLowerCase()) / 3;
  // RFC 9110 §5.6.7: time-of-day 00:00:00 - 23:59:60 (leap second).
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999: compute those 400 years later and shift back.
  const shift = year < 100 ? 400 : 0;
  const midnight = Date.UTC(year + shift, month, day);
  // A day past its month's end rolls over into the next month: no such date.
  if (day < 1 || new Date(midnight).getUTCDate() !== day) return undefined;
  const time = ((hour * 60 + minute) * 60 + second) * 1000;
  return midnight + time - (shift && MS_PER_400_YEARS);
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
  // One exchange reads the same dates several times (age, lifetime, validators), and the
  // responses of one second share their Date: values parsed lately are remembered.
  if (parsed.has(value)) return parsed.get(value);
  const result = parse(value);
  if (parsed.size >= PARSED) parsed.clear();
  parsed.set(value, result);
  return result;
}

/** How many values {@link parseHttpDate} remembers. */
const PARSED = 64;
const parsed = new Map<string, number | undefined>();

function parse(value: string): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m !== null) return toEpochMs(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = RFC850_DATE.exec(value);
  if (m !== null) {
    const yy = +m[3]!;
    // RFC 9110 §5.6.7: two-digit year; fixed pivot, 70-99 -> 19xx, 00-69 -> 20xx.
    return toEpochMs(yy >= 70 ? 1900 + yy : 2000 + yy, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  }
  m = ASCTIME_DATE.exec(value);
  return m === null ? undefined : toEpochMs(+m[6]!, m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
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
