/**
 * pprof.contention_analysis on real mutex and block profiles: contention
 * through Mutex, RWMutex, channels, WaitGroup, Cond, database/sql, log,
 * sync.Map and math/rand, every event and sampled, each lock site named with
 * the code behind it and its share, as go tool pprof measures them.
 */
import assert from "node:assert/strict";
import { contentionAnalysis, contentionKind, contentionPatterns } from "../lib/analysis/contention.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { assertPrinted, assertShare, refRow, refTop } from "./analysis_ref_tops.ts";
import { A, callTool, type Json, P } from "./analysis_tools.ts";

/**
 * lockzoo's plan: the application function behind each contended primitive, per profile, the owner of the
 * lock, and the function whose cumulative delay in pprof is the site's (the application function itself,
 * unless it has several lock sites).
 */
const PLAN: Record<string, [string, string, string | undefined, string?][]> = {
  lockzoo_block: [
    ["main.(*orderStore).loadOrder", "select", "database/sql connection pool"],
    ["main.(*metricsRegistry).observe", "sync.Mutex", undefined],
    ["main.(*auditLog).record", "sync.Mutex", "log.Logger"],
    // touch also deletes keys (in its Range callback): the Store site is sync.(*Map).Store's delay.
    ["main.(*sessionTable).touch", "sync.Mutex", "sync.Map", "sync.(*Map).Store"],
    ["main.(*configCache).get", "sync.RWMutex", undefined],
    ["main.(*eventBus).publish", "channel send", undefined],
    ["main.pickReplica", "sync.Mutex", "math/rand global source"],
    ["main.(*fanout).run", "sync.WaitGroup", undefined],
  ],
  lockzoo_mutex: [
    ["main.(*auditLog).record", "sync.Mutex", "log.Logger"],
    ["main.(*metricsRegistry).observe", "sync.Mutex", undefined],
    ["main.(*configCache).reload", "sync.RWMutex", undefined],
    ["main.pickReplica", "sync.Mutex", "math/rand global source"],
    ["main.(*configCache).get", "sync.RWMutex", undefined],
  ],
};

for (const base of ["lockzoo_block", "lockzoo_mutex"]) {
  for (const variant of ["", "_sampled"]) {
    const name = base + variant;
    Deno.test(`contention_analysis: ${name}, each planted lock with its delay and share as pprof has them`, async () => {
      const { out } = await callTool("pprof.contention_analysis", { profile: `${A}${name}.pb.gz` });
      const r = out.result;
      const ref = refTop(name, "top_cum");
      const refC = refTop(name, "top_cum_contentions");
      assert.equal(r.profile_type, base.endsWith("block") ? "block" : "mutex");
      assertPrinted(r.total_delay_value, refTop(name, "top").totalText, "total delay");
      assert.equal(r.total_contentions, refC.total);
      for (const [fn, primitive, owner, refFn = fn] of PLAN[base]) {
        const site = r.by_lock_site.find((s: Json) => s.top_waiters[0]?.function === fn && s.primitive === primitive);
        assert.ok(site, `${name}: ${primitive} behind ${fn}`);
        const row = refRow(ref, refFn);
        assertPrinted(site.delay, row.cumText, `${name}: delay of ${fn}`);
        assertShare(site.share, (row.cum / ref.total) * 100, `${name}: share of ${fn}`);
        assert.equal(site.contentions, refRow(refC, refFn).cum, `${name}: contentions of ${fn}`);
        assert.equal(site.owner, owner, `${name}: owner of ${fn}'s lock`);
      }
      // Lock sites and findings are ordered by delay; the first finding names the planted function pprof
      // gives the most delay.
      const delays = r.by_lock_site.map((s: Json) => s.delay);
      assert.deepEqual(delays, [...delays].sort((a: number, b: number) => b - a));
      const largest = PLAN[base].map(([fn, , , refFn = fn]) => [fn, refRow(ref, refFn).cum] as const)
        .sort((a, b) => b[1] - a[1])[0][0];
      assert.equal(r.findings[0].evidence.function, largest);
      assert.equal(r.findings[0].evidence.unit, "nanoseconds");
      assert.equal(r.findings[0].next_step.tool, "pprof.peek");
    });
  }
}

