/**
 * Folded stacks from `perf record` folded by FlameGraph's stackcollapse-perf.pl
 * (fixtures/formats/perf.folded: counts are perf's cpu-clock periods in
 * nanoseconds; perf_samples.folded: the same recording, one count per sample):
 * flat and cum per function equal sums computed here from the lines; the
 * writers' frame annotations; what the counts mean by --sample_type and
 * --period; broken files refused.
 */
import assert from "node:assert/strict";
import { ProfileError } from "../lib/errors.ts";
import { foldedProfile, looksLikeFolded } from "../lib/profile/formats/folded.ts";
import { loadProfile, parseProfile } from "../lib/profile/load.ts";
import type { Profile } from "../lib/profile/model.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { topReport } from "../lib/report/top.ts";

const DIR = new URL("../fixtures/formats/", import.meta.url).pathname;
const NS = DIR + "perf.folded", SAMPLES = DIR + "perf_samples.folded";
const text = (s: string) => new TextEncoder().encode(s);

function byFunction(p: Profile, index = ""): Map<string, { flat: number; cum: number }> {
  const cfg = { ...defaultConfig(), sampleIndex: index, nodeFraction: 0, edgeFraction: 0, nodeCount: 0 };
  return new Map(topReport(newReport(p, "top", cfg)).rows.map((r) => [r.name, { flat: r.flat, cum: r.cum }]));
}

/** Flat and cum per frame computed from the lines: the last frame is the leaf, any frame on the line counts once. */
function sums(path: string): Map<string, { flat: number; cum: number }> {
  const out = new Map<string, { flat: number; cum: number }>();
  const row = (f: string) => out.get(f) ?? out.set(f, { flat: 0, cum: 0 }).get(f)!;
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    if (line === "") continue;
    const sp = line.lastIndexOf(" ");
    const frames = line.slice(0, sp).split(";"), n = Number(line.slice(sp + 1));
    row(frames.at(-1)!).flat += n;
    for (const f of new Set(frames)) row(f).cum += n;
  }
  return out;
}

Deno.test("folded: flat and cum per function are the sums of the lines' counts", async () => {
  for (const path of [NS, SAMPLES]) {
    const p = await loadProfile(path);
    assert.deepEqual(p.sampleTypes, [{ type: "samples", unit: "count" }]);
    const want = sums(path), got = byFunction(p);
    assert.equal(got.size, want.size);
    for (const [f, v] of want) assert.deepEqual(got.get(f), v, f);
    assert.equal(p.sampleCount, Deno.readTextFileSync(path).trimEnd().split("\n").length, "one sample per line");
  }
  // The workload's functions, from main down; perf's command name (with --pid, its pid) is the root frame.
  const p = byFunction(await loadProfile(NS), "");
  for (const f of ["checksum", "compare_ints", "format_lines", "walk_even", "walk_odd", "run_sorts", "perfwork"]) {
    assert.ok(p.has(f), f);
  }
  assert.equal(p.get("perfwork")!.cum, [...sums(NS).values()].reduce((s, r) => s + r.flat, 0));
});

Deno.test("folded: --sample_type names the counts' unit; with --period each count is a sample of that much", async () => {
  const ns = await loadProfile(NS, undefined, { folded: { sampleType: { type: "cpu", unit: "nanoseconds" } } });
  assert.deepEqual(ns.sampleTypes, [{ type: "cpu", unit: "nanoseconds" }]);
  // perf sampled cpu-clock at 499 Hz: every sample's period is 2004008 ns, so both files say the same.
  const period = 2004008;
  const samples = await loadProfile(SAMPLES, undefined, {
    folded: { sampleType: { type: "cpu", unit: "nanoseconds" }, period },
  });
  assert.deepEqual(samples.sampleTypes, [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }]);
  assert.deepEqual(samples.periodType, { type: "cpu", unit: "nanoseconds" });
  assert.equal(samples.period, period);
  const a = byFunction(ns, "cpu"), b = byFunction(samples, "cpu");
  // The roots differ (perf_samples.folded was folded with --pid: `perfwork-5343`); below them the stacks are equal.
  a.delete("perfwork");
  b.delete("perfwork-5343");
  assert.deepEqual(b, a);
  const counts = byFunction(samples, "samples");
  for (const [f, v] of sums(SAMPLES)) assert.deepEqual(counts.get(f), v, f);
});

