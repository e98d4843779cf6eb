/**
 * What the pprof tools say is true: hints name registered tools only, diff_top
 * measures in the profile's unit, meta reports pprof's default type and the
 * exact time, patterns that match nothing say so, tags lists label values,
 * and pprof.top never writes.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { isoTime } from "../lib/tools/meta.ts";
import { type NameMode, type ToolDef, ToolRegistry } from "../lib/tools/registry.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { topTool } from "../lib/tools/pprof/top.ts";
import { diffOutputs, FIXTURES } from "./golden.ts";

const P = FIXTURES + "profiles/";

// deno-lint-ignore no-explicit-any
type Json = any;

async function call(name: string, args: Record<string, unknown>, mode: NameMode = "default", r = createRegistry()) {
  const handles = new HandleRegistry();
  const result = await r.call(name, args, mode, {
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    sandbox: new Sandbox(undefined, handles),
    handles,
  });
  return { result, out: result.structuredContent as Json, text: result.content[0].text };
}

/** Every tool-like name in a text: dotted (`pprof.peek`) or, in codex mode, underscored (`pprof_peek`). */
function toolNames(text: string): string[] {
  return [...text.matchAll(/\bpprof[._][a-z][a-z_.]*[a-z]/g)].map((m) => m[0]);
}

Deno.test("pprof.top hints name only registered tools, as the client sees them", async () => {
  const cases: [string, Record<string, unknown>][] = [
    ["cpu.pb.gz", {}],
    ["cpu_obs.pb.gz", {}],
    ["heap.pb.gz", {}],
    ["heap.pb.gz", { sample_index: "alloc_space" }],
    ["allocs.pb.gz", { sample_index: "alloc_space" }],
    ["goroutine.pb.gz", {}],
    ["mutex.pb.gz", {}],
    ["block.pb.gz", {}],
  ];
  const full = createRegistry();
  for (const mode of ["default", "codex"] as const) {
    const registered = new Set(full.list(mode).map((t) => t.name));
    let named = 0;
    for (const [file, extra] of cases) {
      const { out } = await call(mode === "codex" ? "pprof_top" : "pprof.top", { profile: P + file, ...extra }, mode);
      assert.ok(out.hints?.length > 0, `${file}: hints`);
      for (const hint of out.hints as string[]) {
        for (const name of toolNames(hint)) {
          assert.ok(registered.has(name), `${file} (${mode}): hint names ${name}, which is not a tool: ${hint}`);
          named++;
        }
      }
    }
    assert.ok(named > 5, "the hints do point at tools");
  }
  // A registry with pprof.top alone: no hint names another tool.
  const alone = new ToolRegistry();
  alone.add(topTool as unknown as ToolDef);
  for (const [file, extra] of cases) {
    const { out } = await call("pprof.top", { profile: P + file, ...extra }, "default", alone);
    for (const hint of out.hints ?? []) assert.deepEqual(toolNames(hint), [], `${file}: ${hint}`);
  }
});

