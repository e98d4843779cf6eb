/**
 * The analysis commands on the command line: the original profctl forms (`pprof storylines`, `repo services
 * discover`) and the commands made from the tools, with their exit codes.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { P, ref, row } from "./analysis_refs.ts";

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

Deno.test("cli pprof storylines: one line per storyline with pprof's cum, or {command, result} with --json", async () => {
  const text = await cli("pprof", "storylines", "--profile", P.cpuObs, "--repo_root", "/nonexistent");
  assert.equal(text.code, 0, text.stderr);
  const top = ref("ref_culprits", "cpu_obs", "top_cum_n40");
  assert.equal(
    text.stdout,
    ["main.(*cartService).handleCheckout", "encoding/json.Marshal", "main.(*tracer).finish", "main.(*logger).info"]
      .map((f) => `- ${f} (cum=${row(top, f).cum})\n`).join(""),
  );
  const json = await cli("pprof", "storylines", "--profile", P.cpuObs, "--n", "2", "--json", "--repo_prefix", "main");
  const out = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(out), ["command", "result"]);
  assert.equal(out.result.storylines.length, 2);
  assert.equal(out.result.app_code.source, "repo_prefix");
  const missing = await cli("pprof", "storylines");
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "pprof-mcp: pprof storylines: --profile is required\n");
});

Deno.test("cli: the tools' commands print findings first and take positionals", async () => {
  const overhead = await cli("overhead", P.shop);
  assert.equal(overhead.code, 0, overhead.stderr);
  assert.match(overhead.stdout, /^total overhead 70\.6% across 6 categories \(observability 53\.0%\)\n\n- \[high\] /);
  const trace = await cli("trace-source", P.shop, "safeAddString", "--repo_root", P.shopRepo, "--json");
  assert.equal(
    JSON.parse(trace.stdout).result.matched_function,
    "go.uber.org/zap/zapcore.(*JSONEncoder).safeAddString",
  );
  const alloc = await cli("alloc-paths", P.heapPaths);
  assert.match(
    alloc.stdout,
    /- main\.newRecordBuf: 84\.4% 11\.72MB, in use 0\.0% \(0\.0% kept\)\n {4}from: main\.\(\*importer\)\.importCSV 50\.0%/,
  );
  const explain = await cli("explain-overhead", "--category", "Regular Expressions");
  assert.equal(explain.code, 0);
  assert.match(explain.stdout, /^Regular Expressions: Matching \(and compiling\) regular expressions\./);
  const bad = await cli("explain-overhead", "--category", "Astrology");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^pprof-mcp: no explanation found for category "Astrology"\n$/);
  const help = await cli("suggest-fix", "--help");
  assert.match(help.stdout, /Deprecated: kept for compatibility/);
});