Deno.test("contention_analysis: the database/sql pool's waiters are named, not database/sql", async () => {
  const { out } = await callTool("pprof.contention_analysis", { profile: A + "lockzoo_block.pb.gz" });
  const [site] = out.result.by_lock_site;
  assert.equal(site.lock_site, "runtime.selectgo");
  assert.equal(site.waiter, "database/sql.(*DB).conn");
  assert.equal(site.owner, "database/sql connection pool");
  assert.equal(site.top_waiters[0].function, "main.(*orderStore).loadOrder");
  assert.match(site.top_waiters[0].source_location, /^gen\/cmd\/lockzoo\/main\.go:\d+$/);
  assert.match(
    out.result.findings[0].title,
    /^main\.\(\*orderStore\)\.loadOrder waited 28\.79s in select through database\/sql connection pool \(33\.2% of the delay/,
  );
  assert.ok(out.result.recommendations.some((x: string) => x.startsWith("database/sql connection pool (33.2%")));
});

Deno.test("contention_analysis: the shared fixtures' hot lock and channel (aggregator)", async () => {
  const block = (await callTool("pprof.contention_analysis", { profile: P + "block.pb.gz" })).out.result;
  const ref = refTop("block", "top_cum", "ref");
  const [first] = block.by_lock_site;
  assert.equal(first.primitive, "channel send");
  assert.equal(first.waiter, "main.(*pipeline).produce");
  assertShare(first.share, (refRow(ref, "main.(*pipeline).produce").cum / ref.total) * 100, "produce");
  assert.deepEqual(block.patterns.map((p: Json) => p.type), ["hot_lock", "lock_convoy", "high_contention"]);
  assert.match(
    block.recommendations[0],
    /channel send in main\.\(\*pipeline\)\.produce .*dominates \(50\.8%\): the receiver/,
  );
  // The WaitGroup wait inlined into main.main keeps its function.
  assert.ok(block.by_lock_site.some((s: Json) => s.primitive === "sync.WaitGroup" && s.waiter === "main.waitAll"));
  const mutex = (await callTool("pprof.contention_analysis", { profile: P + "mutex.pb.gz" })).out.result;
  assert.equal(mutex.profile_type, "mutex");
  assert.deepEqual(mutex.by_lock_site.map((s: Json) => [s.lock_site, s.waiter]), [
    ["sync.(*Mutex).Unlock", "main.(*statsRegistry).Record"],
    ["sync.(*RWMutex).Unlock", "main.(*schemaCache).refresh"],
  ]);
  assert.match(
    mutex.findings[0].title,
    /^main\.\(\*statsRegistry\)\.Record held a contended sync\.Mutex: others waited 530\.23ms/,
  );
});

Deno.test("contention kinds: the file name, else the stacks, else the sample types; profile_type overrides", async () => {
  const mutex = await loadProfile(P + "mutex.pb.gz");
  assert.equal(contentionKind(mutex, "/x/block.pb.gz"), "block");
  assert.equal(contentionKind(mutex, "/x/p.pb.gz", 2, 0), "mutex");
  assert.equal(contentionKind(mutex, "/x/p.pb.gz", 0, 5), "block");
  assert.equal(contentionAnalysis(mutex, { path: "/tmp/contention.pb.gz" }).profile_type, "mutex", "by its unlocks");
  assert.equal(contentionAnalysis(mutex, { path: "/tmp/contention.pb.gz", kind: "block" }).profile_type, "block");
  const r = (await callTool("pprof.contention_analysis", { profile: P + "mutex.pb.gz", profile_type: "block" })).out;
  assert.equal(r.result.profile_type, "block");
  assert.match(r.result.findings[0].title, /waited 530\.23ms in sync\.Mutex/);
  const cpu = contentionAnalysis(await loadProfile(P + "cpu.pb.gz"));
  assert.equal(cpu.profile_type, "unknown");
  assert.ok(cpu.warnings!.some((w) => /does not appear to be a mutex or block profile/.test(w)));
});

Deno.test("contention patterns: the thresholds are inclusive (35%, 70% of three, 50000 events)", () => {
  assert.deepEqual(contentionPatterns([35, 65], 100, 10).map((p) => p.type), ["hot_lock"]);
  assert.deepEqual(contentionPatterns([34.9, 20, 15.1, 30], 100, 49999).map((p) => p.type), ["lock_convoy"]);
  assert.deepEqual(contentionPatterns([34, 20, 15, 31], 100, 50000).map((p) => p.type), ["high_contention"]);
  assert.deepEqual(contentionPatterns([50, 50], 100, 0).map((p) => p.type), ["hot_lock"], "a convoy needs three");
  assert.deepEqual(contentionPatterns([], 0, 0), []);
});
