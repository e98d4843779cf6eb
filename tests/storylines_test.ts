/**
 * pprof.storylines tells the planted stories with pprof's numbers: the rows and evidence are go tool pprof's
 * (`-top -cum -nodecount=40`, `-peek`, `-list` in fixtures/ref_culprits), recursion and truncated stacks of
 * cpu_deeprec are measured against its -traces reference, and heap profiles use alloc_space.
 */
import assert from "node:assert/strict";
import { amount, FIXTURES, P, ref, result, row } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("storylines cpu_obs: the handler, then JSON, the tracer and the logger, with pprof's rows and peek", async () => {
  const out = await result("pprof.storylines", { profile: P.cpuObs, max_bytes: 0, max_lines: 0 });
  const lines = out.result.storylines;
  assert.deepEqual(lines.map((l: Any) => l.leaf_hotspot), [
    "main.(*cartService).handleCheckout",
    "encoding/json.Marshal",
    "main.(*tracer).finish",
    "main.(*logger).info",
  ]);
  const top = ref("ref_culprits", "cpu_obs", "top_cum_n40");
  for (const l of lines) {
    const want = row(top, l.leaf_hotspot);
    const { flat_seconds: _f, cum_seconds: _c, ...got } = l.evidence.top_row;
    assert.deepEqual(got, want, l.leaf_hotspot);
    assert.equal(l.cum, want.cum);
  }
  assert.equal(out.command, `go tool pprof -top -cum -nodecount 40 ${P.cpuObs}`);
  // Evidence is go tool pprof -peek of the escaped, anchored name.
  const peek = lines[0].evidence.peek_leaf;
  assert.equal(peek.raw, ref("ref_culprits", "cpu_obs", "peek_handleCheckout_exact"));
  assert.equal(peek.command, `go tool pprof -peek '^main\\.\\(\\*cartService\\)\\.handleCheckout$' ${P.cpuObs}`);
  // The hot path through the handler goes down the heaviest callees: the tracer's export.
  assert.deepEqual(lines[0].call_chain.slice(0, 4), [
    "main.runObservability.func1",
    "main.(*cartService).handleCheckout",
    "main.(*tracer).finish",
    "main.(*tracer).exportLocked",
  ]);
  assert.equal(lines[3].first_app_frame, "main.(*logger).info");
  assert.equal(out.result.app_code.source, "profile");
  const f = out.findings[0];
  assert.equal(f.evidence.function, "main.(*cartService).handleCheckout");
  assert.equal(f.evidence.share.toFixed(2), "87.47");
  assert.equal(f.evidence.value_text, "10.12s");
  assert.equal(f.next_step.tool, "pprof.peek");
});

Deno.test("storylines cpu_obs with repo_root: -list evidence of your code equals go tool pprof -list", async () => {
  const out = await result("pprof.storylines", { profile: P.cpuObs, repo_root: FIXTURES, max_bytes: 0, max_lines: 0 });
  const logger = out.result.storylines.find((l: Any) => l.leaf_hotspot === "main.(*logger).info");
  assert.equal(logger.evidence.list_first_app.raw, ref("ref_culprits", "cpu_obs", "list_logger_info_exact"));
  const f = out.findings.find((x: Any) => x.evidence.function === "main.(*logger).info");
  assert.deepEqual(f.next_step.arguments, {
    profile: P.cpuObs,
    function: "^main\\.\\(\\*logger\\)\\.info$",
    repo_root: FIXTURES.replace(/\/$/, ""),
  });
});

Deno.test("storylines: derived source files outside the base dir are not read for list evidence", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.copyFile(P.cpuObs, `${dir}/cpu_obs.pb.gz`);
    // gen/ inside the base dir is a link to the real sources outside it.
    await Deno.symlink(`${FIXTURES}gen`, `${dir}/gen`);
    const listed = (out: Any) =>
      out.result.storylines.find((l: Any) => l.leaf_hotspot === "main.(*logger).info").evidence.list_first_app;
    const open = await result("pprof.storylines", { profile: `${dir}/cpu_obs.pb.gz`, repo_root: dir, max_bytes: 0 });
    assert.match(listed(open).raw, /func \(lg \*logger\) info/, "without a base dir the link is followed");
    const confined = await result("pprof.storylines", { profile: "cpu_obs.pb.gz", repo_root: ".", max_bytes: 0 }, dir);
    assert.doesNotMatch(listed(confined)?.raw ?? "", /func \(lg \*logger\) info/, "no source text from outside");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Weight of the samples of a -traces report that hold `fn` and have exactly `depth` frames, the top one not a
 * thread's first function (runtime.main, runtime.goexit…): stacks the profiler cut. A sample is a block
 * between separator lines: label lines (`key:  value`), then `<value>   <leaf>` and one frame per line.
 */
function cutStacks(traces: string, fn: string, depth: number): number {
  let total = 0;
  for (const block of traces.split(/^-+\+-+$/m).slice(1)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "" && !/^\s*[\w.-]+:\s/.test(l));
    if (lines.length !== depth) continue;
    const first = /^\s*(\S+)\s{3}(.*)$/.exec(lines[0]);
    if (!first) continue;
    const names = [first[2].trim(), ...lines.slice(1).map((l) => l.trim())].map((n) => n.replace(/ \(inline\)$/, ""));
    if (names.includes(fn) && !/^runtime\.(?:main|goexit|mstart)$/.test(names[names.length - 1])) {
      total += amount(first[1]);
    }
  }
  return total;
}

