/**
 * Every next step the analysis tools suggest is a call the registry accepts: the arguments fit the named
 * tool's schema, and the call answers (a result or "no matches", never an argument error).
 */
import assert from "node:assert/strict";
import { callTool, FIXTURES, P } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const CALLS: [string, Record<string, unknown>][] = [
  ["pprof.storylines", { profile: P.cpuObs }],
  ["pprof.storylines", { profile: P.deeprec, repo_root: FIXTURES }],
  ["pprof.storylines", { profile: P.heap }],
  ["pprof.alloc_paths", { profile: P.heap }],
  ["pprof.alloc_paths", { profile: P.allocs }],
  ["pprof.alloc_paths", { profile: P.nodeHeap }],
  ["pprof.overhead_report", { profile: P.shop }],
  ["pprof.overhead_report", { profile: P.nodeObs }],
  ["pprof.explain_overhead", { profile: P.shop, category: "Logging (zap)" }],
  ["pprof.detect_repo", { profile: P.shop, search_roots: [P.shopRepo] }],
  ["pprof.trace_source", { profile: P.shop, function: "safeAddString", repo_root: P.shopRepo }],
  ["pprof.vendor_analyze", { profile: P.shop, repo_root: P.shopRepo }],
  ["pprof.suggest_fix", { profile: P.shop, issue: "protojson_overhead" }],
];

Deno.test("next steps: every suggested call is accepted by the tool it names", async () => {
  let steps = 0;
  for (const [tool, args] of CALLS) {
    const r = await callTool(tool, args);
    assert.equal(r.isError, false, `${tool}: ${r.content[0].text}`);
    for (const f of (r.structuredContent as Any).findings ?? []) {
      if (!f.next_step) continue;
      steps++;
      const next = await callTool(f.next_step.tool, f.next_step.arguments);
      assert.equal(
        next.isError,
        false,
        `${tool} → ${f.next_step.tool} ${JSON.stringify(f.next_step.arguments)}: ${next.content[0].text}`,
      );
      assert.notEqual(
        (next.structuredContent as Any).matched,
        false,
        `${tool} → ${JSON.stringify(f.next_step)} matched nothing`,
      );
    }
  }
  assert.ok(steps > 30, `${steps} next steps`);
});
