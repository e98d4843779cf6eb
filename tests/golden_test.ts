/**
 * Every `go tool pprof` text reference in fixtures/ref (top, peek, tree,
 * traces, tags, raw, list, with filters and diffs), reproduced line for line.
 * `-list` runs as a subprocess in the reference's directory, because pprof
 * looks for sources relative to the working directory.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { cliArgs, diffOutputs, isPprofOnlyNote, refCwd, refEntries, type RefEntry, refFile } from "./golden.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

async function ours(e: RefEntry): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = cliArgs(e);
  if (args[0] === "list") return await runDeno(["run", ...BINARY_PERMISSIONS, main, ...args], { cwd: refCwd(e) });
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

for (const e of refEntries(["-top", "-peek", "-tree", "-traces", "-tags", "-raw", "-list", "-dot"])) {
  Deno.test(`golden ${e.argv[3].slice(1)} ${e.set}/${e.profile}/${e.view}`, async () => {
    const r = await ours(e);
    const refErr = e.stderr ? refFile(e, e.stderr).split("\n").filter((l) => l !== "" && !isPprofOnlyNote(l)) : [];
    if (e.exit_code !== 0) {
      // pprof failed: we fail too, with exit code 2 and one line saying why.
      assert.equal(r.code, 2, r.stdout);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^pprof-mcp: [^\n]+\n$/);
      if (refErr[0].startsWith("no matches found")) assert.equal(r.stderr, `pprof-mcp: ${refErr[0]}\n`);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    const diff = diffOutputs(r.stdout, refFile(e, e.stdout));
    assert.ok(diff === undefined, `${e.argv.join(" ")}: ${diff}`);
    assert.deepEqual(r.stderr.split("\n").filter((l) => l !== ""), refErr);
  });
}

Deno.test("golden: in UTC the Time: line is compared literally", () => {
  // The references were made with TZ=UTC (fixtures/README.md); pprof printed these forms.
  const report = "Time: Nov 26, 2026 at 1:46am (UTC)";
  const raw = "Time: 2026-11-26 01:47:40.151000064 +0000 UTC";
  assert.equal(diffOutputs(`a\n${report}\nb`, `a\n${report}\nb`, true), undefined);
  assert.equal(diffOutputs(raw, raw, true), undefined);
  for (const wrong of ["Time: Dec 26, 2026 at 1:46am (UTC)", "Time: Nov 26, 2026 at 01:46am (UTC)"]) {
    assert.match(diffOutputs(wrong, report, true) ?? "", /line 1 differs/);
  }
  assert.match(diffOutputs("Time: 2026-11-26 01:47:40.151000064 +0000 GMT", raw, true) ?? "", /line 1 differs/);
  assert.match(diffOutputs("Time: 2026-11-26 01:47:40.1510000 +0000 UTC", raw, true) ?? "", /line 1 differs/);
  // Every reference Time: line is in UTC, so the literal comparison applies to all of them.
  for (const e of refEntries(["-top", "-raw"])) {
    for (const line of refFile(e, e.stdout).split("\n").filter((l) => l.startsWith("Time: "))) {
      assert.match(line, /\(UTC\)$| \+0000 UTC$/, `${e.set}/${e.profile}/${e.view}`);
    }
  }
});
