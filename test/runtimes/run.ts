import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, ROOT } from '../../scripts/bundle.ts';
import type { TestResult } from './harness.ts';
import { CHROMIUM, runChromium } from './launch/chromium.ts';
import { NODE22, runNodeOnlyTests } from './launch/node22.ts';
import { binary, runProcess } from './launch/process.ts';
import { runWorkerd } from './launch/workerd.ts';
import { startOrigin } from './origin.ts';

/**
 * `npm run test:runtimes`: the shared suite in every runtime, against one origin on 127.0.0.1.
 * Arguments pick runtimes by name (all by default). Exits non-zero on any failure.
 *
 * @module
 */

/** The storage contract imports vitest and node:crypto; the bundles get small stand-ins. */
const alias = {
  vitest: `${ROOT}test/runtimes/vitest-shim.ts`,
  'node:crypto': `${ROOT}test/runtimes/crypto-shim.ts`,
};
const entry = (name: string) => bundle(`test/runtimes/${name}-entry.ts`, { alias });
const [cli, browser, worker, demo] = await Promise.all(
  ['cli', 'browser', 'worker', 'demo'].map(entry),
);
/** The browser demo's last page, kept after the run to check by eye. */
const screenshot = join(tmpdir(), 'httpcache-browser-demo.png');
const dir = await mkdtemp(join(tmpdir(), 'httpcache-runtimes-'));
const cliFile = join(dir, 'suite.mjs');
await writeFile(cliFile, cli ?? '');

const origin = await startOrigin(
  new Map([
    [
      '/runtime.html',
      { type: 'text/html', body: '<script type="module" src="/runtime.js"></script>' },
    ],
    ['/runtime.js', { type: 'text/javascript', body: browser ?? '' }],
    ['/demo.html', { type: 'text/html', body: '<script type="module" src="/demo.js"></script>' }],
    ['/demo.js', { type: 'text/javascript', body: demo ?? '' }],
  ]),
);

const missing = (what: string): Promise<TestResult[]> =>
  process.env.CI
    ? Promise.resolve([{ name: 'runtime available', status: 'fail', detail: `${what} is missing` }])
    : Promise.resolve([{ name: 'all tests', status: 'n/a', detail: `${what} is not installed` }]);

const runtimes: Record<string, () => Promise<TestResult[]>> = {
  node: () => runProcess('node', binary('node'), [cliFile], origin.url),
  node22: async () =>
    existsSync(NODE22)
      ? [
          ...(await runProcess('node22', NODE22, [cliFile], origin.url)),
          ...(await runNodeOnlyTests()),
        ]
      : missing(NODE22),
  deno: () =>
    runProcess('deno', binary('deno'), ['run', '--allow-net=127.0.0.1', cliFile], origin.url, {
      DENO_NO_UPDATE_CHECK: '1',
      DENO_DIR: join(dir, 'deno'),
    }),
  bun: () => runProcess('bun', binary('bun'), [cliFile], origin.url),
  chromium: () => (existsSync(CHROMIUM) ? runChromium(origin, screenshot) : missing(CHROMIUM)),
  workerd: () => runWorkerd(worker ?? '', origin.url),
};

const chosen = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const [name, run] of Object.entries(runtimes)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  const results = await run().catch((error: unknown): TestResult[] => [
    { name: 'runtime started', status: 'fail', detail: String(error) },
  ]);
  for (const result of results) {
    if (result.status === 'pass') passed++;
    if (result.status === 'fail') failed++;
    const mark = { pass: 'ok  ', fail: 'FAIL', 'n/a': 'n/a ' }[result.status];
    const detail = result.status === 'pass' ? '' : ` (${result.detail})`;
    console.log(`${mark} ${name}: ${result.name}${detail}`);
  }
}
await origin.close();
await rm(dir, { recursive: true, force: true });
if (chosen.length === 0 || chosen.includes('chromium'))
  console.log(`browser demo screenshot: ${screenshot}`);
console.log(`runtimes: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