Deno.test("pprof.diff_top: heap deltas in bytes, CPU deltas in seconds, a truthful summary", async () => {
  const heap = await call("pprof.diff_top", { before: P + "heap_early.pb.gz", after: P + "heap.pb.gz" });
  assert.equal(heap.out.unit, "bytes");
  const cache = heap.out.deltas.find((d: Json) => d.name === "main.(*leakyCache).Add");
  assert.ok(cache, heap.text);
  assert.ok(cache.delta > 20_000_000, `leakyCache grew by ${cache.delta} bytes`);
  assert.equal(cache.delta, cache.after_value - cache.before_value);
  assert.equal(cache.delta_text, "+23.65MB");
  assert.equal(cache.delta_seconds, undefined, "bytes are not seconds");
  assert.match(
    heap.text,
    /^4 of 7 functions changed \(flat inuse_space\): 4 grew, the most main\.\(\*leakyCache\)\.Add/,
  );
  assert.match(heap.text, /no function shrank/);
  // The other way round nothing grew, and the summary says so.
  const back = await call("pprof.diff_top", { before: P + "heap.pb.gz", after: P + "heap_early.pb.gz" });
  assert.match(back.text, /no function grew; 4 shrank, the most main\.\(\*leakyCache\)\.Add \(-23\.65MB\)/);
  assert.equal(back.out.largest_increase, undefined);

  const cpu = await call("pprof.diff_top", { before: P + "cpu.pb.gz", after: P + "cpu_after.pb.gz", cum: true });
  assert.equal(cpu.out.unit, "nanoseconds");
  for (const d of cpu.out.deltas) assert.ok(Math.abs(d.delta_seconds - d.delta / 1e9) < 1e-12);
  // The text is a table of the largest movers, in order, within the default limit.
  const lines = cpu.text.split("\n\n")[1].trimEnd().split("\n");
  assert.match(lines[0], /^\s+delta\s+before\s+after\s+function \(cum, largest changes first\)$/);
  assert.equal(cpu.out.deltas.length, 30);
  const sizes = cpu.out.deltas.map((d: Json) => Math.abs(d.delta));
  const shown = lines.slice(1, 31).map((l: string) => l.trim().split(/\s+/).slice(3).join(" "));
  assert.deepEqual(new Set(shown), new Set(cpu.out.deltas.map((d: Json) => d.name)));
  const every = await call("pprof.diff_top", {
    before: P + "cpu.pb.gz",
    after: P + "cpu_after.pb.gz",
    cum: true,
    max_lines: 0,
    max_bytes: 0,
  });
  const rest = every.out.deltas.filter((d: Json) => !shown.includes(d.name)).map((d: Json) => Math.abs(d.delta));
  assert.ok(Math.min(...sizes) >= Math.max(...rest), "the 30 shown are the largest movers");
  assert.equal(every.out.deltas.length, every.out.counts.functions, "no limit: every function");
  assert.match(cpu.text, /\[Showing the 30 largest of \d+ changes \(max_lines=30\)/);
  assert.ok(cpu.text.length < 8000, `text of ${cpu.text.length} bytes`);
  // Explicit limits still work; max_bytes cuts the table too.
  const small = await call("pprof.diff_top", {
    before: P + "cpu.pb.gz",
    after: P + "cpu_after.pb.gz",
    max_lines: 0,
    max_bytes: 600,
  });
  assert.ok(small.out.deltas.length > 0 && small.out.deltas.length < 10, `${small.out.deltas.length} deltas`);
  assert.equal(small.out.table_meta.truncated_reason, "max_bytes");
});

Deno.test("pprof.diff_top: profiles of different types are refused", async () => {
  const { result } = await call("pprof.diff_top", { before: P + "cpu.pb.gz", after: P + "heap.pb.gz" });
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /reports cpu \(nanoseconds\) but .*heap\.pb\.gz reports inuse_space \(bytes\)/);
});

Deno.test("pprof.meta: default_sample_index is the type pprof reports; time_nanos is exact", async () => {
  for (const e of Deno.readDirSync(FIXTURES + "ref")) {
    if (!e.isDirectory || e.name === "bigcpu") continue;
    const ref = Deno.readTextFileSync(`${FIXTURES}ref/${e.name}/top/stdout.txt`);
    const type = /^Type: (.+)$/m.exec(ref)![1];
    const { out } = await call("pprof.meta", { profile: `${P}${e.name}.pb.gz` });
    const r = out.result;
    assert.equal(r.sample_types[r.default_sample_index].type, type, e.name);
    const p = await loadProfile(`${P}${e.name}.pb.gz`);
    if (p.timeNanos !== 0n) {
      assert.equal(r.time_nanos, p.timeNanos.toString(), `${e.name}: exact nanoseconds`);
      assert.equal(BigInt(r.time_nanos), p.timeNanos);
      assert.equal(Date.parse(r.time), Number(p.timeNanos / 1_000_000n), `${e.name}: ${r.time}`);
    }
  }
  assert.equal(isoTime(1_764_121_080_123_456_789n), "2025-11-26T01:38:00.123456789Z");
  assert.equal(isoTime(1_764_121_080_000_000_000n), "2025-11-26T01:38:00Z");
  assert.equal(isoTime(1_764_121_080_120_000_000n), "2025-11-26T01:38:00.120Z");
  assert.equal(isoTime(-1n), "1969-12-31T23:59:59.999999999Z");
});

Deno.test("pprof.focus_paths: a function that matches no frame is a no-match result", async () => {
  const none = await call("pprof.focus_paths", { profile: P + "cpu.pb.gz", function: "NoSuchFunction" });
  assert.equal(none.result.isError, false);
  assert.equal(none.out.matched, false);
  assert.equal(none.out.reason, "no_matches");
  assert.equal(none.out.pattern, "NoSuchFunction");
  const some = await call("pprof.focus_paths", {
    profile: P + "cpu.pb.gz",
    function: "planJoins",
    max_lines: 0,
    max_bytes: 0,
  });
  assert.equal(some.out.matched, undefined);
  const ref = Deno.readTextFileSync(FIXTURES + "ref_extra/cpu/traces_focus/stdout.txt");
  assert.equal(diffOutputs(some.out.raw, ref), undefined);
});

