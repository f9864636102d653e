/**
 * Broken origins: a raw `node:net` origin writes malformed, lying and truncated responses by hand.
 * For each, the caller of `createFetch()` gets exactly what plain `fetch` gives (the same status,
 * headers and body, or an error of the same kind), nothing hangs, and a follow-up request proves
 * that no truncated or corrupted body was stored.
 */
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCacheStatus } from '../../src/core/cache-status.ts';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { RecordingStorage, settle, until } from './helpers.ts';
import { head, type RawHandler, type RawOrigin, startRawOrigin } from './raw-origin.ts';

/** Real I/O only: no response of these tests takes anywhere near this long. */

/** A body of 100 distinct-looking bytes. */
const BODY =
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+-./:;<=>?@[]^_{|}~0123456789';
/** Its length, as a Content-Length value. */
const LENGTH = String(BODY.length);
const OK = '200 OK';
/** A body that compresses well, and a gzip stream of it cut 20 bytes short. */
const LONG_BODY = BODY.repeat(50);
const TRUNCATED_GZIP = gzipSync(Buffer.from(LONG_BODY)).subarray(0, -20);

/** How the origin leaves the connection once it has written its bytes. */
type Ending = 'end' | 'reset' | 'keep';

/** A handler that writes `parts` in order, then ends the connection as told. */
function send(parts: readonly (string | Uint8Array)[], ending: Ending = 'end'): RawHandler {
  return (socket: Socket) => {
    for (const part of parts)
      socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
    if (ending === 'end') socket.end();
    else if (ending === 'reset') socket.resetAndDestroy();
  };
}

/** A complete response with a correct Content-Length and `Connection: close`. */
function full(status: string, fields: ReadonlyArray<readonly [string, string]>, body = BODY) {
  return send([
    head(status, [
      ...fields,
      ['content-length', String(Buffer.byteLength(body, 'latin1'))],
      ['connection', 'close'],
    ]),
    body,
  ]);
}

interface ErrorKind {
  readonly name: string;
  readonly message: string;
  readonly cause: string | undefined;
}

/** What a caller observed: a response read to the end, a body that failed, or a failed fetch. */
type Outcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly statusText: string;
      readonly headers: readonly (readonly [string, string])[];
      readonly body: string;
      readonly response: Response;
    }
  | {
      readonly kind: 'body-error';
      readonly status: number;
      readonly statusText: string;
      readonly headers: readonly (readonly [string, string])[];
      readonly error: ErrorKind;
      readonly response: Response;
    }
  | { readonly kind: 'fetch-error'; readonly error: ErrorKind };

function kindOf(error: unknown): ErrorKind {
  if (!(error instanceof Error))
    return { name: typeof error, message: String(error), cause: undefined };
  const cause = error.cause as { code?: unknown; name?: unknown } | undefined;
  return {
    name: error.name,
    message: error.message,
    cause:
      cause === undefined
        ? undefined
        : typeof cause.code === 'string'
          ? cause.code
          : String(cause.name),
  };
}

/** Headers as fetch gives them, less the two a cache adds. */
function comparableHeaders(response: Response): [string, string][] {
  return [...response.headers].filter(([name]) => name !== 'cache-status' && name !== 'age');
}

async function observe(request: () => Promise<Response>): Promise<Outcome> {
  let response: Response;
  try {
    response = await request();
  } catch (error) {
    return { kind: 'fetch-error', error: kindOf(error) };
  }
  const common = {
    status: response.status,
    statusText: response.statusText,
    headers: comparableHeaders(response),
    response,
  };
  try {
    const bytes = await response.arrayBuffer();
    return { kind: 'response', ...common, body: Buffer.from(bytes).toString('latin1') };
  } catch (error) {
    return { kind: 'body-error', ...common, error: kindOf(error) };
  }
}

/** An outcome without the Response object, for comparison. */
function comparable(outcome: Outcome): unknown {
  if (outcome.kind === 'fetch-error') return outcome;
  const { response: _, ...rest } = outcome;
  return rest;
}

