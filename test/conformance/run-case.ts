/**
 * Runs one conformance case through one door: the requests in order on the manual clock (a
 * 3-second `pause_after` costs nothing), the cache's background work settled after each, then
 * the checks. A failed check is an {@link Outcome}; anything else (a rejected request the origin
 * did not cause, an `error` event, an exception from the cache) is thrown as a fault.
 */

import { CaseFailure, checkResponse, checkServerRequests, type Received } from './checks.ts';
import type { Door, DoorClient } from './doors.ts';
import {
  type ConformanceOrigin,
  conformanceClock,
  fixup,
  type Header,
  type Step,
} from './origin.ts';
import type { ConformanceCase, HeaderSpec } from './suite.ts';

/** Upstream pauses 3 s after a request with `pause_after`. */
const PAUSE_MS = 3000;

/** How a case went: passed, or the check that failed. */
export type Outcome =
  | { readonly passed: true }
  | { readonly passed: false; readonly failure: CaseFailure };

/** `CONFORMANCE_DUMP=<id>[,<id>…]` prints each exchange of those cases. */
const DUMP = new Set((process.env.CONFORMANCE_DUMP ?? '').split(',').filter((id) => id !== ''));

let uuidCounter = 0;

function mutableHeaders(headers: readonly HeaderSpec[] | undefined): Header[] | undefined {
  return headers?.map((h): Header => (h.length === 3 ? [h[0], h[1], h[2]] : [h[0], h[1]]));
}

function stepsOf(testCase: ConformanceCase): Step[] {
  return testCase.requests.map((r) => {
    const { response_headers: responseHeaders, request_headers: requestHeaders, ...rest } = r;
    const step: Step = { ...rest };
    const response = mutableHeaders(responseHeaders);
    const request = mutableHeaders(requestHeaders);
    if (response !== undefined) step.response_headers = response;
    if (request !== undefined) step.request_headers = request;
    return step;
  });
}

/** The request of `step`, as upstream's client builds it. */
function requestOf(
  testCase: ConformanceCase,
  step: Step,
  reqNum: number,
  browser: boolean,
  previous: Received | undefined,
): RequestInit & { headers: [string, string][] } {
  const headers: [string, string][] = [];
  // Upstream's non-browser client sends these (fetch() workarounds): without a Pragma and a
  // Cache-Control of its own, fetch() adds `no-cache` ones to a conditional request, which the
  // undici and proxy doors would then forward. Sent on every request here; a proxy sees them.
  // Browser runs use the fetch cache mode instead, which is not ours to set.
  if (!browser) headers.push(['Pragma', 'foo'], ['Cache-Control', 'nothing-to-see-here']);
  const previousNow = Number.parseInt(previous?.headers.get('server-now') ?? '', 10);
  for (const h of step.request_headers ?? []) {
    if (step.magic_ims === true && h[0].toLowerCase() === 'if-modified-since') {
      fixup(h, previousNow, null, step);
    }
    headers.push([h[0], String(h[1])]);
  }
  headers.push(['Test-Name', testCase.name.replace(/[^\t\x20-\x7e]/g, '?')]);
  headers.push(['Test-ID', testCase.id]);
  headers.push(['Req-Num', String(reqNum)]);
  const init: RequestInit & { headers: [string, string][] } = { headers };
  if (step.request_method !== undefined) init.method = step.request_method;
  if (step.request_body !== undefined) init.body = step.request_body;
  if (browser && step.cache !== undefined) init.cache = step.cache;
  if (step.redirect !== undefined) init.redirect = step.redirect;
  return init;
}

function describeError(error: unknown): string {
  const cause =
    error instanceof Error && error.cause !== undefined ? ` (${String(error.cause)})` : '';
  return `${String(error)}${cause}`;
}

/** Sends the requests of the case and checks each response; returns what the origin saw. */
async function exchange(
  testCase: ConformanceCase,
  client: DoorClient,
  origin: ConformanceOrigin,
  uuid: string,
  steps: readonly Step[],
  browser: boolean,
): Promise<Received[]> {
  const responses: Received[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const reqNum = i + 1;
    let url = `${origin.url}/test/${uuid}`;
    if (step.filename !== undefined) url += `/${step.filename}`;
    if (step.query_arg !== undefined) url += `?${step.query_arg}`;
    const init = requestOf(testCase, step, reqNum, browser, responses[i - 1]);
    let response: Response;
    try {
      response = await client.fetch(url, init);
    } catch (error) {
      // Plain fetch rejects when the origin drops the connection; any other rejection is a fault.
      if (step.disconnect !== true) {
        throw new Error(`Request ${reqNum} was rejected: ${describeError(error)}`, {
          cause: error,
        });
      }
      throw new CaseFailure(false, `Request ${reqNum} failed: ${describeError(error)}`);
    }
    const body = await response.text();
    const received: Received = { status: response.status, headers: response.headers, body };
    if (DUMP.has(testCase.id)) {
      console.log(
        `--- ${testCase.id} request ${reqNum} at ${conformanceClock.now}\n` +
          `> ${init.method ?? 'GET'} ${url}\n${init.headers.map(([n, v]) => `> ${n}: ${v}`).join('\n')}\n` +
          `< ${response.status}\n${[...response.headers].map(([n, v]) => `< ${n}: ${v}`).join('\n')}\n` +
          `< body: ${JSON.stringify(body.slice(0, 80))}`,
      );
    }
    responses.push(received);
    checkResponse(testCase, uuid, steps, i, received);
    if (step.pause_after !== undefined) conformanceClock.now += PAUSE_MS;
    await client.idle();
  }
  return responses;
}

async function runCase(
  testCase: ConformanceCase,
  door: Door,
  shared: boolean,
  origin: ConformanceOrigin,
): Promise<void> {
  const browser = !shared;
  const uuid = `${testCase.id.replace(/[^A-Za-z0-9-]/g, '_')}-${shared ? 's' : 'p'}-${++uuidCounter}`;
  const steps = stepsOf(testCase);
  origin.register(uuid, steps);
  const client = await door.open(shared, origin.url);
  let failure: unknown;
  try {
    const responses = await exchange(testCase, client, origin, uuid, steps, browser);
    const records = origin.records(uuid);
    if (DUMP.has(testCase.id)) {
      for (const r of records) {
        console.log(
          `origin saw #${r.request_num} ${r.request_method} ${JSON.stringify(r.request_headers)}`,
        );
      }
    }
    checkServerRequests(steps, responses, records, browser);
  } catch (error) {
    failure = error;
  } finally {
    await client.close();
    origin.unregister(uuid);
  }
  // With memory storage nothing may fail: an error event is a fault, whatever the checks said.
  if (client.errors.length > 0) {
    throw new Error(`The cache emitted error events: ${client.errors.join('; ')}`, {
      cause: failure,
    });
  }
  if (failure !== undefined) throw failure;
}

/**
 * Runs the case through the door. Resolves with its outcome when it ran to the end or a check
 * failed; rejects on a fault of the cache.
 */
export async function attempt(
  testCase: ConformanceCase,
  door: Door,
  shared: boolean,
  origin: ConformanceOrigin,
): Promise<Outcome> {
  try {
    await runCase(testCase, door, shared, origin);
    return { passed: true };
  } catch (error) {
    if (error instanceof CaseFailure) return { passed: false, failure: error };
    throw error;
  }
}
