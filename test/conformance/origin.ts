/**
 * The conformance origin: one real HTTP server on 127.0.0.1 for the whole file, routed by
 * /test/<uuid>, answering each case's requests as the upstream test server does (request
 * numbers, date offsets from its "now", 304 for the expected validations), on a manual clock
 * shared with the caches under test.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestCase } from './suite.ts';

/** The manual clock of the origin and of every cache under test. */
export const conformanceClock = {
  now: Date.now(),
  read: (): number => conformanceClock.now,
};

const DATE_HEADERS = new Set([
  'date',
  'expires',
  'last-modified',
  'if-modified-since',
  'if-unmodified-since',
]);
const LOCATION_HEADERS = new Set(['location', 'content-location']);
/** Statuses sent without a body. */
export const NO_BODY_STATUS = new Set([204, 304]);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** IMF-fixdate, or the obsolete RFC 850 form, of `base` plus `deltaSecs`. */
function httpDate(base: number, deltaSecs: number, rfc850 = false): string {
  const instant = new Date(base + deltaSecs * 1000);
  if (!rfc850) return instant.toUTCString();
  const pad = (n: number): string => n.toString().padStart(2, '0');
  const date = `${pad(instant.getUTCDate())}-${MONTHS[instant.getUTCMonth()]}-${instant.getUTCFullYear().toString().slice(2)}`;
  const time = `${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}`;
  return `${DAYS[instant.getUTCDay()]}, ${date} ${time} GMT`;
}

/** A mutable header, resolved in place like upstream does (later steps see resolved values). */
export type Header = [name: string, value: string | number, check?: boolean];

/** One request of a case, with headers the origin and the client resolve in place. */
export interface Step extends Omit<RequestCase, 'response_headers' | 'request_headers'> {
  response_headers?: Header[];
  request_headers?: Header[];
}

/** Resolves date offsets and magic locations. `serverNow` is NaN when unknown. */
export function fixup(
  header: Header,
  serverNow: number,
  baseUrl: string | null,
  step: Step,
): Header {
  const name = header[0].toLowerCase();
  if (DATE_HEADERS.has(name) && typeof header[1] === 'number') {
    header[1] = httpDate(serverNow, header[1], step.rfc850date?.includes(name) ?? false);
  }
  if (LOCATION_HEADERS.has(name) && step.magic_locations === true) {
    header[1] = header[1] ? `${baseUrl}/${header[1]}` : `${baseUrl}`;
  }
  return header;
}

/** What the origin saw of one request, and the response headers it promised to check. */
export interface ServerRecord {
  readonly request_num: number;
  readonly request_method: string;
  readonly request_headers: IncomingMessage['headers'];
  readonly response_headers: [string, string | string[]][];
}

interface TestState {
  readonly steps: Step[];
  readonly records: ServerRecord[];
}

function header(headers: readonly Header[] | undefined, name: string): string | undefined {
  const found = headers?.find((h) => h[0].toLowerCase() === name.toLowerCase());
  return found === undefined ? undefined : String(found[1]);
}

/** The status the origin answers a step with: a 304 when it expects (and gets) a validation. */
function statusFor(
  req: IncomingMessage,
  step: Step,
  previous: Step | undefined,
): readonly [number, string] {
  if (step.expected_type?.endsWith('validated') !== true)
    return step.response_status ?? [200, 'OK'];
  const previousLm = header(previous?.response_headers, 'Last-Modified');
  const previousEtag = header(previous?.response_headers, 'ETag');
  const validated =
    (previousLm !== undefined && req.headers['if-modified-since'] === previousLm) ||
    (previousEtag !== undefined && req.headers['if-none-match'] === previousEtag);
  return validated ? [304, 'Not Modified'] : [999, '304 Not Generated'];
}

