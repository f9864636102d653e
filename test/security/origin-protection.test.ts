/**
 * Finding 9 of the hardening issue, origin protection: 50 requests with `Cache-Control: no-cache`
 * made 50 upstream requests. RFC 9111 §5.2.1.4 requires that by default; a shared cache may opt
 * out with `ignoreRequestNoCache`, as CDNs do, and then serves its fresh stored response.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;
let proxy: CachingProxy | undefined;
beforeEach(async () => {
  origin = await startOrigin({
    '/page': { headers: { 'cache-control': 'max-age=3600' }, body: 'page' },
  });
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await origin.close();
});

/** Sends `count` requests one after another, each with the given header; returns the bodies. */
async function flood(url: string, headers: Record<string, string>, count: number) {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/page`, { headers });
    bodies.push(await response.text());
    // The first response is stored before the next request is looked up.
    await proxy?.cache.idle();
  }
  return bodies;
}

describe('origin protection for a shared cache (ignoreRequestNoCache)', () => {
  it.each<[name: string, headers: Record<string, string>]>([
    ['Cache-Control: no-cache', { 'cache-control': 'no-cache' }],
    ['Pragma: no-cache', { pragma: 'no-cache' }],
    ['Cache-Control: max-age=0', { 'cache-control': 'max-age=0' }],
  ])('with the option, 50 requests with %s make 1 upstream request', async (_name, headers) => {
    proxy = await createProxy({ upstream: origin.url, ignoreRequestNoCache: true });
    const bodies = await flood(proxy.url, headers, 50);
    expect(bodies.every((body) => body === 'page')).toBe(true);
    expect(origin.count('/page')).toBe(1);
  });

  it('without it (RFC 9111 §5.2.1.4), 50 requests with no-cache make 50 upstream requests', async () => {
    proxy = await createProxy({ upstream: origin.url });
    await flood(proxy.url, { 'cache-control': 'no-cache' }, 50);
    expect(origin.count('/page')).toBe(50);
  });

  it('with the option, a stale stored response is still revalidated', async () => {
    origin.route('/page', { headers: { 'cache-control': 'max-age=0' }, body: 'page' });
    proxy = await createProxy({ upstream: origin.url, ignoreRequestNoCache: true });
    await flood(proxy.url, { 'cache-control': 'no-cache' }, 3);
    expect(origin.count('/page')).toBe(3);
  });

  it('the option must be a boolean', async () => {
    await expect(
      createProxy({ upstream: origin.url, ignoreRequestNoCache: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ name: 'OptionsError', option: 'ignoreRequestNoCache' });
  });
});
