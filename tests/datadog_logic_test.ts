/**
 * The decisions of the Datadog tools, without the network: pick strategies and the anomaly z-score (the original's
 * reference values), fuzzy service matching, metric discovery's types and order, the summary of series, and a
 * function's share of a real profile against `go tool pprof`'s numbers.
 */
import assert from "node:assert/strict";
import { findAnomaly, pickBy, sampleScore } from "../lib/datadog/pick.ts";
import type { Candidate } from "../lib/datadog/profiles_api.ts";
import { candidateOf } from "../lib/datadog/profiles_api.ts";
import { filterByEnv, fuzzyMatch, groupServices, levenshtein, matchScore } from "../lib/datadog/services.ts";
import { discoveryPatterns, inferType, metricsSummary, sortMetrics } from "../lib/datadog/metrics.ts";
import { functionPattern, functionShare } from "../lib/datadog/history.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { samplesCell } from "../lib/tools/datadog/list_pick.ts";
import { parseMoment } from "../lib/tools/datadog/metrics.ts";
import { FIXTURES, refText, topRows } from "./golden.ts";

const withField = (field: string, values: number[]): Candidate[] =>
  values.map((v, i) => ({ profile_id: `p${i}`, event_id: `e${i}`, timestamp: "", numeric_fields: { [field]: v } }));

Deno.test("anomaly: population z-scores, the original's reference values", () => {
  // [2,4,4,4,5,5,7,9]: mean 5, σ 2, so 9 is 2 σ away: the outlier, just at the threshold.
  const a = findAnomaly(withField("cpu-samples", [2, 4, 4, 4, 5, 5, 7, 9]))!;
  assert.deepEqual([a.index, a.field, a.z], [7, "cpu-samples", 2]);
  const big = findAnomaly(withField("goroutines", [100, 100, 100, 100, 100, 1000]))!;
  assert.equal(big.index, 5);
  assert.equal(big.z.toFixed(2), "2.24");
  assert.equal(findAnomaly(withField("cpu-samples", [100, 101, 99, 100])), undefined);
  assert.equal(findAnomaly(withField("cpu-samples", [1, 1000])), undefined, "fewer than 3");
  const pick = pickBy("anomaly", withField("goroutines", [100, 100, 100, 100, 100, 1000]));
  assert.deepEqual([pick.index, pick.reason], [5, "anomaly: 2.2 stddev on goroutines"]);
  const none = pickBy("anomaly", withField("cpu-samples", [100, 101, 99, 100]));
  assert.deepEqual([none.index, none.reason], [0, "latest"]);
  assert.match(
    none.warnings[0],
    /anomaly detection unavailable \(no numeric field deviates .*\); falling back to latest/,
  );
});

Deno.test("most_samples: the largest sample/value/total/duration field; without numbers, latest with a warning", () => {
  const cs: Candidate[] = [
    { profile_id: "a", event_id: "1", timestamp: "", numeric_fields: { "cpu-samples": 10, goroutines: 99999 } },
    { profile_id: "b", event_id: "2", timestamp: "", numeric_fields: { "cpu-samples": 20 } },
  ];
  assert.equal(sampleScore(cs[0]), 10);
  assert.deepEqual(pickBy("most_samples", cs), { index: 1, reason: "most_samples", warnings: [] });
  const bare = cs.map((c) => ({ ...c, numeric_fields: undefined }));
  assert.deepEqual(pickBy("most_samples", bare), {
    index: 0,
    reason: "latest",
    warnings: ["most_samples unavailable; falling back to latest"],
  });
});

Deno.test("candidates: ids, timestamp and version with their fallbacks; numeric strings are numbers", () => {
  assert.deepEqual(
    candidateOf({
      id: "ev",
      "profile-id": "top-level",
      attributes: { timestamp: "2026-01-07T09:57:12Z", tags: ["env:prod", "version:1.41.9"], "cpu-samples": "5790" },
    } as never),
    {
      profile_id: "top-level",
      event_id: "ev",
      timestamp: "2026-01-07T09:57:12Z",
      version: "1.41.9",
      numeric_fields: { "cpu-samples": 5790 },
    },
  );
  const c = candidateOf({
    id: "e",
    profile_id: "p",
    timestamp: "t",
    version: "v",
    duration: 5,
    attributes: { duration: 7 },
  });
  assert.deepEqual(c, {
    profile_id: "p",
    event_id: "e",
    timestamp: "t",
    version: "v",
    numeric_fields: { duration: 7 },
  });
});

