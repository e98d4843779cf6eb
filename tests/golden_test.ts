/**
 * Every `go tool pprof` text reference in fixtures/ref (top, peek, tree,
 * traces, tags, raw, list, with filters and diffs), reproduced line for line.
 * `-list` runs as a subprocess in the reference's directory, because pprof
 * looks for sources relative to the working directory.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { cliArgs, diffOutputs, FIXTURES, PPROF_ONLY_NOTES, refCwd, refEntries, type RefEntry } from "./golden.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

async function ours(e: RefEntry): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = cliArgs(e);
  if (args[0] === "list") return await runDeno(["run", ...BINARY_PERMISSIONS, main, ...args], { cwd: refCwd(e) });
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

for (const e of refEntries(["-top", "-peek", "-tree", "-traces", "-tags", "-raw", "-list"])) {
  Deno.test(`golden ${e.argv[3].slice(1)} ${e.profile}/${e.view}`, async () => {
    const r = await ours(e);
    assert.equal(r.code, e.exit_code, r.stderr);
    const ref = await Deno.readTextFile(FIXTURES + "ref/" + e.stdout);
    const diff = diffOutputs(r.stdout, ref);
    assert.ok(diff === undefined, `${e.argv.join(" ")}: ${diff}`);
    const refErr = e.stderr ? (await Deno.readTextFile(FIXTURES + "ref/" + e.stderr)).split("\n") : [];
    const want = refErr.filter((l) => l !== "" && !PPROF_ONLY_NOTES.has(l));
    assert.deepEqual(r.stderr.split("\n").filter((l) => l !== ""), want);
  });
}
