/**
 * The checks of one case, with the semantics of the upstream test engine: what "cached",
 * "not_cached" and "*_validated" mean, the implicit status, body and response-header checks, and
 * which failures are "setup" failures (the case could not be run as meant) rather than assertions.
 */

import { fixup, NO_BODY_STATUS, type ServerRecord, type Step } from './origin.ts';
import type { ConformanceCase, ExpectedHeader } from './suite.ts';

/** Not compared by the implicit response-header check. */
const SKIP_RESPONSE_HEADERS = new Set(['date']);
/** Browsers hide these from fetch(), so upstream does not check them on browser runs. */
const FORBIDDEN_RESPONSE_HEADERS = new Set(['set-cookie', 'set-cookie2']);

/** A check of a case that did not hold; its message says which, expected and actual. */
export class CaseFailure extends Error {
  /** Whether a setup check failed: the case could not be run as meant. */
  readonly setup: boolean;

  constructor(setup: boolean, message: string) {
    super(`${setup ? '[setup] ' : ''}${message}`);
    this.name = 'CaseFailure';
    this.setup = setup;
  }
}

function check(setup: boolean, condition: boolean, message: string): void {
  if (!condition) throw new CaseFailure(setup, message);
}

function isSetup(step: Step, member: string): boolean {
  return step.setup === true || (step.setup_tests?.includes(member as never) ?? false);
}

