import { runTests, type TestResult } from './harness.ts';
import { storageSuites } from './storage-suite.ts';
import { fetchSuite, type SuiteEnvironment } from './suite.ts';

/**
 * What every runtime's launcher bundles: the shared suite, run once.
 *
 * @module
 */

/** Runs the shared suite in this runtime. */
export function runSuite(environment: SuiteEnvironment): Promise<TestResult[]> {
  return runTests([...fetchSuite(environment), ...storageSuites()]);
}