Deno.test("storylines cpu_deeprec: deep recursion in (*ruleNode).eval, stacks cut at 64 frames (from -traces)", async () => {
  const out = await result("pprof.storylines", { profile: P.deeprec });
  const eval0 = out.result.storylines[0];
  const top = ref("ref_culprits", "cpu_deeprec", "top_cum_n40");
  assert.equal(eval0.leaf_hotspot, "main.(*ruleNode).eval");
  assert.equal(eval0.cum_pct, row(top, "main.(*ruleNode).eval").cum_pct);
  assert.equal(out.result.max_stack_depth, 64);
  assert.equal(eval0.recursion_depth, 64);
  // fixtures/README.md: 2.75 s of 64 eval frames and nothing else; a few more stacks reach 64 frames with
  // inlined callers and lack runtime.main too.
  const cut = cutStacks(ref("ref", "cpu_deeprec", "traces"), "main.(*ruleNode).eval", 64);
  assert.ok(cut >= 2.75e9, `the reference has ${cut} ns in cut stacks`);
  assert.equal(eval0.truncated_value, cut);
  assert.ok(eval0.warnings.some((w: string) => /cut at the profiler's 64-frame limit/.test(w)));
  const deep = out.findings.find((f: Any) => f.title.startsWith("Deep recursion"));
  assert.equal(deep.severity, "high");
  assert.equal(deep.evidence.function, "main.(*ruleNode).eval");
  assert.equal(deep.next_step.tool, "pprof.list");
  // The callers the cut stacks lost: the engine, seen in the other stacks.
  assert.equal(out.result.storylines[1].leaf_hotspot, "main.(*engine).evaluate");
});

Deno.test("storylines heap: alloc_space by default, the request handler first", async () => {
  const out = await result("pprof.storylines", { profile: P.heap });
  assert.equal(out.result.sample_type, "alloc_space");
  const top = ref("ref_culprits", "heap", "top_cum_n40_alloc");
  const first = out.result.storylines[0];
  assert.equal(first.leaf_hotspot, "main.(*server).handleIngest");
  assert.equal(first.cum, row(top, "main.(*server).handleIngest").cum);
  assert.ok(out.result.storylines.some((l: Any) => l.leaf_hotspot === "compress/flate.NewWriter"));
  assert.match(out.command, /-sample_index alloc_space/);
});

Deno.test("storylines node_heap: the leaking phase, in your code", async () => {
  const out = await result("pprof.storylines", { profile: P.nodeHeap });
  const first = out.result.storylines[0];
  assert.equal(first.leaf_hotspot, "runHeapPhase");
  assert.equal(first.cum_pct, row(ref("ref", "node_heap", "top"), "runHeapPhase").cum_pct);
  assert.equal(first.first_app_frame, "runHeapPhase");
  assert.equal(first.time_goes_to[0].function, "runHeapPhase");
  assert.equal(out.result.app_code.language, "node");
});

Deno.test("storylines: n is clamped to 2..6, focus narrows, the text lists every storyline", async () => {
  const { callTool } = await import("./analysis_refs.ts");
  const six = await result("pprof.storylines", { profile: P.cpuObs, n: 9 });
  assert.equal(six.result.storylines.length, 6);
  const two = await result("pprof.storylines", { profile: P.cpuObs, n: 1, focus: "histogram" });
  assert.equal(two.result.storylines.length, 2);
  assert.ok(two.result.storylines.every((l: Any) => l.evidence.top_row));
  const r = await callTool("pprof.storylines", { profile: P.cpuObs });
  assert.match(r.content[0].text, /^4 storylines of cpu: main\.\(\*cartService\)\.handleCheckout 87\.47%/);
  assert.match(r.content[0].text, /- main\.\(\*logger\)\.info \(cum=3\.24s, 28\.00%\)/);
});

Deno.test("storylines heap: evidence commands name the sample type the evidence was made with", async () => {
  const out = await result("pprof.storylines", { profile: P.heap });
  const l = out.result.storylines.find((x: Any) => x.leaf_hotspot === "compress/flate.NewWriter");
  assert.equal(
    l.evidence.peek_leaf.command,
    `go tool pprof -peek '^compress/flate\\.NewWriter$' -sample_index alloc_space ${P.heap}`,
  );
  assert.equal(l.evidence.peek_leaf.raw, ref("ref_culprits", "heap", "peek_newwriter_alloc"));
});
