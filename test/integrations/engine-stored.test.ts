import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { MemoryStorage } from '../../src/storage/memory.ts';
import type { EntryMeta, EntryToStore } from '../../src/storage/types.ts';
import { nextEvent } from '../helpers/events.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { FaultyStorage } from '../reliability/faulty-storage.ts';

/**
 * What `stored` means: in `Cache-Status`, in `cacheStatus()` and in the `store` event, the entry
 * is durable and findable. A body read whole is stored before the response is answered; a body
 * streamed to the caller while it is stored ends only once the write has settled.
 */

/** A memory storage whose writes land a few turns of the event loop after the body ends. */
class LaggingStorage extends MemoryStorage {
  override async put(
    entry: EntryToStore,
    body: ReadableStream<Uint8Array<ArrayBuffer>>,
  ): Promise<EntryMeta> {
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    return super.put(entry, new Response(bytes).body as ReadableStream<Uint8Array<ArrayBuffer>>);
  }
}

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('stored means durable and findable', () => {
  // Was: a small body's response said `stored` before storage had written it: a storage that
  // writes later missed the request that came right after. Now the response waits for the write.
  it('a response that says stored is found by the next request at once', async () => {
    origin.route('/small', { headers: { 'cache-control': 'max-age=60' }, body: 'small body' });
    const cachedFetch = createFetch({ storage: new LaggingStorage() });
    const url = `${origin.url}/small`;
    const first = await cachedFetch(url);
    expect(first.headers.get('cache-status')).toContain('stored');
    expect(cacheStatus(first)?.stored).toBe(true);
    await first.text();
    const second = await cachedFetch(url);
    expect(cacheStatus(second)?.fromCache).toBe(true);
    expect(origin.count('/small')).toBe(1);
    await cachedFetch.close();
  });

  // Was: a failed write still said `stored`. Now it is an `error` event and the response does not
  // claim it.
  it('a failed write is an error event, and the response does not say stored', async () => {
    origin.route('/fail', {
      headers: { 'cache-control': 'max-age=60', 'content-length': '4' },
      body: 'body',
    });
    const storage = new FaultyStorage();
    storage.fail('put', 'throw');
    const cachedFetch = createFetch({ storage });
    const error = nextEvent(cachedFetch.cache, 'error');
    const res = await cachedFetch(`${origin.url}/fail`);
    expect(await res.text()).toBe('body');
    expect(res.headers.get('cache-status')).not.toContain('stored');
    expect(cacheStatus(res)?.stored).toBe(false);
    expect((await error).operation).toBe('put');
    await cachedFetch.close();
  });

  // A streamed body is stored once it has been read, after its head went out: its response says
  // `stored` while the cache stores it, and its body ends only once the write has settled.
  it('a streamed body ends once it is stored: the next request finds it', async () => {
    origin.route('/stream', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.write('first part, ');
      res.end('second part');
    });
    const cachedFetch = createFetch({ storage: new LaggingStorage() });
    const url = `${origin.url}/stream`;
    const events: string[] = [];
    cachedFetch.cache.on('store', () => events.push('store'));
    const res = await cachedFetch(url);
    expect(res.headers.get('content-length')).toBeNull();
    expect(cacheStatus(res)?.stored).toBe(true);
    expect(await res.text()).toBe('first part, second part');
    expect(events).toEqual(['store']);
    const again = await cachedFetch(url);
    expect(cacheStatus(again)?.fromCache).toBe(true);
    await cachedFetch.close();
  });

  it('a streamed body whose write fails still ends, after the error event', async () => {
    origin.route('/stream', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('streamed');
    });
    const storage = new FaultyStorage();
    storage.fail('put', 'throw');
    const cachedFetch = createFetch({ storage });
    const events: string[] = [];
    cachedFetch.cache.on('error', (e) => events.push(e.operation));
    const res = await cachedFetch(`${origin.url}/stream`);
    expect(await res.text()).toBe('streamed');
    expect(events).toEqual(['put']);
    await cachedFetch.close();
  });
});
