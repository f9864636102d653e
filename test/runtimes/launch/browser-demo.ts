import type { BrowserContext } from 'playwright-core';
import { check, equal, type TestCase } from '../harness.ts';
import type { RuntimeOrigin } from '../origin.ts';

/**
 * The browser case end to end: the demo page caches its request in IndexedDB; a reload is a hit,
 * and after another reload with the origin down and the entry stale, stale-if-error still serves
 * it. The last page is saved as a screenshot, to check by eye.
 *
 * @module
 */

interface DemoResult {
  readonly status?: number;
  readonly body?: string;
  readonly fromCache?: boolean;
  readonly cacheStatus?: string | null;
  readonly error?: string;
}

/** The demo's steps, in one browser context; `screenshot` is where the last page is saved. */
export function browserDemo(
  context: BrowserContext,
  origin: RuntimeOrigin,
  screenshot: string,
): TestCase[] {
  const load = async (query = ''): Promise<DemoResult> => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${origin.url}/demo.html${query}`);
    const handle = await page.waitForFunction(
      () => (globalThis as { demoResult?: unknown }).demoResult,
      null,
      { timeout: 60_000 },
    );
    return (await handle.jsonValue()) as DemoResult;
  };
  return [
    {
      name: 'demo: the first load is a miss stored in IndexedDB',
      run: async () => {
        const first = await load();
        equal([first.status, first.fromCache], [200, false], 'first load');
      },
    },
    {
      name: 'demo: a reload is a hit',
      run: async () => {
        const second = await load();
        equal(
          [second.status, second.body, second.fromCache],
          [200, '/sie/demo ok', true],
          'reload',
        );
      },
    },
    {
      name: 'demo: with the origin down, a reload serves the stale entry (stale-if-error)',
      run: async () => {
        origin.up = false;
        try {
          const third = await load('?skew=600');
          equal([third.status, third.body, third.fromCache], [200, '/sie/demo ok', true], 'down');
          check(third.cacheStatus?.includes('fwd=stale') === true, `${third.cacheStatus}`);
          await context.pages()[0]?.screenshot({ path: screenshot });
        } finally {
          origin.up = true;
        }
      },
    },
  ];
}
