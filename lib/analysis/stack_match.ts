/**
 * Regexps matched against whole stacks (the frame names joined with " | ",
 * leaf first), fast on large profiles: each pattern's required literals are
 * looked up per function once, and only stacks holding them are joined and
 * matched.
 *
 * @module
 */
import { compileRE2, type GoRegexp } from "../regex/re2.ts";
import { type Frames, stackOf } from "./frames.ts";

/** A named regexp over a joined stack. */
export interface StackPattern {
  name: string;
  pattern: string;
}

/** The separator of frames in a joined stack. */
export const FRAME_SEPARATOR = " | ";

/**
 * What every match of one top-level alternative contains: `pieces`, each a
 * list of options of which at least one occurs; `exact` when the
 * alternative is one literal, so finding it decides the match.
 */
export interface LiteralNeed {
  pieces: string[][];
  exact?: string;
}

/** A literal that lies inside one frame name of a joined stack: 3+ characters, no space, no `|`. */
const usable = (l: string) => l.length >= 3 && !/[ |]/.test(l);

/**
 * The literals any match of an RE2 pattern must contain, per top-level
 * alternative; undefined when nothing can be said (case-insensitive
 * patterns, or an alternative without a usable literal).
 */
export function requiredLiterals(src: string): LiteralNeed[] | undefined {
  if (/\(\?[a-zA-Z]*i/.test(src)) return undefined;
  const out: LiteralNeed[] = [];
  for (const alt of splitAlternatives(src)) {
    const words = expandLiterals(alt);
    if (words && words.length > 0 && words.every(usable)) {
      // A finite set of literals, e.g. runtime\.(bgsweep|bgscavenge): each one found decides the match.
      for (const w of words) out.push({ pieces: [[w]], exact: w });
      continue;
    }
    const { runs, groups, plain } = literalParts(alt);
    const pieces = [...runs.filter(usable).map((r) => [r]), ...groups];
    if (pieces.length === 0) return undefined;
    const need: LiteralNeed = { pieces };
    if (plain && runs.length === 1 && usable(runs[0])) need.exact = runs[0];
    out.push(need);
  }
  return out;
}

/** The index just past the character class starting at `i` (which holds '['). */
function skipClass(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === "^") j++;
  if (s[j] === "]") j++;
  while (j < s.length) {
    if (s[j] === "\\") j += 2;
    else if (s[j] === "[" && s[j + 1] === ":") {
      const end = s.indexOf(":]", j + 2);
      j = end < 0 ? s.length : end + 2;
    } else if (s[j] === "]") return j + 1;
    else j++;
  }
  return j;
}

/** The index just past the group starting at `i` (which holds '('). */
function skipGroup(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === "\\") j += 2;
    else if (c === "[") j = skipClass(s, j);
    else {
      if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return j + 1;
      j++;
    }
  }
  return j;
}

