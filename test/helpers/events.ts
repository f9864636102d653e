import type { CacheEvents, CacheEventType, HttpCache } from '../../src/index.ts';

/** The next event of `type` the cache emits (e.g. `store`, once a body has been committed). */
export function nextEvent<T extends CacheEventType>(
  cache: HttpCache,
  type: T,
): Promise<CacheEvents[T]> {
  return new Promise((resolve) => {
    const off = cache.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}
