/**
 * Go RE2 regular expressions, checked against Go's own regexp package on the
 * cases in fixtures/goref/re2_cases.json (made by fixtures/goref/re2.go with
 * Go 1.19.8): which patterns Go rejects and with what error, and which texts
 * the others match, including texts decoded from invalid UTF-8 as profiles are.
 *
 * Greedy and lazy repetition, `(?U)` and alternation order change where a
 * match lies, never whether there is one, and callers only ask whether; so
 * those cases check the syntax (what is accepted) and the matching, not spans.
 */
import assert from "node:assert/strict";
import { UserError } from "../lib/errors.ts";
import { compileRE2, NATIVE_MAX_LENGTH } from "../lib/regex/re2.ts";
import { nativeRegExp } from "../lib/regex/native.ts";

interface Case {
  pattern: string;
  error?: string;
  matches?: Record<string, boolean>;
  byte_matches?: Record<string, boolean>;
}

const cases: Case[] = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/goref/re2_cases.json", import.meta.url)),
);

/**
 * Where we knowingly say or accept something else than Go 1.19: named groups
 * written `(?<name>…)`, which Go 1.22 and later accept (and so their errors are
 * newer Go's), and a trailing backslash, whose Go message ends in an empty
 * quote. Each maps to our reason (undefined: accepted).
 */
const newerGoSyntax = new Map<string, string | undefined>([
  ["(?<n2>abc)", undefined],
  ["(?<", "invalid named capture: `(?<`"],
  ["(?<a", "invalid named capture: `(?<a`"],
  ["\\", "trailing backslash at end of expression: `\\`"],
]);

/** Go's reason, as our message carries it; Go 1.19 calls a program too large an internal error, as later Go does not. */
const goReason = (error: string) =>
  error.replace(/^error parsing regexp: /, "").replace(/^regexp\/syntax: internal error: /, "expression too large: ");

/** The text a profile's decoder makes of these bytes (lib/profile/decode.ts uses a default TextDecoder). */
const decoder = new TextDecoder();
const fromHex = (hex: string) => decoder.decode(Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16)));

/** Error message of compiling `pattern`, or undefined if it compiles. */
function compileError(pattern: string): string | undefined {
  try {
    compileRE2(pattern, "focus");
    return undefined;
  } catch (e) {
    assert.ok(e instanceof UserError, `a UserError, not ${e}`);
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.doesNotMatch(e.message, /\n/, "one line");
    return e.message;
  }
}

Deno.test(`re2: ${cases.length} Go-generated cases`, async (t) => {
  for (const c of cases) {
    await t.step(JSON.stringify(c.pattern).slice(0, 80), () => {
      const want = newerGoSyntax.has(c.pattern) ? newerGoSyntax.get(c.pattern) : c.error && goReason(c.error);
      const got = compileError(c.pattern);
      if (want !== undefined) {
        assert.ok(got !== undefined, `Go rejects it: ${c.error}`);
        assert.ok(got.startsWith("invalid regexp in focus: "), got);
        assert.ok(got.includes(want), `${got}\nshould say what Go says: ${want}`);
        assert.equal(nativeRegExp(c.pattern), undefined, "no pattern Go rejects is of the native kind");
        return;
      }
      assert.equal(got, undefined, "Go accepts it");
      // Each engine on its own: what callers get, re2js alone, and the native fast path where it applies.
      const native = nativeRegExp(c.pattern);
      const engines: [string, { test(s: string): boolean }][] = [
        ["compileRE2", compileRE2(c.pattern, "focus")],
        ["re2js", compileRE2(c.pattern, "focus", { native: false })],
        ...native ? [[`native ${native}`, native] as [string, RegExp]] : [],
      ];
      for (const [engine, re] of engines) {
        for (const [input, m] of Object.entries(c.matches ?? {})) {
          assert.equal(re.test(input), m, `${engine} on ${JSON.stringify(input)}`);
        }
        for (const [hex, m] of Object.entries(c.byte_matches ?? {})) {
          assert.equal(re.test(fromHex(hex)), m, `${engine} on bytes ${hex} (${JSON.stringify(fromHex(hex))})`);
        }
      }
    });
  }
  const native = cases.filter((c) => !c.error && nativeRegExp(c.pattern)).length;
  assert.ok(native >= 150, `the native fast path is checked on many cases (${native})`);
});