Deno.test("folded: frame annotations of stackcollapse and async-profiler; py-spy's file and line", () => {
  // Hand-written lines in the writers' documented conventions: `_[k]` kernel and `_[j]` JIT frames keep their
  // names without the suffix, an `_[i]` frame is inlined into the frame before it (its caller).
  const p = foldedProfile(text(
    "java;Main.main_[j];Worker.run_[j];Util.hash_[i];Util.mix_[i];sys_write_[k] 3\n" +
      "python (1234);<module> (app.py:10);handle (app.py:42);parse (json/decoder.py:337) 2\r\n\n",
  ));
  const names = (loc: number) => {
    const out: string[] = [];
    for (let i = p.lineStart[loc]; i < p.lineStart[loc + 1]; i++) {
      const f = p.lineFunction[i];
      const file = p.strings[p.functionFilename[f]];
      out.push(p.strings[p.functionName[f]] + (file ? ` ${file}:${p.lineNumber[i]}` : ""));
    }
    return out.join(" < ");
  };
  const stack = (s: number) => Array.from(p.stackLocs.subarray(p.stackStart[s], p.stackStart[s + 1]), names);
  assert.deepEqual(stack(0), ["sys_write", "Util.mix < Util.hash < Worker.run", "Main.main", "java"]);
  assert.deepEqual(stack(1), ["parse json/decoder.py:337", "handle app.py:42", "<module> app.py:10", "python (1234)"]);
  assert.deepEqual(Array.from(p.values), [3, 2]);
  const top = byFunction(parseProfile(text("a;b 1\na;b;c 2\n")));
  assert.deepEqual(Object.fromEntries(top), { c: { flat: 2, cum: 2 }, b: { flat: 1, cum: 3 }, a: { flat: 0, cum: 3 } });
});

Deno.test("folded: recognised by content, and not confused with other text", () => {
  assert.ok(looksLikeFolded(text("main;work 12\n")));
  assert.ok(looksLikeFolded(text("\n  perf-1;[unknown] 1\n")));
  assert.ok(looksLikeFolded(text("a;" + "frame;".repeat(2000) + "leaf 1\n")), "a first line longer than the window");
  assert.ok(!looksLikeFolded(text("hello, this is a README file\n")));
  assert.ok(!looksLikeFolded(text("12\n")));
  assert.ok(!looksLikeFolded(new Uint8Array([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02])), "profile.proto");
  // Go's legacy text profiles end their first line in a number too: they keep their own error.
  assert.throws(() => parseProfile(text("goroutine profile: total 5\n5 @ 0x1 0x2\n")), /legacy text goroutine count/);
});

Deno.test("folded: broken files are refused with the line and what is wrong", async () => {
  const refusal = async (s: string, options = {}) => {
    const path = await Deno.makeTempFile({ suffix: ".txt" });
    try {
      await Deno.writeTextFile(path, s);
      await loadProfile(path, undefined, options);
    } catch (e) {
      assert.ok(e instanceof ProfileError, String(e));
      assert.ok(e.message.startsWith(path + ": "), e.message);
      return e.message.slice(path.length + 2);
    } finally {
      await Deno.remove(path);
    }
    throw new Error("not refused");
  };
  assert.equal(
    await refusal("a;b 1\na;c 2\na;d x\n"),
    'folded stacks: line 3 is not "frame;frame;… COUNT" (a whole number at the end)',
  );
  assert.equal(
    await refusal("a;b 1\na;c 2.5\n"),
    'folded stacks: line 2 is not "frame;frame;… COUNT" (a whole number at the end)',
  );
  assert.equal(
    await refusal("a;b 99999999999999999999\n"),
    "folded stacks: line 1: count 99999999999999999999 is too large",
  );
  const whole = Deno.readTextFileSync(NS);
  const cut = whole.slice(0, whole.indexOf(";", 2000)); // a truncated file ends inside a stack
  assert.match(await refusal(cut), new RegExp(`^folded stacks: line ${cut.split("\n").length} is not`));
  assert.equal(
    await refusal(Deno.readTextFileSync(DIR + "node.heapprofile"), {
      folded: { sampleType: { type: "cpu", unit: "ns" } },
    }),
    "sample_type and period describe folded stacks; this is a V8 heap profile, which names its own sample types",
  );
});
