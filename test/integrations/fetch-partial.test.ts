import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch, MemoryStorage } from '../../src/index.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { bytesOf, rangedRoute } from '../helpers/ranged.ts';

/** RFC 9111 §3.3 and §3.4: storing, combining and serving partial content through createFetch. */

let origin: TestOrigin;
let storage: MemoryStorage;

beforeEach(async () => {
  origin = await startOrigin();
  storage = new MemoryStorage();
});
afterEach(async () => {
  await origin.close();
});

/** What is stored: each entry's status and Content-Range. */
async function stored(): Promise<string[]> {
  const entries: string[] = [];
  for await (const e of storage.list()) {
    const range = e.headers.find(([n]) => n === 'content-range')?.[1];
    entries.push(`${e.status}${range === undefined ? '' : ` ${range}`}`);
  }
  return entries.sort();
}

async function bytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

const ranges = (): (string | undefined)[] =>
  origin.requests.map((r) => (r.headers.range as string | undefined) ?? undefined);

describe('partial content (RFC 9111 §3.3, §3.4)', () => {
  it('stores a 206 as a part and serves ranges it holds from storage', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;

    const first = await cachedFetch(url, { headers: { range: 'bytes=10-49' } });
    expect(first.status).toBe(206);
    expect(await bytes(first)).toEqual(bytesOf(10, 49));
    await cachedFetch.idle();
    expect(await stored()).toEqual(['206 bytes 10-49/100']);

    const second = await cachedFetch(url, { headers: { range: 'bytes=20-29' } });
    expect(second.status).toBe(206);
    expect(second.headers.get('content-range')).toBe('bytes 20-29/100');
    expect(second.headers.get('content-length')).toBe('10');
    expect(second.headers.get('age')).not.toBeNull();
    expect(cacheStatus(second)?.fromCache).toBe(true);
    expect(await bytes(second)).toEqual(bytesOf(20, 29));
    expect(origin.count('/r')).toBe(1);

    // 416 from what the part tells of the length.
    const third = await cachedFetch(url, { headers: { range: 'bytes=100-' } });
    expect(third.status).toBe(416);
    expect(third.headers.get('content-range')).toBe('bytes */100');
    expect(origin.count('/r')).toBe(1);
    await cachedFetch.close();
  });

  it('combines parts into one complete response that answers plain requests', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    for (const range of ['bytes=50-74', 'bytes=0-29', 'bytes=25-54', 'bytes=75-']) {
      const response = await cachedFetch(url, { headers: { range } });
      expect(response.status).toBe(206);
      await response.arrayBuffer();
      await cachedFetch.idle();
    }
    expect(await stored()).toEqual(['200']);
    const whole = await cachedFetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('100');
    expect(whole.headers.get('content-range')).toBeNull();
    expect(cacheStatus(whole)?.fromCache).toBe(true);
    expect(await bytes(whole)).toEqual(bytesOf(0, 99));
    expect(origin.count('/r')).toBe(4);
    await cachedFetch.close();
  });

  it('keeps disjoint parts apart, and serves each', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    for (const range of ['bytes=0-9', 'bytes=50-59']) {
      await (await cachedFetch(url, { headers: { range } })).arrayBuffer();
      await cachedFetch.idle();
    }
    expect(await stored()).toEqual(['206 bytes 0-9/100', '206 bytes 50-59/100']);
    const hit = await cachedFetch(url, { headers: { range: 'bytes=52-55' } });
    expect(await bytes(hit)).toEqual(bytesOf(52, 55));
    expect(origin.count('/r')).toBe(2);
    await cachedFetch.close();
  });

  it('a shorter part of the same bytes leaves the longer one whole', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    for (const range of ['bytes=10-60', 'bytes=10-49']) {
      await (
        await cachedFetch(url, { headers: { range, 'cache-control': 'no-cache' } })
      ).arrayBuffer();
      await cachedFetch.idle();
    }
    expect(await stored()).toEqual(['206 bytes 10-60/100']);
    const hit = await cachedFetch(url, { headers: { range: 'bytes=55-58' } });
    expect(await bytes(hit)).toEqual(bytesOf(55, 58));
    expect(origin.count('/r')).toBe(2);
    await cachedFetch.close();
  });

  it('asks the origin only for the missing bytes, with If-Range, and stitches them', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    await (await cachedFetch(url, { headers: { range: 'bytes=0-39' } })).arrayBuffer();
    await cachedFetch.idle();

    const whole = await cachedFetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('100');
    expect(whole.headers.get('content-range')).toBeNull();
    expect(whole.headers.get('cache-status')).toContain('fwd=partial; fwd-status=206');
    expect(await bytes(whole)).toEqual(bytesOf(0, 99));
    expect(ranges()).toEqual(['bytes=0-39', 'bytes=40-']);
    expect(origin.requests[1]?.headers['if-range']).toBe('"v1"');
    await cachedFetch.idle();
    expect(await stored()).toEqual(['200']);

    const hit = await cachedFetch(url);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    expect(await bytes(hit)).toEqual(bytesOf(0, 99));
    await cachedFetch.close();
  });

  it('answers a range partly held with the stored bytes and the rest from the origin', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    await (await cachedFetch(url, { headers: { range: 'bytes=0-39' } })).arrayBuffer();
    await cachedFetch.idle();

    const response = await cachedFetch(url, { headers: { range: 'bytes=30-59' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 30-59/100');
    expect(await bytes(response)).toEqual(bytesOf(30, 59));
    expect(ranges()).toEqual(['bytes=0-39', 'bytes=40-59']);
    await cachedFetch.idle();
    expect(await stored()).toEqual(['206 bytes 0-59/100']);
    await cachedFetch.close();
  });

  it('serves and stores a 200 when the representation changed, and drops the stale parts', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    for (const range of ['bytes=0-39', 'bytes=60-79']) {
      await (await cachedFetch(url, { headers: { range } })).arrayBuffer();
      await cachedFetch.idle();
    }
    origin.route('/r', rangedRoute({ size: 80, etag: '"v2"', seed: 1 }));

    const whole = await cachedFetch(url);
    expect(whole.status).toBe(200);
    expect(await bytes(whole)).toEqual(bytesOf(0, 79, 1));
    await cachedFetch.idle();
    expect(await stored()).toEqual(['200']);
    await cachedFetch.close();
  });

  it('a new representation supersedes the parts of the old one', async () => {
    origin.route('/r', rangedRoute({ size: 100 }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    await (await cachedFetch(url, { headers: { range: 'bytes=0-39' } })).arrayBuffer();
    await cachedFetch.idle();
    origin.route('/r', rangedRoute({ size: 100, etag: '"v2"', seed: 1 }));
    await (await cachedFetch(url, { headers: { range: 'bytes=40-99' } })).arrayBuffer();
    await cachedFetch.idle();
    expect(await stored()).toEqual(['206 bytes 40-99/100']);
    await cachedFetch.close();
  });

  it('without a validator, asks for the rest but does not stitch: asks again for the whole', async () => {
    origin.route('/r', rangedRoute({ size: 100, etag: null }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    await (await cachedFetch(url, { headers: { range: 'bytes=0-4' } })).arrayBuffer();
    await cachedFetch.idle();
    const whole = await cachedFetch(url);
    expect(whole.status).toBe(200);
    expect(await bytes(whole)).toEqual(bytesOf(0, 99));
    expect(ranges()).toEqual(['bytes=0-4', 'bytes=5-', undefined]);
    expect(origin.requests[1]?.headers['if-range']).toBeUndefined();
    await cachedFetch.close();
  });

  it('an origin that ignores Range: its 200 is served and stored', async () => {
    origin.route('/r', rangedRoute({ size: 100, ignoreRange: true }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    const first = await cachedFetch(url, { headers: { range: 'bytes=0-4' } });
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    await cachedFetch.idle();
    const hit = await cachedFetch(url, { headers: { range: 'bytes=0-4' } });
    expect(hit.status).toBe(206);
    expect(await bytes(hit)).toEqual(bytesOf(0, 4));
    expect(origin.count('/r')).toBe(1);
    await cachedFetch.close();
  });

  it('parts and what they combine into keep their tags', async () => {
    origin.route('/r', rangedRoute({ size: 100, headers: { 'cache-tag': 'big' } }));
    const cachedFetch = createFetch({ storage });
    const url = `${origin.url}/r`;
    for (const range of ['bytes=0-49', 'bytes=80-89', 'bytes=50-99']) {
      await (await cachedFetch(url, { headers: { range } })).arrayBuffer();
      await cachedFetch.idle();
    }
    expect(await stored()).toEqual(['200']);
    for await (const entry of storage.list()) expect(entry.tags).toEqual(['big']);
    await cachedFetch(url, { headers: { range: 'bytes=0-9', 'cache-control': 'no-cache' } });
    await cachedFetch.idle();
    expect(await cachedFetch.invalidate({ tag: 'big' })).toBeGreaterThan(0);
    expect(await stored()).toEqual([]);
    await cachedFetch.close();
  });

  it('does not store a 206 whose body disagrees with its Content-Range', async () => {
    origin.route('/r', {
      status: 206,
      headers: { 'cache-control': 'max-age=60', 'content-range': 'bytes 4-9/10', etag: '"x"' },
      body: '01234',
    });
    const cachedFetch = createFetch({ storage });
    const response = await cachedFetch(`${origin.url}/r`, { headers: { range: 'bytes=-5' } });
    expect(await response.text()).toBe('01234');
    await cachedFetch.idle();
    expect(await stored()).toEqual([]);
    await cachedFetch.close();
  });
});
