/**
 * pprof.goroutine_analysis and pprof.goroutine_categorize on real goroutine
 * profiles: every planted leak is named with its function, wait reason,
 * count and share, as go tool pprof counts them; categories never add up to
 * more than all goroutines.
 */
import assert from "node:assert/strict";
import { goroutineAnalysis } from "../lib/analysis/goroutines.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { ToolRegistry } from "../lib/tools/registry.ts";
import { goroutineAnalysisTool } from "../lib/tools/analysis/goroutine_analysis.ts";
import { assertShare, refRow, refTop } from "./analysis_ref_tops.ts";
import { A, callTool, type Json, P } from "./analysis_tools.ts";

/** leakzoo's plan (fixtures/gen/cmd/leakzoo): function, goroutines, wait reason, blocking call. */
const LEAKZOO: [string, number, string, string][] = [
  ["main.(*notifier).waitForAck", 1200, "chan receive", "runtime.chanrecv"],
  ["main.(*pubsub).deliver", 700, "select", "runtime.selectgo"],
  ["main.(*ledger).apply", 300, "mutex", "sync.(*Mutex).lockSlow"],
  ["main.(*rpcConn).readResponse", 240, "network IO", "internal/poll.runtime_pollWait"],
  ["main.serveSilently", 240, "network IO", "internal/poll.runtime_pollWait"],
  ["main.(*jobQueue).next", 150, "cond", "sync.(*Cond).Wait"],
  ["main.(*retrier).backoff", 90, "sleep", "time.Sleep"],
  ["main.(*resultSink).publish", 80, "chan send", "runtime.chansend"],
  ["main.(*cacheWarmer).refresh", 60, "rwmutex", "sync.(*RWMutex).RLock"],
  ["main.(*batchGroup).waitAll", 40, "waitgroup", "sync.(*WaitGroup).Wait"],
  ["main.(*exporter).flushLoop", 30, "select (no cases)", "runtime.block"],
  ["main.(*dbClient).query", 25, "select", "runtime.selectgo"],
];

Deno.test("goroutine_analysis: each leak of leakzoo, by function, reason, count and share as pprof counts them", async () => {
  const { out } = await callTool("pprof.goroutine_analysis", {
    profile: A + "leakzoo_goroutine.pb.gz",
    min_leak_count: 20,
    max_leaks: 50,
  });
  const r = out.result;
  const ref = refTop("leakzoo_goroutine", "top_cum");
  assert.equal(r.total_goroutines, ref.total);
  for (const [fn, count, reason, blockedIn] of LEAKZOO) {
    const leak = r.potential_leaks.find((l: Json) => l.function === fn);
    assert.ok(leak, `${fn} is reported`);
    assert.equal(leak.count, count, fn);
    assert.equal(leak.count, refRow(ref, fn).cum, `${fn}: pprof's cum`);
    assertShare(leak.share, (count / ref.total) * 100, fn);
    assert.equal(leak.wait_reason, reason, fn);
    assert.equal(leak.blocked_in, blockedIn, fn);
    assert.equal(leak.severity, count >= 1000 ? "high" : count >= 500 ? "medium" : "low", fn);
    assert.equal(leak.state, "waiting");
    assert.ok(leak.stack_signature.endsWith(fn), `${fn}: the signature ends at the application frame`);
  }
  assert.deepEqual(
    r.potential_leaks.map((l: Json) => l.count),
    [...r.potential_leaks.map((l: Json) => l.count)].sort(
      (a: number, b: number) => b - a,
    ),
  );
  // No goroutine reads "parked": every blocked one is classified by its blocking call.
  assert.ok(!r.top_wait_reasons.some((w: Json) => w.reason === "parked"), JSON.stringify(r.top_wait_reasons));
  assert.deepEqual(r.top_wait_reasons.slice(0, 2).map((w: Json) => [w.reason, w.count]), [
    ["chan receive", 1200],
    ["select", 726], // deliver 700, dbClient 25, database/sql's connectionOpener 1
  ]);
  assert.deepEqual(r.by_state, { waiting: 3159, running: 1 });
  // The findings name the culprits, largest first, with their share and a call to look closer.
  const f = r.findings[0];
  assert.equal(f.severity, "high");
  assert.equal(f.evidence.function, "main.(*notifier).waitForAck");
  assert.equal(f.evidence.value, 1200);
  assertShare(f.evidence.share, 1200 / 3160 * 100, "finding share");
  assert.deepEqual(f.next_step.tool, "pprof.focus_paths");
  assert.equal(f.next_step.arguments.function, "^main\\.\\(\\*notifier\\)\\.waitForAck$");
  assert.equal(r.findings[1].evidence.function, "main.(*pubsub).deliver");
});

