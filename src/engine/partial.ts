import type { RequestDecision } from '../core/decision.ts';
import {
  answerFromParts,
  continuesPart,
  isPart,
  type PartsAnswer,
  wholeVariant,
  withRange,
} from '../core/partial.ts';
import type { HeaderReader } from '../core/types.ts';
import type { EntryMeta, StoredBody } from '../storage/types.ts';
import type { Answer } from './answer.ts';
import { type Engine, subject } from './context.ts';
import type { Exchange, Forward } from './exchange.ts';
import { forward } from './forward.ts';
import { cacheStatus } from './metadata.ts';
import { joinBodies } from './partial-body.ts';
import { sliceBody } from './range-response.ts';
import { buildResponse } from './respond.ts';
import { serveStored } from './serve.ts';

/**
 * Answering requests from stored parts of a representation (RFC 9111 §3.3, §3.4): a range they
 * hold is served from storage; when they hold the first bytes asked for, the origin is asked only
 * for the rest, and the caller gets the stored bytes followed by the origin's.
 *
 * @module
 */

const NO_PARTS: readonly EntryMeta[] = [];

/** Stored entries split into complete responses and parts (most keys have no parts at all). */
export function splitParts(
  entries: readonly EntryMeta[],
): [readonly EntryMeta[], readonly EntryMeta[]] {
  if (!entries.some(isPart)) return [entries, NO_PARTS];
  const whole: EntryMeta[] = [];
  const parts: EntryMeta[] = [];
  for (const entry of entries) (isPart(entry) ? parts : whole).push(entry);
  return [whole, parts];
}

/**
 * The answer stored parts give a GET that no complete stored response answers, or `undefined`
 * when they give none: `otherwise` then runs the request's decision as if no part were stored.
 */
export function fromParts(
  engine: Engine,
  ex: Exchange,
  variants: readonly EntryMeta[],
  parts: readonly EntryMeta[],
  decision: RequestDecision<EntryMeta>,
  otherwise: () => Promise<Answer> | Answer,
): Promise<Answer> | undefined {
  const nothingWhole =
    decision.type === 'gateway-timeout' ||
    (decision.type === 'forward' && decision.entry === undefined);
  if (parts.length === 0 || ex.head.method !== 'GET' || !nothingWhole) return undefined;
  const answer = answerFromParts({
    request: ex.head,
    requestCc: ex.requestCc,
    variants: parts,
    controls: ex.controls,
    options: engine.options.policy,
    now: engine.options.clock(),
  });
  switch (answer.type) {
    case 'serve':
      return serve(engine, ex, answer, otherwise);
    case 'complete':
      // RFC 9111 §5.2.1.7: only-if-cached never goes to the origin.
      if (decision.type === 'gateway-timeout') return undefined;
      return complete(engine, ex, { variants, parts }, answer, otherwise);
    default:
      return undefined;
  }
}

/** Serves a stored part; `otherwise` when its body is gone. */
async function serve(
  engine: Engine,
  ex: Exchange,
  answer: PartsAnswer<EntryMeta> & { type: 'serve' },
  otherwise: () => Promise<Answer> | Answer,
): Promise<Answer> {
  return (
    (await serveStored(engine, ex, answer.entry, answer.freshness, answer.stale)) ?? otherwise()
  );
}

/**
 * RFC 9111 §3.4: "A cache MAY complete a stored incomplete response by making a subsequent range
 * request and combining the successful response with the stored response". The origin's 206 is
 * stored as a part (and so combined in storage); the caller gets the stored bytes it asked for
 * followed by the origin's. An answer that does not continue the part (a 200: the representation
 * changed, or the origin ignores ranges) is handed on as it is, and the parts it supersedes are
 * dropped; a 206 of something else makes the cache ask again for what the caller asked.
 */
async function complete(
  engine: Engine,
  ex: Exchange,
  stored: { readonly variants: readonly EntryMeta[]; readonly parts: readonly EntryMeta[] },
  answer: PartsAnswer<EntryMeta> & { type: 'complete' },
  otherwise: () => Promise<Answer> | Answer,
): Promise<Answer> {
  const body = await engine.store.body(subject(ex), answer.entry);
  if (body === undefined) return otherwise();
  const fwd: Forward = {
    fwd: 'partial',
    variants: stored.variants,
    entry: undefined,
    freshness: undefined,
    conditions: answer.conditions,
    store: true,
  };
  // The request as it goes: with its Range, it shares no other request's origin response.
  const headers = withFields(ex.head.headers, answer.conditions);
  let response: Response;
  try {
    response = await forward(engine, { ...ex, head: { ...ex.head, headers } }, fwd);
  } catch (error) {
    await cancel(body);
    throw error;
  }
  if (continuesPart(answer, response.status, [...response.headers])) {
    return stitched(answer, body, response);
  }
  await cancel(body);
  if (response.status === 200) {
    // The representation the parts were of is gone (or the origin sends whole ones only).
    const variant = wholeVariant(answer.entry);
    for (const part of stored.parts) {
      if (wholeVariant(part) !== variant) continue;
      engine.store.track(engine.store.update(subject(ex), { ...part, deleteAt: 0 }));
    }
  }
  if (response.status !== 206 && response.status !== 416) return response;
  await response.body?.cancel();
  return forward(engine, ex, { ...fwd, conditions: undefined, uncounted: true });
}

/**
 * The caller's response: the stored bytes from `from` followed by the origin's remainder, under
 * the origin's header fields (RFC 9111 §3.4: those of the newer response), as a 200 of the whole
 * representation or a 206 of the range asked for.
 */
function stitched(
  answer: PartsAnswer<EntryMeta> & { type: 'complete' },
  stored: StoredBody,
  response: Response,
): Response {
  const { part, from, to, whole } = answer;
  const range = whole ? undefined : { start: from, end: to, total: part.total };
  const metadata = cacheStatus(response);
  const head = sliceBody(stored, from - part.start, part.end - part.start);
  const body = joinBodies([
    { body: head, length: part.end - from + 1 },
    { body: response.body ?? new Uint8Array(), length: to - part.end },
  ]);
  return buildResponse({
    status: whole ? 200 : 206,
    statusText: whole ? 'OK' : 'Partial Content',
    headers: withRange([...response.headers], range, to - from + 1),
    body,
    age: undefined,
    cacheStatus: undefined,
    url: response.url,
    redirected: response.redirected,
    metadata: metadata ?? {
      fromCache: false,
      revalidated: false,
      stored: false,
      collapsed: false,
      key: '',
      createdAt: undefined,
      hits: 0,
      ttl: undefined,
      forwarded: 'partial',
      stale: false,
    },
    origin: response,
  });
}

/** Request fields with `fields` set over them. */
function withFields(headers: HeaderReader, fields: Readonly<Record<string, string>>): HeaderReader {
  return { get: (name) => fields[name.toLowerCase()] ?? headers.get(name) };
}

/** Lets go of a stored body that will not be read. */
async function cancel(body: StoredBody): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel().catch(() => undefined);
}
