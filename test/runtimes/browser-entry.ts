import { runSuite } from './entry.ts';

/**
 * The entry for the browser page: runs the suite against the page's own origin and leaves the
 * results on `window.suiteResults` for the launcher.
 *
 * @module
 */

const page = globalThis as { suiteResults?: unknown };
page.suiteResults = await runSuite({ origin: location.origin, runtime: 'chromium' }).catch(
  (error: unknown) => [{ name: 'suite', status: 'fail', detail: String(error) }],
);
