/**
 * pprof.temporal_analysis on a Temporal-style worker (fixtures/gen/cmd/workerpool
 * on the stand-in SDK): pollers and the settings they imply, the activity and
 * workflow functions that hold the goroutines, as go tool pprof counts them.
 */
import assert from "node:assert/strict";
import { shortName, temporalAnalysis } from "../lib/analysis/temporal.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { refRow, refTop } from "./analysis_ref_tops.ts";
import { A, callTool, type Json, P } from "./analysis_tools.ts";

const WORKER = A + "workerpool_goroutine.pb.gz";

Deno.test("temporal_analysis: the worker's counters, as planted", async () => {
  const { out } = await callTool("pprof.temporal_analysis", { profile: WORKER });
  const r = out.result;
  assert.deepEqual(r.counts, {
    activity_pollers_do_poll: 4,
    activity_pollers_in_grpc: 4,
    workflow_pollers_do_poll: 2,
    workflow_pollers_in_grpc: 2,
    local_activity_pollers: 1,
    activities_executing: 66,
    workflows_cached: 250,
    local_activities_executing: 3,
    sessions_active: 2,
    heartbeat_goroutines: 48,
    grpc_streams: 0,
    task_dispatchers: 3,
    eager_dispatchers: 1,
  });
  assert.equal(r.total_goroutines, refTop("workerpool_goroutine", "top").total);
  const s = r.inferred_settings;
  assert.equal(s.max_concurrent_activity_task_pollers, 4);
  assert.equal(s.max_concurrent_workflow_task_pollers, 2);
  assert.ok(s.notes.includes("activity task pollers: 4, configured (the default is 2)"), s.notes);
  assert.ok(s.notes.includes("workflow task pollers: 2, which appears to be the default (2)"), s.notes);
  assert.equal(s.active_activities, 66);
  assert.equal(s.cached_workflows, 250);
  assert.equal(s.active_local_activities, 3);
  assert.equal(s.active_sessions, 2);
});

Deno.test("temporal_analysis: activities and workflows by the function the SDK called, with pprof's counts", async () => {
  const { out } = await callTool("pprof.temporal_analysis", { profile: WORKER });
  const r = out.result;
  const ref = refTop("workerpool_goroutine", "top_cum");
  const acts = r.activity_breakdown.map((b: Json) => [b.name, b.function, b.count, b.wait_reason]);
  assert.deepEqual(acts, [
    ["ChargeCustomer", "main.(*BillingActivities).ChargeCustomer", 48, "network IO"],
    ["SendReceipt", "main.(*BillingActivities).SendReceipt", 12, "sleep"],
    // Its name has no "Activity" in it: found as the function the SDK calls, not by its name.
    ["ExportLedger", "main.ExportLedger", 6, "chan receive"],
    ["ValidateAddress", "main.ValidateAddress", 3, "sleep"],
  ]);
  for (const b of r.activity_breakdown) assert.equal(b.count, refRow(ref, b.function).cum, b.function);
  const wfs = r.workflow_breakdown.map((b: Json) => [b.name, b.count, b.state]);
  assert.deepEqual(wfs, [
    ["OrderWorkflow", 150, "selector"],
    ["RefundWorkflow", 40, "awaiting_future"],
    ["(not started)", 30, "not_started"],
    ["SubscriptionWorkflow", 30, "awaiting_channel"],
  ]);
  for (const b of r.workflow_breakdown.filter((b: Json) => b.function)) {
    assert.equal(b.count, refRow(ref, b.function).cum, b.function);
  }
  // ChargeCustomer's 48 goroutines carry the tier labels: 24 of them enterprise, as pprof's tag filter says.
  const enterprise = refTop("workerpool_goroutine", "tagfocus_tier_enterprise");
  assert.equal(refRow(enterprise, "main.(*BillingActivities).ChargeCustomer").cum, 24);
  const [top] = r.findings;
  assert.equal(top.severity, "medium");
  assert.equal(top.evidence.function, "main.(*BillingActivities).ChargeCustomer");
  assert.equal(top.evidence.value, 48);
  assert.match(top.title, /^48 of 69 executing activities \(69\.6%\) are ChargeCustomer, blocked in network IO$/);
  assert.deepEqual(top.next_step, {
    tool: "pprof.focus_paths",
    arguments: { profile: WORKER, function: "^main\\.\\(\\*BillingActivities\\)\\.ChargeCustomer$" },
    why: "where the activity waits: the call below it and its labels",
  });
});

Deno.test("temporal_analysis: the SDK path and default are arguments, not assumptions", async () => {
  const p = await loadProfile(WORKER);
  const other = temporalAnalysis(p, { sdkPrefix: "github.com/other/sdk" });
  assert.ok(other.warnings?.some((w) => w.includes("no function of github.com/other/sdk")), other.warnings?.join());
  // Without SDK frames, activities are found by name only (the fallback), so ExportLedger is not named.
  assert.ok(!other.activity_breakdown.some((b) => b.name === "ExportLedger"));
  const four = temporalAnalysis(p, { defaultPollers: 4 });
  assert.ok(four.inferred_settings.notes.includes("activity task pollers: 4, which appears to be the default (4)"));
  const cpu = temporalAnalysis(await loadProfile(P + "cpu.pb.gz"));
  assert.equal(cpu.counts.activities_executing, 0);
  assert.ok(cpu.warnings!.some((w) => /does not appear to be a goroutine profile/.test(w)));
});

Deno.test("shortName: after the last dot, without type parameters", () => {
  assert.equal(shortName("main.(*BillingActivities).ChargeCustomer"), "ChargeCustomer");
  assert.equal(shortName("github.com/acme/wf.OrderWorkflow[...]"), "OrderWorkflow");
  assert.equal(shortName("main.ExportLedger"), "ExportLedger");
});
