/**
 * Faults: a storage whose operations throw, stall or hand back corrupted data, one operation at a
 * time (faulty-storage.ts, around a real MemoryStorage, SqliteStorage on a temp file and
 * FileSystemStorage in a temp directory), and an origin that goes down and comes back on the same
 * port. Every request is still answered, from the origin or from storage where that is allowed,
 * nothing corrupted is served, and every fault is reported as an `error` event.
 *
 * SIGKILL during a write is tested where the storages are: test/storage/sqlite.test.ts ("a
 * process killed with SIGKILL while storing") and test/storage/fs-faults.test.ts ("a process
 * killed while storing").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatHttpDate } from '../../src/core/http-date.ts';
import {
  type CachedFetch,
  type CacheEvents,
  type CacheRequestInit,
  cacheStatus,
  createFetch,
  MemoryStorage,
  StorageError,
} from '../../src/index.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import { SqliteStorage } from '../../src/storage/sqlite.ts';
import type { EntryMeta, Storage, StoredBody } from '../../src/storage/types.ts';
import { type ManualClock, manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { type Fault, FaultyStorage, InjectedFault, type Operation } from './faulty-storage.ts';
import { toBytes } from './helpers.ts';

/**
 * How long the cache waits for a storage operation on the request path (a stalled one is given up
 * on after this). Tests wait on no time of their own: a hung request fails by the test's timeout.
 */
const STORAGE_TIMEOUT = 200;

const directory = mkdtempSync(join(tmpdir(), 'httpcache-faults-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let opened = 0;

/** A real storage the faults are injected around, each test on its own. */
interface Backend {
  readonly name: string;
  open(clock: () => number): Storage;
}

const backends: readonly Backend[] = [
  { name: 'MemoryStorage', open: (clock) => new MemoryStorage({ clock }) },
  {
    name: 'SqliteStorage',
    open: (clock) => new SqliteStorage({ path: join(directory, `${++opened}.sqlite`), clock }),
  },
  {
    name: 'FileSystemStorage',
    open: (clock) => new FileSystemStorage({ directory: join(directory, `fs-${++opened}`), clock }),
  },
];

let unhandled = 0;
const onUnhandled = (): void => {
  unhandled++;
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled, 'unhandled rejections in faults.test.ts').toBe(0);
});

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

/** An answer as the caller saw it. */
interface Answer {
  readonly status: number;
  readonly text: string;
  readonly fromCache: boolean | undefined;
}

/** A cache on a faulty storage in front of a real origin whose every 200 body is numbered. */
async function harness(backend: Backend) {
  const clock = manualClock();
  const served = new Map<string, number>();
  /** The body of the latest 200 the origin sent for `path`. */
  const latest = (path: string): string => `${path} #${served.get(path) ?? 0}`;
  const numbered = (path: string): string => {
    served.set(path, (served.get(path) ?? 0) + 1);
    return latest(path);
  };
  const origin: TestOrigin = await startOrigin();
  for (const path of ['/a', '/b']) {
    origin.route(path, (req, res) => {
      if (req.method === 'POST') return void res.writeHead(200).end(`posted ${path}`);
      res.writeHead(200, { 'cache-control': 'max-age=60', etag: `"${path}"` }).end(numbered(path));
    });
  }
  origin.route('/nc', (req, res) => {
    if (req.headers['if-none-match'] === '"nc"') return void res.writeHead(304).end();
    res.writeHead(200, { 'cache-control': 'no-cache', etag: '"nc"' }).end(numbered('/nc'));
  });
  origin.route('/lang', (req, res) => {
    const lang = String(req.headers['accept-language']);
    res
      .writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' })
      .end(numbered(`/lang ${lang}`));
  });
  // A body over 256 KiB, so a corrupted stream of it can be checked.
  origin.route('/big', (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' }).end(numbered('/big').padEnd(300_000));
  });
  const storage = new FaultyStorage(backend.open(clock));
  // A storage that stalls is given up on after STORAGE_TIMEOUT.
  const cachedFetch = createFetch({ storage, clock, storageTimeout: STORAGE_TIMEOUT });
  const errors: CacheEvents['error'][] = [];
  let stores = 0;
  cachedFetch.cache.on('error', (e) => errors.push(e));
  cachedFetch.cache.on('store', () => stores++);
  cleanup.push(async () => {
    storage.release();
    await cachedFetch.close();
    await origin.close();
  });

  /** Fetches through the cache and reads the body. */
  const get = async (path: string, init?: CacheRequestInit): Promise<Answer> => {
    const response = await cachedFetch(`${origin.url}${path}`, init);
    return {
      status: response.status,
      text: await response.text(),
      fromCache: cacheStatus(response)?.fromCache,
    };
  };
  /** Fetches `path` with no fault on, and waits until its response is stored. */
  const prime = async (path: string, init?: CacheRequestInit): Promise<void> => {
    const before = stores;
    await get(path, init);
    await cachedFetch.idle();
    expect(stores, `${path} stored`).toBe(before + 1);
  };
  return { clock, origin, storage, cachedFetch, errors, latest, get, prime };
}

