/**
 * pprof.overhead_report names the planted overhead with the share go tool pprof gives it: each category's
 * inclusive share is pprof's -focus share of the category's patterns (fixtures/ref_culprits), every sample is
 * credited once per category and attributed to one category at most.
 */
import assert from "node:assert/strict";
import { categoryFocus, overheadReport } from "../lib/analysis/overhead.ts";
import { OVERHEAD_CATEGORIES } from "../lib/analysis/overhead_categories.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { P, ref, result, row, showing } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Detection = any;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");

/** Each detection whose category has a -focus reference: inclusive share and value as pprof prints them. */
function checkAgainstPprof(profile: string, detections: Detection[], names: string[]) {
  const manifest = JSON.parse(
    Deno.readTextFileSync(new URL("../fixtures/ref_culprits/manifest.json", import.meta.url)),
  );
  for (const name of names) {
    const d = detections.find((x: Detection) => x.category === name);
    assert.ok(d, `${name} detected`);
    const entry = manifest.entries.find((e: { profile: string; view: string }) =>
      e.profile === profile && e.view === `focus_${slug(name)}`
    );
    // The reference was made with the category's current patterns.
    const cat = OVERHEAD_CATEGORIES.find((c) => c.name === name)!;
    assert.ok(entry.argv.includes(`-focus=${categoryFocus(cat)}`), `${name}: reference uses the category's patterns`);
    const s = showing(ref("ref_culprits", profile, `focus_${slug(name)}`));
    assert.equal(`${d.inclusive_percentage.toFixed(2)}%`, s.pct, `${name} inclusive share`);
    assert.ok(d.percentage <= d.inclusive_percentage + 1e-9, `${name}: attributed within inclusive`);
  }
}

function checkShares(r: { detections: Detection[]; total_overhead_pct: number }) {
  for (const d of r.detections) {
    assert.ok(d.inclusive_percentage <= 100 && d.percentage <= 100, `${d.category} within 100%`);
  }
  const sum = r.detections.reduce((s: number, d: Detection) => s + d.percentage, 0);
  assert.ok(r.total_overhead_pct <= 100, "total at most 100%");
  // The total adds every category's attributed share, also those under 1% that are not listed.
  const unlisted = OVERHEAD_CATEGORIES.length - r.detections.length;
  assert.ok(r.total_overhead_pct - sum > -1e-9 && r.total_overhead_pct - sum < unlisted, "attributed shares add up");
}

Deno.test("overhead_report cpu_obs: in-house tracing, logging and metrics named with pprof's shares; JSON inside them", async () => {
  const out = await result("pprof.overhead_report", { profile: P.cpuObs });
  const r = out.result;
  checkAgainstPprof("cpu_obs", r.detections, [
    "Tracing (in-house)",
    "Logging (in-house)",
    "Metrics (in-house)",
    "Runtime/GC",
    "Crypto/TLS",
    "JSON Serialization",
  ]);
  checkShares(r);
  assert.deepEqual(r.detections.slice(0, 3).map((d: Detection) => d.category), [
    "Tracing (in-house)",
    "Logging (in-house)",
    "Metrics (in-house)",
  ]);
  // Every logger frame is the outermost category on its stack: all of it is logging's.
  const logging = r.detections.find((d: Detection) => d.category === "Logging (in-house)");
  assert.equal(logging.percentage.toFixed(2), "28.00");
  assert.equal(logging.top_functions[0].function, "main.(*logger).info");
  assert.equal(logging.called_from[0].function, "main.(*cartService).handleCheckout");
  // encoding/json is 41.83% of the profile (pprof), all of it inside the logger and the tracer.
  const json = r.detections.find((d: Detection) => d.category === "JSON Serialization");
  assert.equal(json.percentage, 0);
  const inside = json.inside.reduce((s: number, x: { percentage: number }) => s + x.percentage, 0);
  assert.equal(inside.toFixed(2), "41.83");
  assert.deepEqual(json.inside.map((x: { category: string }) => x.category).sort(), [
    "Logging (in-house)",
    "Tracing (in-house)",
  ]);
  assert.ok(r.observability_pct > 75, `observability ${r.observability_pct}`);
  // The findings: observability first, then the categories, each with a peek of its entry function.
  assert.equal(out.findings[0].severity, "high");
  assert.match(out.findings[0].title, /^Observability .* takes 77\.3% of cpu/);
  const tracing = out.findings.find((f: Detection) => f.title.startsWith("Tracing (in-house)"));
  assert.equal(tracing.evidence.function, "main.(*tracer).finish");
  assert.deepEqual(tracing.next_step, {
    tool: "pprof.peek",
    arguments: { profile: P.cpuObs, regex: "^main\\.\\(\\*tracer\\)\\.finish$" },
    why: "who calls main.(*tracer).finish and where its time goes",
  });
});