Deno.test("pprof.regression_check: a check that matches no function fails, unless allow_missing", async () => {
  const checks = [
    { function: "runtime\\.mallocgc$", metric: "flat_pct", max: 6 },
    { function: "runtime\\.malocgc$", metric: "flat_pct", max: 6 },
    { function: "NotThere", metric: "cum_pct", max: 1, allow_missing: true },
  ];
  const { out } = await call("pprof.regression_check", { profile: P + "cpu.pb.gz", checks });
  assert.equal(out.result.passed, false);
  assert.deepEqual(out.result.checks.map((c: Json) => [c.passed, c.matched, c.message ?? ""]), [
    [true, 1, ""],
    [false, 0, "runtime\\.malocgc$ matched no function"],
    [true, 0, "NotThere matched no function (allowed by allow_missing)"],
  ]);
});

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("regression-check CLI: a typo fails the gate; :allow_missing and --allow-missing let it pass", async () => {
  const typo = await cli("regression-check", P + "cpu.pb.gz", "--check", "runtime\\.malocgc$:flat_pct<=6");
  assert.equal(typo.code, 1);
  assert.match(typo.out, /^FAIL: runtime\\\.malocgc\$ matched no function$/m);
  const allowed = await cli("regression-check", P + "cpu.pb.gz", "--check", "NotThere:flat_pct<=6:allow_missing");
  assert.equal(allowed.code, 0, allowed.out);
  assert.match(allowed.out, /^note: NotThere matched no function \(allowed by allow_missing\)$/m);
  const flag = await cli("regression-check", P + "cpu.pb.gz", "--check", "NotThere:flat_pct<=6", "--allow-missing");
  assert.equal(flag.code, 0);
  assert.match((await cli("regression-check", "--help")).out, /:allow_missing/);
});

Deno.test("regression-check CLI: several files are merged, and the result says so", async () => {
  const files = [P + "cpu.pb.gz", P + "cpu_after.pb.gz"];
  const r = await cli("regression-check", ...files, "--check", "runtime\\.mallocgc$:flat_pct<=100", "--json");
  assert.equal(r.code, 0, r.err);
  const data = JSON.parse(r.out);
  assert.deepEqual(data.result.profiles, files);
  // go tool pprof -top of both files (ref_extra/cpu_merged/top): runtime.mallocgc 2.54s, 5.08%.
  const ref = Deno.readTextFileSync(FIXTURES + "ref_extra/cpu_merged/top/stdout.txt");
  const pct = Number(/^\s*\S+\s+(\S+)%.*runtime\.mallocgc$/m.exec(ref)![1]);
  assert.equal(data.result.checks[0].actual, pct);
  const text = await cli("regression-check", ...files, "--check", "runtime\\.mallocgc$:flat_pct<=100");
  assert.match(text.out, /^merged 2 profiles: /);
});

Deno.test("pprof.tags without a filter lists label values, as go tool pprof -tags", async () => {
  const { out } = await call("pprof.tags", { profile: P + "cpu.pb.gz", max_lines: 0, max_bytes: 0 });
  assert.equal(diffOutputs(out.raw, Deno.readTextFileSync(FIXTURES + "ref/cpu/tags/stdout.txt")), undefined);
  assert.match(out.command, /^go tool pprof -tags /);
  assert.deepEqual(out.tags, ["connector_id", "stage", "tenant_id"]);
  const acme = await call("pprof.tags", { profile: P + "cpu.pb.gz", tag_focus: "tenant_id=acme", max_lines: 0 });
  assert.match(acme.out.command, /^go tool pprof -top -tagfocus/);
});

Deno.test("pprof.top is read-only; pprof.baseline_update writes the baseline", async () => {
  const tools = createRegistry().list("default");
  const top = tools.find((t) => t.name === "pprof.top")!;
  const update = tools.find((t) => t.name === "pprof.baseline_update")!;
  assert.equal(top.annotations.readOnlyHint, true);
  assert.deepEqual(
    [update.annotations.readOnlyHint, update.annotations.destructiveHint],
    [false, false],
  );
  assert.match(top.description, /only reads\s+the baseline, which pprof\.baseline_update records/);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/b.json`;
    const args = { profile: P + "cpu.pb.gz", baseline_path: path, baseline_key: "k" };
    const first = await call("pprof.top", { ...args, compare_baseline: true });
    assert.deepEqual(first.out.baseline.warnings, [
      "no baseline under k|cpu|default yet; pprof.baseline_update records one",
    ]);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "comparing wrote nothing");
    const rec = await call("pprof.baseline_update", args);
    assert.equal(rec.out.baseline.baseline_samples, 1);
    assert.match(rec.out.message, /^recorded 234 functions into baseline k\|cpu\|default/);
    const before = await Deno.readTextFile(path);
    const again = await call("pprof.top", { ...args, profile: P + "cpu_after.pb.gz", compare_baseline: true });
    assert.equal(again.out.baseline.baseline_samples, 1);
    assert.ok(again.out.baseline.deviations.length > 0);
    assert.equal(await Deno.readTextFile(path), before, "comparing left the baseline as it was");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
