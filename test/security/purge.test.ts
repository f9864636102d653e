/**
 * The proxy's purge endpoint on raw sockets: only a PURGE with the right bearer token purges;
 * any other gets 403 and purges nothing; without `purgeToken`, PURGE goes upstream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.ts';
import { type CachingProxy, createProxy } from '../../src/integrations/server/proxy.ts';
import {
  exchange,
  type RawResponse,
  type RecordingUpstream,
  responses,
  startUpstream,
} from './sockets.ts';

const TOKEN = 'purge-token-0123456789abcdef';

let upstream: RecordingUpstream | undefined;
let proxy: CachingProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  proxy = upstream = undefined;
});

async function start(purgeToken?: string): Promise<CachingProxy> {
  upstream = await startUpstream((req, res) => {
    const path = req.url ?? '';
    res.writeHead(200, {
      'content-type': 'text/plain',
      'cache-control': 'max-age=60',
      'cache-tag': `all, ${path.split('/')[1] ?? ''}`,
    });
    res.end(`page ${path}`);
  });
  proxy = await createProxy({
    upstream: upstream.url,
    ...(purgeToken === undefined ? {} : { purgeToken }),
  });
  return proxy;
}

async function send(
  method: string,
  path: string,
  lines: readonly string[] = [],
): Promise<RawResponse> {
  const extra = lines.map((line) => `${line}\r\n`).join('');
  const request = `${method} ${path} HTTP/1.1\r\nHost: s\r\n${extra}Connection: close\r\n\r\n`;
  const { text } = await exchange(proxy?.url ?? '', request);
  const [response] = responses(text);
  if (response === undefined) throw new Error(`no response: ${JSON.stringify(text)}`);
  return response;
}

/** GETs each path once through the proxy and waits for the entries to be stored. */
async function fill(...paths: string[]): Promise<void> {
  for (const path of paths) expect((await send('GET', path)).status).toBe(200);
  await proxy?.cache.idle();
}

async function isHit(path: string): Promise<boolean> {
  return /; hit/.test((await send('GET', path)).headers['cache-status'] ?? '');
}

describe('PURGE with purgeToken', () => {
  it.each([
    ['no Authorization', []],
    ['a wrong token of the same length', [`Authorization: Bearer ${TOKEN.replace(/.$/, 'X')}`]],
    ['a prefix of the token', [`Authorization: Bearer ${TOKEN.slice(0, -1)}`]],
    ['the token and more', [`Authorization: Bearer ${TOKEN}x`]],
    ['another scheme', [`Authorization: Basic ${TOKEN}`]],
    ['two tokens', [`Authorization: Bearer ${TOKEN} ${TOKEN}`]],
    ['the token in another header', [`X-Purge-Token: ${TOKEN}`]],
  ])('%s: 403, nothing purged, nothing sent upstream', async (_, lines) => {
    await start(TOKEN);
    await fill('/a');
    for (const extra of [[], ['X-Purge-Tag: all'], ['X-Purge-Prefix: /']]) {
      const refused = await send('PURGE', '/a', [...lines, ...extra]);
      expect(refused.status).toBe(403);
      expect(refused.body).not.toContain('purged');
    }
    expect(await isHit('/a')).toBe(true);
    expect(upstream?.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('the right token purges the request target, and says how many entries went', async () => {
    await start(TOKEN);
    await fill('/a', '/b');
    const purged = await send('PURGE', '/a', [`Authorization: bearer ${TOKEN}`]);
    expect(purged.status).toBe(200);
    expect(purged.headers['content-type']).toBe('application/json');
    expect(JSON.parse(purged.body)).toEqual({ purged: 1 });
    expect(await isHit('/a')).toBe(false);
    expect(await isHit('/b')).toBe(true);
    expect(upstream?.requests.some((r) => r.method === 'PURGE')).toBe(false);
  });

  it('X-Purge-Prefix purges a path prefix; X-Purge-Tag purges tags', async () => {
    await start(TOKEN);
    await fill('/dir/1', '/dir/2', '/other', '/tagged');
    const auth = `Authorization: Bearer ${TOKEN}`;
    const prefix = await send('PURGE', '/', [auth, 'X-Purge-Prefix: /dir/']);
    expect(JSON.parse(prefix.body)).toEqual({ purged: 2 });
    expect(await isHit('/other')).toBe(true);
    const tags = await send('PURGE', '/', [
      auth,
      'X-Purge-Tag: tagged, nothing',
      'X-Purge-Tag: other',
    ]);
    expect(JSON.parse(tags.body)).toEqual({ purged: 2 });
    expect(await isHit('/tagged')).toBe(false);
  });

  it.each([
    ['both headers', ['X-Purge-Prefix: /', 'X-Purge-Tag: all']],
    ['an empty tag', ['X-Purge-Tag: a,,b']],
    ['a prefix that is not a path', ['X-Purge-Prefix: http://elsewhere.example/']],
    ['a prefix that climbs out', ['X-Purge-Prefix: /../']],
  ])('%s: 400, nothing purged', async (_, lines) => {
    await start(TOKEN);
    await fill('/a');
    const response = await send('PURGE', '/a', [`Authorization: Bearer ${TOKEN}`, ...lines]);
    expect(response.status).toBe(400);
    expect(await isHit('/a')).toBe(true);
  });

  it('the tag fields are not served by the (shared) proxy', async () => {
    await start(TOKEN);
    await fill('/a');
    const hit = await send('GET', '/a');
    expect(hit.headers['cache-status']).toMatch(/; hit/);
    expect(hit.headers['cache-tag']).toBeUndefined();
  });

  it('a short token is refused when the proxy starts', async () => {
    upstream = await startUpstream();
    await expect(createProxy({ upstream: upstream.url, purgeToken: 'short' })).rejects.toThrow(
      OptionsError,
    );
  });
});

describe('PURGE without purgeToken', () => {
  it('goes upstream like any other method, token or not', async () => {
    await start();
    const response = await send('PURGE', '/a', [`Authorization: Bearer ${TOKEN}`]);
    expect(response.status).toBe(200);
    expect(upstream?.requests.map((r) => [r.method, r.path])).toEqual([['PURGE', '/a']]);
  });
});
