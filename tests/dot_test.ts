/**
 * `pprof-mcp dot` beyond the golden tests: CPU diffs, where go tool pprof's
 * own output varies from run to run (fixtures/dot_unstable), must match it in
 * everything that does not vary, and ours must not vary.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { cliArgs, FIXTURES, type RefEntry } from "./golden.ts";

const manifest = JSON.parse(Deno.readTextFileSync(`${FIXTURES}dot_unstable/manifest.json`));
const entries = (manifest.entries as RefEntry[]).map((e) => ({ ...e, set: "dot_unstable" }));

async function dot(args: string[]): Promise<string> {
  const io = memoryIO();
  const code = await runCli(args, io);
  assert.equal(code, 0, io.stderr);
  return io.stdout;
}

/** The lines pprof prints the same in every run: the header, the legend, and one line per node. */
function stableLines(text: string): string[] {
  return text.split("\n").filter((l) => /^(digraph |node |subgraph cluster_L |N\d+ \[label=)/.test(l));
}

/** Lines that name an edge (`N1 -> N2 [...]`), without nodelet edges. */
function edgeLines(text: string): string[] {
  return text.split("\n").filter((l) => /^N\d+ -> N\d+ \[/.test(l));
}

Deno.test("dot: the references of CPU diffs are the unstable kind (weights of opposite sign tie)", () => {
  assert.ok(entries.length >= 5);
  for (const e of entries) {
    const ref = Deno.readTextFileSync(`${FIXTURES}dot_unstable/${e.stdout}`);
    // Edge and nodelet weights (`label=" -0.03s"`).
    const weights = [...ref.matchAll(/label=" (-?[\d.]+\w*)/g)].map((m) => m[1]);
    const tied = weights.some((w) => !w.startsWith("-") && weights.includes("-" + w));
    assert.ok(tied, `${e.view}: no weight ties with its negation, so the reference could be golden`);
  }
});

for (const e of entries) {
  Deno.test(`dot: ${e.view} of the CPU diff has pprof's legend and nodes, in pprof's order`, async () => {
    const ref = Deno.readTextFileSync(`${FIXTURES}dot_unstable/${e.stdout}`);
    const args = cliArgs(e);
    const ours = await dot(args);
    assert.deepEqual(stableLines(ours), stableLines(ref));
    // Edges: as many as pprof drew, give or take the redundant ones its random order removes.
    const n = edgeLines(ours).length, m = edgeLines(ref).length;
    assert.ok(Math.abs(n - m) <= Math.max(3, m * 0.1), `${n} edges, pprof drew ${m}`);
    // Ours does not vary.
    assert.equal(await dot(args), ours);
  });
}

Deno.test("dot: node weights without edges are the graph's own (flat, cum, the nodes kept)", async () => {
  const { loadSources } = await import("../lib/profile/sources.ts");
  const { defaultConfig } = await import("../lib/report/config.ts");
  const { newReport, reportFrames, reportGraph } = await import("../lib/report/report.ts");
  const { nodeWeights } = await import("../lib/graph/weights.ts");
  const P = FIXTURES + "profiles/";
  const cases: [string, string | undefined, Record<string, unknown>][] = [
    ["cpu.pb.gz", undefined, {}],
    ["cpu.pb.gz", undefined, { granularity: "lines", hide: "^runtime\\." }],
    ["heap.pb.gz", undefined, { sampleIndex: "alloc_space" }],
    ["mutex.pb.gz", undefined, { mean: true }],
    ["cpu_after.pb.gz", "cpu.pb.gz", {}],
    ["cpu_after.pb.gz", "cpu.pb.gz", { dropNegative: true }],
  ];
  for (const [file, base, cfg] of cases) {
    const p = await loadSources({ files: [P + file], base: base ? [P + base] : [], diffBase: !!base });
    const r = newReport(p, "dot", { ...defaultConfig(), ...cfg });
    const frames = reportFrames(r);
    const g = reportGraph(r, frames);
    const w = nodeWeights(r.view, frames, { sampleIndex: r.sampleIndex, meanIndex: r.meanIndex }, r.cfg.dropNegative);
    const label = `${file} ${JSON.stringify(cfg)}`;
    assert.deepEqual(w.nodes, g.nodes, label);
    assert.deepEqual(Array.from(w.flat), Array.from(g.flat), label);
    assert.deepEqual(Array.from(w.cum), Array.from(g.cum), label);
  }
});
