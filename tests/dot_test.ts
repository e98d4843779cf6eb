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
