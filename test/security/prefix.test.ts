/**
 * Finding 3 of the hardening issue, escaping the upstream prefix: with upstream
 * `http://origin/public`, dot segments in the request target (plain, percent-encoded, or behind a
 * backslash that some origins read as a slash) reached `/admin` on the origin. A target with a
 * dot segment in any of those spellings is answered 400, and nothing reaches the upstream.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

let upstream: RecordingUpstream;
let proxy: CachingProxy;

beforeEach(async () => {
  upstream = await startUpstream();
  proxy = await createProxy({ upstream: `${upstream.url}/public` });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

function get(target: string): Promise<{ readonly text: string }> {
  return exchange(proxy.url, `GET ${target} HTTP/1.1\r\nHost: proxy\r\nConnection: close\r\n\r\n`);
}

describe('a target that would leave the upstream prefix is answered 400', () => {
  it.each([
    '/../admin',
    '/%2e%2e/admin',
    '/%2E%2E/admin',
    '/.%2e/admin',
    '/%2e./admin',
    '/..\\admin',
    '/..%5cadmin',
    '/..%2fadmin',
    '/a/../../admin',
    '/a/%2e%2e/%2e%2e/admin',
    '/./admin',
    '/a/..',
    '/..?x=1',
  ])('%s', async (target) => {
    const { text } = await get(target);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(responses(text)[0]?.body).not.toContain('admin');
    await proxy.close();
    await upstream.quiet();
    expect(upstream.requests).toEqual([]);
  });
});

describe('targets that only look like dot segments are forwarded under the prefix', () => {
  it.each([
    ['/a..b/c', '/public/a..b/c'],
    ['/.well-known/x', '/public/.well-known/x'],
    ['/...', '/public/...'],
    ['/a?path=../admin', '/public/a?path=../admin'],
    ['/a/b%2e', '/public/a/b%2e'],
  ])('%s', async (target, forwarded) => {
    const [answer] = responses((await get(target)).text);
    expect(answer?.status).toBe(200);
    expect(upstream.requests.map((r) => r.path)).toEqual([forwarded]);
  });
});
