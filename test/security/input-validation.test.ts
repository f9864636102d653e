/**
 * Finding 11 of the hardening issue: bad input to the public API gets a typed error naming what
 * is wrong, not a `TypeError` from deep inside (or, worse, silent acceptance).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachedFetch,
  createFetch,
  isHttpCacheError,
  MemoryStorage,
  OptionsError,
  RequestError,
} from '../../src/index.ts';
import { cacheHandler, createProxy } from '../../src/integrations/server/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;
let cachedFetch: CachedFetch;
beforeEach(async () => {
  origin = await startOrigin({ '/r': { headers: { 'cache-control': 'max-age=60' }, body: 'r' } });
  cachedFetch = createFetch();
});
afterEach(async () => {
  await cachedFetch.close();
  await origin.close();
});

describe('fetch arguments', () => {
  it.each<[name: string, input: unknown]>([
    ['a number', 123],
    ['a plain object', {}],
    ['null', null],
    ['an object with a url but no headers', { url: 'http://127.0.0.1/' }],
  ])('input: %s is a RequestError naming `input`', async (_name, input) => {
    const rejected = cachedFetch(input as string);
    await expect(rejected).rejects.toBeInstanceOf(RequestError);
    await expect(rejected).rejects.toMatchObject({
      code: 'ERR_HTTPCACHE_REQUEST',
      argument: 'input',
      message: expect.stringContaining('`input`'),
    });
    expect(origin.requests).toHaveLength(0);
  });

  it('init that is not an object is a RequestError naming `init`', async () => {
    await expect(cachedFetch(`${origin.url}/r`, 5 as never)).rejects.toMatchObject({
      name: 'RequestError',
      argument: 'init',
    });
  });

  it('a string, a URL and a Request still work, and a bad URL string is fetch’s own TypeError', async () => {
    const url = `${origin.url}/r`;
    for (const input of [url, new URL(url), new Request(url)]) {
      expect(await (await cachedFetch(input)).text()).toBe('r');
    }
    const rejected = cachedFetch('not a url');
    await expect(rejected).rejects.toBeInstanceOf(TypeError);
  });
});

describe('per-request controls (init.httpcache)', () => {
  it.each<[name: string, controls: unknown, option: string]>([
    ['ttl as text', { ttl: 'abc' }, 'httpcache.ttl'],
    ['negative ttl', { ttl: -1 }, 'httpcache.ttl'],
    ['NaN ttl', { ttl: Number.NaN }, 'httpcache.ttl'],
    ['forceStore as text', { forceStore: 'yes' }, 'httpcache.forceStore'],
    ['bypass as a number', { bypass: 1 }, 'httpcache.bypass'],
    ['bodyKey as text', { bodyKey: 'true' }, 'httpcache.bodyKey'],
    ['an empty key', { key: '' }, 'httpcache.key'],
    ['a key that is not a string', { key: 7 }, 'httpcache.key'],
    ['a misspelt control', { tll: 60 }, 'httpcache.tll'],
    ['controls that are not an object', 'ttl=60', 'httpcache'],
  ])('%s is an OptionsError naming %s', async (_name, controls, option) => {
    const rejected = cachedFetch(`${origin.url}/r`, { httpcache: controls as never });
    await expect(rejected).rejects.toBeInstanceOf(OptionsError);
    await expect(rejected).rejects.toMatchObject({ option });
    expect(origin.requests).toHaveLength(0);
  });

  it('a misspelt control is told the one it meant', async () => {
    await expect(
      cachedFetch(`${origin.url}/r`, { httpcache: { forcestore: true } as never }),
    ).rejects.toThrow('did you mean `httpcache.forceStore`?');
  });

  it('valid controls are accepted', async () => {
    const response = await cachedFetch(`${origin.url}/r`, {
      httpcache: { ttl: 0, forceStore: false, bypass: false, key: 'k', bodyKey: false },
    });
    expect(await response.text()).toBe('r');
  });
});

describe('options of createFetch(), cacheHandler() and createProxy()', () => {
  it('a misspelt option is an OptionsError naming it, with the option it looks like', () => {
    const attempt = () => createFetch({ sharde: true } as never);
    expect(attempt).toThrow(OptionsError);
    expect(attempt).toThrow('Invalid option `sharde`: is not an option; did you mean `shared`?');
  });

  it.each<[options: Record<string, unknown>, option: string, hint: string | undefined]>([
    [{ maxbodysize: 10 }, 'maxbodysize', 'maxBodySize'],
    [{ alwaysRevaldiate: true }, 'alwaysRevaldiate', 'alwaysRevalidate'],
    [{ colour: 'blue' }, 'colour', undefined],
    [{ storeSetCookies: true }, 'storeSetCookies', 'storeSetCookie'],
    [{ storeSetCookie: 'yes' }, 'storeSetCookie', undefined],
    [{ varyNormaliser: {} }, 'varyNormaliser', 'varyNormalizers'],
    [{ varyNormalizer: {} }, 'varyNormalizer', 'varyNormalizers'],
    [{ varyNormalizers: 'weighted' }, 'varyNormalizers', undefined],
    [
      { varyNormalizers: { 'accept-language': 'sorted' } },
      'varyNormalizers.accept-language',
      undefined,
    ],
    [{ varyNormalizers: { accept: 'language' } }, 'varyNormalizers.accept', undefined],
    [{ varyNormalizers: { 'bad name': 'list' } }, 'varyNormalizers.bad name', undefined],
    [{ heuristics: { fracton: 0.2 } }, 'heuristics.fracton', 'heuristics.fraction'],
    [{ cacheStatus: { nam: 'edge' } }, 'cacheStatus.nam', 'cacheStatus.name'],
    [{ normalizeUrl: { sortquery: true } }, 'normalizeUrl.sortquery', 'normalizeUrl.sortQuery'],
  ])('%o: OptionsError naming %s', (options, option, hint) => {
    let error: unknown;
    try {
      createFetch(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as OptionsError).option).toBe(option);
    if (hint === undefined) expect((error as Error).message).not.toContain('did you mean');
    else expect((error as Error).message).toContain(`did you mean \`${hint}\`?`);
  });

  it('options that are not an object', () => {
    expect(() => createFetch(null as never)).toThrow(OptionsError);
  });

  it('the proxy and the handler accept their own options, and reject misspelt ones', async () => {
    const handler = cacheHandler(() => new Response('ok'), { shared: true, ttl: 60 });
    await handler.close();
    expect(() => cacheHandler(() => new Response('ok'), { sharde: true } as never)).toThrow(
      'did you mean `shared`?',
    );
    const proxy = await createProxy({
      upstream: origin.url,
      port: 0,
      host: '127.0.0.1',
      timeout: 1000,
      via: 'edge',
      trustProxy: ['10.0.0.2'],
      shared: true,
      maxBodySize: 1024,
      ignoreRequestNoCache: true,
    });
    await proxy.close();
    await expect(createProxy({ upstream: origin.url, timout: 1000 } as never)).rejects.toThrow(
      'did you mean `timeout`?',
    );
  });
});

describe('storage', () => {
  it('createFetch({ storage: {} }) fails at once, naming `storage` and a missing method', () => {
    let error: unknown;
    try {
      createFetch({ storage: {} as never });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toMatchObject({ option: 'storage', message: expect.stringContaining('`get`') });
  });

  it('a storage missing only close() is named too', () => {
    const storage = new MemoryStorage();
    const partial = Object.create(storage, { close: { value: undefined } });
    expect(() => createFetch({ storage: partial })).toThrow('its `close` is missing');
  });

  it('an optional method that is not a function is refused', () => {
    const storage = new MemoryStorage();
    const odd = Object.create(storage, { setReporter: { value: 'no' } });
    expect(() => createFetch({ storage: odd })).toThrow('its `setReporter` is not a method');
  });

  it('a storage that is not an object', () => {
    expect(() => createFetch({ storage: 'sqlite:cache.db' as never })).toThrow(OptionsError);
  });

  it('every error here is recognisable as httpcache’s', () => {
    expect(isHttpCacheError(new RequestError('input', 'x'))).toBe(true);
  });
});

describe('storage options: counts are whole numbers', () => {
  it.each([
    ['maxEntries', 1.5],
    ['maxEntries', 0],
    ['maxVariants', 2.5],
    ['maxVariants', -1],
  ] as const)('MemoryStorage refuses %s: %s', (option, value) => {
    expect(() => new MemoryStorage({ [option]: value })).toThrow(OptionsError);
    expect(() => new MemoryStorage({ [option]: value })).toThrow(option);
  });

  it('MemoryStorage takes whole numbers and Infinity', () => {
    expect(() => new MemoryStorage({ maxEntries: 10, maxVariants: Infinity })).not.toThrow();
  });
});