Deno.test("goroutine_analysis: default thresholds report 100+ goroutines on one stack, the largest ten", async () => {
  const { out, text } = await callTool("pprof.goroutine_analysis", { profile: A + "leakzoo_goroutine.pb.gz" });
  const leaks = out.result.potential_leaks;
  assert.deepEqual(
    leaks.map((l: Json) => l.function).sort(),
    LEAKZOO.filter(([, n]) => n >= 100).map(([fn]) => fn).sort(),
  );
  // Largest first; equal counts in the order of their frames (network reads: io.* before main.*).
  assert.deepEqual(leaks.map((l: Json) => l.count), [1200, 700, 300, 240, 240, 150]);
  assert.deepEqual(leaks.slice(3, 5).map((l: Json) => l.function), [
    "main.serveSilently",
    "main.(*rpcConn).readResponse",
  ]);
  assert.match(text, /^3160 goroutines in 2 states, 6 potential leaks\n/);
  assert.match(text, /\[high\] 1200 goroutines \(38\.0%\) blocked in chan receive in main\.\(\*notifier\)\.waitForAck/);
});

Deno.test("goroutine_analysis: the gateway's leak, with the labels it carries (shared fixture)", async () => {
  const { out } = await callTool("pprof.goroutine_analysis", { profile: P + "goroutine.pb.gz" });
  const r = out.result;
  const ref = refTop("goroutine", "top_cum", "ref");
  assert.equal(r.total_goroutines, 688);
  assert.equal(r.total_goroutines, ref.total);
  const [leak] = r.potential_leaks;
  assert.equal(leak.function, "main.(*upstreamFetcher).fetchWithTimeout.func1");
  assert.equal(leak.count, refRow(ref, leak.function).cum);
  assert.equal(leak.wait_reason, "chan send");
  assert.equal(leak.severity, "medium");
  assertShare(leak.share, 500 / 688 * 100, "share");
  assert.deepEqual(leak.labels, [
    { key: "endpoint", values: [{ value: "/v1/lookup", count: 500 }] },
    {
      key: "tenant_id",
      values: [{ value: "acme", count: 300 }, { value: "globex", count: 100 }, { value: "initech", count: 100 }],
    },
  ]);
  const reasons = Object.fromEntries(r.top_wait_reasons.map((w: Json) => [w.reason, w.count]));
  assert.deepEqual(reasons, { "chan send": 500, "chan receive": 64, "network IO": 49, select: 32, mutex: 16 });
  assert.match(r.findings[0].title, /500 of them carry endpoint=\/v1\/lookup/);
});

Deno.test("goroutine_analysis: inlined Lock keeps its caller (the culprit is not the mutex)", async () => {
  // In leakzoo, sync.(*Mutex).Lock is inlined into (*ledger).apply: one location, two functions.
  const r = goroutineAnalysis(await loadProfile(A + "leakzoo_goroutine.pb.gz"), { minLeakCount: 300 });
  const ledger = r.potential_leaks.find((l) => l.wait_reason === "mutex")!;
  assert.equal(ledger.function, "main.(*ledger).apply");
  assert.match(ledger.stack_signature, /sync\.\(\*Mutex\)\.Lock \| main\.\(\*ledger\)\.apply$/);
});

Deno.test("goroutine_analysis: app_prefix decides the application frame; a CPU profile gets a warning", async () => {
  const wp = await callTool("pprof.goroutine_analysis", {
    profile: A + "workerpool_goroutine.pb.gz",
    app_prefix: "go.temporal.io/sdk/",
    min_leak_count: 100,
  });
  assert.equal(wp.out.result.potential_leaks[0].function, "go.temporal.io/sdk/internal.(*coroutineState).yield");
  const dflt = await callTool("pprof.goroutine_analysis", {
    profile: A + "workerpool_goroutine.pb.gz",
    min_leak_count: 100,
  });
  assert.equal(dflt.out.result.potential_leaks[0].function, "main.OrderWorkflow", "the SDK is a library");
  const cpu = await callTool("pprof.goroutine_analysis", { profile: P + "cpu.pb.gz" });
  assert.match(cpu.out.result.warnings[0], /does not appear to be a goroutine profile/);
});

Deno.test("goroutine_analysis: next steps use the client's names, and vanish for tools that are not there", async () => {
  const codex = await callTool("pprof_goroutine_analysis", { profile: A + "leakzoo_goroutine.pb.gz" }, {
    mode: "codex",
  });
  assert.equal(codex.out.result.findings[0].next_step.tool, "pprof_focus_paths");
  const alone = new ToolRegistry();
  alone.add(goroutineAnalysisTool as never);
  const bare = await callTool("pprof.goroutine_analysis", { profile: A + "leakzoo_goroutine.pb.gz" }, {
    registry: alone,
  });
  assert.ok(bare.out.result.findings.length > 0);
  assert.ok(bare.out.result.findings.every((f: Json) => f.next_step === undefined));
  assert.ok(!bare.text.includes("next:"));
});

