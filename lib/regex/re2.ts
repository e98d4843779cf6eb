/**
 * Go RE2 regular expressions, translated to JavaScript `RegExp`s with the same
 * matching behaviour.
 *
 * Users write pprof filters in Go syntax (`(?i)name`, `[[:alpha:]]`, `\pL`,
 * `(?P<n>x)`, `\Q...\E`, flags in the middle of a pattern). Everything RE2
 * accepts is translated; what RE2 rejects (backreferences, lookaround, bad
 * escapes) is rejected with a message that says why, as Go would.
 *
 * Semantics kept from Go: `.` does not match `\n` unless `(?s)`; `\s`, `\d`,
 * `\w` and `\b` are ASCII-only; `^`/`$` match only at the text's ends unless
 * `(?m)`, and then only around `\n`; `(?U)` swaps greedy and lazy repetition.
 *
 * @module
 */
import { UserError } from "../errors.ts";

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

/** A code point range, inclusive. */
type Range = [number, number];

const MAX_CP = 0x10ffff;
const MAX_REPEAT = 1000;

const perlClasses: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]],
  w: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
};

const posixClasses: Record<string, Range[]> = {
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

const generalCategories = new Set([
  "C",
  "Cc",
  "Cf",
  "Co",
  "Cs",
  "L",
  "Ll",
  "Lm",
  "Lo",
  "Lt",
  "Lu",
  "M",
  "Mc",
  "Me",
  "Mn",
  "N",
  "Nd",
  "Nl",
  "No",
  "P",
  "Pc",
  "Pd",
  "Pe",
  "Pf",
  "Pi",
  "Po",
  "Ps",
  "S",
  "Sc",
  "Sk",
  "Sm",
  "So",
  "Z",
  "Zl",
  "Zp",
  "Zs",
]);

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

/** A code point written so that it is literal in a JS `u` regexp, inside a class or not. */
function literalCp(cp: number, inClass = false): string {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) {
    return `\\u{${cp.toString(16)}}`;
  }
  const ch = String.fromCodePoint(cp);
  return /[\\^$.*+?()[\]{}|/]/.test(ch) || (inClass && ch === "-") ? "\\" + ch : ch;
}

function rangesToClassBody(ranges: Range[]): string {
  return ranges.map(([lo, hi]) => lo === hi ? literalCp(lo, true) : `${literalCp(lo, true)}-${literalCp(hi, true)}`)
    .join("");
}

function rangesToClass(ranges: Range[]): string {
  return ranges.length === 0 ? "[^\\u{0}-\\u{10ffff}]" : `[${rangesToClassBody(ranges)}]`;
}

class Re2SyntaxError extends Error {}

interface Piece {
  src: string;
  /** Zero-width: needs a group around it before a quantifier (JS rejects `^*`). */
  assertion: boolean;
  quantified: boolean;
  /** An alternation bar: nothing may repeat it. */
  bar?: boolean;
}

interface Frame {
  pieces: Piece[];
  flags: Flags;
  open: string; // "(", "(?:", "(?<name>"
}

class Translator {
  #src: string;
  #pos = 0;
  #globalI: boolean;

  constructor(src: string, globalI: boolean) {
    this.#src = src;
    this.#globalI = globalI;
  }

