import { cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { check, equal, type TestCase } from './harness.ts';

/**
 * The shared suite: `createFetch` against the launcher's origin, using only web APIs so that it
 * runs unchanged in Node, Deno, Bun, Chromium and workerd.
 *
 * @module
 */

/** Where the suite runs. */
export interface SuiteEnvironment {
  /** The runtime's name, also the prefix of every origin path this run uses. */
  readonly runtime: string;
  /** The origin's base URL (`http://127.0.0.1:<port>`). */
  readonly origin: string;
}

/** The createFetch tests, for one runtime. */
export function fetchSuite({ runtime, origin }: SuiteEnvironment): TestCase[] {
  let ids = 0;
  const path = (kind: string) => `/${kind}/${runtime}-${++ids}`;
  const count = async (at: string) => Number(await (await fetch(`${origin}/_/count${at}`)).text());

  return [
    {
      name: 'miss, then hit (Cache-Status header and cacheStatus())',
      run: async () => {
        const cachedFetch = createFetch();
        const at = path('fresh');
        const first = await cachedFetch(`${origin}${at}`);
        equal(await first.text(), at, 'first body');
        const miss = first.headers.get('cache-status') ?? '';
        check(/^httpcache; fwd=uri-miss; fwd-status=200; (ttl=\d+; )?stored$/.test(miss), miss);
        equal(cacheStatus(first)?.fromCache, false, 'miss fromCache');
        equal(cacheStatus(first)?.stored, true, 'miss stored');
        await cachedFetch.idle();
        const second = await cachedFetch(`${origin}${at}`);
        equal(await second.text(), at, 'second body');
        check(
          /^httpcache; hit; ttl=\d+$/.test(second.headers.get('cache-status') ?? ''),
          'hit header',
        );
        equal(cacheStatus(second)?.fromCache, true, 'hit fromCache');
        check(cacheStatus(second)?.key.includes(at) === true, 'hit key names the URL');
        equal(await count(at), 1, 'origin requests');
        await cachedFetch.close();
      },
    },
    {
      name: 'revalidation with a 304 (RFC 9111 §4.3)',
      run: async () => {
        const cachedFetch = createFetch();
        const at = path('etag');
        await (await cachedFetch(`${origin}${at}`)).text();
        await cachedFetch.idle();
        const second = await cachedFetch(`${origin}${at}`);
        equal(second.status, 200, 'status');
        equal(await second.text(), `${at} v1`, 'stored body');
        equal(cacheStatus(second)?.revalidated, true, 'revalidated');
        equal(await count(at), 2, 'origin requests');
        await cachedFetch.close();
      },
    },
    {
      name: 'stale-while-revalidate (RFC 5861 §3)',
      run: async () => {
        const clock = manualClock();
        // A browser's own HTTP cache would answer the background request (max-age=1 has not
        // passed in real time); the origin fetch skips it so the revalidation reaches the origin.
        const noStore = (input: RequestInfo | URL, init?: RequestInit) =>
          fetch(input, { ...init, cache: 'no-store' });
        const cachedFetch = createFetch({ clock, fetch: noStore });
        const at = path('swr');
        await (await cachedFetch(`${origin}${at}`)).text();
        await cachedFetch.idle();
        clock.advance(5);
        const stale = await cachedFetch(`${origin}${at}`);
        equal(await stale.text(), `${at} #1`, 'stale body');
        check(stale.headers.get('cache-status')?.includes('fwd=stale') === true, 'fwd=stale');
        await cachedFetch.idle();
        equal(await count(at), 2, 'background revalidation reached the origin');
        const fresh = await cachedFetch(`${origin}${at}`);
        equal(await fresh.text(), `${at} #2`, 'revalidated body');
        equal(cacheStatus(fresh)?.fromCache, true, 'served from cache');
        await cachedFetch.close();
      },
    },
    {
      name: 'Vary selects the variant (RFC 9111 §4.1)',
      run: async () => {
        const cachedFetch = createFetch();
        const url = `${origin}${path('vary')}`;
        const get = async (language: string) => {
          const res = await cachedFetch(url, { headers: { 'accept-language': language } });
          const body = await res.text();
          await cachedFetch.idle();
          return [body, cacheStatus(res)?.fromCache];
        };
        equal(await get('en'), ['en', false], 'en miss');
        equal(await get('fr'), ['fr', false], 'fr miss');
        equal(await get('en'), ['en', true], 'en hit');
        equal(await get('fr'), ['fr', true], 'fr hit');
        await cachedFetch.close();
      },
    },
    {
      name: 'concurrent requests are coalesced into one origin request',
      run: async () => {
        const cachedFetch = createFetch();
        const at = path('hold');
        const responses = [1, 2, 3].map(() => cachedFetch(`${origin}${at}`));
        // The origin has the request; a cache that failed it settles the race first.
        await Promise.race([fetch(`${origin}/_/wait${at}`), Promise.all(responses)]);
        await (await fetch(`${origin}/_/release${at}`)).text();
        const bodies = await Promise.all(responses.map(async (res) => (await res).text()));
        equal(
          bodies,
          [1, 2, 3].map(() => `${at} held`),
          'bodies',
        );
        equal(await count(at), 1, 'origin requests');
        await cachedFetch.close();
      },
    },
    documentBase() === undefined
      ? {
          name: 'a relative URL resolves against the document',
          notApplicable: 'no document base (`location`) in this runtime',
        }
      : {
          name: 'a relative URL resolves against the document',
          run: async () => {
            const cachedFetch = createFetch();
            const at = path('fresh');
            await (await cachedFetch(at)).text();
            await cachedFetch.idle();
            const second = await cachedFetch(at);
            equal(await second.text(), at, 'body');
            equal(cacheStatus(second)?.fromCache, true, 'hit');
            await cachedFetch.close();
          },
        },
  ];
}

function documentBase(): string | undefined {
  try {
    const href = (globalThis as { location?: { href?: unknown } }).location?.href;
    return typeof href === 'string' ? href : undefined;
  } catch {
    return undefined;
  }
}