Deno.test("goroutine_categorize: presets, one category per goroutine, shares that add up to at most 100%", async () => {
  const { out } = await callTool("pprof.goroutine_categorize", { profile: A + "leakzoo_goroutine.pb.gz" });
  const r = out.result;
  const counts = Object.fromEntries(r.categories.map((c: Json) => [c.name, c.count]));
  assert.deepEqual(counts, {
    channel_recv: 1200,
    select: 732, // deliver 700, select {} in flushLoop 30, stuckMigration 1, holdConnection 1
    network_io: 481,
    sync_mutex: 360, // ledger 300 + RWMutex readers 60
    sync_cond: 150,
    sleep: 90,
    channel_send: 80,
    sync_waitgroup: 40,
    sql_connection: 26, // dbClient 25 + database/sql's connectionOpener 1
  });
  const sum = r.categories.reduce((a: number, c: Json) => a + c.count, 0) + r.uncategorized;
  assert.equal(sum, r.total_goroutines);
  const pct = r.categories.reduce((a: number, c: Json) => a + c.percent, 0);
  assert.ok(pct <= 100 + 1e-9, `${pct}%`);
  assert.deepEqual(r.categories.find((c: Json) => c.name === "sync_mutex").top_functions, [
    { function: "main.(*ledger).apply", count: 300 },
    { function: "main.(*cacheWarmer).refresh", count: 60 },
  ]);
  assert.deepEqual(r.presets_used, ["temporal", "grpc", "http", "database", "observability", "runtime", "sync"]);
  assert.equal(r.uncategorized, 1, "the goroutine writing the profile");
  assert.equal(r.findings[0].evidence.function, "main.(*notifier).waitForAck");
});

Deno.test("goroutine_categorize: custom categories come first and replace presets of the same name", async () => {
  const { out } = await callTool("pprof.goroutine_categorize", {
    profile: A + "leakzoo_goroutine.pb.gz",
    presets: ["sync", "nosuch"],
    categories: { acks: "notifier\\)\\.waitForAck", select: "pubsub", broken: "(" },
  });
  const r = out.result;
  const counts = Object.fromEntries(r.categories.map((c: Json) => [c.name, c.count]));
  assert.equal(counts.acks, 1200);
  assert.equal(counts.channel_recv, undefined, "the custom category took every chan receive");
  assert.equal(counts.select, 700, "the custom select replaced the preset's");
  assert.equal(r.categories.find((c: Json) => c.name === "select").pattern, "pubsub");
  assert.deepEqual(r.presets_used, ["sync"]);
  assert.ok(r.warnings.some((w: string) => w === "unknown preset: nosuch"), r.warnings);
  assert.ok(r.warnings.some((w: string) => w.startsWith("category broken skipped: invalid")), r.warnings);
});

Deno.test("goroutine_categorize: the Temporal preset on a worker", async () => {
  const { out } = await callTool("pprof.goroutine_categorize", {
    profile: A + "workerpool_goroutine.pb.gz",
    presets: ["temporal"],
  });
  const counts = Object.fromEntries(out.result.categories.map((c: Json) => [c.name, c.count]));
  assert.deepEqual(counts, {
    temporal_workflow_cached: 250,
    temporal_activity_exec: 66,
    temporal_heartbeat: 48,
    temporal_activity_poller: 4,
    temporal_local_activity: 4, // 3 executing + 1 poller
    temporal_task_dispatcher: 3,
    temporal_workflow_poller: 2,
    temporal_session: 2,
    temporal_eager_dispatcher: 1,
  });
  assert.equal(out.result.uncategorized, 50, "the gateway's 48 connections, its accept loop and main");
});

Deno.test("goroutine analyses agree with each other on the total", async () => {
  const p = await loadProfile(A + "memzoo_goroutine.pb.gz");
  const r = goroutineAnalysis(p);
  assert.equal(r.total_goroutines, refTop("memzoo_goroutine", "top").total);
  assert.equal(r.potential_leaks[0].function, "main.(*subscriber).wait");
  assert.equal(r.potential_leaks[0].count, 12000);
  const all = await callTool("pprof.goroutine_categorize", { profile: A + "memzoo_goroutine.pb.gz" });
  assert.equal(all.out.result.total_goroutines, r.total_goroutines);
  assert.equal(createRegistry().tools.filter((t) => t.name.startsWith("pprof.goroutine_")).length, 2);
});
