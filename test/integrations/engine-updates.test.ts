import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { MemoryStorage } from '../../src/storage/memory.ts';
import { manualClock } from '../helpers/clock.ts';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';

/** A memory storage that holds its first `update` (a hit's TTL refresh) until the test lets it go. */
class HeldFirstUpdate extends MemoryStorage {
  readonly #gate = Promise.withResolvers<void>();
  readonly #reached = Promise.withResolvers<void>();
  #calls = 0;

  override async update(...args: Parameters<MemoryStorage['update']>): Promise<boolean> {
    if (this.#calls++ === 0) {
      this.#reached.resolve();
      await this.#gate.promise;
    }
    return super.update(...args);
  }

  /** Resolves once the first update has been asked for. */
  get reached(): Promise<void> {
    return this.#reached.promise;
  }

  release(): void {
    this.#gate.resolve();
  }
}

let origin: TestOrigin;

beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('updates of a stored entry all land', () => {
  // Was: refreshTtlOnAccess wrote back the whole entry as read at lookup, undoing a freshening
  // that landed in between. Now the refresh changes `deleteAt` alone.
  it('a TTL refresh does not undo a freshening that landed before it', async () => {
    const clock = manualClock();
    let version = 1;
    origin.route('/e', (req, res) => {
      const fields = { etag: '"e"', 'x-version': String(version) };
      if (req.headers['if-none-match'] === '"e"') {
        res.writeHead(304, { 'cache-control': 'max-age=60', ...fields }).end();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=1', ...fields }).end('body');
    });
    const storage = new HeldFirstUpdate();
    const cachedFetch = createFetch({ clock, storage, ttl: 3600, refreshTtlOnAccess: true });
    const url = `${origin.url}/e`;
    await (await cachedFetch(url)).text();
    await cachedFetch.idle();
    // A hit: its TTL refresh is held.
    const hit = await cachedFetch(url);
    expect(cacheStatus(hit)?.fromCache).toBe(true);
    await hit.text();
    await storage.reached;
    // Meanwhile the entry goes stale and a revalidation freshens it with version 2's fields.
    clock.advance(2);
    version = 2;
    const revalidated = await cachedFetch(url);
    expect(revalidated.headers.get('x-version')).toBe('2');
    await revalidated.text();
    storage.release();
    await cachedFetch.idle();
    const after = await cachedFetch(url);
    // Still fresh from the freshening: served without asking the origin again.
    expect(cacheStatus(after)?.revalidated).toBe(false);
    expect(after.headers.get('x-version')).toBe('2');
    expect(origin.count('/e')).toBe(2);
    await after.text();
    await cachedFetch.close();
  });
});
