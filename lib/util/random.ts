/**
 * A small deterministic pseudo-random generator, for generators of test and
 * benchmark profiles and for fuzzing: the same seed gives the same sequence on
 * every machine.
 *
 * @module
 */

/** mulberry32: returns a function giving numbers in [0, 1), replayable from `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