  translate(start: number, flags: Flags): string {
    this.#pos = start;
    const stack: Frame[] = [{ pieces: [], flags, open: "" }];
    const top = () => stack[stack.length - 1];
    const src = this.#src;
    while (this.#pos < src.length) {
      const c = src[this.#pos];
      const f = top().flags;
      switch (c) {
        case "(": {
          this.#pos++;
          if (src[this.#pos] === "?") {
            const g = this.#parseGroupPrefix(f);
            if (g.flagsOnly) {
              top().flags = g.flags;
              break;
            }
            stack.push({ pieces: [], flags: g.flags, open: g.open });
          } else stack.push({ pieces: [], flags: { ...f }, open: "(" });
          break;
        }
        case ")": {
          if (stack.length === 1) throw new Re2SyntaxError("unexpected )");
          this.#pos++;
          const fr = stack.pop()!;
          top().pieces.push({ src: fr.open + join(fr.pieces) + ")", assertion: false, quantified: false });
          break;
        }
        case "|":
          this.#pos++;
          top().pieces.push({ src: "|", assertion: false, quantified: false, bar: true });
          break;
        case "*":
        case "+":
        case "?":
        case "{": {
          const q = this.#parseQuantifier(f);
          if (q === undefined) {
            // A "{" that does not start a valid repetition is a literal in RE2.
            this.#pos++;
            this.#pushAtom(top(), literalCp(0x7b), f);
            break;
          }
          const pieces = top().pieces;
          const last = pieces[pieces.length - 1];
          if (!last || last.bar) throw new Re2SyntaxError(`missing argument to repetition operator: \`${q.text}\``);
          if (last.quantified) throw new Re2SyntaxError(`invalid nested repetition operator: \`${q.text}\``);
          last.src = (last.assertion ? `(?:${last.src})` : last.src) + q.js;
          last.quantified = true;
          break;
        }
        case "^":
          this.#pos++;
          top().pieces.push({ src: f.m ? "(?<![^\\n])" : "^", assertion: true, quantified: false });
          break;
        case "$":
          this.#pos++;
          top().pieces.push({ src: f.m ? "(?![^\\n])" : "$", assertion: true, quantified: false });
          break;
        case ".":
          this.#pos++;
          this.#pushAtom(top(), f.s ? "[\\s\\S]" : "[^\\n]", f);
          break;
        case "[":
          this.#pushAtom(top(), this.#parseClass(), f);
          break;
        case "\\":
          this.#parseEscape(top(), f);
          break;
        default: {
          const cp = src.codePointAt(this.#pos)!;
          this.#pos += cp > 0xffff ? 2 : 1;
          this.#pushAtom(top(), literalCp(cp), f);
        }
      }
    }
    if (stack.length !== 1) throw new Re2SyntaxError("missing closing )");
    return join(stack[0].pieces);
  }

  #pushAtom(frame: Frame, src: string, f: Flags): void {
    const wrapped = f.i === this.#globalI ? src : `(?${f.i ? "" : "-"}i:${src})`;
    frame.pieces.push({ src: wrapped, assertion: false, quantified: false });
  }

  /** Parses what follows "(?": flags, a named group, or a non-capturing group. */
  #parseGroupPrefix(f: Flags): { flagsOnly: boolean; flags: Flags; open: string } {
    const src = this.#src;
    this.#pos++; // "?"
    const rest = src.slice(this.#pos);
    const named = /^P?<([A-Za-z0-9_]+)>/.exec(rest);
    if (named) {
      this.#pos += named[0].length;
      return { flagsOnly: false, flags: { ...f }, open: `(?<${named[1]}>` };
    }
    if (/^P?</.test(rest) || rest.startsWith("P")) {
      throw new Re2SyntaxError(`invalid named capture: \`(?${rest.slice(0, 12)}\``);
    }
    if (/^[=!]|^<[=!]/.test(rest)) {
      throw new Re2SyntaxError("lookaround assertions such as (?=…) and (?!…) are not supported by RE2");
    }
    const flags = { ...f };
    let negate = false;
    let sawFlag = false;
    while (this.#pos < src.length) {
      const c = src[this.#pos++];
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        flags[c] = !negate;
        sawFlag = true;
      } else if (c === "-") {
        if (negate) break;
        negate = true;
        sawFlag = false;
      } else if (c === ")" || c === ":") {
        if (negate && !sawFlag) break;
        return c === ")" ? { flagsOnly: true, flags, open: "" } : { flagsOnly: false, flags, open: "(?:" };
      } else break;
    }
    throw new Re2SyntaxError(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, 12)}\``);
  }