/** The top-level alternatives of a pattern. */
function splitAlternatives(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") i += 2;
    else if (c === "[") i = skipClass(s, i);
    else if (c === "(") i = skipGroup(s, i);
    else if (c === "|") {
      out.push(s.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(s.slice(start));
  return out;
}

const REPEAT = /^\{(\d+)(,\d*)?\}/;

/**
 * The literal runs every match of an alternative contains, the options of
 * its required groups (`(a|b)` not followed by an optional quantifier, each
 * option the longest run of its branch), and whether it is plain literal text.
 */
function literalParts(s: string): { runs: string[]; groups: string[][]; plain: boolean } {
  const runs: string[] = [];
  const groups: string[][] = [];
  let plain = true;
  let cur = "";
  let lastLiteral = false;
  const flush = () => {
    if (cur !== "") runs.push(cur);
    cur = "";
    lastLiteral = false;
  };
  const optionalLast = () => {
    // The previous literal character may be absent: it is not required.
    if (lastLiteral) cur = [...cur].slice(0, -1).join("");
    flush();
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\") {
      const e = s[i + 1] ?? "";
      if (/[A-Za-z0-9]/.test(e)) {
        plain = false;
        flush();
        if (e === "Q") {
          const end = s.indexOf("\\E", i + 2);
          i = end < 0 ? s.length : end + 2;
        } else if ((e === "p" || e === "P" || e === "x") && s[i + 2] === "{") {
          const end = s.indexOf("}", i + 3);
          i = end < 0 ? s.length : end + 1;
        } else i += e === "p" || e === "P" ? 3 : e === "x" ? 4 : 2;
      } else {
        cur += e;
        lastLiteral = true;
        i += 2;
      }
      continue;
    }
    if (c === "(") {
      plain = false;
      flush();
      const end = skipGroup(s, i);
      const after = s.slice(end);
      const optional = /^(\*|\?|\{0[,}])/.test(after);
      const inner = groupBody(s.slice(i + 1, end - 1));
      if (!optional && inner !== undefined) {
        const options = splitAlternatives(inner).map((b) => longest(literalParts(b).runs.filter(usable)));
        if (options.every((o) => o !== undefined)) groups.push(options as string[]);
      }
      i = end;
      continue;
    }
    if (c === "." || c === "^" || c === "$" || c === "[" || c === "*" || c === "?" || c === "+" || c === "{") {
      plain = false;
    }
    if (c === "." || c === "^" || c === "$") {
      flush();
      i++;
    } else if (c === "[") {
      flush();
      i = skipClass(s, i);
    } else if (c === "*" || c === "?") {
      optionalLast();
      i++;
      if (s[i] === "?") i++;
    } else if (c === "+") {
      flush();
      i++;
      if (s[i] === "?") i++;
    } else if (c === "{" && REPEAT.test(s.slice(i))) {
      const m = REPEAT.exec(s.slice(i))!;
      if (Number(m[1]) === 0) optionalLast();
      else flush();
      i += m[0].length;
      if (s[i] === "?") i++;
    } else {
      const cp = String.fromCodePoint(s.codePointAt(i)!);
      cur += cp;
      lastLiteral = true;
      i += cp.length;
    }
  }
  flush();
  return { runs, groups, plain };
}

/** Most literals one alternative is expanded into. */
const MAX_EXPANSION = 32;

/**
 * The literals an alternative made only of literal text and groups of
 * literal branches (optionally `?`) matches, e.g. `sync\.\(\*(RW)?Mutex\)` →
 * `sync.(*RWMutex)`, `sync.(*Mutex)`; undefined when it has other syntax.
 */
function expandLiterals(s: string): string[] | undefined {
  let out = [""];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    let piece: string[];
    if (c === "\\") {
      const e = s[i + 1] ?? "";
      if (e === "" || /[A-Za-z0-9]/.test(e)) return undefined;
      piece = [e];
      i += 2;
    } else if (c === "(") {
      const end = skipGroup(s, i);
      const body = groupBody(s.slice(i + 1, end - 1));
      if (body === undefined) return undefined;
      const branches = splitAlternatives(body).map(expandLiterals);
      if (branches.some((b) => b === undefined)) return undefined;
      piece = (branches as string[][]).flat();
      i = end;
      if (s[i] === "?") {
        piece = ["", ...piece];
        i++;
      }
    } else if (".^$[]*+?{}|)".includes(c)) {
      return undefined;
    } else {
      const cp = String.fromCodePoint(s.codePointAt(i)!);
      piece = [cp];
      i += cp.length;
    }
    if (s[i] === "*" || s[i] === "+" || s[i] === "?" || s[i] === "{") return undefined;
    out = out.flatMap((w) => piece.map((x) => w + x));
    if (out.length > MAX_EXPANSION) return undefined;
  }
  return out;
}

/** The body of a group without its `?:` or `?P<name>` prefix; undefined for flag groups (`(?i)`, `(?s:…)`). */
function groupBody(body: string): string | undefined {
  if (body.startsWith("?:")) return body.slice(2);
  const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(body);
  if (named) return body.slice(named[0].length);
  return body.startsWith("?") ? undefined : body;
}

function longest(xs: string[]): string | undefined {
  let best: string | undefined;
  for (const x of xs) if (best === undefined || x.length > best.length) best = x;
  return best;
}

/**
 * Patterns compiled for matching the stacks of one profile. A stack is joined
 * into one string only when its functions hold a pattern's literals and no
 * exact literal decides the match.
 */
export class StackMatcher {
  readonly patterns: readonly StackPattern[];
  #res: GoRegexp[];
  #fr: Frames;
  #words: number;
  /** Per location: a bitset of the literals its functions' names contain. */
  #locBits: Uint32Array;
  #bits: Uint32Array;
  #buf: Int32Array;
  // The literal needs, flattened: pattern p's alternatives are altFrom[p] .. altTo[p] (altFrom[p] = -1:
  // always test); alternative a's pieces are pieceFrom[a] .. pieceFrom[a + 1], its exact literal altExact[a] (-1
  // none); piece q's options (literal ids) are options[optFrom[q] .. optFrom[q + 1]).
  #altFrom: Int32Array;
  #altTo: Int32Array;
  #altExact: Int32Array;
  #pieceFrom: Int32Array;
  #optFrom: Int32Array;
  #options: Int32Array;
  /** Per pattern: every literal any of its alternatives needs; none present rules the pattern out at once. */
  #anyBits: Uint32Array;

