/**
 * Bounds (memory storage for now): the byte cap holds under many large responses, a slow reader
 * or a slow storage pauses the origin instead of buffering its body, and a body the caller cancels
 * or never reads leaks nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetch, MemoryStorage } from '../../src/index.ts';
import type { EntryMeta, EntryToStore } from '../../src/storage/types.ts';
import { RecordingStorage, settle, until } from './helpers.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
/** The tee's default: how far storage may lag behind the caller before the origin is paused. */
const TEE_HIGH_WATER_MARK = MiB;

setFlagsFromString('--expose-gc');
/** A full garbage collection, for the tests about what an unread body keeps alive. */
const gc = runInNewContext('gc') as () => void;

/**
 * Collects garbage until `condition` holds (finalizers run between collections), with no
 * deadline of its own: a condition that never holds fails by the test's timeout.
 */
async function collectUntil(condition: () => boolean): Promise<void> {
  await until(() => {
    gc();
    return condition();
  }, 25);
}

/** An in-process origin: a response whose body is produced chunk by chunk, on demand. */
function lazyBody(chunks: number, chunkSize: number) {
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= chunks * chunkSize) {
          controller.close();
          return;
        }
        const chunk = new Uint8Array(chunkSize).fill(produced / chunkSize);
        produced += chunkSize;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, produced: () => produced };
}

/** Reads `bytes` bytes (whole chunks) from a reader. */
async function readAtLeast(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  bytes: number,
): Promise<number> {
  let read = 0;
  while (read < bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
  }
  return read;
}

