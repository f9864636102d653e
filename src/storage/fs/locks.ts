import { ignore } from './files.ts';

/** Runs actions on one key hash one after another (in this process); other keys run alongside. */
export class KeyLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `action` after every earlier action on the same key hash. */
  async run<T>(kh: string, action: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(kh) ?? Promise.resolve();
    const result = previous.then(action);
    const tail = result.then(ignore, ignore);
    this.#tails.set(kh, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(kh) === tail) this.#tails.delete(kh);
    }
  }
}