/** A response as the client read it. */
export interface Received {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export function checkResponse(
  testCase: ConformanceCase,
  uuid: string,
  steps: readonly Step[],
  idx: number,
  response: Received,
): void {
  const step = steps[idx]!;
  const reqNum = idx + 1;
  const resNum = Number.parseInt(response.headers.get('server-request-count') ?? '', 10);

  const numbers = response.headers.get('request-numbers');
  if (numbers !== null) {
    const seen = numbers.split(' ').map((n) => Number.parseInt(n, 10));
    check(
      true,
      seen.length === new Set(seen).size,
      `retry: the origin saw request numbers ${numbers}`,
    );
  }

  if (step.expected_type !== undefined) {
    const setup = isSetup(step, 'expected_type');
    if (step.expected_type === 'cached' && !(response.status === 304 && Number.isNaN(resNum))) {
      check(setup, resNum < reqNum, `Response ${reqNum} does not come from cache`);
    }
    if (step.expected_type === 'not_cached') {
      check(setup, resNum === reqNum, `Response ${reqNum} comes from cache`);
    }
  }

  if ('expected_status' in step) {
    if (step.expected_status !== null && step.expected_status !== undefined) {
      check(
        isSetup(step, 'expected_status'),
        response.status === step.expected_status,
        `Response ${reqNum} status is ${response.status}, not ${step.expected_status}`,
      );
    }
  } else if (step.response_status !== undefined) {
    check(
      true,
      response.status === step.response_status[0],
      `Response ${reqNum} status is ${response.status}, not ${step.response_status[0]}`,
    );
  } else if (response.status === 999) {
    check(
      isSetup(step, 'expected_type'),
      false,
      `Request ${reqNum} should have been conditional, but it was not.`,
    );
  } else {
    check(
      true,
      response.status === 200,
      `Response ${reqNum} status is ${response.status}, not 200`,
    );
  }

  const serverNow = Number.parseInt(response.headers.get('server-now') ?? '', 10);
  for (const expected of step.expected_response_headers ?? []) {
    checkExpectedHeader(
      isSetup(step, 'expected_response_headers'),
      expected,
      response,
      serverNow,
      step,
      reqNum,
    );
  }
  for (const missing of step.expected_response_headers_missing ?? []) {
    const setup = isSetup(step, 'expected_response_headers_missing');
    if (typeof missing === 'string') {
      check(
        setup,
        !response.headers.has(missing),
        `Response ${reqNum} includes unexpected header ${missing}: "${response.headers.get(missing)}"`,
      );
    } else {
      // Documented semantics: absent, or present without the value.
      const value = response.headers.get(missing[0]);
      check(
        setup,
        value === null || !value.includes(missing[1]),
        `Response ${reqNum} header ${missing[0]} still has value "${value}"`,
      );
    }
  }

  if (step.check_body === false) return;
  if ('expected_response_text' in step) {
    if (step.expected_response_text !== null && step.expected_response_text !== undefined) {
      check(
        isSetup(step, 'expected_response_text'),
        response.body === step.expected_response_text,
        `Response body is "${response.body}", not "${step.expected_response_text}"`,
      );
    }
  } else if (step.response_body !== undefined && step.response_body !== null) {
    check(
      true,
      response.body === step.response_body,
      `Response body is "${response.body}", not "${step.response_body}"`,
    );
  } else if (!NO_BODY_STATUS.has(response.status) && step.request_method !== 'HEAD') {
    check(
      true,
      response.body === uuid,
      `Response body is "${response.body}", not "${uuid}" (test ${testCase.id})`,
    );
  }
}

function checkExpectedHeader(
  setup: boolean,
  expected: ExpectedHeader,
  response: Received,
  serverNow: number,
  step: Step,
  reqNum: number,
): void {
  if (typeof expected === 'string') {
    check(
      setup,
      response.headers.has(expected),
      `Response ${reqNum} ${expected} header not present.`,
    );
    return;
  }
  const value = response.headers.get(expected[0]);
  if (expected.length === 3) {
    check(setup, value !== null, `Response ${reqNum} ${expected[0]} header not present.`);
    if (expected[1] === '=') {
      const other = response.headers.get(String(expected[2]));
      check(
        setup,
        value === other,
        `Response ${reqNum} header ${expected[0]} is ${value}, should match ${expected[2]} (${other})`,
      );
    } else {
      check(
        setup,
        Number.parseInt(value ?? '', 10) > Number(expected[2]),
        `Response ${reqNum} header ${expected[0]} is ${value}, should be bigger than ${expected[2]}`,
      );
    }
    return;
  }
  const resolved = fixup([expected[0], expected[1]], serverNow, null, step)[1];
  check(
    setup,
    value === resolved,
    `Response ${reqNum} header ${expected[0]} is "${value}", not "${resolved}"`,
  );
}

export function checkServerRequests(
  steps: readonly Step[],
  responses: readonly Received[],
  records: readonly ServerRecord[],
  browser: boolean,
): void {
  let testIdx = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const response = responses[i];
    const record = records[testIdx];
    const reqNum = i + 1;
    const typeSetup = isSetup(step, 'expected_type');
    const validating: string[] = [];
    if (step.expected_type === 'cached') continue;
    if (step.expected_type === 'not_cached') {
      check(
        typeSetup,
        record?.request_num === reqNum,
        `Response ${reqNum} comes from cache (${record?.request_num} on server)`,
      );
    }
    if (step.expected_type === 'etag_validated') validating.push('if-none-match');
    if (step.expected_type === 'lm_validated') validating.push('if-modified-since');
    testIdx++;
    for (const name of validating) {
      check(typeSetup, record !== undefined, `request ${reqNum} wasn't sent to server`);
      check(
        typeSetup,
        record?.request_headers[name] !== undefined,
        `request ${reqNum} doesn't have ${name} header`,
      );
    }
    for (const expected of step.expected_request_headers ?? []) {
      const setup = isSetup(step, 'expected_request_headers');
      check(setup, record !== undefined, `request ${reqNum} wasn't sent to server`);
      if (typeof expected === 'string') {
        check(
          setup,
          record?.request_headers[expected.toLowerCase()] !== undefined,
          `Request ${reqNum} ${expected} header not present.`,
        );
      } else {
        const value = record?.request_headers[expected[0].toLowerCase()];
        check(
          setup,
          value === expected[1],
          `Request ${reqNum} header ${expected[0]} is "${value}", not "${expected[1]}"`,
        );
      }
    }
    for (const missing of step.expected_request_headers_missing ?? []) {
      const setup = isSetup(step, 'expected_request_headers_missing');
      check(setup, record !== undefined, `request ${reqNum} wasn't sent to server`);
      if (typeof missing === 'string') {
        check(
          setup,
          record?.request_headers[missing.toLowerCase()] === undefined,
          `Request ${reqNum} ${missing} header present.`,
        );
      } else {
        const value = record?.request_headers[missing[0].toLowerCase()];
        check(setup, value !== missing[1], `Request ${reqNum} header ${missing[0]} is "${value}"`);
      }
    }
    if (record !== undefined && response !== undefined) {
      for (const [name, sent] of record.response_headers) {
        const lower = name.toLowerCase();
        if (browser && FORBIDDEN_RESPONSE_HEADERS.has(lower)) continue;
        if (SKIP_RESPONSE_HEADERS.has(lower)) continue;
        const expected = Array.isArray(sent) ? sent.join(', ') : sent;
        const received = response.headers.get(name);
        check(
          true,
          received === expected,
          `Response ${reqNum} header ${name} is "${received}", not "${expected}"`,
        );
      }
    }
    if (step.expected_method !== undefined) {
      check(
        isSetup(step, 'expected_method'),
        record?.request_method === step.expected_method,
        `Request ${reqNum} had method ${record?.request_method}, not ${step.expected_method}`,
      );
    }
  }
}