/** A real origin streaming `size` bytes as fast as the socket takes them, counting what it wrote. */
async function streamingOrigin(size: number, cacheControl = 'max-age=60') {
  const state = { written: 0, open: 0, closed: 0, finished: 0 };
  const chunk = Buffer.alloc(64 * KiB, 0x61);
  const server: Server = createServer((_req, res) => {
    state.open++;
    res.on('close', () => {
      state.open--;
      state.closed++;
    });
    res.on('finish', () => state.finished++);
    res.writeHead(200, { 'cache-control': cacheControl, 'content-length': String(size) });
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        const more = res.write(n === chunk.length ? chunk : chunk.subarray(0, n), () => {
          state.written += n;
        });
        if (!more) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until the origin has written nothing new for a few polls: it is waiting for the reader. */
async function untilStalled(written: () => number): Promise<number> {
  let last = -1;
  let still = 0;
  await until(() => {
    const now = written();
    still = now === last ? still + 1 : 0;
    last = now;
    return still >= 5;
  }, 20);
  return last;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe('MemoryStorage honours its byte cap', () => {
  const responses = process.env.STRESS === '1' ? 10_000 : 2_000;

  // 500 MiB go through: on a busy machine that takes far longer than the default test timeout,
  // which is only a backstop against a hang here.
  it(`under ${responses} distinct 256 KiB responses`, { timeout: 180_000 }, async () => {
    const maxBytes = 16 * MiB;
    const storage = new RecordingStorage({ maxBytes });
    const template = new Uint8Array(256 * KiB).fill(0x2e);
    const cachedFetch = createFetch({
      storage,
      fetch: async (input) => {
        const index = Number(new URL(String(input)).pathname.slice(1));
        const body = template.slice();
        new DataView(body.buffer).setUint32(0, index);
        return new Response(body, { headers: { 'cache-control': 'max-age=3600' } });
      },
    });
    cleanup.push(() => cachedFetch.close());
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    for (let i = 0; i < responses; i++) {
      const response = await cachedFetch(`http://origin.test/${i}`);
      expect((await response.arrayBuffer()).byteLength).toBe(256 * KiB);
      await storage.settled();
      expect(storage.bytes).toBeLessThanOrEqual(maxBytes);
      peak = Math.max(peak, storage.bytes);
    }
    const stats = await storage.stats();
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
    expect(stats.entries).toBeGreaterThan(0);
    expect(stats.entries).toBeLessThanOrEqual(Math.floor(maxBytes / (256 * KiB)));
    expect(peak).toBeGreaterThan(maxBytes / 2);
    // Every entry still held is the body of its own URL; the newest are held, the oldest evicted.
    for (const entry of await storage.entries()) {
      const body = await storage.bodyOf(entry);
      const index = new DataView(body.buffer, body.byteOffset).getUint32(0);
      expect(entry.url).toBe(`http://origin.test/${index}`);
    }
    const newest = await cachedFetch(`http://origin.test/${responses - 1}`);
    expect(newest.headers.get('cache-status')).toMatch(/hit/);
    await newest.body?.cancel();
    const oldest = await cachedFetch('http://origin.test/0');
    expect(oldest.headers.get('cache-status')).toMatch(/fwd=uri-miss/);
    await oldest.body?.cancel();
    // The process holds about the cap, not the 500 MiB that went through it.
    await storage.settled();
    // Buffers undici released are freed over a few collections, not always by the first one.
    await collectUntil(() => process.memoryUsage().arrayBuffers - baseline < maxBytes + 32 * MiB);
  });

  it('a body larger than the cap reaches the caller whole and is not stored', async () => {
    const storage = new RecordingStorage({ maxBytes: 256 * KiB });
    const errors: string[] = [];
    const cachedFetch = createFetch({
      storage,
      fetch: async () =>
        new Response(new Uint8Array(MiB).fill(1), { headers: { 'cache-control': 'max-age=60' } }),
    });
    cleanup.push(() => cachedFetch.close());
    cachedFetch.cache.on('error', (e) => errors.push(e.operation));
    const response = await cachedFetch('http://origin.test/big');
    expect((await response.arrayBuffer()).byteLength).toBe(MiB);
    expect(await storage.settled()).toEqual(['failed']);
    expect(storage.bytes).toBe(0);
    expect(errors).toEqual(['put']);
  });
});

describe('back-pressure: the tee pauses the origin instead of buffering', () => {
  it('a slow reader: the origin body is read no further ahead than the caller (in process)', async () => {
    const chunk = 64 * KiB;
    const origin = lazyBody(1024, chunk); // 64 MiB if it were all read
    const storage = new RecordingStorage({ maxBytes: 512 * MiB });
    const cachedFetch = createFetch({
      storage,
      fetch: async () =>
        new Response(origin.stream, { headers: { 'cache-control': 'max-age=60' } }),
    });
    cleanup.push(() => cachedFetch.close());
    const response = await cachedFetch('http://origin.test/slow-reader');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const read = await readAtLeast(reader, 2 * MiB);
    // The caller stops reading; let every pending microtask and callback run.
    await settle(20);
    expect(origin.produced() - read).toBeLessThanOrEqual(chunk);
    await reader.cancel();
    expect(await storage.settled()).toEqual(['failed']);
  });

  it('a slow storage: the caller is held at the high-water mark, then all is stored once it drains', async () => {
    const chunk = 64 * KiB;
    const total = 8 * MiB;
    const origin = lazyBody(total / chunk, chunk);
    let opened: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      opened = resolve;
    });
    let consumed = 0;
    /** A storage that takes nothing until the gate opens. */
    class SlowStorage extends MemoryStorage {
      override put(
        entry: EntryToStore,
        body: ReadableStream<Uint8Array<ArrayBuffer>>,
      ): Promise<EntryMeta> {
        const source = body.getReader();
        const gated = new ReadableStream<Uint8Array<ArrayBuffer>>(
          {
            async pull(controller) {
              await gate;
              const { done, value } = await source.read();
              if (done) controller.close();
              else {
                consumed += value.byteLength;
                controller.enqueue(value);
              }
            },
            cancel: (reason) => source.cancel(reason),
          },
          { highWaterMark: 0 },
        );
        return super.put(entry, gated);
      }
    }
    const storage = new SlowStorage({ maxBytes: 64 * MiB });
    const cachedFetch = createFetch({
      storage,
      fetch: async () =>
        new Response(origin.stream, { headers: { 'cache-control': 'max-age=60' } }),
    });
    cleanup.push(() => cachedFetch.close());
    const response = await cachedFetch('http://origin.test/slow-storage');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // Read until a read stays pending: the tee is waiting for storage.
    let received = 0;
    let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
    for (;;) {
      const read = reader.read();
      let settled = false;
      void read.then(() => {
        settled = true;
      });
      await settle(20);
      if (!settled) {
        pending = read;
        break;
      }
      const { done, value } = await read;
      if (done) break;
      received += value.byteLength;
    }
    expect(pending, 'the caller was paused').toBeDefined();
    expect(consumed).toBe(0);
    expect(received).toBeLessThanOrEqual(TEE_HIGH_WATER_MARK + chunk);
    expect(origin.produced()).toBeLessThanOrEqual(received + chunk);
    // Storage drains: the caller goes on to the end, and the whole body is stored.
    opened?.();
    const rest = await pending;
    if (rest !== undefined && !rest.done) received += rest.value.byteLength;
    received += await readAtLeast(reader, Number.POSITIVE_INFINITY);
    expect(received).toBe(total);
    await cachedFetch.close();
    expect(consumed).toBe(total);
  });

  it('a slow reader over a real socket: the origin cannot write far ahead of what was read', async () => {
    const size = 256 * MiB;
    const origin = await streamingOrigin(size);
    cleanup.push(() => origin.close());
    const storage = new RecordingStorage({ maxBytes: 512 * MiB });
    const cachedFetch = createFetch({ storage });
    cleanup.push(() => cachedFetch.close());
    const response = await cachedFetch(`${origin.url}/large`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const read = await readAtLeast(reader, 4 * MiB);
    const written = await untilStalled(() => origin.state.written);
    // What is in flight is socket and stream buffers plus the tee's high-water mark; with no
    // back-pressure the origin would have written all 256 MiB.
    expect(written - read).toBeLessThan(48 * MiB);
    expect(written).toBeLessThan(size / 4);
    await reader.cancel();
    expect(await storage.settled()).toEqual(['failed']);
    await until(() => origin.state.open === 0);
  });
});

describe('a body the caller cancels or never reads leaks nothing', () => {
  it('cancelled after the first chunk: nothing stored, the origin socket released, close() leaves nothing pending', async () => {
    const origin = await streamingOrigin(64 * MiB);
    cleanup.push(() => origin.close());
    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ storage });
    const response = await cachedFetch(`${origin.url}/cancelled`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel('not interested');
    expect(await storage.settled()).toEqual(['failed']);
    expect(await storage.entries()).toEqual([]);
    await until(() => origin.state.open === 0);
    expect(origin.state.finished).toBe(0);
    await cachedFetch.close();
    // A second close has nothing left to wait for either.
    await cachedFetch.close();
  });

  it('never read, then close(): storing stops, and the caller can still read the whole body', async () => {
    const size = 4 * MiB;
    const origin = await streamingOrigin(size);
    cleanup.push(() => origin.close());
    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ storage });
    const response = await cachedFetch(`${origin.url}/unread`);
    await settle();
    expect(storage.puts).toHaveLength(1);
    await cachedFetch.close();
    expect(await storage.settled()).toEqual(['failed']);
    expect((await response.arrayBuffer()).byteLength).toBe(size);
    await until(() => origin.state.open === 0);
  });

  it('cancelled before any read: nothing stored, the origin socket released', async () => {
    const origin = await streamingOrigin(16 * MiB);
    cleanup.push(() => origin.close());
    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ storage });
    cleanup.push(() => cachedFetch.close());
    const response = await cachedFetch(`${origin.url}/cancelled-early`);
    await response.body?.cancel();
    expect(await storage.settled()).toEqual(['failed']);
    await until(() => origin.state.open === 0);
  });

  /** Fetches `count` responses and drops them unread. */
  async function dropUnread(
    fetcher: (url: string) => Promise<Response>,
    url: string,
    count: number,
  ): Promise<void> {
    for (let i = 0; i < count; i++) {
      const response = await fetcher(`${url}/dropped-${i}`);
      expect(response.status).toBe(200);
    }
  }

  it('plain fetch (the reference): unread responses, once garbage, release their connections', async () => {
    const origin = await streamingOrigin(4 * MiB);
    cleanup.push(() => origin.close());
    await dropUnread((u) => fetch(u), origin.url, 5);
    await collectUntil(() => origin.state.open === 0);
  });

  it('not stored (no-store), unread and garbage: the connection is released as with plain fetch', async () => {
    const origin = await streamingOrigin(4 * MiB, 'no-store');
    cleanup.push(() => origin.close());
    const cachedFetch = createFetch();
    cleanup.push(() => cachedFetch.close());
    await dropUnread(cachedFetch, origin.url, 5);
    await collectUntil(() => origin.state.open === 0);
  });

  // Regression test: a storable response dropped unread once pinned its origin connection (the
  // tee locks the origin body, so undici's finalizer could not cancel it). A response collected
  // unread now has its body cancelled.
  it('stored path, unread and garbage: the connection is released as with plain fetch', async () => {
    const origin = await streamingOrigin(4 * MiB);
    cleanup.push(() => origin.close());
    const cachedFetch = createFetch();
    cleanup.push(() => cachedFetch.close());
    await dropUnread(cachedFetch, origin.url, 5);
    await collectUntil(() => origin.state.open === 0);
  });
});

