/**
 * pprof's unit scaling, value labels and percentages at the edges.
 */
import assert from "node:assert/strict";
import { formatFixed, formatG, padStart } from "../lib/format/gofmt.ts";
import { autoLabel, percentage, scale, scaledLabel, unitKind } from "../lib/format/units.ts";

interface PctCase {
  value: number;
  total: number;
  f: string;
  g: string;
  pct: string;
}

// Made by fixtures/goref/pct.go: Go's %5.2f and %5.2g of |value/total|*100 and the form pprof prints.
const pctCases: PctCase[] = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/goref/pct_cases.json", import.meta.url)),
);

Deno.test("percentage: pprof's form for 1300 ratios, as Go printed them", () => {
  assert.ok(pctCases.length > 1000);
  const wrong = pctCases.filter((c) => percentage(c.value, c.total) !== c.pct)
    .map((c) =>
      `${c.value}/${c.total}: ${JSON.stringify(percentage(c.value, c.total))} != Go ${JSON.stringify(c.pct)}`
    );
  assert.deepEqual(wrong, [], wrong.slice(0, 10).join("\n"));
});

Deno.test("percentage: Go's %5.2f%% and %5.2g%% of the same ratios", () => {
  for (const c of pctCases) {
    const ratio = c.total !== 0 ? Math.abs(c.value / c.total) * 100 : 0;
    assert.equal(padStart(formatFixed(ratio, 2), 5) + "%", c.f, `%5.2f of ${c.value}/${c.total}`);
    assert.equal(padStart(formatG(ratio, 2), 5) + "%", c.g, `%5.2g of ${c.value}/${c.total}`);
  }
});

Deno.test("percentage: the 100 % window is 99.95..100.05, %5.2g below 1 %", () => {
  // Hand-checked against pct_cases.json (Go): the edges a mutation would move.
  const go = (v: number, t: number) => pctCases.find((c) => c.value === v && c.total === t)!.pct;
  assert.equal(percentage(201, 200), "100.50%");
  assert.equal(go(201, 200), "100.50%");
  assert.equal(percentage(99949, 100000), "99.95%"); // 99.949 rounds up but is outside the window
  assert.equal(percentage(99950, 100000), "  100%");
  assert.equal(percentage(100050, 100000), "  100%");
  assert.equal(percentage(100051, 100000), "100.05%");
  assert.equal(percentage(-100051, 100000), "100.05%");
  assert.equal(percentage(999, 100000), "    1%"); // 0.999 %: %5.2g rounds to 1
  assert.equal(percentage(87, 100000), "0.087%");
  assert.equal(percentage(-87, 100000), "0.087%");
  assert.equal(percentage(19, 1000000000), "1.9e-06%");
  assert.equal(percentage(2502, -25020), "10.00%");
});

Deno.test("percentage: zero, tiny, near 100 %, negative, zero total", () => {
  assert.equal(percentage(0, 100), "    0%");
  assert.equal(percentage(1, 0), "    0%");
  assert.equal(percentage(87, 100000), "0.087%");
  assert.equal(percentage(58, 1000000), "0.0058%");
  assert.equal(percentage(5, 10000000), "5e-05%"); // below 1e-4 %: Go's %g switches to exponent form
  assert.equal(percentage(1, 100000000), "1e-06%");
  assert.equal(percentage(9996, 10000), "  100%");
  assert.equal(percentage(10004, 10000), "  100%");
  assert.equal(percentage(9994, 10000), "99.94%");
  assert.equal(percentage(-2640, 25020), "10.55%"); // diffs print magnitudes
  assert.equal(percentage(1, 100), " 1.00%");
  assert.equal(percentage(99, 10000), " 0.99%");
  assert.equal(percentage(1, 3), "33.33%");
});

Deno.test("scaledLabel: time, memory, counts, zero and negatives", () => {
  assert.equal(scaledLabel(1_500_000_000, "nanoseconds", "s"), "1.50s");
  assert.equal(scaledLabel(25_020_000_000, "nanoseconds", "s"), "25.02s");
  assert.equal(scaledLabel(2_000_000_000, "nanoseconds", "s"), "2s");
  assert.equal(scaledLabel(-2_640_000_000, "nanoseconds", "s"), "-2.64s");
  assert.equal(scaledLabel(10_000_000, "nanoseconds", "s"), "0.01s");
  assert.equal(scaledLabel(4_000_000, "nanoseconds", "s"), "0"); // two decimals, as pprof
  assert.equal(scaledLabel(5_000_000, "nanoseconds", "s"), "0.01s"); // 0.005 as a double is just above the tie
  assert.equal(scaledLabel(0, "nanoseconds", "ms"), "0");
  assert.equal(scaledLabel(48_952_930 * 1.024, "bytes", "kB"), "48952.93kB");
  assert.equal(scaledLabel(15_728_640, "bytes", "MB"), "15MB");
  assert.equal(scaledLabel(2502, "count", "count"), "2502");
  assert.equal(scaledLabel(688, "count", "minimum"), "688");
});

Deno.test("autoLabel picks the largest unit that keeps the value ≥ 1", () => {
  assert.equal(autoLabel(13_430_414_196, "nanoseconds"), "13.43s");
  assert.equal(autoLabel(8_014_797_000, "nanoseconds"), "8.01s");
  assert.equal(autoLabel(300_000_000_000, "nanoseconds"), "300s");
  assert.equal(autoLabel(7_200_000_000_000, "nanoseconds"), "2hrs");
  assert.equal(autoLabel(999, "nanoseconds"), "999ns");
  assert.equal(autoLabel(1536, "bytes"), "1.50kB");
  assert.equal(autoLabel(3 * 2 ** 30, "bytes"), "3GB");
});

Deno.test("scale: unit aliases and plural forms, unknown units", () => {
  assert.deepEqual(scale(2048, "bytes", "kb"), [2, "kB"]);
  assert.deepEqual(scale(1, "seconds", "ms"), [1000, "ms"]);
  assert.deepEqual(scale(5, "count", "minimum"), [5, ""]);
  assert.deepEqual(scale(5, "widgets", "widgets"), [5, "widgets"]);
  assert.deepEqual(scale(-4, "kb", "b"), [-4096, "B"]);
  assert.equal(unitKind("nanoseconds"), "time");
  assert.equal(unitKind("bytes"), "memory");
  assert.equal(unitKind("count"), undefined);
});
