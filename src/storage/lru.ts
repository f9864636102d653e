/**
 * A least-recently-used order threaded through the items themselves.
 *
 * @module
 */

/** What an item of an {@link LruList} carries: its neighbours, set by the list alone. */
export interface LruLinks<T> {
  older: T | undefined;
  newer: T | undefined;
  listed: boolean;
}

/**
 * Items, least recently used first, as a doubly linked list through the items: adding, moving
 * and removing take constant time. A `Set` kept in that order (deleted at the front, added at
 * the back) leaves holes that every walk from the front steps over until it is rehashed, which
 * made each eviction of a full storage cost about a microsecond.
 */
export class LruList<T extends LruLinks<T>> {
  #oldest: T | undefined;
  #newest: T | undefined;
  #size = 0;

  /** How many items are listed. */
  get size(): number {
    return this.#size;
  }

  /** The least recently used item. */
  get oldest(): T | undefined {
    return this.#oldest;
  }

  /** Lists `item` as the most recently used (moving it there when it is listed already). */
  add(item: T): void {
    if (item.listed) {
      if (this.#newest === item) return;
      this.delete(item);
    }
    item.older = this.#newest;
    item.newer = undefined;
    if (this.#newest === undefined) this.#oldest = item;
    else this.#newest.newer = item;
    this.#newest = item;
    item.listed = true;
    this.#size++;
  }

  /** Unlists `item`; whether it was listed. */
  delete(item: T): boolean {
    if (!item.listed) return false;
    const { older, newer } = item;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    item.older = undefined;
    item.newer = undefined;
    item.listed = false;
    this.#size--;
    return true;
  }

  /** The items, least recently used first, as a copy (safe to delete them while iterating). */
  toArray(): T[] {
    const items: T[] = [];
    for (let item = this.#oldest; item !== undefined; item = item.newer) items.push(item);
    return items;
  }

  /** Unlists every item. */
  clear(): void {
    for (const item of this.toArray()) this.delete(item);
  }
}
