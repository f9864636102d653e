import type { ServerResponse } from 'node:http';
import { type Answer, isStoredAnswer, type StoredAnswer } from '../../engine/answer.ts';
import { answerHasBody, answerHeaders } from '../../engine/respond.ts';
import { connectionListed, HOP_BY_HOP } from './hop-by-hop.ts';

/**
 * Writing the engine's answers to a node:http `ServerResponse`: a WHATWG `Response` streamed with
 * back-pressure, a stored response's bytes written at once.
 *
 * @module
 */

/** A response whose body does not match the length it declares (a corrupted stored entry). */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

/** How a response is sent: to a HEAD request (no body), and the proxy's `Via` member. */
export interface SendOptions {
  readonly head: boolean;
  readonly via: string | undefined;
}

/**
 * Writes the engine's answer to `res`: a stored response at once (nothing returned), any other
 * with a promise that resolves when it is all written, or `res` closed. Fails (throws, or rejects)
 * with a {@link FramingError} before the head is written when its `Content-Length` is not one
 * length, and after closing the connection when the body holds more or fewer bytes than that
 * length: a client must never read bytes past the declared length as a response of their own.
 */
export function sendResponse(
  res: ServerResponse,
  answer: Answer,
  options: SendOptions,
): Promise<void> | undefined {
  if (!isStoredAnswer(answer)) return sendStreamed(res, answer, options);
  sendStored(res, answer, options);
  return undefined;
}

/** Writes a `Response`, its body streamed with back-pressure. */
async function sendStreamed(
  res: ServerResponse,
  response: Response,
  options: SendOptions,
): Promise<void> {
  const lines = [...response.headers];
  const declared = writeHead(res, response.status, response.statusText, lines, options);
  if (declared === null) {
    await response.body?.cancel();
    throw new FramingError(
      `Content-Length is not one length: ${response.headers.get('content-length')}`,
    );
  }
  const reader = options.head ? undefined : response.body?.getReader();
  if (reader === undefined) {
    await response.body?.cancel();
    res.end();
    return;
  }
  // A client that goes away stops the body (and so the upstream) at once, mid-read included.
  res.once('close', () => {
    if (!res.writableFinished) reader.cancel(new Error('the client went away')).catch(() => {});
  });
  let written = 0;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) break;
      if (res.destroyed) throw new Error('the client went away');
      const chunk = result.value;
      if (declared !== undefined && written + chunk.byteLength > declared) {
        // RFC 9112 §6.3: bytes past the declared length would be read as the next response.
        res.write(chunk.subarray(0, declared - written));
        throw new FramingError(`the body is longer than its Content-Length ${declared}`);
      }
      written += chunk.byteLength;
      if (!res.write(chunk)) await drained(res);
    }
    if (declared !== undefined && written !== declared) {
      throw new FramingError(`the body has ${written} of its Content-Length ${declared} bytes`);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    // A body cut short must reach the client as one: the connection is closed, not ended cleanly.
    res.destroy(error instanceof Error ? error : undefined);
    if (error instanceof FramingError) throw error;
    return;
  }
  res.end();
}

/**
 * Writes a stored response: its head and its stored bytes straight to the socket, in one write
 * where node:http can (no stream in between: the bytes are all there).
 */
function sendStored(res: ServerResponse, answer: StoredAnswer, options: SendOptions): void {
  const lines = answerHeaders(answer);
  const body = options.head || !answerHasBody(answer.status) ? null : answer.body;
  const declared = writeHead(res, answer.status, answer.statusText, lines, options);
  if (declared === null) {
    throw new FramingError('Content-Length is not one length');
  }
  const size = body?.byteLength ?? 0;
  if (body !== null && declared !== undefined && size !== declared) {
    // RFC 9112 §6.3: a body of another length than declared is never sent as the response.
    res.destroy();
    throw new FramingError(`the body has ${size} of its Content-Length ${declared} bytes`);
  }
  res.end(body === null || size === 0 ? undefined : body);
}