Deno.test("list table: the samples cell as the original prints it", () => {
  const c = (f?: Record<string, number>): Candidate => ({
    profile_id: "",
    event_id: "",
    timestamp: "",
    numeric_fields: f,
  });
  assert.equal(samplesCell(c()), "-");
  assert.equal(samplesCell(c({ "cpu-samples": 5821, duration: 60e9 })), "cpu=5.8K dur=60.0s");
  assert.equal(samplesCell(c({ "alloc_samples": 1_250_000, samples: 12 })), "alloc=1.2M smp=12");
  assert.equal(samplesCell(c({ duration_ns: 5e6 })), "dur=5.0ms");
  assert.equal(samplesCell(c({ goroutines: 812 })), "goroutines=812");
});

Deno.test("fuzzy matching: the original's rules and scores", () => {
  const score = (n: string, q: string) => {
    const m = matchScore(n, q);
    return [Number(m.score.toFixed(4)), m.type];
  };
  assert.deepEqual(score("checkout", "checkout"), [1, "exact"]);
  assert.deepEqual(score("Checkout", "checkout"), [0.95, "exact"]);
  assert.deepEqual(score("checkout-api", "checkout"), [0.9, "prefix"]);
  assert.deepEqual(score("temporal_worker", "temporal worker"), [0.85, "normalized"]);
  assert.deepEqual(score("temporal_worker_v2", "temporal-worker"), [0.8, "normalized"]);
  assert.deepEqual(score("be-checkout", "checkout"), [0.7, "contains"]);
  assert.deepEqual(score("be_check_out", "check-out"), [0.65, "contains"]);
  // checkuot → checkout: 2 substitutions of 8 bytes.
  assert.deepEqual(score("checkout", "checkuot"), [0.45, "similar"]);
  assert.deepEqual(score("billing", "checkout"), [0, "similar"]);
  assert.equal(levenshtein("kitten", "sitting"), 3);
  const services = groupServices([
    { id: "1", attributes: { service: "temporal_worker", env: "prod-usw2", timestamp: "2026-01-07T09:00:00Z" } },
    { id: "2", attributes: { tags: ["service:temporal_worker", "env:staging"], timestamp: "2026-01-07T10:00:00Z" } },
    { id: "3", attributes: { "service-name": "checkout", environment: "prod" } },
    { id: "4", service: "billing", env: "prod" } as never,
    { id: "5", attributes: {} },
  ]);
  assert.deepEqual(services, [
    { service: "billing", environments: ["prod"], last_seen: "" },
    { service: "checkout", environments: ["prod"], last_seen: "" },
    { service: "temporal_worker", environments: ["prod-usw2", "staging"], last_seen: "2026-01-07T10:00:00Z" },
  ]);
  assert.deepEqual(filterByEnv(services, "PROD-").map((s) => [s.service, s.environments]), [[
    "temporal_worker",
    ["prod-usw2"],
  ]]);
  assert.deepEqual(fuzzyMatch(services, "temporal worker").map((m) => m.service), ["temporal_worker"]);
  assert.deepEqual(fuzzyMatch(services, "  "), []);
});