type Harness = Awaited<ReturnType<typeof harness>>;

/** The operations each fault is reported under: the injected error, once per injection. */
function reported(h: Harness, operation: Operation): void {
  expect(h.errors.map((e) => e.operation)).toEqual(h.storage.injected.map(() => operation));
  expect(h.storage.injected.length).toBeGreaterThan(0);
}

/**
 * One request that reaches one storage operation: what to store first, the request to make
 * while the fault is on, and the answer it must get.
 */
interface Scenario {
  readonly operation: Operation;
  readonly what: string;
  prepare(h: Harness): Promise<void>;
  request(h: Harness): Promise<Answer>;
  expected(h: Harness): Answer;
}

const scenarios: Record<Operation, Scenario> = {
  get: {
    operation: 'get',
    what: 'a fresh stored response: the origin answers instead',
    prepare: (h) => h.prime('/a'),
    request: (h) => h.get('/a'),
    expected: (h) => ({ status: 200, text: h.latest('/a'), fromCache: false }),
  },
  body: {
    operation: 'body',
    what: 'a fresh stored response: the origin answers instead',
    prepare: (h) => h.prime('/a'),
    request: (h) => h.get('/a'),
    expected: (h) => ({ status: 200, text: h.latest('/a'), fromCache: false }),
  },
  put: {
    operation: 'put',
    what: 'a miss: the caller gets the whole origin body',
    prepare: async () => undefined,
    request: (h) => h.get('/a'),
    expected: (h) => ({ status: 200, text: h.latest('/a'), fromCache: false }),
  },
  update: {
    operation: 'update',
    what: 'a 304 that freshens a no-cache response: the origin is asked again, unconditionally',
    prepare: (h) => h.prime('/nc'),
    request: (h) => h.get('/nc'),
    expected: (h) => ({ status: 200, text: h.latest('/nc'), fromCache: false }),
  },
  touch: {
    operation: 'touch',
    what: 'a hit: served from storage all the same',
    prepare: (h) => h.prime('/a'),
    request: (h) => h.get('/a'),
    expected: (h) => ({ status: 200, text: h.latest('/a'), fromCache: true }),
  },
  deleteUrl: {
    operation: 'deleteUrl',
    what: "a POST that invalidates a stored response: the POST's answer is passed on",
    prepare: (h) => h.prime('/a'),
    request: (h) => h.get('/a', { method: 'POST', body: 'x' }),
    expected: () => ({ status: 200, text: 'posted /a', fromCache: false }),
  },
};

/** Runs a scenario with `fault` on its operation; checks the answer and what was reported. */
async function faulted(backend: Backend, scenario: Scenario, fault: Fault): Promise<Harness> {
  const h = await harness(backend);
  await scenario.prepare(h);
  h.storage.fail(scenario.operation, fault);
  const answer = await scenario.request(h);
  expect(answer).toEqual(scenario.expected(h));
  return h;
}

/** After the fault is gone, the URL is served right: from storage or from the origin. */
async function healed(h: Harness, path = '/a'): Promise<void> {
  h.storage.heal();
  // A response the origin answered meanwhile may still be being stored: it replaces the entry
  // once stored, so wait for that before asking.
  await h.cachedFetch.idle();
  const again = await h.get(path);
  expect(again.text).toBe(h.latest(path));
}

