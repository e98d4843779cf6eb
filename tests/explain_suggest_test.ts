/**
 * pprof.explain_overhead explains every overhead category (the original knew two) and measures it as
 * overhead_report does; the deprecated pprof.suggest_fix drafts the protojson change for shopd's Go files.
 */
import assert from "node:assert/strict";
import { CATEGORY_EXPLANATIONS } from "../lib/analysis/explanations.ts";
import { OVERHEAD_CATEGORIES } from "../lib/analysis/overhead_categories.ts";
import { callTool, P, ref, result, showing } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("explain_overhead: every overhead category has an explanation with strategies", () => {
  for (const c of OVERHEAD_CATEGORIES) {
    const e = CATEGORY_EXPLANATIONS[c.name];
    assert.ok(e, c.name);
    assert.ok(e.brief && e.standard && e.common_causes.length > 0 && e.strategies.length > 0, c.name);
  }
});

Deno.test("explain_overhead cpu_shop: OpenTelemetry Tracing with its share of the profile (pprof -focus)", async () => {
  const out = await result("pprof.explain_overhead", { category: "OpenTelemetry Tracing", profile: P.shop });
  const r = out.result;
  assert.equal(r.category, "OpenTelemetry Tracing");
  const pprof = showing(ref("ref_culprits", "cpu_shop", "focus_opentelemetry_tracing")).pct;
  assert.equal(`${r.in_your_profile.inclusive_pct.toFixed(2)}%`, pprof);
  assert.ok(r.in_your_profile.total_pct <= 100);
  assert.equal(
    r.in_your_profile.top_contributors[0].function,
    "go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).End",
  );
  assert.ok(r.optimization_strategies.every((s: Any) => s.applicable));
  assert.equal(out.findings[0].next_step.tool, "pprof.peek");
});

Deno.test("explain_overhead: a function's category comes from its library; errors name what is accepted", async () => {
  const zap = await result("pprof.explain_overhead", { function: "go.uber.org/zap.(*Logger).Info" });
  assert.equal(zap.result.category, "Logging (zap)");
  assert.equal(zap.result.category_from, "function_name");
  const any = await result("pprof.explain_overhead", {
    function: "protojson.decoder.unmarshalAny",
    detail_level: "detailed",
  });
  assert.equal(any.result.category, "Protobuf Serialization");
  assert.equal(any.result.category_from, "function");
  assert.deepEqual(any.result.explanation.why_slow, [
    "registry lookup plus reflective instantiation for every Any value",
  ]);
  assert.equal((await result("pprof.explain_overhead", { category: "runtime/gc" })).result.category, "Runtime/GC");
  const none = await callTool("pprof.explain_overhead", {});
  assert.equal(none.isError, true);
  assert.match(none.content[0].text, /^category or function is required/);
  const bad = await callTool("pprof.explain_overhead", { category: "Astrology" });
  assert.match(bad.content[0].text, /no explanation found for category "Astrology"\nExpected: one of: Runtime\/GC, /);
});

Deno.test("suggest_fix protojson_overhead cpu_shop: applies, and drafts the change to shopd's Go files", async () => {
  const out = await result("pprof.suggest_fix", {
    profile: P.shop,
    issue: "protojson_overhead",
    repo_root: P.shopRepo,
  });
  const r = out.result;
  // Each sample once: the share of samples with a protojson frame, pprof's -focus on the protobuf patterns.
  assert.equal(
    `${r.analysis.overhead_pct.toFixed(2)}%`,
    showing(ref("ref_culprits", "cpu_shop", "focus_protobuf_serialization")).pct,
  );
  const fix = r.applicable_fixes[0];
  assert.equal(fix.fix_id, "protojson_to_binary");
  const paths = fix.files_to_modify.map((f: Any) => f.path);
  assert.ok(paths.includes("internal/checkout/events.go"), paths.join(", "));
  assert.ok(paths.includes("vendor/go.opentelemetry.io/otel/sdk/trace/span.go"));
  assert.equal(fix.is_vendored, true);
  const events = fix.files_to_modify.find((f: Any) => f.path === "internal/checkout/events.go");
  const text = Deno.readTextFileSync(`${P.shopRepo}/internal/checkout/events.go`).split("\n");
  for (const c of events.changes) {
    assert.equal(text[c.line - 1], c.before);
    assert.equal(
      c.after,
      c.before.replaceAll("google.golang.org/protobuf/encoding/protojson", "google.golang.org/protobuf/proto")
        .replaceAll("protojson.", "proto."),
    );
  }
  assert.match(
    fix.diff,
    /^--- a\/internal\/checkout\/events\.go\n\+\+\+ b\/internal\/checkout\/events\.go\n@@ -\d+,\d+ \+\d+,\d+ @@\n/m,
  );
  assert.match(
    fix.diff,
    /^-\t"google\.golang\.org\/protobuf\/encoding\/protojson"\n\+\t"google\.golang\.org\/protobuf\/proto"$/m,
  );
  assert.match(fix.pr_description, /44\.54% of CPU/);
  const diff = await callTool("pprof.suggest_fix", {
    profile: P.shop,
    issue: "protojson_overhead",
    repo_root: P.shopRepo,
    output_format: "diff",
  });
  assert.equal(diff.content[0].text, fix.diff);
});

Deno.test("suggest_fix: allocation_hot_spot on a heap profile; unknown issues and no match are warnings", async () => {
  const heap = await result("pprof.suggest_fix", { profile: P.heap, issue: "allocation_hot_spot" });
  assert.equal(heap.result.applicable_fixes[0].fix_id, "sync_pool_for_allocations");
  assert.equal(heap.result.analysis.top_functions[0].function, "compress/flate.NewWriter");
  const none = await result("pprof.suggest_fix", { profile: P.nodeObs, issue: "protojson_overhead" });
  assert.deepEqual(none.result.applicable_fixes, []);
  assert.deepEqual(none.result.warnings, ["no applicable fixes detected for the supplied issue"]);
  const unknown = await result("pprof.suggest_fix", { profile: P.shop, issue: "nope" });
  assert.match(unknown.result.warnings[0], /unknown issue "nope" \(known: protojson_overhead, allocation_hot_spot\)/);
});
