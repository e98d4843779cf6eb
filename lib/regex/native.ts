/**
 * A fast path for the plain patterns most filters use (`runtime\.mallocgc`,
 * `^main\.`, `(?i)mallocgc|scanobject`, `[a-z]+\.\(\*[A-Z]\w*\)`): a native
 * JavaScript RegExp that matches exactly what Go's regexp matches, for the
 * patterns where that is simple to show and where the RegExp cannot
 * give back a character more than once from a given start.
 *
 * The kind: a top-level alternation of sequences (no groups) of literal
 * characters, `.`, Perl classes, bracket classes of single characters, ranges,
 * Perl and positive POSIX classes, the anchors `^ $ \A \z \b`, and repetition
 * of one character or class. `(?i)` is allowed at the start only when the
 * pattern folds nothing but ASCII letters. `\B` is left out: V8 also tries a
 * bare assertion between the two halves of a surrogate pair, where Go has no
 * position. Any other pattern returns undefined and is left to re2js.
 *
 * Why it cannot stall: a repetition of variable width is accepted only if no
 * character it matches can start what may follow it. Then, from a given start,
 * giving back a character never lets the rest match, so each repetition is run
 * over once forward and once back: linear work per start position, quadratic
 * at worst over a text, which is why callers use it only for short texts.
 *
 * @module
 */

/** A code point range, inclusive. */
type Range = [number, number];

const MAX_CP = 0x10ffff;
const MAX_REPEAT = 1000;
/**
 * At most this many characters' worth of program (a repetition counts its
 * bound): far below Go's own limits, so that every pattern of the fast kind is
 * one Go accepts, and re2js need not be asked.
 */
const MAX_SIZE = 10_000;

const perl: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const posix: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function intersects(a: Range[], b: Range[]): boolean {
  return a.some(([lo, hi]) => b.some(([l, h]) => lo <= h && l <= hi));
}

/** A JS class (u flag, no i flag) matching exactly these code points. */
function jsClass(ranges: Range[]): string {
  const cp = (c: number) => `\\u{${c.toString(16)}}`;
  return `[${ranges.map(([lo, hi]) => lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`).join("")}]`;
}

/** Go's escaped punctuation that stands for itself: printable ASCII that is not a letter or digit. */
const isPunct = (c: string | undefined) => c !== undefined && /^[!-/:-@[-`{-~]$/.test(c);
const isLetter = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** The characters `(?i)` lets an ASCII letter match (Go folds k to the Kelvin sign and s to the long s). */
function folded(c: number): Range[] {
  if (!isLetter(c)) return [[c, c]];
  const lower = c | 0x20;
  const out: Range[] = [[lower - 0x20, lower - 0x20], [lower, lower]];
  if (lower === 0x6b) out.push([0x212a, 0x212a]);
  if (lower === 0x73) out.push([0x17f, 0x17f]);
  return out;
}

interface Item {
  /** Code points the item matches; undefined for a zero-width anchor. */
  set?: Range[];
  js: string;
  min: number;
  max: number;
  /** Has a repetition operator already (Go rejects a second one). */
  repeated?: boolean;
}

/** Why a pattern is not of the fast kind; never shown, it only ends the attempt. */
class NotNative extends Error {}

function parseClass(src: string, start: number): { item: Item; end: number } {
  let i = start + 1;
  let negated = false;
  if (src[i] === "^") {
    negated = true;
    i++;
  }
  if (src[i] === "]") throw new NotNative();
  const ranges: Range[] = [];
  /** One class character: a literal or escaped punctuation; undefined for something else. */
  const single = (): number | undefined => {
    const c = src[i];
    if (c === "\\") {
      if (!isPunct(src[i + 1])) return undefined;
      i += 2;
      return src.charCodeAt(i - 1);
    }
    if (c === undefined || c === "[" || c === "]" || c === "-") return undefined;
    const cp = src.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    return cp;
  };
  while (src[i] !== "]") {
    if (i >= src.length) throw new NotNative();
    if (src[i] === "[") {
      const m = /^\[:([a-z]+):\]/.exec(src.slice(i, i + 12));
      if (!m || !posix[m[1]]) throw new NotNative();
      ranges.push(...posix[m[1]]);
      i += m[0].length;
      continue;
    }
    if (src[i] === "\\" && "dsw".includes(src[i + 1])) {
      ranges.push(...perl[src[i + 1]]);
      i += 2;
      continue;
    }
    const lo = single();
    if (lo === undefined) throw new NotNative();
    let hi = lo;
    if (src[i] === "-") {
      i++;
      const h = single();
      if (h === undefined || h < lo) throw new NotNative();
      hi = h;
    }
    ranges.push([lo, hi]);
  }
  const set = negated ? complement(ranges) : ranges;
  return { item: { set, js: jsClass(set), min: 1, max: 1 }, end: i + 1 };
}