/**
 * Writes the response head (its end-to-end fields, `Via` added) unless its `Content-Length` is not
 * one length; returns that length (`undefined` without one, `null` when it is not one length).
 */
function writeHead(
  res: ServerResponse,
  status: number,
  statusText: string,
  lines: readonly (readonly [string, string])[],
  options: SendOptions,
): number | undefined | null {
  // One pass: the flat list node:http takes without hop-by-hop fields (RFC 9110 §7.6.1), where
  // `Via` is, and the `Content-Length` values.
  const listed = connectionListed(lines);
  const flat: string[] = [];
  let via = -1;
  const lengths: string[] = [];
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    if (lower === 'via') via = via < 0 ? flat.length : via;
    else if (lower === 'content-length') lengths.push(value);
    flat.push(name, value);
  }
  if (options.via !== undefined) {
    // RFC 9110 §7.6.3: each intermediary appends its own member to `Via`.
    if (via < 0) flat.push('via', options.via);
    else flat[via + 1] = `${flat[via + 1]}, ${options.via}`;
  }
  const declared = lengths.length === 0 ? undefined : oneLength(lengths);
  if (declared === null) return null;
  if (statusText === '') res.writeHead(status, flat);
  else res.writeHead(status, statusText, flat);
  return declared;
}

/** The `Content-Length` values as one length, or `null` when they are not one length. */
function oneLength(values: readonly string[]): number | null {
  // RFC 9110 §8.6: a list of identical lengths is one length; anything else is not.
  let only: string | undefined;
  for (const value of values) {
    for (const member of value.split(',')) {
      const length = member.trim();
      if (only === undefined) only = length;
      else if (length !== only) return null;
    }
  }
  return only !== undefined && /^\d{1,15}$/.test(only) ? Number(only) : null;
}

/**
 * Relays an upstream's interim response to the client, before the final one: 102 Processing and
 * 103 Early Hints (RFC 8297), which node:http can write. Not to an HTTP/1.0 client (RFC 9110
 * §15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client"); not 100 Continue, which
 * this proxy's own server answers (RFC 9110 §10.1.1); not once the final head is out.
 */
export function sendInterim(
  res: ServerResponse,
  httpVersion: string,
  status: number,
  headers: readonly (readonly [string, string])[],
): void {
  if (res.headersSent || res.destroyed || httpVersion === '1.0') return;
  if (status === 102) res.writeProcessing();
  if (status !== 103) return;
  const hints: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    const existing = hints[lower];
    hints[lower] = existing === undefined ? value : [existing, value].flat();
  }
  // node:http writes 103 only with a Link field, the point of Early Hints.
  if (hints.link !== undefined) res.writeEarlyHints(hints);
}

/** Waits until `res` can take more, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** RFC 9110 §7.6.3: each intermediary appends its own member to `Via`. */
export function addVia(lines: [string, string][], member: string): void {
  for (let index = 0; index < lines.length; index++) {
    const [name, value] = lines[index] as [string, string];
    if (name.length === 3 && name.toLowerCase() === 'via') {
      lines[index] = [name, `${value}, ${member}`];
      return;
    }
  }
  lines.push(['via', member]);
}

/** The status texts of the proxy's own responses. */
const STATUS_TEXT: Readonly<Record<ProxyStatus, string>> = {
  400: 'Bad Request',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** The statuses the proxy answers with itself. */
export type ProxyStatus = 400 | 502 | 504;

/**
 * A response from the proxy itself: its status text and nothing more, whatever the cause (the
 * detail goes to the proxy's `error` event). A 400 also closes the connection, whose request the
 * proxy could not make sense of.
 */
export function sendError(res: ServerResponse, status: ProxyStatus, via?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${STATUS_TEXT[status]}\n`;
  const headers: Record<string, string | number> = {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (status === 400) headers.connection = 'close';
  if (via !== undefined) headers.via = via;
  res.writeHead(status, headers).end(body);
}