Deno.test("overhead_report cpu_shop: OpenTelemetry, protojson, zap and Prometheus stand-ins, with pprof's shares", async () => {
  const out = await result("pprof.overhead_report", { profile: P.shop, repo_root: P.shopRepo });
  const r = out.result;
  checkAgainstPprof("cpu_shop", r.detections, [
    "OpenTelemetry Tracing",
    "Protobuf Serialization",
    "Logging (zap)",
    "Runtime/GC",
    "Prometheus Metrics",
    "JSON Serialization",
  ]);
  checkShares(r);
  assert.equal(r.app_code.source, "go.mod");
  assert.deepEqual(r.app_code.prefixes, ["main", "example.com/shop"]);
  const otel = r.detections[0];
  assert.equal(otel.category, "OpenTelemetry Tracing");
  assert.equal(otel.value_text, "2.93s");
  // protojson inside the tracer's exporter is tracing's; what is left is the app's own event publishing,
  // which pprof puts at the cum of (*publisher).publish.
  const proto = r.detections.find((d: Detection) => d.category === "Protobuf Serialization");
  assert.equal(
    `${proto.percentage.toFixed(2)}%`,
    row(ref("ref_culprits", "cpu_shop", "top_cum"), "example.com/shop/internal/checkout.(*publisher).publish").cum_pct,
  );
  assert.equal(proto.called_from[0].function, "example.com/shop/internal/checkout.(*publisher).publish");
  assert.match(out.hints.join("\n"), /OpenTelemetry Tracing: Sample fewer traces/);
});

Deno.test("overhead_report node_obs_cpu: pino, regular expressions and JSON in a Node.js profile", async () => {
  const out = await result("pprof.overhead_report", { profile: P.nodeObs });
  const r = out.result;
  checkAgainstPprof("node_obs_cpu", r.detections, [
    "Logging (pino)",
    "Regular Expressions",
    "JSON Serialization",
    "Runtime/GC",
  ]);
  checkShares(r);
  assert.equal(r.app_code.language, "node");
  const regex = r.detections.find((d: Detection) => d.category === "Regular Expressions");
  assert.match(regex.top_functions[0].function, /^RegExp: /);
  assert.equal(regex.called_from[0].function, "redact");
  const pino = r.detections.find((d: Detection) => d.category === "Logging (pino)");
  assert.equal(pino.called_from[0].function, "handleSearch");
  assert.ok(out.findings.some((f: Detection) => f.title.startsWith("Logging (pino) takes 17.4% of cpu")));
});

Deno.test("overhead_report bigcpu: frameworks at the root of stacks are not the cost of the code below them", async () => {
  const r = overheadReport(await loadProfile(P.bigcpu), {});
  const http = r.detections.find((d) => d.category === "HTTP Framework")!;
  assert.equal(
    `${http.inclusive_percentage.toFixed(2)}%`,
    row(ref("ref", "bigcpu", "top_cum"), "net/http.(*conn).serve").cum_pct,
  );
  assert.equal(http.percentage, 0);
  assert.equal(r.detections[0].category, "Runtime/GC");
  checkShares(r);
});

Deno.test("overhead_report: the default sample type is pprof's (cpu), an unknown one is an error naming the types", async () => {
  const out = await result("pprof.overhead_report", { profile: P.cpuObs });
  assert.equal(out.result.sample_type, "cpu");
  assert.equal(out.result.total_value_str, "11.57s");
  const counts = await result("pprof.overhead_report", { profile: P.cpuObs, sample_index: "samples" });
  assert.equal(counts.result.unit, "count");
  const { callTool } = await import("./analysis_refs.ts");
  const bad = await callTool("pprof.overhead_report", { profile: P.cpuObs, sample_index: "nope" });
  assert.equal(bad.isError, true);
  assert.match(bad.content[0].text, /must be one of: samples, cpu/);
});