interface Scenario {
  readonly name: string;
  readonly respond: RawHandler;
  /** Whether a complete, storable response is expected to be stored. */
  readonly stored: boolean;
  /**
   * Whether the follow-up is served from storage without the origin; by default when stored
   * (a stored response that is stale on arrival is revalidated instead).
   */
  readonly hit?: boolean;
  readonly shared?: boolean;
  /** Checks on the first outcome through the cache. */
  readonly check?: (cached: Outcome) => void;
}

const SCENARIOS: readonly Scenario[] = [
  // Lengths that lie, bodies that stop.
  {
    name: 'Content-Length longer than the body, then the connection closes',
    respond: send([
      head(OK, [
        ['content-length', '200'],
        ['cache-control', 'max-age=60'],
      ]),
      BODY,
    ]),
    stored: false,
    check: (o) => expect(o.kind).toBe('body-error'),
  },
  {
    name: 'Content-Length shorter than the body',
    respond: send([
      head(OK, [
        ['content-length', '10'],
        ['cache-control', 'max-age=60'],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    // HTTP/1.1 framing says the body is 10 bytes; plain fetch gives those 10, and so may the cache.
    stored: true,
    check: (o) => expect(o.kind === 'response' && o.body).toBe(BODY.slice(0, 10)),
  },
  {
    name: 'Content-Length longer than the body, then a reset (RST)',
    respond: send(
      [
        head(OK, [
          ['content-length', '200'],
          ['cache-control', 'max-age=60'],
        ]),
        BODY,
      ],
      'reset',
    ),
    stored: false,
    check: (o) => expect(o.kind).toBe('body-error'),
  },
  {
    name: 'chunked body without its last chunk',
    respond: send([
      head(OK, [
        ['transfer-encoding', 'chunked'],
        ['cache-control', 'max-age=60'],
      ]),
      '5\r\nhello\r\n6\r\n world\r\n',
    ]),
    stored: false,
    check: (o) => expect(o.kind).toBe('body-error'),
  },
  {
    name: 'chunked body closed in the middle of a chunk',
    respond: send([
      head(OK, [
        ['transfer-encoding', 'chunked'],
        ['cache-control', 'max-age=60'],
      ]),
      '64\r\nhello',
    ]),
    stored: false,
    check: (o) => expect(o.kind).toBe('body-error'),
  },
  {
    name: 'chunked body with an invalid chunk size',
    respond: send([
      head(OK, [
        ['transfer-encoding', 'chunked'],
        ['cache-control', 'max-age=60'],
      ]),
      '5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n',
    ]),
    stored: false,
    check: (o) => expect(o.kind).not.toBe('response'),
  },
  {
    name: 'complete chunked body with trailers',
    respond: send([
      head(OK, [
        ['transfer-encoding', 'chunked'],
        ['cache-control', 'max-age=60'],
        ['connection', 'close'],
      ]),
      '5\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n',
    ]),
    stored: true,
    check: (o) => expect(o.kind === 'response' && o.body).toBe('hello world'),
  },
  {
    name: 'body delimited by closing the connection (no length, no chunking)',
    respond: send([
      head(OK, [
        ['cache-control', 'max-age=60'],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    // The close is the end of such a body (RFC 9112 §6.3): complete as far as HTTP can tell.
    stored: true,
  },
  {
    name: 'connection closed before any response',
    respond: send([]),
    stored: false,
    check: (o) => expect(o.kind).toBe('fetch-error'),
  },
  {
    name: 'connection closed in the middle of the head',
    respond: send(['HTTP/1.1 200 OK\r\ncache-control: max-age=60\r\ncontent-le']),
    stored: false,
    check: (o) => expect(o.kind).toBe('fetch-error'),
  },
  {
    name: 'a status line that is not HTTP',
    respond: send(['SMTP 220 hello\r\n\r\n']),
    stored: false,
    check: (o) => expect(o.kind).toBe('fetch-error'),
  },
  {
    name: 'both Transfer-Encoding and Content-Length',
    respond: send([
      head(OK, [
        ['transfer-encoding', 'chunked'],
        ['content-length', '3'],
        ['cache-control', 'max-age=60'],
        ['connection', 'close'],
      ]),
      '5\r\nhello\r\n0\r\n\r\n',
    ]),
    stored: false,
  },
  {
    name: 'two conflicting Content-Length fields',
    respond: send([
      head(OK, [
        ['content-length', '100'],
        ['content-length', '10'],
        ['cache-control', 'max-age=60'],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    stored: false,
  },
  {
    name: 'an absurd Content-Length',
    respond: send([
      head(OK, [
        ['content-length', '99999999999999999999'],
        ['cache-control', 'max-age=60'],
      ]),
      BODY,
    ]),
    stored: false,
  },
  {
    name: 'a negative Content-Length',
    respond: send([
      head(OK, [
        ['content-length', '-1'],
        ['cache-control', 'max-age=60'],
      ]),
      BODY,
    ]),
    stored: false,
  },
  {
    // undici decodes gzip leniently: a stream cut short at a framing-correct length is handed to
    // the caller as a shorter body, without an error. The cache sees only the decoded bytes that
    // plain fetch gives, so it stores those: the same bytes, not a corruption of its own.
    name: 'a gzip body cut short, with a Content-Length that matches the cut',
    respond: send([
      head(OK, [
        ['content-encoding', 'gzip'],
        ['content-length', String(TRUNCATED_GZIP.length)],
        ['cache-control', 'max-age=60'],
        ['connection', 'close'],
      ]),
      TRUNCATED_GZIP,
    ]),
    stored: true,
    check: (o) => expect(o.kind === 'response' && o.body.length).toBeLessThan(LONG_BODY.length),
  },
  {
    name: 'a gzip body cut short by the connection closing early',
    respond: send([
      head(OK, [
        ['content-encoding', 'gzip'],
        ['content-length', String(TRUNCATED_GZIP.length + 20)],
        ['cache-control', 'max-age=60'],
      ]),
      TRUNCATED_GZIP,
    ]),
    stored: false,
    check: (o) => expect(o.kind).toBe('body-error'),
  },
  {
    name: 'a gzip body that is not gzip',
    respond: full(OK, [
      ['content-encoding', 'gzip'],
      ['cache-control', 'max-age=60'],
    ]),
    stored: false,
    check: (o) => expect(o.kind).not.toBe('response'),
  },
  {
    name: 'a complete gzip body',
    respond: (() => {
      const gz = gzipSync(Buffer.from(LONG_BODY));
      return send([
        head(OK, [
          ['content-encoding', 'gzip'],
          ['content-length', String(gz.length)],
          ['cache-control', 'max-age=60'],
          ['connection', 'close'],
        ]),
        gz,
      ]);
    })(),
    stored: true,
    check: (o) => expect(o.kind === 'response' && o.body).toBe(LONG_BODY),
  },

  // Duplicated and conflicting cache headers.
  {
    name: 'Cache-Control twice: max-age=60 and no-store',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['cache-control', 'no-store'],
    ]),
    stored: false,
  },
  {
    name: 'Cache-Control twice: max-age=60 and max-age=0 (the smaller wins)',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['cache-control', 'max-age=0'],
    ]),
    stored: false,
  },
  {
    name: 'Cache-Control twice: private and public, in a shared cache',
    respond: full(OK, [
      ['cache-control', 'public, max-age=60'],
      ['cache-control', 'private'],
    ]),
    shared: true,
    stored: false,
  },
  {
    name: 'Expires twice, one past and one future',
    respond: full(OK, [
      ['date', new Date().toUTCString()],
      ['expires', new Date(Date.now() + 3_600_000).toUTCString()],
      ['expires', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ]),
    // Two Expires lines join into a value that is not a date: expired (RFC 9111 §5.3).
    stored: false,
  },
  {
    name: 'Age twice',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['age', '10'],
      ['age', '5000'],
    ]),
    stored: true,
  },
  {
    name: 'Date twice, conflicting',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['date', new Date().toUTCString()],
      ['date', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ]),
    stored: true,
  },
  {
    name: 'ETag twice, conflicting',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['etag', '"a"'],
      ['etag', '"b"'],
    ]),
    stored: true,
  },

  // Absurd numbers.
  {
    name: 'max-age=99999999999999999999',
    respond: full(OK, [['cache-control', 'max-age=99999999999999999999']]),
    stored: true,
  },
  {
    name: 'max-age=-1',
    respond: full(OK, [['cache-control', 'max-age=-1']]),
    stored: false,
  },
  {
    name: 'max-age=abc',
    respond: full(OK, [['cache-control', 'max-age=abc']]),
    stored: false,
  },
  {
    name: 'max-age=1.5',
    respond: full(OK, [['cache-control', 'max-age=1.5']]),
    stored: false,
  },
  {
    name: 's-maxage=99999999999999999999 in a shared cache',
    respond: full(OK, [['cache-control', 's-maxage=99999999999999999999, max-age=0']]),
    shared: true,
    stored: true,
  },
  {
    name: 'stale-while-revalidate=-5 on a stale response',
    respond: full(OK, [['cache-control', 'max-age=0, stale-while-revalidate=-5']]),
    stored: false,
  },

  // Dates that are not dates.
  {
    name: 'an invalid Date with max-age',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['date', 'not a date'],
    ]),
    stored: true,
  },
  {
    name: 'Expires: 0',
    respond: full(OK, [['expires', '0']]),
    stored: false,
  },
  {
    name: 'Expires: garbage, with a Last-Modified that would allow a heuristic',
    respond: full(OK, [
      ['expires', 'tomorrow'],
      ['last-modified', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ]),
    // Invalid Expires means expired (RFC 9111 §5.3), not heuristic; kept for its validator.
    stored: true,
    hit: false,
  },
  {
    name: 'a Date in 1994 with max-age=60',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['date', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ]),
    stored: false,
  },
  {
    name: 'a Date in year 9999 with max-age=60',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['date', 'Fri, 31 Dec 9999 23:59:59 GMT'],
    ]),
    stored: true,
  },
  {
    name: 'a Last-Modified in the future',
    respond: full(OK, [['last-modified', 'Fri, 31 Dec 9999 23:59:59 GMT']]),
    // No heuristic lifetime, but a validator: kept for revalidation.
    stored: true,
    hit: false,
  },

  // Age.
  {
    name: 'Age: -1 with max-age=60',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['age', '-1'],
    ]),
    stored: true,
  },
  {
    name: 'Age larger than max-age',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['age', '99999999999'],
    ]),
    stored: false,
  },
  {
    name: 'Age: abc',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['age', 'abc'],
    ]),
    stored: true,
  },

  // Vary.
  {
    name: 'Vary: *',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['vary', '*'],
    ]),
    stored: false,
  },
  {
    name: 'Vary naming 100 headers',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['vary', Array.from({ length: 100 }, (_, i) => `x-h${i}`).join(', ')],
    ]),
    stored: true,
  },
  {
    name: 'Vary with an empty and a malformed member',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['vary', ', ,"quoted", accept-encoding'],
    ]),
    stored: true,
  },

  // Large headers.
  {
    name: 'a 64 KiB header',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['x-big', 'b'.repeat(64 * 1024)],
    ]),
    stored: false,
  },
  {
    name: 'a 12 KiB header',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['x-big', 'b'.repeat(12 * 1024)],
    ]),
    stored: true,
  },
  {
    name: 'a 64 KiB Cache-Control',
    respond: full(OK, [['cache-control', `max-age=60, ${'x, '.repeat(21_000)}`]]),
    stored: false,
  },
  {
    name: 'a header value with obs-text bytes',
    respond: full(OK, [
      ['cache-control', 'max-age=60'],
      ['x-name', 'caf\u00e9 \u00ff'],
    ]),
    stored: true,
  },

  // Status codes.
  {
    name: '304 to an unconditional request',
    respond: send([
      head('304 Not Modified', [
        ['cache-control', 'max-age=60'],
        ['etag', '"x"'],
        ['connection', 'close'],
      ]),
    ]),
    stored: false,
    check: (o) => expect(o.kind !== 'fetch-error' && o.status).toBe(304),
  },
  {
    name: '304 to an unconditional request, with a body it should not have',
    respond: send([
      head('304 Not Modified', [
        ['cache-control', 'max-age=60'],
        ['content-length', '5'],
        ['connection', 'close'],
      ]),
      'hello',
    ]),
    stored: false,
  },
  {
    name: '204 with a body it should not have',
    respond: send([
      head('204 No Content', [
        ['cache-control', 'max-age=60'],
        ['content-length', '5'],
        ['connection', 'close'],
      ]),
      'hello',
    ]),
    stored: true,
  },
  {
    // RFC 9111 §3: any final status may be stored with explicit freshness.
    name: 'status 299 with max-age',
    respond: full('299 Whatever', [['cache-control', 'max-age=60']]),
    stored: true,
  },
  {
    name: 'status 599 with max-age',
    respond: full('599 Whatever', [['cache-control', 'max-age=60']]),
    stored: true,
  },
  {
    name: 'status 299 without freshness information (not heuristically cacheable)',
    respond: full('299 Whatever', [['last-modified', 'Sun, 06 Nov 1994 08:49:37 GMT']]),
    stored: false,
  },
  {
    name: 'status 600',
    respond: full('600 Beyond', [['cache-control', 'max-age=60']]),
    // Passed through untouched: a Response cannot be built with such a status, so it carries
    // no Cache-Status (see runScenario).
    stored: false,
  },
  {
    name: 'status 999',
    respond: full('999 Beyond', [['cache-control', 'max-age=60']]),
    stored: false,
  },
  {
    name: 'status 099',
    respond: full('099 Below', [['cache-control', 'max-age=60']]),
    stored: false,
  },
  {
    name: 'a status line without a reason phrase',
    respond: full('200', [['cache-control', 'max-age=60']]),
    stored: true,
  },

  // Interim responses.
  {
    name: '103 Early Hints before the final response',
    respond: send([
      'HTTP/1.1 103 Early Hints\r\nlink: </s.css>; rel=preload\r\n\r\n',
      head(OK, [
        ['cache-control', 'max-age=60'],
        ['content-length', LENGTH],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    stored: true,
  },
  {
    name: '103 Early Hints with its own Cache-Control before a no-store final response',
    respond: send([
      'HTTP/1.1 103 Early Hints\r\nlink: </s.css>; rel=preload\r\ncache-control: max-age=9999\r\n\r\n',
      head(OK, [
        ['cache-control', 'no-store'],
        ['content-length', LENGTH],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    stored: false,
  },
  {
    name: 'several interim responses (102, 103, 103) before the final one',
    respond: send([
      'HTTP/1.1 102 Processing\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nlink: </a.js>; rel=preload\r\n\r\n',
      'HTTP/1.1 103 Early Hints\r\nlink: </b.js>; rel=preload\r\nvary: *\r\n\r\n',
      head(OK, [
        ['cache-control', 'max-age=60'],
        ['content-length', LENGTH],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    stored: true,
    // The final response's own head, not an interim one's, is what reaches the caller.
    check: (o) => expect(o.kind !== 'fetch-error' && o.response.headers.get('vary')).toBe(null),
  },
  {
    name: '100 Continue to a request that sent no Expect (undici refuses it)',
    respond: send([
      'HTTP/1.1 100 Continue\r\n\r\n',
      head(OK, [
        ['cache-control', 'max-age=60'],
        ['content-length', LENGTH],
        ['connection', 'close'],
      ]),
      BODY,
    ]),
    stored: false,
    check: (o) => expect(o.kind).toBe('fetch-error'),
  },
  {
    name: 'an interim response, then the connection closes',
    respond: send(['HTTP/1.1 103 Early Hints\r\nlink: </a.js>; rel=preload\r\n\r\n']),
    stored: false,
    check: (o) => expect(o.kind).toBe('fetch-error'),
  },
];

let origin: RawOrigin | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await origin?.close();
  origin = undefined;
  expect(unhandled).toEqual([]);
});

/** Runs one scenario: plain fetch, then the cache, then a follow-up through the cache. */
async function runScenario(scenario: Scenario): Promise<void> {
  const raw = await startRawOrigin(scenario.respond);
  origin = raw;
  const plain = await observe(() => fetch(`${raw.url}/plain`));

  const storage = new RecordingStorage();
  const cachedFetch = createFetch({ storage, shared: scenario.shared === true });
  try {
    const url = `${raw.url}/cached`;
    const cached = await observe(() => cachedFetch(url));
    // Exactly what plain fetch gives, but for Cache-Status (and Age).
    expect(comparable(cached)).toEqual(comparable(plain));
    // Statuses above 599 pass through untouched: no Response can be built to add the field to.
    if (cached.kind !== 'fetch-error' && cached.response.status <= 599) {
      expect(parseCacheStatus(cached.response.headers.get('cache-status'))).toHaveLength(1);
    }
    scenario.check?.(cached);

    // What was stored: a body exactly as the caller read it, or nothing.
    await storage.settled();
    const entries = await storage.entries();
    expect(entries.length, 'entries stored').toBe(scenario.stored ? 1 : 0);
    for (const entry of entries) {
      expect(cached.kind).toBe('response');
      const body = Buffer.from(await storage.bodyOf(entry)).toString('latin1');
      expect(body).toBe(cached.kind === 'response' ? cached.body : undefined);
    }

    // A follow-up proves it: a hit only where something complete was stored, with that body.
    const requestsBefore = raw.requests.length;
    const again = await observe(() => cachedFetch(url));
    const hit = again.kind !== 'fetch-error' && cacheStatus(again.response)?.fromCache === true;
    expect(hit, 'follow-up served from storage').toBe(scenario.hit ?? scenario.stored);
    if (hit) {
      expect(again.kind).toBe('response');
      if (again.kind !== 'response' || cached.kind !== 'response') return;
      expect(again.body).toBe(cached.body);
      expect(again.status).toBe(cached.status);
      expect(again.response.headers.get('age')).toMatch(/^\d+$/);
      expect(raw.requests.length).toBe(requestsBefore);
    } else {
      expect(raw.requests.length).toBeGreaterThan(requestsBefore);
    }
  } finally {
    await cachedFetch.close();
  }
}

describe('broken origins: the caller gets what plain fetch gives, and nothing broken is stored', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) =>
    runScenario(scenario),
  );
});

describe('broken responses to revalidation never replace a good stored response', () => {
  /** The first answer: a complete response, stale at once but kept for its validator. */
  const good = head(OK, [
    ['cache-control', 'max-age=0'],
    ['etag', '"good"'],
    ['content-length', LENGTH],
    ['connection', 'close'],
  ]);

  it('a truncated 200 in answer to the cache’s conditional request reaches the caller as fetch gives it, and is not stored', async () => {
    const raw = await startRawOrigin((socket, _request, index) => {
      if (index === 1) {
        // The revalidation: a new representation whose body stops half-way.
        socket.write(
          head(OK, [
            ['cache-control', 'max-age=60'],
            ['etag', '"new"'],
            ['content-length', '500'],
          ]),
        );
        socket.end(BODY);
        return;
      }
      // 0: the first fetch; 2: the follow-up's revalidation, answered 304 if it names "good".
      if (index === 2 && raw.requests[2]?.headers['if-none-match'] === '"good"') {
        socket.end(
          head('304 Not Modified', [
            ['etag', '"good"'],
            ['cache-control', 'max-age=60'],
            ['connection', 'close'],
          ]),
        );
        return;
      }
      socket.end(good + BODY);
    });
    origin = raw;
    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ storage });
    try {
      const url = `${raw.url}/r`;
      const first = await observe(() => cachedFetch(url));
      expect(first.kind === 'response' && first.body).toBe(BODY);
      await storage.settled();

      const revalidated = await observe(() => cachedFetch(url));
      expect(revalidated.kind).toBe('body-error');
      expect(raw.requests[1]?.headers['if-none-match']).toBe('"good"');
      // The broken body was not stored: a put failed on it, or none was tried (small bodies are read
      // whole before any put).
      expect((await storage.settled()).filter((o) => o === 'stored')).toEqual(['stored']);
      const entries = await storage.entries();
      expect(entries.map((e) => getEtag(e.headers))).toEqual(['"good"']);

      const again = await observe(() => cachedFetch(url));
      expect(again.kind === 'response' && again.body).toBe(BODY);
      expect(again.kind === 'response' && cacheStatus(again.response)?.revalidated).toBe(true);
    } finally {
      await cachedFetch.close();
    }
  });

  it('a stale-while-revalidate background revalidation that breaks off is reported, and the stale body stays whole', async () => {
    const clock = manualClock();
    const raw = await startRawOrigin((socket, _request, index) => {
      if (index === 0) {
        socket.end(
          head(OK, [
            ['cache-control', 'max-age=1, stale-while-revalidate=600'],
            ['etag', '"good"'],
            ['content-length', LENGTH],
            ['connection', 'close'],
          ]) + BODY,
        );
        return;
      }
      socket.write(
        head(OK, [
          ['cache-control', 'max-age=60'],
          ['content-length', '500'],
        ]),
      );
      socket.end(BODY.slice(0, 30));
    });
    origin = raw;
    const storage = new RecordingStorage({ clock });
    const cachedFetch = createFetch({ storage, clock });
    const errors: string[] = [];
    cachedFetch.cache.on('error', (e) => errors.push(e.operation));
    try {
      const url = `${raw.url}/swr`;
      await observe(() => cachedFetch(url));
      await storage.settled();
      clock.advance(10);
      const stale = await observe(() => cachedFetch(url));
      expect(stale.kind === 'response' && stale.body).toBe(BODY);
      expect(stale.kind === 'response' && stale.response.headers.get('cache-status')).toBe(
        'httpcache; hit; fwd=stale; ttl=-9',
      );
      // close() waits for the background revalidation, which must end (in failure) by itself.
      await cachedFetch.close();
      expect(raw.requests).toHaveLength(2);
      expect(errors).toEqual(['revalidate']);
      // The broken body was not stored: a put failed on it, or none was tried (small bodies are read
      // whole before any put).
      expect((await storage.settled()).filter((o) => o === 'stored')).toEqual(['stored']);
    } finally {
      await cachedFetch.close();
    }
  });

  it('a 304 with absurd and lying fields freshens the entry but never changes its body or length', async () => {
    const raw = await startRawOrigin((socket, _request, index) => {
      if (index === 0) {
        socket.end(good + BODY);
        return;
      }
      socket.end(
        head('304 Not Modified', [
          ['etag', '"good"'],
          ['cache-control', 'max-age=99999999999999999999'],
          ['age', '-1'],
          ['date', 'garbage'],
          ['content-length', '5'],
          ['content-encoding', 'gzip'],
          ['connection', 'close'],
        ]),
      );
    });
    origin = raw;
    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ storage });
    try {
      const url = `${raw.url}/304`;
      await observe(() => cachedFetch(url));
      await storage.settled();
      const revalidated = await observe(() => cachedFetch(url));
      expect(revalidated.kind === 'response' && revalidated.body).toBe(BODY);
      const headers =
        revalidated.kind === 'response' ? revalidated.response.headers : new Headers();
      expect(headers.get('content-length')).toBe(LENGTH);
      expect(headers.get('content-encoding')).toBeNull();
      expect(headers.get('age')).toMatch(/^\d+$/);
      // Freshened by the 304: the next request is a hit, with the same body.
      const hit = await observe(() => cachedFetch(url));
      expect(hit.kind === 'response' && hit.body).toBe(BODY);
      expect(hit.kind === 'response' && cacheStatus(hit.response)?.fromCache).toBe(true);
      expect(raw.requests).toHaveLength(2);
    } finally {
      await cachedFetch.close();
    }
  });

  // Regression test: a 304 selecting no stored response once re-asked the origin through the
  // coalescing path and waited for its own in-flight request forever.
  it('a 304 naming a validator nothing stored has is not used: the cache asks again, unconditionally', async () => {
    const raw = await startRawOrigin((socket, request, index) => {
      if (index === 1 && request.headers['if-none-match'] !== undefined) {
        socket.end(
          head('304 Not Modified', [
            ['etag', '"someone-else"'],
            ['cache-control', 'max-age=60'],
            ['connection', 'close'],
          ]),
        );
        return;
      }
      socket.end(good + BODY);
    });
    origin = raw;
    const cachedFetch = createFetch();
    try {
      const url = `${raw.url}/other`;
      await observe(() => cachedFetch(url));
      // This one used to hang (the test's timeout would end it).
      const again = await observe(() => cachedFetch(url));
      expect(again.kind === 'response' && [again.status, again.body]).toEqual([200, BODY]);
      expect(raw.requests.map((r) => r.headers['if-none-match'] ?? null)).toEqual([
        null,
        '"good"',
        null,
      ]);
    } finally {
      await cachedFetch.close();
    }
  });

  it('Vary naming 100 fields: a request that differs in any one of them is not served the stored body', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `x-h${i}`);
    let served = 0;
    const raw = await startRawOrigin((socket) => {
      served++;
      const body = `answer ${served}`;
      socket.end(
        head(OK, [
          ['cache-control', 'max-age=60'],
          ['vary', names.join(', ')],
          ['content-length', String(body.length)],
          ['connection', 'close'],
        ]) + body,
      );
    });
    origin = raw;
    const cachedFetch = createFetch();
    try {
      const url = `${raw.url}/vary`;
      const base = Object.fromEntries(names.map((n) => [n, 'v']));
      const first = await observe(() => cachedFetch(url, { headers: base }));
      expect(first.kind === 'response' && first.body).toBe('answer 1');
      const same = await observe(() => cachedFetch(url, { headers: base }));
      expect(same.kind === 'response' && same.body).toBe('answer 1');
      const other = await observe(() => cachedFetch(url, { headers: { ...base, 'x-h99': 'w' } }));
      expect(other.kind === 'response' && other.body).toBe('answer 2');
      expect(other.kind === 'response' && other.response.headers.get('cache-status')).toMatch(
        /fwd=vary-miss/,
      );
    } finally {
      await cachedFetch.close();
    }
  });
});

