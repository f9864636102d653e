/**
 * Runs the cache-tests conformance cases (suite.ts loads them from the `http-cache-tests`
 * devDependency) through each door into the cache (see
 * doors.ts); `CONFORMANCE_DOORS=fetch,undici,proxy` picks doors. Required and optimal cases must
 * pass unless they are known gaps, which must fail exactly as stated; "check" cases run too and
 * are recorded (a fault of the cache while running one fails it), except those whose behaviour we
 * claim. After the run the results are printed as a table per door and mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chosenDoors, type Door } from './doors.ts';
import { CLAIMED_CHECKS, expectedFailure, KNOWN_GAPS, type KnownGap } from './expectations.ts';
import { ConformanceOrigin } from './origin.ts';
import { type Kind, Results } from './results.ts';
import { attempt } from './run-case.ts';
import { type ConformanceCase, suites } from './suite.ts';

let origin: ConformanceOrigin;
const results = new Results();

beforeAll(async () => {
  origin = await ConformanceOrigin.start();
});

afterAll(async () => {
  await origin.close();
  console.log(results.table());
});

function gapOf(testCase: ConformanceCase, door: Door, shared: boolean): KnownGap | undefined {
  const gap = KNOWN_GAPS.get(testCase.id);
  const only = gap?.only;
  if (only?.shared !== undefined && only.shared !== shared) return undefined;
  if (only?.doors !== undefined && !only.doors.includes(door.name)) return undefined;
  return gap;
}

interface Result {
  /** What went wrong, as a known gap names it: a failed check's message, or `fault: <message>`. */
  readonly failure: string | undefined;
  /** The failed check or the fault. */
  readonly error: unknown;
  /** Whether the cache failed (an exception, an error event) rather than a check. */
  readonly fault: boolean;
}

async function run(testCase: ConformanceCase, door: Door, shared: boolean): Promise<Result> {
  try {
    const outcome = await attempt(testCase, door, shared, origin);
    if (outcome.passed) return { failure: undefined, error: undefined, fault: false };
    return { failure: outcome.failure.message, error: outcome.failure, fault: false };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failure: `fault: ${message}`, error, fault: true };
  }
}

/** Fails unless `failure` is the one `gap` names for `door`. */
function expectGap(id: string, door: Door, shared: boolean, gap: KnownGap, failure?: string) {
  if (failure === undefined) {
    const where = `${door.name} (${shared ? 'shared' : 'private'})`;
    throw new Error(`${id} passes through ${where} now: remove it from KNOWN_GAPS`);
  }
  const expected = expectedFailure(gap, door.name, shared);
  if (typeof expected === 'string') expect(failure, `${id} fails differently`).toBe(expected);
  else expect(failure, `${id} fails differently`).toMatch(expected);
}

function defineCase(testCase: ConformanceCase, kind: Kind, door: Door, shared: boolean): void {
  const gap = gapOf(testCase, door, shared);
  const graded = kind !== 'check' || CLAIMED_CHECKS.has(testCase.id);
  let title = testCase.id;
  if (gap !== undefined) title += ` (known gap: ${gap.reason})`;
  else if (!graded) title += ' (recorded)';
  it(title, async () => {
    const { failure, error, fault } = await run(testCase, door, shared);
    results.record(door.name, shared, kind, testCase.id, failure);
    if (gap !== undefined) expectGap(testCase.id, door, shared, gap, failure);
    // A fault of the cache fails every case; a failed check fails the graded ones.
    else if (fault || (graded && error !== undefined)) throw error;
  });
}

for (const door of chosenDoors(process.env.CONFORMANCE_DOORS)) {
  for (const shared of door.modes) {
    describe(`${door.name}: ${shared ? 'shared cache' : 'private cache'}`, () => {
      for (const suite of suites) {
        const applicable = suite.tests.filter((t) =>
          shared ? t.browser_only !== true : t.cdn_only !== true && t.browser_skip !== true,
        );
        if (applicable.length === 0) continue;
        describe(suite.id, () => {
          for (const kind of ['required', 'optimal', 'check'] as const) {
            const cases = applicable.filter((t) => (t.kind ?? 'required') === kind);
            if (cases.length === 0) continue;
            describe(kind, () => {
              for (const testCase of cases) defineCase(testCase, kind, door, shared);
            });
          }
        });
      }
    });
  }
}
