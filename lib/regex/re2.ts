/**
 * Go RE2 regular expressions, compiled by re2js (a JavaScript port of RE2 and
 * of Go's regexp): Go's syntax and matching, in time linear in the text, so a
 * pattern such as `(a*)*b` cannot stall a match the way a backtracking
 * `RegExp` would. The few places where re2js reads a pattern unlike Go 1.19
 * are handled first (see go_dialect.ts). Plain patterns, which are most
 * filters, are matched by an equivalent native RegExp on short texts, which is
 * several times faster (see native.ts).
 *
 * @module
 */
import { RE2JS, RE2JSSyntaxException } from "re2js";
import { UserError } from "../errors.ts";
import { goDialect, Re2SyntaxError } from "./go_dialect.ts";
import { nativeRegExp } from "./native.ts";

/** Above this many distinct texts, a regexp stops remembering re2js's answers (and keeps answering). */
const MEMO_LIMIT = 1 << 17;

/**
 * Texts up to this length may go to the native RegExp, whose work is at worst
 * quadratic in the text (see native.ts); longer ones go to re2js.
 */
export const NATIVE_MAX_LENGTH = 512;

/**
 * A compiled Go regular expression. `test` answers as Go's `MatchString`
 * (unanchored). re2js's answers are remembered for each text: the report
 * pipeline asks about the same function, file and mapping names many times.
 */
export class GoRegexp {
  /** The Go pattern, as written. */
  readonly source: string;
  /** re2js's program; with a native RegExp, compiled when a text too long for it comes. */
  #re: RE2JS | undefined;
  readonly #re2jsPattern: string;
  readonly #native: RegExp | undefined;
  readonly #memo = new Map<string, boolean>();

  constructor(source: string, re2jsPattern: string, re: RE2JS | undefined, native: RegExp | undefined) {
    this.source = source;
    this.#re2jsPattern = re2jsPattern;
    this.#re = re;
    this.#native = native;
  }

  /** Whether the native fast path serves this pattern (on texts up to NATIVE_MAX_LENGTH). */
  get native(): boolean {
    return this.#native !== undefined;
  }

  /** Whether the pattern matches somewhere in `s`. */
  test(s: string): boolean {
    // The native RegExp answers about as fast as the memo would; re2js is several times slower.
    if (this.#native && s.length <= NATIVE_MAX_LENGTH) return this.#native.test(s);
    let m = this.#memo.get(s);
    if (m === undefined) {
      m = (this.#re ??= RE2JS.compile(this.#re2jsPattern)).test(s);
      if (this.#memo.size < MEMO_LIMIT) this.#memo.set(s, m);
    }
    return m;
  }

  /** The pattern, as a `RegExp` prints its source. */
  toString(): string {
    return this.source;
  }
}

/** re2js's message for a pattern it rejects, without its "error parsing regexp: " prefix. */
function re2jsError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    if (!(e instanceof RE2JSSyntaxException)) throw e;
    return e.message.replace(/^error parsing regexp: /, "");
  }
}

/** Go's reason, with a word on the Perl features RE2 leaves out. */
function explain(reason: string): string {
  if (/^invalid or unsupported Perl syntax: `\(\?[=!]`$/.test(reason)) return `${reason} (RE2 has no lookahead)`;
  if (/^invalid escape sequence: `\\[1-9]`$/.test(reason)) return `${reason} (RE2 has no backreferences)`;
  return reason;
}

/** How to compile; the default is right for every caller. */
export interface CompileOptions {
  /** false: re2js only, never the native fast path (to compare the two in tests and benchmarks). */
  native?: boolean;
}

/**
 * Compiles a Go RE2 pattern.
 *
 * @param pattern the Go regular expression
 * @param what the option or argument it came from, for the error message (e.g. "focus")
 * @throws {UserError} INVALID_ARGUMENT when Go's regexp would reject the pattern
 */
export function compileRE2(pattern: string, what = "regexp", opts: CompileOptions = {}): GoRegexp {
  let reason: string;
  try {
    const d = goDialect(pattern);
    // A pattern of the native kind is one Go accepts; re2js is then compiled only if a long text comes.
    const native = opts.native === false ? undefined : nativeRegExp(pattern);
    if (native) return new GoRegexp(pattern, d.pattern, undefined, native);
    try {
      return new GoRegexp(pattern, d.pattern, RE2JS.compile(d.pattern), undefined);
    } catch (e) {
      if (!(e instanceof RE2JSSyntaxException)) throw e;
      reason = e.message.replace(/^error parsing regexp: /, "");
      // re2js quotes the text it was given; when that was rewritten, the original's error quotes the user's text,
      // unless it is one of the errors the rewriting avoids.
      const original = d.rewritten ? re2jsError(pattern) : undefined;
      if (original && !/^duplicate capture group name|^invalid character class range: `\[:/.test(original)) {
        reason = original;
      }
    }
  } catch (e) {
    if (!(e instanceof Re2SyntaxError)) throw e;
    reason = e.message;
  }
  reason = explain(reason);
  // Go quotes the pattern or the part of it at fault; re2js leaves out the quote for a few reasons.
  if (!reason.includes("`")) reason += `: \`${pattern}\``;
  const where = reason.includes(`\`${pattern}\``) ? "" : ` in \`${pattern}\``;
  throw new UserError(`invalid regexp in ${what}: ${reason}${where}`, "INVALID_ARGUMENT", {
    field: what,
    expected: "a Go RE2 regular expression",
    received: pattern,
    hint: "Use Go RE2 syntax, e.g. (?i)name for a case-insensitive match; escape literal dots as \\.",
  });
}
