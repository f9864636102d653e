import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
  origin.route('/graphql', (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'application/json' });
    res.end(JSON.stringify({ echo: req.body }));
  });
});
afterEach(async () => {
  await origin.close();
});

const post = (body: BodyInit) => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json' },
});

describe('POST requests keyed by their body', () => {
  it('caches each query by its body and sends the body to the origin intact', async () => {
    const cachedFetch = createFetch({ cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true });
    const a = '{"query":"{ a }"}';
    const b = '{"query":"{ b }"}';
    expect(await (await cachedFetch(`${origin.url}/graphql`, post(a))).json()).toEqual({ echo: a });
    expect(await (await cachedFetch(`${origin.url}/graphql`, post(b))).json()).toEqual({ echo: b });
    const hitA = await cachedFetch(`${origin.url}/graphql`, post(a));
    expect(await hitA.json()).toEqual({ echo: a });
    expect(cacheStatus(hitA)?.fromCache).toBe(true);
    expect(cacheStatus(hitA)?.key).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/graphql body:[0-9a-f]{64}$/,
    );
    const hitB = await cachedFetch(`${origin.url}/graphql`, post(b));
    expect(cacheStatus(hitB)?.fromCache).toBe(true);
    await hitB.text();
    expect(origin.requests.map((r) => r.body)).toEqual([a, b]);
    await cachedFetch.close();
  });

  it('keys streamed request bodies and Request objects the same way', async () => {
    const cachedFetch = createFetch({ cacheableMethods: ['GET', 'HEAD', 'POST'] });
    const body = '{"query":"{ streamed }"}';
    const stream = new Blob([body]).stream();
    const first = await cachedFetch(`${origin.url}/graphql`, {
      ...post(stream),
      duplex: 'half',
      httpcache: { bodyKey: true },
    } as RequestInit);
    expect(await first.json()).toEqual({ echo: body });
    const request = new Request(`${origin.url}/graphql`, post(body));
    const second = await cachedFetch(request, { httpcache: { bodyKey: true } });
    expect(cacheStatus(second)?.fromCache).toBe(true);
    await second.text();
    expect(origin.count('/graphql')).toBe(1);
    await cachedFetch.close();
  });

  it('does not store POST responses unless POST is a cacheable method', async () => {
    const cachedFetch = createFetch({ bodyKey: true });
    await (await cachedFetch(`${origin.url}/graphql`, post('{}'))).text();
    const again = await cachedFetch(`${origin.url}/graphql`, post('{}'));
    expect(again.headers.get('cache-status')).toContain('fwd=method');
    await again.text();
    expect(origin.count('/graphql')).toBe(2);
    await cachedFetch.close();
  });

  it('cached POST queries are invalidated by other unsafe methods on the URL (RFC 9111 §4.4)', async () => {
    origin.route('/graphql', (req, res) => {
      res.writeHead(req.method === 'PUT' ? 204 : 200, { 'cache-control': 'max-age=60' });
      res.end(req.method === 'PUT' ? undefined : req.body);
    });
    const cachedFetch = createFetch({ cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true });
    await (await cachedFetch(`${origin.url}/graphql`, post('q'))).text();
    await (await cachedFetch(`${origin.url}/graphql`, { method: 'PUT', body: 'x' })).text();
    const after = await cachedFetch(`${origin.url}/graphql`, post('q'));
    expect(cacheStatus(after)?.fromCache).toBe(false);
    await after.text();
    await cachedFetch.close();
  });
});

describe('POST queries with cache modes', () => {
  it('only-if-cached answers a stored query and 504s an unknown one', async () => {
    const cachedFetch = createFetch({ cacheableMethods: ['GET', 'HEAD', 'POST'], bodyKey: true });
    await (await cachedFetch(`${origin.url}/graphql`, post('known'))).text();
    const hit = await cachedFetch(`${origin.url}/graphql`, {
      ...post('known'),
      cache: 'only-if-cached',
    });
    expect(await hit.json()).toEqual({ echo: 'known' });
    const miss = await cachedFetch(`${origin.url}/graphql`, {
      ...post('unknown'),
      cache: 'only-if-cached',
    });
    expect(miss.status).toBe(504);
    await miss.text();
    expect(origin.count('/graphql')).toBe(1);
    await cachedFetch.close();
  });
});