Deno.test("metrics discovery: patterns, types from names, Go runtime first", () => {
  assert.deepEqual(discoveryPatterns("sync-svc", "http").slice(-4), ["sync-svc", "sync_svc", "sync-svc", "http"]);
  assert.deepEqual(
    ["go.gc.count", "x.gauge", "req.rate", "lat.histogram", "go.memstats.heap_inuse_bytes", "y.goroutine_n", "z"].map(
      inferType,
    ),
    ["count", "gauge", "rate", "histogram", "gauge", "gauge", ""],
  );
  assert.deepEqual(
    sortMetrics([
      "checkout.requests",
      "docker.cpu",
      "kubernetes.cpu",
      "container.cpu.usage",
      "container.memory.rss",
      "runtime.go.x",
      "go.gc",
    ]),
    [
      "go.gc",
      "runtime.go.x",
      "container.memory.rss",
      "container.cpu.usage",
      "kubernetes.cpu",
      "docker.cpu",
      "checkout.requests",
    ],
  );
  const s = (name: string, last: number) => ({
    name,
    tags: {},
    points: [],
    avg_value: 0,
    max_value: 0,
    min_value: 0,
    last_value: last,
  });
  assert.deepEqual(
    metricsSummary([
      s("go.goroutines", 812),
      s("go.memstats.heap_inuse_bytes", 1e6),
      s("go.memstats.alloc_bytes", 2e6),
      s("go.gc.pause_ns", 3),
      s("container.memory.rss", 1048576 * 300),
      s("kubernetes.cpu.usage.total", 42),
    ]),
    {
      go_goroutines: 812,
      go_heap_inuse_bytes: 1e6,
      go_alloc_bytes: 2e6,
      go_gc_pause_ns: 3,
      container_rss_mb: 300,
      container_cpu_percent: 42,
    },
  );
});

Deno.test("metrics_at_timestamp: RFC 3339, Unix seconds, relative; a date alone is an error, not second 2025", () => {
  const now = Date.parse("2026-01-07T10:00:00Z");
  assert.equal(parseMoment("", now), now);
  assert.equal(parseMoment("1767780000", now), now);
  assert.equal(parseMoment("1767780000000", now), now);
  assert.equal(parseMoment("2026-01-07T10:00:00Z", now), now);
  assert.equal(parseMoment("-1h", now), now - 3_600_000);
  assert.throws(() => parseMoment("2025-01-15", now), /invalid timestamp: unrecognized timestamp format: "2025-01-15"/);
});

/** A row of go tool pprof -top of the cpu fixture. */
function goRow(name: string) {
  return topRows(refText("ref/cpu/top/stdout.txt")).find((r) => r.name === name)!;
}

Deno.test("function share: flat and cum of the matching functions, as go tool pprof prints them", async () => {
  const cpu = await loadProfile(FIXTURES + "profiles/cpu.pb.gz");
  const malloc = functionShare(cpu, "runtime\\.mallocgc$");
  const ref = goRow("runtime.mallocgc");
  assert.deepEqual(
    [malloc.found, malloc.flat_value, `${malloc.flat_percent}%`, malloc.cum_value, `${malloc.cum_percent}%`],
    [true, ref.flat, ref.flatPct, ref.cum, ref.cumPct],
  );
  assert.deepEqual(malloc.functions, ["runtime.mallocgc"]);
  // Not a valid regexp: matched as text, where the original reported it "not found".
  assert.equal(functionPattern("(*compressor).findMatch").literal, true);
  const find = functionShare(cpu, "(*compressor).findMatch");
  const fm = goRow("compress/flate.(*compressor).findMatch");
  assert.deepEqual([find.flat_value, `${find.flat_percent}%`, find.cum_value], [fm.flat, fm.flatPct, fm.cum]);
  // A pattern matching several functions: cum is every sample through one of them (-focus=jsonlite keeps
  // ParseMany's stacks, which hold every jsonlite frame: go tool pprof -top -focus=jsonlite shows ParseMany's cum).
  const json = functionShare(cpu, "jsonlite");
  const focused = topRows(refText("ref/cpu/focus_jsonlite/stdout.txt"));
  const parseMany = focused.find((r) => r.name === "gen/internal/jsonlite.ParseMany")!;
  assert.equal(json.cum_value, parseMany.cum);
  assert.ok(json.functions.every((f) => f.includes("jsonlite")) && json.functions.length > 1);
  const none = functionShare(cpu, "NoSuchFunction");
  assert.deepEqual([none.found, none.flat_percent, none.cum_percent], [false, 0, 0]);
});
