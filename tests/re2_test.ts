/**
 * Go RE2 → JavaScript translation, checked against Go's own regexp package on
 * the cases in fixtures/goref/re2_cases.json (made by fixtures/goref/re2.go).
 */
import assert from "node:assert/strict";
import { UserError } from "../lib/errors.ts";
import { compileRE2 } from "../lib/regex/re2.ts";

interface Case {
  pattern: string;
  error?: string;
  matches?: Record<string, boolean>;
}

const cases: Case[] = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/goref/re2_cases.json", import.meta.url)),
);

// Go 1.19 rejects (?<name>…), which Go 1.22 and later accept; we accept it too.
const newerGoSyntax = new Set(["(?<n2>abc)"]);

for (const c of cases) {
  Deno.test(`re2 ${JSON.stringify(c.pattern)}`, () => {
    if (c.error && !newerGoSyntax.has(c.pattern)) {
      assert.throws(() => compileRE2(c.pattern, "focus"), UserError, `Go rejects it: ${c.error}`);
      return;
    }
    const re = compileRE2(c.pattern, "focus");
    for (const [input, want] of Object.entries(c.matches ?? {})) {
      assert.equal(re.test(input), want, `${re} on ${JSON.stringify(input)}`);
    }
  });
}

Deno.test("re2 error names the option and the pattern", () => {
  assert.throws(() => compileRE2("(abc", "focus"), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /focus/);
    assert.match(e.message, /\(abc/);
    assert.match(e.message, /missing closing \)/);
    return true;
  });
});

Deno.test("re2 leading (?i) becomes the i flag", () => {
  const re = compileRE2("(?i)mallocgc");
  assert.ok(re.flags.includes("i"));
  assert.ok(re.test("runtime.MallocGC"));
});
