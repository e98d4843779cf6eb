/**
 * Every `go tool pprof -top` reference output in fixtures/ref, reproduced line for line.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { cliArgs, diffOutputs, FIXTURES, PPROF_ONLY_NOTES, refEntries } from "./golden.ts";

// Views that need the report-engine issue (granularities, diffs) are not top-only.
const later = (args: string[]) => args.some((a) => /^-(lines|diff_base|base)\b/.test(a));

for (const e of refEntries(["-top"])) {
  const args = cliArgs(e);
  if (later(args)) continue;
  Deno.test(`golden top ${e.profile}/${e.view}`, async () => {
    const io = memoryIO();
    const code = await runCli(args, io);
    assert.equal(code, e.exit_code, io.stderr);
    const ref = await Deno.readTextFile(FIXTURES + "ref/" + e.stdout);
    const diff = diffOutputs(io.stdout, ref);
    assert.ok(diff === undefined, `${e.argv.join(" ")}: ${diff}`);
    const refErr = e.stderr ? (await Deno.readTextFile(FIXTURES + "ref/" + e.stderr)).split("\n") : [];
    const want = refErr.filter((l) => l !== "" && !PPROF_ONLY_NOTES.has(l));
    assert.deepEqual(io.stderr.split("\n").filter((l) => l !== ""), want);
  });
}
