/**
 * The stress check for flaky tests: runs the test suite (vitest, as `npm test` does after its
 * typecheck and lint) several times in a row, stopping at the first failing run, and checks that
 * every run counted the same tests. With `--busy`, one spinning process per core keeps the machine
 * busy meanwhile, so that a test depending on timing shows itself.
 *
 *   npm run test:flaky                       10 runs
 *   npm run test:flaky -- --runs 5 --busy    5 runs, every core kept busy
 *   npm run test:flaky -- test/storage       only these files (any other argument goes to vitest)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    busy: { type: 'boolean', default: false },
  },
  allowPositionals: true,
  strict: false,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`test:flaky: --runs must be a whole number of at least 1, not ${values.runs}`);
  process.exit(2);
}
const vitest = join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs');
const reports = mkdtempSync(join(tmpdir(), 'httpcache-flaky-'));

const spinners: ChildProcess[] = [];
if (values.busy) {
  for (let i = 0; i < availableParallelism(); i++) {
    spinners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  }
  console.info(`test:flaky: ${spinners.length} spinning processes keep every core busy`);
}

/** One vitest run; its exit code and how many tests it counted. */
function vitestRun(n: number): Promise<{ code: number; tests: number | undefined }> {
  const outputFile = join(reports, `run-${n}.json`);
  const args = [vitest, 'run', '--reporter=default', '--reporter=json', '--outputFile', outputFile];
  const child = spawn(process.execPath, [...args, ...positionals], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let tests: number | undefined;
      try {
        tests = (JSON.parse(readFileSync(outputFile, 'utf8')) as { numTotalTests: number })
          .numTotalTests;
      } catch {
        tests = undefined;
      }
      resolve({ code: code ?? (signal === null ? 1 : 128), tests });
    });
  });
}

let failed = 0;
try {
  let counted: number | undefined;
  for (let n = 1; n <= runs; n++) {
    console.info(`\ntest:flaky: run ${n} of ${runs}`);
    const { code, tests } = await vitestRun(n);
    if (code !== 0) {
      console.error(`\ntest:flaky: run ${n} of ${runs} FAILED (exit code ${code})`);
      failed = code;
      break;
    }
    if (counted !== undefined && tests !== counted) {
      console.error(`\ntest:flaky: run ${n} of ${runs} counted ${tests} tests, run 1 ${counted}`);
      failed = 1;
      break;
    }
    counted = tests;
  }
  if (failed === 0) console.info(`\ntest:flaky: ${runs} runs passed, ${counted} tests each`);
} finally {
  for (const spinner of spinners) spinner.kill('SIGKILL');
  rmSync(reports, { recursive: true, force: true });
}
process.exitCode = failed;