Deno.test("re2: the error names the option and the pattern, in one line", () => {
  assert.equal(compileError("(abc"), "invalid regexp in focus: missing closing ): `(abc`");
  assert.equal(compileError("x\\e"), "invalid regexp in focus: invalid escape sequence: `\\e` in `x\\e`");
  for (const what of ["regex", "function", "focus", "tagfocus", "peek"]) {
    assert.throws(() => compileRE2("a(", what), { message: `invalid regexp in ${what}: missing closing ): \`a(\`` });
  }
});

Deno.test("re2: lookaround and backreferences say that RE2 has none", () => {
  assert.equal(
    compileError("(?<=a)b"),
    "invalid regexp in focus: invalid or unsupported Perl syntax: `(?<` (RE2 has no lookbehind) in `(?<=a)b`",
  );
  assert.match(compileError("x(?<!a)")!, /\(RE2 has no lookbehind\)/);
  assert.match(compileError("(?=a)")!, /`\(\?=` \(RE2 has no lookahead\)/);
  assert.match(compileError("(a)\\1")!, /`\\1` \(RE2 has no backreferences\)/);
});

Deno.test("re2: a lone surrogate (no Unicode text; Go would see invalid UTF-8) is rejected", () => {
  assert.match(compileError("a\ud800b")!, /invalid UTF-8/);
  assert.match(compileError("[\udc00]")!, /invalid UTF-8/);
  assert.equal(compileError("\ud83d\ude00"), undefined, "a surrogate pair is one character");
});

Deno.test("re2: duplicate group names are accepted, as Go does, and match as without names", () => {
  const re = compileRE2("(?P<a>x)|(?P<a>y)");
  assert.ok(re.test("y") && re.test("x") && !re.test("z"));
  // Another error in such a pattern is still Go's, and the message still quotes the pattern as written.
  assert.match(compileError("(?P<a>x)(?P<a>y)(")!, /: missing closing \): .* in `\(\?P<a>x\)\(\?P<a>y\)\(`$/);
});

Deno.test("re2: the compiled pattern keeps its Go source", () => {
  const re = compileRE2("(?i)mallocgc");
  assert.equal(re.source, "(?i)mallocgc");
  assert.ok(re.test("runtime.MallocGC"));
});

// Patterns on which a backtracking RegExp (V8's, and so the translator this module replaced) takes time
// exponential in the text: with the translator, (a*)*b on 25 a's took 16 s, (\\w+\\.?)+\\$ on one 61-character
// function name more than 30 s. Each entry: the pattern, a text unit repeated to the length tested, and the
// ends that make the text fail (which is what makes a backtracking engine try every way) or match.
const catastrophic: [pattern: string, unit: string, fail: string, match: string][] = [
  ["(a*)*b", "a", "", "b"],
  ["(a+)+b", "a", "", "b"],
  ["(a|aa)*c", "a", "", "c"],
  ["(a|a)*b", "a", "", "b"],
  ["(a|b|ab)*c", "ab", "", "c"],
  ["^(a+)+$", "a", "!", ""],
  ["(x+x+)+y", "x", "", "y"],
  ["(.*)*x", "runtime.mallocgc", "", "x"],
  ["(\\w+\\.?)+\\$", "github.com.acme.platform.pricing.rules.Engine.evalCondition.", "", "$"],
  ["^(\\w+\\s?)*$", "github com acme platform pricing rules Engine evalCondition ", "!", ""],
  ["(.*a){12}", "b", "a".repeat(11), "a".repeat(12)],
  ["(a*)*b|(?i)(K+)+Z", "k\u212a", "", "z"],
];

Deno.test("re2: patterns that backtrack catastrophically elsewhere match in linear time", () => {
  // A generous bound per match, not a speed target: a backtracking engine takes minutes to years here.
  const boundMs = 5000;
  for (const [pattern, unit, fail, match] of catastrophic) {
    const re = compileRE2(pattern, "focus");
    assert.equal(re.native, false, `${pattern} is not given to a backtracking RegExp`);
    for (const len of [30, 1000, 100_000]) {
      const body = unit.repeat(Math.ceil(len / unit.length));
      for (const [text, want] of [[body + fail, false], [body + match, true]] as const) {
        const start = performance.now();
        const got = re.test(text);
        const ms = performance.now() - start;
        assert.ok(ms < boundMs, `${pattern} on ${text.length} characters took ${ms.toFixed(0)} ms`);
        assert.equal(got, want, `${pattern} on ${JSON.stringify(text.slice(-40))} (${text.length} characters)`);
      }
    }
  }
});