describe('a response the caller still holds survives garbage collection', () => {
  /** An origin answering a small body with the given Cache-Control. */
  async function smallOrigin(cacheControl: string): Promise<string> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'cache-control': cacheControl }).end('the whole body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Fetches, collects garbage a few times while holding the response, then reads it. */
  async function readAfterGc(fetcher: (url: string) => Promise<Response>, url: string) {
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetcher(`${url}/held-${i}`);
      for (let j = 0; j < 5; j++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      bodies.push(await response.text().catch((error: unknown) => `error: ${String(error)}`));
    }
    return bodies;
  }

  it('plain fetch (the reference)', async () => {
    const url = await smallOrigin('no-store');
    expect(await readAfterGc((u) => fetch(u), url)).toEqual(Array(3).fill('the whole body'));
  });

  it('a stored response', async () => {
    const url = await smallOrigin('max-age=60');
    const cachedFetch = createFetch();
    cleanup.push(() => cachedFetch.close());
    expect(await readAfterGc(cachedFetch, url)).toEqual(Array(3).fill('the whole body'));
  });

  // Regression test: a response passed through unstored once lost its body when the origin
  // Response it wraps was garbage-collected first; the origin Response is now kept reachable.
  it('a response passed through unstored', async () => {
    const url = await smallOrigin('no-store');
    const cachedFetch = createFetch();
    cleanup.push(() => cachedFetch.close());
    expect(await readAfterGc(cachedFetch, url)).toEqual(Array(3).fill('the whole body'));
  });
});