  /** Compiles `patterns` (invalid RE2 throws a UserError naming `what`). */
  constructor(fr: Frames, patterns: readonly StackPattern[], what = "pattern") {
    this.#fr = fr;
    this.patterns = patterns;
    this.#res = patterns.map((p) => compileRE2(p.pattern, `${what} ${p.name}`));
    const literals = new Map<string, number>();
    const id = (l: string) => {
      let k = literals.get(l);
      if (k === undefined) literals.set(l, k = literals.size);
      return k;
    };
    const altFrom: number[] = [],
      altTo: number[] = [],
      altExact: number[] = [],
      pieceFrom: number[] = [],
      optFrom: number[] = [];
    const options: number[] = [];
    for (const p of patterns) {
      const needs = requiredLiterals(p.pattern);
      if (!needs) {
        altFrom.push(-1);
        altTo.push(-1);
        continue;
      }
      altFrom.push(altExact.length);
      for (const alt of needs) {
        altExact.push(alt.exact !== undefined ? id(alt.exact) : -1);
        pieceFrom.push(optFrom.length);
        for (const piece of alt.pieces) {
          optFrom.push(options.length);
          for (const o of piece) options.push(id(o));
        }
      }
      altTo.push(altExact.length);
    }
    // Sentinels: the end of the last alternative and piece.
    this.#altFrom = Int32Array.from(altFrom);
    this.#altTo = Int32Array.from(altTo);
    this.#altExact = Int32Array.from(altExact);
    this.#pieceFrom = Int32Array.from([...pieceFrom, optFrom.length]);
    this.#optFrom = Int32Array.from([...optFrom, options.length]);
    this.#options = Int32Array.from(options);

    const words = this.#words = Math.max(1, Math.ceil(literals.size / 32));
    const fnBits = new Uint32Array(fr.names.length * words);
    for (const [lit, k] of literals) {
      const w = k >>> 5, bit = 1 << (k & 31);
      for (let f = 0; f < fr.names.length; f++) if (fr.names[f].includes(lit)) fnBits[f * words + w] |= bit;
    }
    const p = fr.profile;
    this.#locBits = new Uint32Array(p.locationCount * words);
    for (let l = 0; l < p.locationCount; l++) {
      for (let j = fr.locStart[l]; j < fr.locStart[l + 1]; j++) {
        const f = fr.locFns[j];
        for (let w = 0; w < words; w++) this.#locBits[l * words + w] |= fnBits[f * words + w];
      }
    }
    this.#bits = new Uint32Array(words);
    this.#buf = new Int32Array(fr.depth);
    this.#anyBits = new Uint32Array(patterns.length * words);
    for (let p = 0; p < patterns.length; p++) {
      if (altFrom[p] < 0) continue;
      for (let a = altFrom[p]; a < altTo[p]; a++) {
        for (let q = this.#pieceFrom[a]; q < this.#pieceFrom[a + 1]; q++) {
          for (let o = this.#optFrom[q]; o < this.#optFrom[q + 1]; o++) {
            const k = this.#options[o];
            this.#anyBits[p * words + (k >>> 5)] |= 1 << (k & 31);
          }
        }
      }
    }
  }

  #has(k: number): boolean {
    return (this.#bits[k >>> 5] & (1 << (k & 31))) !== 0;
  }

  /** 1: an exact literal decides the match; 0: the regexp must be tried; -1: the literals rule it out. */
  #prefilter(p: number): number {
    const from = this.#altFrom[p];
    if (from < 0) return 0;
    const words = this.#words;
    let any = 0;
    for (let w = 0; w < words; w++) any |= this.#bits[w] & this.#anyBits[p * words + w];
    if (any === 0) return -1;
    const to = this.#altTo[p];
    let possible = false;
    for (let a = from; a < to; a++) {
      const exact = this.#altExact[a];
      if (exact >= 0 && this.#has(exact)) return 1;
      if (possible) continue;
      let all = true;
      for (let q = this.#pieceFrom[a]; all && q < this.#pieceFrom[a + 1]; q++) {
        let any = false;
        for (let o = this.#optFrom[q]; !any && o < this.#optFrom[q + 1]; o++) any = this.#has(this.#options[o]);
        all = any;
      }
      possible = all;
    }
    return possible ? 0 : -1;
  }

  /**
   * The indices of the patterns that match sample `s`'s stack, in pattern
   * order; with `first`, at most one.
   */
  match(s: number, first = false): number[] {
    const p = this.#fr.profile, words = this.#words, bits = this.#bits, locBits = this.#locBits;
    bits.fill(0);
    for (let i = p.stackStart[s]; i < p.stackStart[s + 1]; i++) {
      const o = p.stackLocs[i] * words;
      for (let w = 0; w < words; w++) bits[w] |= locBits[o + w];
    }
    let joined: string | undefined;
    const out: number[] = [];
    for (let q = 0; q < this.#res.length; q++) {
      const pre = this.#prefilter(q);
      if (pre < 0) continue;
      if (pre === 0) {
        joined ??= this.joined(s);
        if (!this.#res[q].test(joined)) continue;
      }
      out.push(q);
      if (first) break;
    }
    return out;
  }

  /** Sample `s`'s frame names joined with {@link FRAME_SEPARATOR}, leaf first. */
  joined(s: number): string {
    const n = stackOf(this.#fr, s, this.#buf);
    const names = this.#fr.names;
    const parts = new Array<string>(n);
    for (let i = 0; i < n; i++) parts[i] = names[this.#buf[i]];
    return parts.join(FRAME_SEPARATOR);
  }
}
