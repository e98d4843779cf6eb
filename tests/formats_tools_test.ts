/**
 * Other profilers' files through the drawing and analysis tools, read directly: V8 CPU and heap profiles, folded
 * stacks and JFR. The expected numbers are `go tool pprof`'s, on the same profiles as `pprof-mcp convert` wrote
 * them (fixtures/ref_formats).
 */
import assert from "node:assert/strict";
import { amount, FIXTURES, result } from "./analysis_refs.ts";
import { topRows } from "./golden.ts";

const ref = (dir: string, view: string) => Deno.readTextFileSync(`${FIXTURES}ref_formats/${dir}/${view}/stdout.txt`);

/** The `Total samples = …` of a pprof header, as a number in the sample unit. */
const totalOf = (text: string) => amount(/Total samples = (\S+)/.exec(text)?.[1] ?? /of (\S+) total/.exec(text)![1]);

/** Two printed values agree to the precision they are printed with (pprof picks its own unit). */
function assertClose(ours: string, pprof: number, what: string): void {
  const v = amount(ours);
  assert.ok(Math.abs(v - pprof) <= Math.max(Math.abs(pprof) * 0.005, 1), `${what}: ${ours} vs pprof's ${pprof}`);
}

/** The sum of the counts of a folded-stacks file (`frame;frame COUNT` lines), computed from its lines. */
function foldedTotal(path: string): number {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l.trim() !== "")
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/** The total a format's file should give: pprof's on its converted copy, or for folded counts, the lines' sum. */
const expectedTotal = (f: typeof FORMATS[number]) =>
  f.file.endsWith(".folded") ? foldedTotal(FIXTURES + f.file) : totalOf(ref(f.dir, f.view));

const FORMATS: { file: string; dir: string; args: Record<string, unknown>; view: string }[] = [
  { file: "formats/node.cpuprofile", dir: "node_cpu", args: {}, view: "top_cum" },
  { file: "formats/node.heapprofile", dir: "node_heap", args: {}, view: "top_cum" },
  { file: "formats/perf_samples.folded", dir: "perf_samples", args: {}, view: "top_cum" },
  { file: "formats/java.jfr", dir: "java_jfr", args: {}, view: "top_cum" },
  { file: "formats/java.jfr", dir: "java_jfr", args: { sample_index: "delay" }, view: "top_si_delay" },
];

Deno.test("formats: the text flame graph of each format has pprof's total and its root children's cum", async () => {
  for (const f of FORMATS) {
    const out = await result("pprof.flamegraph", { profile: FIXTURES + f.file, format: "text", ...f.args });
    const text = out.raw as string;
    const lines = text.split("\n");
    const root = lines.find((l) => /^100% \S+ root( → |$)/.test(l))!;
    const pprof = ref(f.dir, f.view);
    assertClose(root.split(" ")[1], expectedTotal(f), `${f.file} ${JSON.stringify(f.args)}`);
    // A root child stands for all of its function's weight when the function is only ever a root child; check
    // the heaviest one against pprof's cum (cum% and the printed value).
    const child = lines[lines.indexOf(root) + 1];
    const m = /^ {2}(\S+%) (\S+) (.+?)(?: → | \[|$)/.exec(child)!;
    const row = topRows(pprof).find((r) => r.name === m[3]);
    assert.ok(row, `${f.file}: ${m[3]} in pprof's top`);
    if (!text.includes(`→ ${m[3]} `) && lines.filter((l) => l.includes(` ${m[3]}`)).length === 1) {
      assert.equal(m[1], row.cumPct.trim(), `${f.file}: ${child}`);
    }
  }
});

Deno.test("formats: an SVG flame graph of each format is written, with pprof's total in its header", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [i, f] of FORMATS.entries()) {
      const output_path = `${dir}/flame${i}.svg`;
      await result("pprof.flamegraph", { profile: FIXTURES + f.file, output_path, ...f.args });
      const svg = await Deno.readTextFile(output_path);
      assert.match(svg, /^<\?xml|^<svg/);
      const total = /Total(?: samples =|:) ([^\s<]+)/.exec(svg);
      assert.ok(total, `${f.file}: the header names the total`);
      assertClose(total[1], expectedTotal(f), f.file);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("formats: storylines of a V8 CPU profile, folded stacks and JFR start from pprof's hottest cum path", async () => {
  for (const f of FORMATS.filter((x) => x.view === "top_cum" && x.dir !== "node_heap")) {
    const out = await result("pprof.storylines", { profile: FIXTURES + f.file });
    const names = new Set(topRows(ref(f.dir, "top_cum")).slice(0, 40).map((r) => r.name));
    const stories = out.result.storylines as { leaf_hotspot: string; cum_pct: string }[];
    assert.ok(stories.length > 0, f.file);
    const rows = topRows(ref(f.dir, "top_cum"));
    for (const s of stories) {
      assert.ok(names.has(s.leaf_hotspot), `${f.file}: ${s.leaf_hotspot} among pprof's top -cum rows`);
      assert.equal(s.cum_pct, rows.find((r) => r.name === s.leaf_hotspot)!.cumPct.trim(), s.leaf_hotspot);
    }
  }
});

Deno.test("formats: alloc_paths on a V8 heap profile and a JFR recording name pprof's top allocation site", async () => {
  const cases = [
    { file: "formats/node.heapprofile", args: {}, dir: "node_heap", view: "top" },
    { file: "formats/java.jfr", args: { sample_index: "alloc_space" }, dir: "java_jfr", view: "top_si_alloc_space" },
  ];
  for (const c of cases) {
    const out = await result("pprof.alloc_paths", { profile: FIXTURES + c.file, ...c.args });
    const first = topRows(ref(c.dir, c.view))[0];
    const sites = JSON.stringify(out);
    assert.ok(sites.includes(first.name), `${c.file}: ${first.name} (${first.flatPct.trim()} flat in pprof)`);
  }
});

Deno.test("formats: contention_analysis of a JFR recording names the lock sites of its delay profile", async () => {
  const out = await result("pprof.contention_analysis", { profile: FIXTURES + "formats/java.jfr" });
  const text = JSON.stringify(out);
  // pprof -sample_index=delay on the converted recording: Unsafe.park (ThreadPark) and Workload$Ledger.post
  // (JavaMonitorEnter) hold all of the 19.78s.
  for (const r of topRows(ref("java_jfr", "top_si_delay")).filter((r) => r.flat !== "0")) {
    assert.ok(text.includes(r.name), r.name);
  }
});
