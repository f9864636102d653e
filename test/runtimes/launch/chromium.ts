import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { runTests, type TestResult } from '../harness.ts';
import type { RuntimeOrigin } from '../origin.ts';
import { browserDemo } from './browser-demo.ts';

/**
 * Headless Chromium (Debian's `chromium`), driven by playwright-core with a fresh profile.
 *
 * @module
 */

/** Where Debian installs Chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Runs `use` with a browser context on a fresh profile, closed afterwards. */
export async function withChromium<T>(use: (context: BrowserContext) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'httpcache-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  try {
    return await use(context);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Opens the suite's page on the origin, then runs the demo; returns both one's results. */
export function runChromium(origin: RuntimeOrigin, screenshot: string): Promise<TestResult[]> {
  return withChromium(async (context) => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin.url}/runtime.html`);
    const handle = await page.waitForFunction(
      () => (globalThis as { suiteResults?: unknown }).suiteResults,
      null,
      { timeout: 60_000 },
    );
    const results = (await handle.jsonValue()) as TestResult[];
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('\n')}`);
    return [...results, ...(await runTests(browserDemo(context, origin, screenshot)))];
  });
}