/** Applies a repetition operator at `i` to the last item, or throws NotNative. */
function repeat(src: string, i: number, items: Item[]): number {
  const last = items[items.length - 1];
  if (!last || !last.set || last.repeated) throw new NotNative();
  const c = src[i];
  let min: number, max: number;
  if (c === "{") {
    const m = /^\{(0|[1-9]\d{0,3})(,(0|[1-9]\d{0,3})?)?\}/.exec(src.slice(i, i + 12));
    if (!m) throw new NotNative();
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === undefined ? Infinity : Number(m[3]);
    if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min))) throw new NotNative();
    i += m[0].length;
  } else {
    [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    i++;
  }
  if (src[i] === "?") i++; // lazy or greedy: the same answer to "is there a match"
  if (i < src.length && "*+?{".includes(src[i])) throw new NotNative();
  last.min = min;
  last.max = max;
  last.repeated = true;
  last.js += max === Infinity ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
  return i;
}

/** The safety rule in the module comment, for one sequence. */
function safe(items: Item[]): boolean {
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (!it.set || it.max === it.min) continue;
    for (let j = k + 1; j < items.length; j++) {
      const next = items[j];
      if (!next.set) continue;
      if (intersects(it.set, next.set)) return false;
      if (next.min >= 1) break;
    }
  }
  return true;
}

/**
 * The native JavaScript RegExp for a Go pattern of the fast kind, or undefined
 * if the pattern is not of that kind. Every pattern of the kind is one Go
 * accepts, except one with a lone surrogate, which the caller rejects first.
 */
export function nativeRegExp(pattern: string): RegExp | undefined {
  let i = 0;
  const fold = pattern.startsWith("(?i)");
  if (fold) i = 4;
  const seqs: Item[][] = [[]];
  try {
    while (i < pattern.length) {
      const items = seqs[seqs.length - 1];
      const c = pattern[i];
      if (c === "|") {
        seqs.push([]);
        i++;
      } else if (c === "^" || c === "$") {
        items.push({ js: c, min: 1, max: 1 });
        i++;
      } else if (c === ".") {
        items.push({ set: complement([[0x0a, 0x0a]]), js: "[^\\n]", min: 1, max: 1 });
        i++;
      } else if (c === "[") {
        if (fold) throw new NotNative();
        const r = parseClass(pattern, i);
        items.push(r.item);
        i = r.end;
      } else if (c === "*" || c === "+" || c === "?" || c === "{") {
        i = repeat(pattern, i, items);
      } else if (c === "(" || c === ")") {
        throw new NotNative();
      } else if (c === "\\") {
        const e = pattern[i + 1];
        i += 2;
        if (e === "A" || e === "z") items.push({ js: e === "A" ? "^" : "$", min: 1, max: 1 });
        else if (e === "b" && !fold) items.push({ js: "\\b", min: 1, max: 1 });
        else if (e === "d" || e === "s" || (e === "w" && !fold)) {
          items.push({ set: perl[e], js: jsClass(perl[e]), min: 1, max: 1 });
        } else if ((e === "D" || e === "S" || e === "W") && !fold) {
          const set = complement(perl[e.toLowerCase()]);
          items.push({ set, js: jsClass(set), min: 1, max: 1 });
        } else if (isPunct(e)) {
          const cp = e.charCodeAt(0);
          items.push({ set: [[cp, cp]], js: `\\u{${cp.toString(16)}}`, min: 1, max: 1 });
        } else throw new NotNative();
      } else {
        const cp = pattern.codePointAt(i)!;
        if (fold && cp >= 0x80) throw new NotNative();
        if (cp >= 0xd800 && cp <= 0xdfff) throw new NotNative(); // a lone surrogate: not text
        i += cp > 0xffff ? 2 : 1;
        const js = /[0-9A-Za-z]/.test(c) ? c : `\\u{${cp.toString(16)}}`;
        items.push({ set: fold ? folded(cp) : [[cp, cp]], js, min: 1, max: 1 });
      }
    }
  } catch (e) {
    if (e instanceof NotNative) return undefined;
    throw e;
  }
  if (!seqs.every(safe)) return undefined;
  const size = seqs.flat().reduce((n, it) => n + (it.max === Infinity ? it.min + 1 : Math.max(it.max, 1)), 0);
  if (size > MAX_SIZE) return undefined;
  const source = seqs.map((items) => items.map((it) => it.js).join("")).join("|");
  return new RegExp(source, fold ? "ui" : "u");
}
