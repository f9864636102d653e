import { cacheStatus, createFetch } from '../../src/index.ts';
import { IndexedDBStorage } from '../../src/web.ts';

/**
 * The browser demo page: one request through a cache kept in IndexedDB, shown on the page and left
 * on `window.demoResult`. `?skew=N` runs the cache's clock N seconds ahead, to make the stored
 * response stale without waiting.
 *
 * @module
 */

const skew = Number(new URL(location.href).searchParams.get('skew') ?? 0) * 1000;
const cachedFetch = createFetch({
  storage: new IndexedDBStorage({ name: 'demo' }),
  clock: () => Date.now() + skew,
  // The browser's own HTTP cache is skipped, so only httpcache answers for a down origin.
  fetch: (input, init) => fetch(input, { ...init, cache: 'no-store' }),
});

const show = (line: string) => {
  const p = document.createElement('p');
  p.textContent = line;
  document.body.append(p);
};

const page = globalThis as { demoResult?: unknown };
try {
  const res = await cachedFetch('/sie/demo');
  const body = await res.text();
  await cachedFetch.idle();
  const fromCache = cacheStatus(res)?.fromCache === true;
  show(`GET /sie/demo: ${res.status} ${body}`);
  show(`from cache: ${fromCache ? 'yes' : 'no'}`);
  show(`Cache-Status: ${res.headers.get('cache-status')}`);
  page.demoResult = {
    status: res.status,
    body,
    fromCache,
    cacheStatus: res.headers.get('cache-status'),
  };
} catch (error) {
  show(`failed: ${String(error)}`);
  page.demoResult = { error: String(error) };
}
