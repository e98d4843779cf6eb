/**
 * The streamed traces and tree reports: their chunks join into the whole
 * report, and the size computed without producing the traces text is exact.
 */
import assert from "node:assert/strict";
import { compileRE2 } from "../lib/regex/re2.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { renderTraces, traceChunks, tracesSize } from "../lib/report/traces.ts";
import { renderTree, treeChunks, treeReport } from "../lib/report/tree.ts";
import { countLines, utf8Length } from "../lib/tools/truncate.ts";
import { FIXTURES } from "./golden.ts";

const P = FIXTURES + "profiles/";

Deno.test("tracesSize: the lines and bytes of the traces text, for every fixture and some filters", async () => {
  const configs = [{}, { focus: "runtime" }, { hide: "runtime", tagFocus: "tenant_id=acme" }, { mean: true }];
  let checked = 0;
  for (const e of Deno.readDirSync(P)) {
    const p = await loadProfile(P + e.name);
    for (const cfg of configs) {
      let r;
      try {
        r = newReport(p, "traces", { ...defaultConfig(), ...cfg });
      } catch {
        continue; // e.g. -mean on a profile without a count type
      }
      const text = renderTraces(r);
      const chunks = [...traceChunks(r)];
      assert.ok(chunks.every((c) => c.endsWith("\n")), "chunks are whole lines");
      assert.equal(chunks.join(""), text);
      assert.deepEqual(tracesSize(r), { lines: countLines(text), bytes: utf8Length(text) }, `${e.name} ${cfg}`);
      checked++;
    }
  }
  assert.ok(checked > 30, `${checked} reports`);
});

Deno.test("treeChunks: whole lines that join into the tree and peek reports", async () => {
  const p = await loadProfile(P + "cpu.pb.gz");
  for (const [cmd, rx] of [["tree", undefined], ["peek", "normalizeValue"], ["peek", "."]] as const) {
    const t = treeReport(
      newReport(p, cmd, defaultConfig()),
      rx === undefined ? undefined : compileRE2(rx, "regex"),
      rx,
    );
    const chunks = [...treeChunks(t)];
    assert.ok(chunks.length > 2 && chunks.every((c) => c.endsWith("\n")));
    assert.equal(chunks.join(""), renderTree(t));
  }
});
