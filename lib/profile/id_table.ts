/**
 * An open-addressing hash table of dense ids (0, 1, 2, …) in typed arrays, for
 * the merger's indexes of samples, locations, functions and label sets: the
 * caller hashes and compares rows it keeps itself, the table only finds
 * candidates, so a lookup allocates nothing.
 *
 * @module
 */

/** Finishes a 32-bit hash (murmur3's fmix32), so that linear probing sees well-spread slots. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Ids by hash. Probe with `first(h)` and `next(slot)` while `slots[slot] >= 0`,
 * comparing the rows of ids whose `hashOf(id)` is `h`; `add` a new id.
 */
export class IdTable {
  slots: Int32Array;
  #mask: number;
  #hashes: Uint32Array;
  #count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.#mask = cap - 1;
    this.#hashes = new Uint32Array(Math.max(16, capacity));
  }

  /** The first slot to look at for hash `h` (a {@link mix32} result). */
  first(h: number): number {
    return h & this.#mask;
  }

  /** The slot after `slot`. */
  next(slot: number): number {
    return (slot + 1) & this.#mask;
  }

  /** The hash `id` was added with. */
  hashOf(id: number): number {
    return this.#hashes[id];
  }

  /** Adds `id` (the next dense id, or any id below the largest so far plus one) under hash `h`. */
  add(id: number, h: number): void {
    if (id >= this.#hashes.length) {
      let cap = this.#hashes.length * 2;
      while (cap <= id) cap *= 2;
      const next = new Uint32Array(cap);
      next.set(this.#hashes);
      this.#hashes = next;
    }
    this.#hashes[id] = h;
    if ((this.#count + 1) * 2 > this.slots.length) this.#rehash();
    this.#count++;
    let slot = h & this.#mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & this.#mask;
    this.slots[slot] = id;
  }

  #rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let i = 0; i < old.length; i++) {
      const id = old[i];
      if (id < 0) continue;
      let slot = this.#hashes[id] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
    this.#mask = mask;
  }
}