Deno.test("re2: the native fast path takes only patterns that cannot backtrack much", () => {
  // Plain patterns take it: literals, anchors, (?i) ASCII, classes followed by what they cannot match.
  for (
    const p of [
      "runtime\\.mallocgc",
      "^runtime\\.",
      "(?i)MALLOCGC|ScanObject",
      "github\\.com/acme",
      "rules\\.\\(\\*Engine\\)",
      "^github\\.com/acme/platform/[a-z]+/[[:alpha:]]+\\.\\(\\*[A-Z]\\w*\\)\\.[a-z]\\w*$",
      "\\d+\\.\\d+",
    ]
  ) assert.ok(nativeRegExp(p), p);
  // Repetitions that can give back characters the rest could use (polynomial or worse), groups, and
  // everything else go to re2js.
  for (
    const p of [
      ...catastrophic.map(([pattern]) => pattern),
      "a*a*b",
      "\\w+\\w+x",
      "a+b?a+c",
      ".*.*=",
      "[a-z]+[[:alpha:]]+1",
      "\\d*\\w",
      "(?i)[a-z]+",
      "(?i)é",
      "(abc)",
      "\\Ba",
    ]
  ) assert.equal(nativeRegExp(p), undefined, p);
});

Deno.test("re2: long texts go to re2js, short ones to the native RegExp, with the same answers", () => {
  // [a-z]+X is quadratic for a backtracking engine over a run of letters without X.
  const re = compileRE2("[a-z]+X", "focus");
  assert.ok(re.native);
  const short = "a".repeat(NATIVE_MAX_LENGTH);
  const long = "a".repeat(1_000_000);
  const start = performance.now();
  assert.equal(re.test(long), false);
  assert.ok(performance.now() - start < 5000, "a million letters, linear");
  assert.equal(re.test(short), false);
  assert.equal(re.test(short + "X"), true);
  assert.equal(re.test(long + "X"), true);
});

Deno.test("re2: the native fast path agrees with re2js on random plain patterns and texts", () => {
  // A seeded generator (mulberry32) of patterns from the fast path's grammar and of texts from characters
  // where Go and JavaScript are most likely to differ: case folding, line ends, astral code points.
  let seed = 20240601;
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)];
  const atoms = ["a", "k", "s", "K", "S", "é", "😀", ".", "\\.", "\\-", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S"];
  const classes = ["[a-c]", "[^a-c]", "[[:alpha:]]", "[^[:digit:]x]", "[\\w.]", "[^\\s]", "[k-s]", "[é😀]", "[^😀]"];
  const anchors = ["^", "$", "\\A", "\\z", "\\b"];
  const reps = ["", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "+?"];
  const chars = [
    "a",
    "b",
    "c",
    "k",
    "K",
    "\u212a",
    "s",
    "S",
    "\u017f",
    "é",
    "E",
    "😀",
    "\n",
    "\r",
    "\v",
    " ",
    "1",
    ".",
    "-",
  ];
  let native = 0;
  for (let n = 0; n < 3000; n++) {
    const fold = rand(4) === 0;
    const alts = Array.from({ length: 1 + rand(2) }, () =>
      Array.from({ length: 1 + rand(4) }, () => {
        const r = rand(10);
        if (r === 0) return pick(anchors);
        return (r < 3 && !fold ? pick(classes) : pick(atoms)) + pick(reps);
      }).join(""));
    const pattern = (fold ? "(?i)" : "") + alts.join("|");
    const fast = nativeRegExp(pattern);
    if (!fast) continue;
    native++;
    const exact = compileRE2(pattern, "focus", { native: false });
    for (let k = 0; k < 30; k++) {
      const text = Array.from({ length: rand(8) }, () => pick(chars)).join("");
      assert.equal(fast.test(text), exact.test(text), `${pattern} (${fast}) on ${JSON.stringify(text)}`);
    }
  }
  assert.ok(native > 500, `enough patterns took the fast path (${native})`);
});
