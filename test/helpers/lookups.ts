import type { EntryMeta } from '../../src/index.ts';
import { MemoryStorage } from '../../src/storage/memory.ts';

/**
 * A {@link MemoryStorage} that tells when it has answered a number of lookups. A request looks
 * its key up before it goes to the origin or joins a request already on its way there, so a test
 * can hold an origin's answer until every concurrent request has got that far.
 */
export class LookupCounter extends MemoryStorage {
  #answered = 0;
  readonly #waiting: { readonly count: number; readonly resolve: () => void }[] = [];

  override async get(key: string): Promise<EntryMeta[]> {
    const entries = await super.get(key);
    this.#answered++;
    for (const waiter of this.#waiting.filter((w) => w.count <= this.#answered)) {
      this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
    return entries;
  }

  /** Resolves once `count` lookups have been answered. */
  answered(count: number): Promise<void> {
    if (count <= this.#answered) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ count, resolve }));
  }
}