  #parseQuantifier(f: Flags): { js: string; text: string } | undefined {
    const src = this.#src;
    const start = this.#pos;
    let js: string;
    const c = src[this.#pos];
    if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.#pos));
      if (!m) return undefined;
      const min = Number(m[1]);
      const max = m[3] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
        throw new Re2SyntaxError(`invalid repeat count: \`${m[0]}\``);
      }
      this.#pos += m[0].length;
      js = m[2] === undefined ? `{${min}}` : max < 0 ? `{${min},}` : `{${min},${max}}`;
    } else {
      this.#pos++;
      js = c;
    }
    let lazy = false;
    if (src[this.#pos] === "?") {
      lazy = true;
      this.#pos++;
    }
    if (f.U) lazy = !lazy;
    return { js: lazy ? js + "?" : js, text: src.slice(start, this.#pos) };
  }

  #parseEscape(frame: Frame, f: Flags): void {
    const src = this.#src;
    const c = src[this.#pos + 1];
    if (c === undefined) throw new Re2SyntaxError("trailing backslash at end of expression");
    switch (c) {
      // The JS "m" flag is never set (multi-line ^/$ are translated), so ^ and
      // $ always mean the text's ends.
      case "A":
        this.#pos += 2;
        frame.pieces.push({ src: "^", assertion: true, quantified: false });
        return;
      case "z":
        this.#pos += 2;
        frame.pieces.push({ src: "$", assertion: true, quantified: false });
        return;
      case "b":
      case "B":
        this.#pos += 2;
        frame.pieces.push({ src: "\\" + c, assertion: true, quantified: false });
        return;
      case "Q": {
        const end = src.indexOf("\\E", this.#pos + 2);
        const lit = src.slice(this.#pos + 2, end < 0 ? src.length : end);
        this.#pos = end < 0 ? src.length : end + 2;
        for (const ch of lit) this.#pushAtom(frame, literalCp(ch.codePointAt(0)!), f);
        return;
      }
      case "C":
        throw new Re2SyntaxError("\\C (any byte) is not supported");
    }
    const r = this.#escapeRanges();
    const single = r.ranges.length === 1 && r.ranges[0][0] === r.ranges[0][1];
    this.#pushAtom(frame, r.js ?? (single ? literalCp(r.ranges[0][0]) : rangesToClass(r.ranges)), f);
  }

  /** Parses an escape at the cursor into code point ranges (and native JS when exact). */
  #escapeRanges(): { ranges: Range[]; js?: string } {
    const src = this.#src;
    this.#pos++; // backslash
    const c = src[this.#pos++];
    switch (c) {
      case "d":
      case "s":
      case "w":
        return { ranges: perlClasses[c] };
      case "D":
      case "S":
      case "W":
        return { ranges: complement(perlClasses[c.toLowerCase()]) };
      case "p":
      case "P":
        return this.#unicodeClass(c === "P");
      case "a":
        return { ranges: [[7, 7]] };
      case "f":
        return { ranges: [[12, 12]] };
      case "t":
        return { ranges: [[9, 9]] };
      case "n":
        return { ranges: [[10, 10]] };
      case "r":
        return { ranges: [[13, 13]] };
      case "v":
        return { ranges: [[11, 11]] };
      case "x": {
        let m = /^\{([0-9A-Fa-f]+)\}/.exec(src.slice(this.#pos));
        if (!m) m = /^([0-9A-Fa-f]{2})/.exec(src.slice(this.#pos));
        if (!m) throw new Re2SyntaxError(`invalid escape sequence: \`\\x${src.slice(this.#pos, this.#pos + 2)}\``);
        const cp = parseInt(m[1], 16);
        if (cp > MAX_CP) throw new Re2SyntaxError(`invalid escape sequence: \`\\x${m[0]}\``);
        this.#pos += m[0].length;
        return { ranges: [[cp, cp]] };
      }
    }
    if (c >= "0" && c <= "7") {
      // \1-\7 alone would be a backreference, which RE2 does not have.
      const m = /^[0-7]{0,2}/.exec(src.slice(this.#pos))![0];
      if (c !== "0" && m.length === 0) {
        throw new Re2SyntaxError(`backreferences are not supported: \`\\${c}\``);
      }
      this.#pos += m.length;
      const cp = parseInt(c + m, 8);
      return { ranges: [[cp, cp]] };
    }
    const cp = c === undefined ? -1 : c.codePointAt(0)!;
    if (cp >= 0 && cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return { ranges: [[cp, cp]] };
    throw new Re2SyntaxError(`invalid escape sequence: \`\\${c ?? ""}\``);
  }

  #unicodeClass(negated: boolean): { ranges: Range[]; js?: string } {
    const src = this.#src;
    let name: string;
    if (src[this.#pos] === "{") {
      const end = src.indexOf("}", this.#pos);
      if (end < 0) throw new Re2SyntaxError("invalid character class range: missing }");
      name = src.slice(this.#pos + 1, end);
      this.#pos = end + 1;
    } else {
      name = src[this.#pos++] ?? "";
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === "Any") return { ranges: negated ? [] : [[0, MAX_CP]] };
    const P = negated ? "P" : "p";
    const js = generalCategories.has(name) ? `\\${P}{${name}}` : `\\${P}{Script=${name}}`;
    try {
      new RegExp(js, "u");
    } catch {
      throw new Re2SyntaxError(`invalid character class range: \`\\p{${name}}\``);
    }
    // Unicode classes stay in JS's own \p{} form, valid inside and outside classes.
    return { ranges: [], js };
  }

  #parseClass(): string {
    const src = this.#src;
    this.#pos++; // "["
    let negated = false;
    if (src[this.#pos] === "^") {
      negated = true;
      this.#pos++;
    }
    let body = "";
    let first = true;
    while (true) {
      if (this.#pos >= src.length) throw new Re2SyntaxError("missing closing ]");
      const c = src[this.#pos];
      if (c === "]" && !first) {
        this.#pos++;
        break;
      }
      first = false;
      if (c === "[" && src[this.#pos + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(this.#pos));
        if (m) {
          const ranges = posixClasses[m[2]];
          if (!ranges) throw new Re2SyntaxError(`invalid character class range: \`${m[0]}\``);
          body += rangesToClassBody(m[1] ? complement(ranges) : ranges);
          this.#pos += m[0].length;
          continue;
        }
      }
      const lo = this.#classChar();
      if (typeof lo === "string") {
        body += lo;
        continue;
      }
      if (src[this.#pos] === "-" && src[this.#pos + 1] !== "]" && this.#pos + 1 < src.length) {
        this.#pos++;
        const hi = this.#classChar();
        if (typeof hi === "string" || hi < lo) {
          throw new Re2SyntaxError("invalid character class range");
        }
        body += `${literalCp(lo, true)}-${literalCp(hi, true)}`;
      } else body += literalCp(lo, true);
    }
    return `[${negated ? "^" : ""}${body}]`;
  }

  /** One class member: a code point, or a JS class body for a class escape. */
  #classChar(): number | string {
    const src = this.#src;
    if (src[this.#pos] === "\\") {
      const r = this.#escapeRanges();
      if (r.js) return r.js;
      if (r.ranges.length === 1 && r.ranges[0][0] === r.ranges[0][1]) return r.ranges[0][0];
      return rangesToClassBody(r.ranges);
    }
    const cp = src.codePointAt(this.#pos)!;
    this.#pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

function join(pieces: Piece[]): string {
  return pieces.map((p) => p.src).join("");
}

/**
 * Compiles a Go RE2 pattern into an equivalent JavaScript RegExp (unanchored,
 * like Go's `MatchString`).
 *
 * @param pattern the Go regular expression
 * @param what what the pattern is for, used in error messages (e.g. "focus")
 * @throws {UserError} when RE2 would reject the pattern or it uses a feature RE2 lacks
 */
export function compileRE2(pattern: string, what = "regexp"): RegExp {
  try {
    // A leading (?i) is by far the most common flag; making it the RegExp's
    // own flag keeps the translation readable.
    const lead = /^\(\?([imsU]+)\)/.exec(pattern);
    const globalI = lead !== null && lead[1].includes("i");
    const flags: Flags = { i: globalI, m: false, s: false, U: false };
    const source = new Translator(pattern, globalI).translate(0, flags);
    return new RegExp(source, globalI ? "ui" : "u");
  } catch (e) {
    if (e instanceof Re2SyntaxError) {
      throw new UserError(`invalid ${what} regexp \`${pattern}\`: ${e.message}`, "INVALID_ARGUMENT", {
        field: what,
        expected: "a Go RE2 regular expression",
        received: pattern,
        hint: "Use Go RE2 syntax, e.g. (?i)name for a case-insensitive match; escape literal dots as \\.",
      });
    }
    throw e;
  }
}
