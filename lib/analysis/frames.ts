/**
 * The frames the analyses read: every named function of every location,
 * inlined callers included (a `sync.(*Mutex).Lock` inlined into its caller
 * keeps the caller), stacks leaf first as function indices, stack
 * signatures, sample values and labels.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { sampleIndexByName } from "../report/config.ts";

/** A profile prepared for frame-level analyses. */
export interface Frames {
  profile: Profile;
  /** The named functions of location `l`, innermost first: `locFns[locStart[l] .. locStart[l + 1])`. */
  locStart: Uint32Array;
  locFns: Int32Array;
  /** The source line of each entry of `locFns` (0 when unknown). */
  locLines: Float64Array;
  /** Function names by function index. */
  names: string[];
  /** The most frames any sample has. */
  depth: number;
}

/** The frames of a profile (one pass over its locations and samples). */
export function framesOf(p: Profile): Frames {
  const names = new Array<string>(p.functionCount);
  for (let f = 0; f < p.functionCount; f++) names[f] = p.strings[p.functionName[f]];
  const locStart = new Uint32Array(p.locationCount + 1);
  const locFns = new Int32Array(p.lineFunction.length);
  const locLines = new Float64Array(p.lineFunction.length);
  let n = 0;
  for (let l = 0; l < p.locationCount; l++) {
    locStart[l] = n;
    for (let i = p.lineStart[l]; i < p.lineStart[l + 1]; i++) {
      const f = p.lineFunction[i];
      if (names[f] === "") continue;
      locLines[n] = p.lineNumber[i];
      locFns[n++] = f;
    }
  }
  locStart[p.locationCount] = n;
  let depth = 1;
  for (let s = 0; s < p.sampleCount; s++) {
    let d = 0;
    for (let i = p.stackStart[s]; i < p.stackStart[s + 1]; i++) {
      const l = p.stackLocs[i];
      d += locStart[l + 1] - locStart[l];
    }
    if (d > depth) depth = d;
  }
  return { profile: p, locStart, locFns, locLines, names, depth };
}

/**
 * The named frames of sample `s`, leaf first (inlined functions before
 * their callers), as function indices written into `out`; returns how many.
 * With `max`, it stops after the location that reaches `max` frames.
 */
export function stackOf(fr: Frames, s: number, out: Int32Array, max = Infinity): number {
  const p = fr.profile;
  let n = 0;
  for (let i = p.stackStart[s]; i < p.stackStart[s + 1] && n < max; i++) {
    const l = p.stackLocs[i];
    for (let j = fr.locStart[l]; j < fr.locStart[l + 1]; j++) out[n++] = fr.locFns[j];
  }
  return n;
}

/**
 * The leading frames of sample `s` (as {@link stackOf}) up to and including
 * the first whose function has `stop[f] === 1`, and at least `min` frames
 * when the stack has them; the whole stack when no frame stops it. Most
 * analyses need only where a stack enters application code.
 */
export function stackPrefixOf(fr: Frames, s: number, out: Int32Array, stop: Uint8Array, min = 0): number {
  const p = fr.profile;
  let n = 0;
  let stopped = false;
  for (let i = p.stackStart[s]; i < p.stackStart[s + 1]; i++) {
    const l = p.stackLocs[i];
    for (let j = fr.locStart[l]; j < fr.locStart[l + 1]; j++) {
      const f = fr.locFns[j];
      out[n++] = f;
      if (stop[f] === 1) stopped = true;
    }
    if (stopped && n >= min) return n;
  }
  return n;
}

/** The source file of a function ("" when the profile has none). */
export function fileOf(fr: Frames, f: number): string {
  return fr.profile.strings[fr.profile.functionFilename[f]];
}

/** A reusable stack buffer for {@link stackOf}. */
export function stackBuffer(fr: Frames): Int32Array {
  return new Int32Array(fr.depth);
}

/** The first `n` frames of a stack joined with " | " (leaf first): a stack signature. */
export function signatureOf(fr: Frames, stack: Int32Array, len: number, n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(n, len); i++) parts.push(fr.names[stack[i]]);
  return parts.join(" | ");
}

/** A key for the first `n` frames of a stack (function indices), cheaper than the signature. */
export function stackKey(stack: Int32Array, len: number, n: number): string {
  return stack.subarray(0, Math.min(n, len)).join(",");
}

/**
 * The value index to read: the first sample type named in `names`, else the
 * type pprof reports by default (default_sample_type, else the last type).
 */
export function valueIndex(p: Profile, names: readonly string[]): number {
  for (const n of names) {
    const i = p.sampleTypes.findIndex((t) => t.type === n);
    if (i >= 0) return i;
  }
  return p.sampleTypes.length > 0 ? sampleIndexByName(p, "") : 0;
}

/** The value of sample `s` at type index `t`. */
export function valueOf(p: Profile, s: number, t: number): number {
  return p.values[s * p.sampleTypes.length + t];
}

/** The first value of string label `key` on sample `s`, or undefined. */
export function labelOf(p: Profile, s: number, key: string): string | undefined {
  for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
    if (p.labelStr[j] > 0 && p.strings[p.labelKey[j]] === key) return p.strings[p.labelStr[j]];
  }
  return undefined;
}

/**
 * Stack prefixes (function indices) interned to dense group ids, hashed as
 * numbers: cheaper than string keys for every sample of a large profile.
 */
export class StackGroups {
  #byHash = new Map<number, number | number[]>();
  /** The frames of each group. */
  readonly stacks: Int32Array[] = [];

  /** The id of the group of `stack[0..len)`, created when new. */
  id(stack: Int32Array, len: number): number {
    let h = 0x811c9dc5 ^ len;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ stack[i], 0x01000193);
    const hit = this.#byHash.get(h);
    if (hit !== undefined) {
      for (const g of typeof hit === "number" ? [hit] : hit) if (same(this.stacks[g], stack, len)) return g;
    }
    const g = this.stacks.length;
    this.stacks.push(stack.slice(0, len));
    if (hit === undefined) this.#byHash.set(h, g);
    else this.#byHash.set(h, typeof hit === "number" ? [hit, g] : [...hit, g]);
    return g;
  }
}

function same(a: Int32Array, b: Int32Array, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}
