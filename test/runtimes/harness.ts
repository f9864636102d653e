/**
 * A test runner small enough to run anywhere (browsers, workerd, Deno, Bun, Node): each test
 * passes, fails with its error, or is not applicable in this runtime with the reason said.
 *
 * @module
 */

/** One test's outcome. */
export interface TestResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'n/a';
  /** The error for a failure, the reason for a test that does not apply. */
  readonly detail?: string;
}

/** A test, or the reason it cannot run in this runtime. */
export type TestCase =
  | { readonly name: string; readonly run: () => Promise<void> }
  | { readonly name: string; readonly notApplicable: string };

/** Runs tests one after another. */
export async function runTests(cases: readonly TestCase[]): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of cases) {
    if ('notApplicable' in test) {
      results.push({ name: test.name, status: 'n/a', detail: test.notApplicable });
      continue;
    }
    try {
      await test.run();
      results.push({ name: test.name, status: 'pass' });
    } catch (error) {
      if (error instanceof Error && error.name === 'UnsupportedOperationError') {
        results.push({ name: test.name, status: 'n/a', detail: error.message });
        continue;
      }
      const detail =
        error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      results.push({ name: test.name, status: 'fail', detail });
    }
  }
  return results;
}

/** Throws unless `actual` equals `expected` (compared as JSON). */
export function equal(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Throws unless `condition` holds. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`${what}: check failed`);
}
