/**
 * Go fmt verbs reproduced exactly, checked against Go's output for tricky
 * values (fixtures/goref/gofmt_cases.json, made by fixtures/goref/gofmt.go).
 */
import assert from "node:assert/strict";
import { compareStrings, formatExp, formatFixed, formatG, padStart } from "../lib/format/gofmt.ts";

interface Case {
  bits: number;
  f2: string;
  f0: string;
  g2: string;
  g2w5: string;
  e4: string;
}

const text = Deno.readTextFileSync(new URL("../fixtures/goref/gofmt_cases.json", import.meta.url));
// The bit patterns exceed 2^53, so read them as strings to keep them exact.
const cases: (Case & { value: number })[] = JSON.parse(text.replace(/"bits": (\d+)/g, '"bits": "$1"')).map(
  (c: Case) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(c.bits));
    return { ...c, value: view.getFloat64(0) };
  },
);

Deno.test("gofmt %.2f, %.0f, %.2g, %5.2g, %.4e match Go", () => {
  assert.ok(cases.length > 600);
  for (const c of cases) {
    const v = c.value;
    assert.equal(formatFixed(v, 2), c.f2, `%.2f of ${v}`);
    assert.equal(formatFixed(v, 0), c.f0, `%.0f of ${v}`);
    assert.equal(formatG(v, 2), c.g2, `%.2g of ${v}`);
    assert.equal(padStart(formatG(v, 2), 5), c.g2w5, `%5.2g of ${v}`);
    assert.equal(formatExp(v, 4), c.e4, `%.4e of ${v}`);
  }
});

Deno.test("gofmt rounds exact ties to even, as Go does", () => {
  assert.equal(formatFixed(0.125, 2), "0.12");
  assert.equal(formatFixed(0.375, 2), "0.38");
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(-0.001, 2), "-0.00");
});

Deno.test("gofmt widths count runes, not UTF-16 units", () => {
  assert.equal(padStart("😀", 3), "  😀");
  assert.equal(padStart("μs", 4), "  μs");
});

Deno.test("gofmt string order is code point order", () => {
  assert.ok(compareStrings("a", "b") < 0);
  assert.ok(compareStrings("\uffff", "😀") < 0); // UTF-16 order would say the opposite
  assert.equal(compareStrings("x", "x"), 0);
  assert.ok(compareStrings("ab", "a") > 0);
});
