/**
 * A map that holds at most `capacity` entries, dropping the least recently used ones. Every
 * cache fed (even indirectly) by producer input is one of these, so that no stream of
 * distinct inputs can grow the process without bound.
 *
 * Two generations (as in quick-lru) instead of one re-ordered Map: a hit in the young one
 * changes nothing. Re-inserting on every hit made V8 rebuild the Map's hash table on each
 * lookup, and since the Map is long-lived, each new table went straight to the old space:
 * garbage that only a full GC frees, which a flood of commands turned into heap growth.
 */
export class BoundedCache<K, V> {
  readonly capacity: number;
  /** The young generation turns old on reaching this: it holds fewer, the old one at most this. */
  readonly #limit: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2)
      throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
    this.capacity = capacity;
    this.#limit = Math.ceil(capacity / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const value = this.#young.get(key);
    if (value !== undefined) return value;
    const aged = this.#old.get(key);
    if (aged !== undefined) {
      // Used again: it moves to the young generation, so it outlives the next turn.
      this.#old.delete(key);
      this.#add(key, aged);
    }
    return aged;
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value);
    else {
      this.#old.delete(key);
      this.#add(key, value);
    }
  }

  #add(key: K, value: V): void {
    this.#young.set(key, value);
    if (this.#young.size >= this.#limit) {
      // The old generation (the least recently used half) goes as a whole.
      this.#old = this.#young;
      this.#young = new Map();
    }
  }
}
