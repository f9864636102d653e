/**
 * An in-process index from tags to what carries them, so that purging a tag visits only its own
 * entries.
 *
 * @module
 */

/** Tags to the items (entries, slots) stored with them. */
export class TagIndex<T> {
  readonly #byTag = new Map<string, Set<T>>();

  /** Records that `item` carries `tags`. */
  add(item: T, tags: readonly string[] | undefined): void {
    for (const tag of tags ?? []) {
      let items = this.#byTag.get(tag);
      if (items === undefined) {
        items = new Set();
        this.#byTag.set(tag, items);
      }
      items.add(item);
    }
  }

  /** Forgets `item`, which carried `tags`. */
  remove(item: T, tags: readonly string[] | undefined): void {
    for (const tag of tags ?? []) {
      const items = this.#byTag.get(tag);
      if (items === undefined) continue;
      items.delete(item);
      if (items.size === 0) this.#byTag.delete(tag);
    }
  }

  /** The items that carry `tag`, as a copy (safe to remove them while iterating). */
  itemsOf(tag: string): T[] {
    return [...(this.#byTag.get(tag) ?? [])];
  }

  clear(): void {
    this.#byTag.clear();
  }
}