describe('coalesced requests: one caller’s unread body holds up no one else', () => {
  /** Reads until the end, or until a read stays pending while everything in process settles. */
  async function readUntilStalled(
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<{ bytes: number; stalled: boolean }> {
    let bytes = 0;
    for (;;) {
      const read = reader.read();
      let settled = false;
      void read.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      await settle(20);
      if (!settled) return { bytes, stalled: true };
      const { done, value } = await read;
      if (done) return { bytes, stalled: false };
      bytes += value.byteLength;
    }
  }

  /** Two requests for one key that share one origin response (held until both have joined). */
  async function collapsedPair(size: number) {
    let release: (() => void) | undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const storage = new RecordingStorage({ maxBytes: 64 * MiB });
    const cachedFetch = createFetch({
      storage,
      fetch: async () => {
        await released;
        const body = lazyBody(size / (64 * KiB), 64 * KiB);
        return new Response(body.stream, { headers: { 'cache-control': 'max-age=60' } });
      },
    });
    cleanup.push(() => cachedFetch.close());
    const first = cachedFetch('http://origin.test/shared-body');
    await settle();
    const second = cachedFetch('http://origin.test/shared-body');
    await settle(10);
    release?.();
    const [a, b] = await Promise.all([first, second]);
    return { a, b, storage };
  }

  it('both read: both get the whole body, stored once', async () => {
    const size = 4 * MiB;
    const { a, b, storage } = await collapsedPair(size);
    expect(b.headers.get('cache-status')).toMatch(/collapsed/);
    const [ra, rb] = await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
    expect([ra.byteLength, rb.byteLength]).toEqual([size, size]);
    expect(await storage.settled()).toEqual(['stored']);
  });

  // Regression test: the shared tee paced the origin by its slowest reader, so a
  // collapsed request whose caller never reads (nor cancels) its body stalled every other one at
  // 1 MiB. A reader that has not started now only paces the others past 16 MiB.
  it('the other never reads: the first still gets its whole body', async () => {
    const size = 4 * MiB;
    const { a, b } = await collapsedPair(size);
    expect(b.headers.get('cache-status')).toMatch(/collapsed/);
    const result = await readUntilStalled((a.body as ReadableStream<Uint8Array>).getReader());
    expect(result).toEqual({ bytes: size, stalled: false });
  });

  it('the other cancels: the first still gets its whole body, and it is stored', async () => {
    const size = 4 * MiB;
    const { a, b, storage } = await collapsedPair(size);
    await b.body?.cancel();
    const result = await readUntilStalled((a.body as ReadableStream<Uint8Array>).getReader());
    expect(result).toEqual({ bytes: size, stalled: false });
    expect(await storage.settled()).toEqual(['stored']);
  });
});