/** The real origin of the conformance cases. */
export class ConformanceOrigin {
  readonly #tests = new Map<string, TestState>();
  readonly #server: Server;
  #url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      // Read the request body (if any) before answering.
      req.resume();
      req.on('end', () => this.#handle(req, res));
    });
  }

  /** Starts the origin on port 0 of 127.0.0.1. */
  static async start(): Promise<ConformanceOrigin> {
    const origin = new ConformanceOrigin();
    origin.#server.listen(0, '127.0.0.1');
    await once(origin.#server, 'listening');
    origin.#url = `http://127.0.0.1:${(origin.#server.address() as AddressInfo).port}`;
    return origin;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.#url;
  }

  /** Makes /test/<uuid> answer with `steps`. */
  register(uuid: string, steps: Step[]): void {
    this.#tests.set(uuid, { steps, records: [] });
  }

  /** What the origin saw under /test/<uuid>. */
  records(uuid: string): readonly ServerRecord[] {
    return this.#tests.get(uuid)?.records ?? [];
  }

  unregister(uuid: string): void {
    this.#tests.delete(uuid);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://origin');
    const segments = url.pathname.split('/');
    const uuid = segments[2] ?? '';
    const state = segments[1] === 'test' ? this.#tests.get(uuid) : undefined;
    if (state === undefined) {
      res.statusCode = 404;
      res.end(`Config Not Found for ${uuid}`);
      return;
    }
    const srvReqNum = state.records.length + 1;
    const cliReqNum = Number.parseInt(String(req.headers['req-num']), 10);
    const reqNum = cliReqNum || srvReqNum;
    const step = state.steps[reqNum - 1];
    if (step === undefined) {
      res.statusCode = 409;
      res.end(`config not found for request ${srvReqNum} (anticipating ${state.steps.length})`);
      return;
    }
    const serverNow = conformanceClock.now;

    const [statusCode, statusMessage] = statusFor(req, step, state.steps[reqNum - 2]);
    res.statusCode = statusCode;
    res.statusMessage = statusMessage;

    const base = url.pathname;
    res.setHeader('Server-Base-Url', base);
    res.setHeader('Server-Request-Count', String(srvReqNum));
    res.setHeader('Client-Request-Count', String(cliReqNum));
    res.setHeader('Server-Now', String(serverNow));
    const saved = new Map<string, string | string[]>();
    for (const h of step.response_headers ?? []) {
      fixup(h, serverNow, base, step);
      const value = String(h[1]);
      const current = res.getHeader(h[0]);
      if (current === undefined) res.setHeader(h[0], value);
      else
        res.setHeader(
          h[0],
          Array.isArray(current) ? [...current, value] : [String(current), value],
        );
      if (h.length < 3 || h[2] === true) {
        const stored = res.getHeader(h[0]);
        saved.set(h[0], Array.isArray(stored) ? [...stored] : String(stored));
      }
    }
    if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'text/plain');
    // Node would add a `Date` from the real clock; an origin on our manual clock sends its own.
    res.sendDate = false;
    if (!res.hasHeader('date')) res.setHeader('Date', httpDate(serverNow, 0));

    state.records.push({
      request_num: cliReqNum,
      request_method: req.method ?? 'GET',
      request_headers: req.headers,
      response_headers: [...saved.entries()],
    });
    res.setHeader('Request-Numbers', state.records.map((r) => r.request_num).join(' '));

    // A non-chunked Transfer-Encoding means "body ends when the connection closes".
    if (res.hasHeader('transfer-encoding')) res.shouldKeepAlive = false;
    if (step.disconnect === true) {
      res.socket?.destroy();
      return;
    }
    if (NO_BODY_STATUS.has(res.statusCode)) {
      res.end();
      return;
    }
    res.end(bodyOf(res, step.response_body || uuid));
  }
}

/**
 * The body to send. A configured Content-Length is sent as is; send that many bytes so the
 * connection stays sane (the client would read no more than that anyway).
 */
function bodyOf(res: ServerResponse, text: string): Buffer {
  const content = Buffer.from(text);
  const declared = res.getHeader('content-length');
  if (typeof declared !== 'string' || !/^\d+$/.test(declared)) return content;
  const length = Number(declared);
  return content.length >= length
    ? content.subarray(0, length)
    : Buffer.concat([content, Buffer.alloc(length - content.length, 0x20)]);
}
