/**
 * The original profctl `pprof …` commands: their JSON shapes and numbers.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { diffOutputs, FIXTURES, refText, topRows } from "./golden.ts";

const cpu = FIXTURES + "profiles/cpu.pb.gz";
const cpuAfter = FIXTURES + "profiles/cpu_after.pb.gz";

async function json(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  assert.equal(code, 0, io.stderr);
  return JSON.parse(io.stdout);
}

Deno.test("pprof peek: {command, raw} with pprof's peek text", async () => {
  const out = await json("pprof", "peek", "--profile", cpu, "--regex", "transform\\.normalizeValue$");
  assert.deepEqual(Object.keys(out), ["command", "raw"]);
  assert.equal(out.command, `go tool pprof -peek 'transform\\.normalizeValue$' ${cpu}`);
  const ref = Deno.readTextFileSync(FIXTURES + "ref/cpu/peek_normalizeValue/stdout.txt");
  assert.equal(diffOutputs(out.raw, ref), undefined);
});

Deno.test("pprof list: sources found under --repo_root", async () => {
  const out = await json(
    "pprof",
    "list",
    "--profile",
    cpu,
    "--function",
    "planner\\.planJoins",
    "--repo_root",
    FIXTURES,
  );
  const ref = Deno.readTextFileSync(FIXTURES + "ref/cpu/list_planJoins/stdout.txt");
  assert.equal(diffOutputs(out.raw, ref), undefined);
  assert.match(out.command, /-list 'planner\\\.planJoins' -source_path /);
});

Deno.test("pprof traces_head: the first N lines and the full line count", async () => {
  const out = await json("pprof", "traces_head", "--profile", cpu, "--lines", "12");
  assert.deepEqual(Object.keys(out), ["command", "raw", "total_lines", "truncated"]);
  assert.equal(out.raw.split("\n").length, 12);
  assert.equal(out.truncated, true);
  const full = Deno.readTextFileSync(FIXTURES + "ref/cpu/traces/stdout.txt");
  assert.equal(out.total_lines, full.split("\n").length - 1);
  assert.equal(diffOutputs(out.raw, full.split("\n").slice(0, 12).join("\n")), undefined);
});

Deno.test("pprof diff_top: both sides are pprof's -top -cum; normalizeValue got 2.64s cheaper (cum)", async () => {
  const out = await json("pprof", "diff_top", "--before", cpu, "--after", cpuAfter, "--cum");
  assert.deepEqual(Object.keys(out), ["commands", "before", "after", "deltas"]);
  assert.deepEqual(out.commands, {
    before: `go tool pprof -top -cum ${cpu}`,
    after: `go tool pprof -top -cum ${cpuAfter}`,
  });
  // Each side is the table go tool pprof -top -cum printed (fixtures/ref/*/top_cum).
  const side = (rows: Record<string, string>[]) =>
    rows.map((x) => [x.flat, x.flat_pct, x.sum_pct, x.cum, x.cum_pct, x.name]);
  const ref = (name: string) =>
    topRows(refText(`ref/${name}/top_cum/stdout.txt`)).map((
      x,
    ) => [x.flat, x.flatPct, x.sumPct, x.cum, x.cumPct, x.name]);
  assert.deepEqual(side(out.before), ref("cpu"));
  assert.deepEqual(side(out.after), ref("cpu_after"));
  const nv = out.deltas.find((d: { name: string }) => d.name === "gen/internal/transform.normalizeValue");
  // 3.35s before and 0.71s after in those tables.
  assert.equal(nv.before_cum, "3.35s");
  assert.equal(nv.after_cum, "0.71s");
  assert.ok(Math.abs(nv.delta_seconds + 2.64) < 1e-9);
  const deltas = out.deltas.map((d: { delta_seconds: number }) => d.delta_seconds);
  assert.deepEqual(deltas, [...deltas].sort((a, b) => b - a));
});

Deno.test("pprof meta: kind, types, totals and label keys; text form", async () => {
  const out = await json("pprof", "meta", "--profile", cpu, "--json");
  assert.equal(out.command, `profctl pprof meta --profile ${cpu}`);
  const r = out.result;
  assert.equal(r.detected_profile_kind, "cpu");
  assert.deepEqual(r.sample_types, [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }]);
  // Totals, label keys and duration as fixtures/tools/profstat.py (a separate Python decoder) reads them.
  assert.equal(r.totals[0].total, 2502);
  assert.equal(r.totals[1].total, 25_020_000_000);
  assert.deepEqual(r.label_keys, ["connector_id", "stage", "tenant_id"]);
  assert.equal(r.duration_nanos, 13_430_414_196);
  assert.equal(r.default_sample_index, 1); // cpu: pprof reports the last type when none is the default
  const io = memoryIO();
  assert.equal(await runCli(["pprof", "meta", "--profile", FIXTURES + "profiles/block.pb.gz"], io), 0, io.stderr);
  assert.equal(io.stdout, `profile: ${FIXTURES}profiles/block.pb.gz\nkind: block\n`);
});

Deno.test("pprof commands require their flags", async () => {
  for (
    const [args, want] of [
      [["pprof", "peek", "--profile", cpu], "pprof-mcp: pprof peek: --regex is required\n"],
      [["pprof", "list", "--function", "x"], "pprof-mcp: pprof list: --profile is required\n"],
      [["pprof", "diff_top", "--before", cpu], "pprof-mcp: pprof diff_top: --after is required\n"],
    ] as const
  ) {
    const io = memoryIO();
    assert.equal(await runCli([...args], io), 2);
    assert.equal(io.stderr, want);
    assert.equal(io.stdout, "");
  }
});