/** Corruptions of what get() returns, each with the request to make and the answer it must get. */
const corruptLookups: readonly (readonly [string, Fault])[] = [
  ['not a list', () => ({ entries: 'none' })],
  ['a list of junk', () => [null, 42, 'entry']],
  ['a list of numbers and strings', () => [42, 'entry']],
  [
    'an entry whose fields have the wrong types',
    (entries) => (entries as EntryMeta[]).map((e) => ({ ...e, headers: 'max-age=60', vary: null })),
  ],
  ['an entry without fields', (entries) => (entries as EntryMeta[]).map((e) => ({ id: e.id }))],
  [
    "another URL's entry, under its own key",
    async (_entries, inner) => inner.get(`GET ${originUrl}/b`),
  ],
];

/** The origin's URL in the test that is running, for corruptions that name another key. */
let originUrl = '';

const corruptBodies: readonly (readonly [string, Fault])[] = [
  [
    'one byte more than its size',
    async (body) => concat(await toBytes(body as StoredBody), [0x21]),
  ],
  ['one byte less than its size', async (body) => (await toBytes(body as StoredBody)).slice(0, -1)],
  ['empty', () => new Uint8Array()],
  ["another entry's bytes", async (_body, inner) => bodyOfUrl(inner, `${originUrl}/b-longer`)],
  ['a string', () => 'garbage'],
  ['a number', () => 42],
  ['an object', () => ({ bytes: [1, 2, 3] })],
];

