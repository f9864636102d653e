import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestResult } from '../harness.ts';

/**
 * Node.js 22, the oldest Node the package supports. Its binary comes from the `node` package of
 * the `test/runtimes/node22` workspace (installed by `npm ci`, never downloaded at run time).
 * Besides the shared suite it runs the Node-only parts of the test suite (the in-process and file
 * storages, every integration, the command line), one result a test file.
 *
 * @module
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The Node 22 binary of the workspace. */
export const NODE22 = join(ROOT, 'test/runtimes/node22/node_modules/.bin/node');

/** The test files whose code needs Node: storages on Node's modules, integrations, the CLI. */
const NODE_ONLY = [
  'test/storage/memory.test.ts',
  'test/storage/sqlite.test.ts',
  'test/storage/fs.test.ts',
  'test/integrations',
  'test/cli',
];

interface VitestReport {
  testResults: {
    name: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

/** Runs the Node-only test files under Node 22 with vitest, and gives one result a file. */
export async function runNodeOnlyTests(): Promise<TestResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'httpcache-node22-'));
  const report = join(dir, 'report.json');
  try {
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const args = [vitest, 'run', ...NODE_ONLY, '--reporter=json', `--outputFile=${report}`];
    // The report holds every failure; the output matters only when vitest itself fails.
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(NODE22, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', () => resolve(stderr));
    });
    const text = await readFile(report, 'utf8').catch((error: unknown) => {
      throw new Error(`vitest wrote no report (${String(error)}):\n${output.slice(-4000)}`);
    });
    const { testResults } = JSON.parse(text) as VitestReport;
    return testResults.map(({ name, assertionResults }): TestResult => {
      const file = name.slice(ROOT.length);
      const failed = assertionResults.filter((test) => test.status === 'failed');
      if (failed.length === 0)
        return { name: `${file} (${assertionResults.length} tests)`, status: 'pass' };
      const detail = failed
        .map((test) => `${test.fullName}: ${test.failureMessages.join('\n')}`)
        .join('\n');
      return { name: file, status: 'fail', detail };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