function getEtag(headers: readonly (readonly [string, string])[]): string | undefined {
  return headers.find(([name]) => name === 'etag')?.[1];
}

describe('a broken body shared by coalesced requests', () => {
  it('every caller gets the error plain fetch gives, and nothing is stored', async () => {
    const sockets: Socket[] = [];
    const raw = await startRawOrigin((socket) => {
      sockets.push(socket);
    });
    origin = raw;
    const breakOff = (): void => {
      for (const socket of sockets.splice(0)) {
        socket.write(
          head(OK, [
            ['content-length', '500'],
            ['cache-control', 'max-age=60'],
          ]),
        );
        socket.end(BODY);
      }
    };
    const plainPending = observe(() => fetch(`${raw.url}/plain`));
    await until(() => sockets.length === 1);
    breakOff();
    const plain = await plainPending;
    expect(plain.kind).toBe('body-error');

    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ storage });
    try {
      const url = `${raw.url}/shared`;
      const first = observe(() => cachedFetch(url));
      await until(() => sockets.length === 1);
      const second = observe(() => cachedFetch(url));
      await settle(10);
      breakOff();
      const outcomes = await Promise.all([first, second]);
      // One origin request served both.
      expect(raw.requests.filter((r) => r.path === '/shared')).toHaveLength(1);
      for (const outcome of outcomes) expect(comparable(outcome)).toEqual(comparable(plain));
      expect((await storage.settled()).filter((o) => o === 'stored')).toEqual([]);
      expect(await storage.entries()).toEqual([]);
    } finally {
      breakOff();
      await cachedFetch.close();
    }
  });
});