for (const backend of backends) {
  describe(`${backend.name} with faults injected`, () => {
    describe('a storage operation that throws: the request is answered and the fault reported', () => {
      for (const scenario of Object.values(scenarios)) {
        it(`${scenario.operation} throws, on ${scenario.what}`, async () => {
          const h = await faulted(backend, scenario, 'throw');
          // touch runs in the background, after the hit was served.
          await h.cachedFetch.idle();
          reported(h, scenario.operation);
          expect(h.errors.every((e) => e.error instanceof InjectedFault)).toBe(true);
          await healed(h, scenario.operation === 'update' ? '/nc' : '/a');
        });
      }

      it('put throws: nothing is stored, so the next request goes to the origin again', async () => {
        const h = await faulted(backend, scenarios.put, 'throw');
        h.storage.heal();
        expect(await h.get('/a')).toEqual({ status: 200, text: '/a #2', fromCache: false });
      });
    });

    describe('a storage operation that stalls: the request is not held by it', () => {
      // Regression tests (fixed): storage operations on the request path used to be awaited with no
      // bound; `storageTimeout` now gives up on them, reporting an `error` event.
      it('get stalls, on a fresh stored response: the origin answers instead', async () => {
        await faulted(backend, scenarios.get, 'stall');
      });

      it('body stalls, on a fresh stored response: the origin answers instead', async () => {
        await faulted(backend, scenarios.body, 'stall');
      });

      it('update stalls, on a 304: the request is still answered', async () => {
        await faulted(backend, scenarios.update, 'stall');
      });

      it("deleteUrl stalls, on a POST: the POST's answer is passed on", async () => {
        await faulted(backend, scenarios.deleteUrl, 'stall');
      });

      it('touch stalls, on a hit: served from storage all the same', async () => {
        const h = await faulted(backend, scenarios.touch, 'stall');
        expect(h.storage.stalled).toBe(1);
      });

      it('put stalls, on a miss: the caller gets the whole body', async () => {
        const h = await faulted(backend, scenarios.put, 'stall');
        expect(h.storage.stalled).toBe(1);
      });

      // Regression test: close() waited for a put that never settles, forever.
      it('put stalls: close() still returns', async () => {
        const h = await faulted(backend, scenarios.put, 'stall');
        await h.cachedFetch.close();
      });

      // Regression test: a put that never reads held the caller of a body over 1 MiB
      // forever; storage that takes nothing for `storageTimeout` is now dropped from the tee.
      it('put stalls before reading, on a 2 MiB body: the caller gets the whole body', async () => {
        const h = await harness(backend);
        h.origin.route('/huge', (_req, res) => {
          res.writeHead(200, { 'cache-control': 'max-age=60' }).end(Buffer.alloc(2 * 1024 * 1024));
        });
        h.storage.fail('put', 'stall');
        const answer = await h.get('/huge');
        expect(answer.text.length).toBe(2 * 1024 * 1024);
      });
    });

    describe('get() returns corrupted metadata: the origin answers, and the fault is reported', () => {
      for (const [what, fault] of corruptLookups) {
        it(what, async () => {
          const h = await harness(backend);
          originUrl = h.origin.url;
          await h.prime('/a');
          await h.prime('/b');
          h.storage.fail('get', fault);
          expect(await h.get('/a')).toEqual({ status: 200, text: '/a #2', fromCache: false });
          reported(h, 'get');
          await healed(h);
        });
      }

      it("another variant's entry only: not served (the stored Vary values do not match)", async () => {
        const h = await harness(backend);
        await h.prime('/lang', { headers: { 'accept-language': 'fr' } });
        await h.prime('/lang', { headers: { 'accept-language': 'en' } });
        h.storage.fail('get', (entries) =>
          (entries as EntryMeta[]).filter((e) => e.vary['accept-language'] === 'fr'),
        );
        const en = await h.get('/lang', { headers: { 'accept-language': 'en' } });
        expect(en).toEqual({ status: 200, text: '/lang en #2', fromCache: false });
        // Several variants under one key are what storage normally returns: no fault to report.
        expect(h.errors).toEqual([]);
      });
    });

    describe('body() returns corrupted bytes: the origin answers, and the fault is reported', () => {
      for (const [what, fault] of corruptBodies) {
        it(what, async () => {
          const h = await harness(backend);
          originUrl = h.origin.url;
          h.origin.route('/b-longer', (_req, res) => {
            res
              .writeHead(200, { 'cache-control': 'max-age=60' })
              .end('a longer body of another URL');
          });
          await h.prime('/b-longer');
          await h.prime('/a');
          h.storage.fail('body', fault);
          expect(await h.get('/a')).toEqual({ status: 200, text: '/a #2', fromCache: false });
          reported(h, 'body');
          await healed(h);
        });
      }
    });

    describe('body() streams the wrong number of bytes: the caller never gets them as a whole body', () => {
      for (const [what, delta] of [
        ['short by one byte', -1],
        ['long by one byte', 1],
      ] as const) {
        it(what, async () => {
          const h = await harness(backend);
          await h.prime('/big');
          h.storage.fail('body', async (body) => {
            const bytes = await toBytes(body as StoredBody);
            const wrong = delta < 0 ? bytes.slice(0, delta) : concat(bytes, [0x21]);
            return new Blob([wrong]).stream();
          });
          // The body errors as a cut connection would, instead of ending as if it were whole.
          const response = await h.cachedFetch(`${h.origin.url}/big`);
          expect(cacheStatus(response)?.fromCache).toBe(true);
          const read = await response.text().then(
            (text) => `${text.length} bytes`,
            (error: unknown) => error,
          );
          expect(read).toBeInstanceOf(StorageError);
          expect(String(read)).toMatch(/of a 300000-byte body/);
          reported(h, 'body');
          expect(h.errors[0]?.error).toBe(read);
        });
      }
    });

    describe('put() resolves garbage: the request is answered and the fault reported', () => {
      it('put resolves null', async () => {
        const h = await harness(backend);
        h.storage.fail('put', () => null);
        expect(await h.get('/a')).toEqual({ status: 200, text: '/a #1', fromCache: false });
        await h.cachedFetch.idle();
        reported(h, 'put');
      });
    });
  });
}

function concat(bytes: Uint8Array, extra: number[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.byteLength + extra.length);
  out.set(bytes);
  out.set(extra, bytes.byteLength);
  return out;
}

async function bodyOfUrl(storage: Storage, url: string): Promise<unknown> {
  const [entry] = await storage.get(`GET ${url}`);
  return entry === undefined ? null : storage.body(entry);
}

/** A real origin that can be stopped and started again on the same port. */
async function restartableOrigin(clock: () => number) {
  let version = 0;
  const routes: Record<string, string> = {
    '/fresh': 'max-age=600',
    '/stale-if-error': 'max-age=10, stale-if-error=600',
    '/plain': 'max-age=10',
    '/must-revalidate': 'max-age=10, must-revalidate',
    '/unstored': 'no-store',
  };
  const make = (): Server =>
    createServer((req, res) => {
      const path = req.url ?? '/';
      res
        // No keep-alive: while the origin is down, every request is refused the same way.
        .writeHead(200, {
          'cache-control': routes[path] ?? 'no-store',
          date: formatHttpDate(clock()),
          connection: 'close',
        })
        .end(`${path} v${version}`);
    });
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    paths: Object.keys(routes),
    stop,
    async start(): Promise<void> {
      version++;
      server = make();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
    },
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

/** How a request ended: the body, or the error's name, message and cause code. */
async function outcome(
  fetcher: (url: string) => Promise<Response>,
  url: string,
): Promise<{ body: string } | { error: string }> {
  try {
    const response = await fetcher(url);
    return { body: await response.text() };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { error: `${e.name}: ${e.message} (${e.cause?.code ?? 'no cause code'})` };
  }
}

describe('the origin goes down, then comes back on the same port', () => {
  let clock: ManualClock;
  let origin: Awaited<ReturnType<typeof restartableOrigin>>;
  let cachedFetch: CachedFetch;

  it('while down: fresh and stale-if-error responses are served, the rest fail as plain fetch does; once back, all works', async () => {
    clock = manualClock();
    origin = await restartableOrigin(clock);
    cachedFetch = createFetch({ clock });
    cleanup.push(async () => {
      await cachedFetch.close();
      await origin.close();
    });
    const errors: unknown[] = [];
    const stored = new Set<string>();
    cachedFetch.cache.on('error', (e) => errors.push(e));
    cachedFetch.cache.on('store', (e) => stored.add(e.url));
    const cached = (url: string) => cachedFetch(url);
    for (const path of origin.paths) {
      expect(await outcome(cached, `${origin.url}${path}`)).toEqual({ body: `${path} v0` });
    }
    clock.advance(60);
    await origin.stop();

    const down: Record<string, unknown> = {};
    for (const path of origin.paths) {
      const url = `${origin.url}${path}`;
      down[path] = { cached: await outcome(cached, url), plain: await outcome(fetch, url) };
    }
    const refused = { error: 'TypeError: fetch failed (ECONNREFUSED)' };
    expect(down).toEqual({
      '/fresh': { cached: { body: '/fresh v0' }, plain: refused },
      '/stale-if-error': { cached: { body: '/stale-if-error v0' }, plain: refused },
      '/plain': { cached: refused, plain: refused },
      // RFC 9111 §5.2.2.2: a 504 rather than the stale must-revalidate response.
      '/must-revalidate': {
        cached: {
          body: 'The origin could not be reached and the stored response must be revalidated.',
        },
        plain: refused,
      },
      '/unstored': { cached: refused, plain: refused },
    });
    // Concurrent requests that share one origin request all get the error, none is left waiting.
    const together = await Promise.all(
      Array.from({ length: 16 }, () => outcome(cached, `${origin.url}/plain`)),
    );
    expect(together).toEqual(Array.from({ length: 16 }, () => refused));

    await origin.start();
    stored.clear();
    const back: Record<string, unknown> = {};
    for (const path of origin.paths) back[path] = await outcome(cached, `${origin.url}${path}`);
    expect(back).toEqual({
      '/fresh': { body: '/fresh v0' },
      '/stale-if-error': { body: '/stale-if-error v1' },
      '/plain': { body: '/plain v1' },
      '/must-revalidate': { body: '/must-revalidate v1' },
      '/unstored': { body: '/unstored v1' },
    });
    // And the new responses were stored: served again without the origin.
    await cachedFetch.idle();
    expect(stored.has(`${origin.url}/plain`)).toBe(true);
    await origin.stop();
    expect(await outcome(cached, `${origin.url}/plain`)).toEqual({ body: '/plain v1' });
    expect(errors).toEqual([]);
  });
});
