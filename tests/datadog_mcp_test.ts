/**
 * Every Datadog tool end to end: the SDK's MCP Client talks to a spawned server (confined to a base dir) whose
 * PPROF_MCP_DD_BASE_URL points at the Datadog test double. Downloads are checked against `go tool pprof`'s
 * references of the fixtures in the bundles; faults end in a retry that succeeds or a clear error, and leave no
 * partial file; default answers stay under 100 KB.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Ajv } from "ajv";
import { createRegistry } from "../lib/tools/index.ts";
import { diffOutputs, refText, topRows } from "./golden.ts";
import { RawServer, startServer } from "./mcp_client.ts";
import {
  DatadogDouble,
  doubleEnv,
  type DoubleProfile,
  goBundle,
  javaBundle,
  KEYS,
  profilesOf,
} from "./support/datadog_double.ts";

type Result = {
  isError?: boolean;
  // deno-lint-ignore no-explicit-any
  structuredContent?: Record<string, any>;
  content: { type: string; text: string }[];
};

const LIMIT = 100_000;

// Every answer, payload or error, fits the tool's published output schema (closed objects: no field more or less).
const ajv = new Ajv({ strict: false });
const schemas = new Map(createRegistry().list("default").map((t) => [t.name, ajv.compile(t.outputSchema)]));

async function call(c: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  const r = await c.callTool({ name, arguments: args }) as Result;
  const validate = schemas.get(name)!;
  assert.ok(validate(r.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
  const size = new TextEncoder().encode(JSON.stringify({ content: r.content, structuredContent: r.structuredContent }))
    .length;
  assert.ok(size < LIMIT, `${name}: a ${size}-byte answer`);
  return r;
}

// deno-lint-ignore no-explicit-any
function ok(r: Result): Record<string, any> {
  assert.equal(r.isError, false, r.content[0]?.text);
  return r.structuredContent!;
}

function failure(r: Result): { message: string; code: string } {
  assert.equal(r.isError, true, JSON.stringify(r.structuredContent).slice(0, 500));
  return r.structuredContent!.error;
}

const ALL = { max_lines: 0, max_bytes: 0 };

/** Files (not folders) under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      if (e.isDirectory) walk(`${d}/${e.name}`, `${rel}${e.name}/`);
      else out.push(rel + e.name);
    }
  };
  try {
    walk(dir, "");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort();
}

const now = Date.now();
const MIN = 60_000;

/** checkout/prod: ev-1 (newest) holds cpu_after, every other bundle cpu; ev-6 has far more CPU samples. */
function checkout(): DoubleProfile[] {
  return profilesOf(12, {
    nowMs: now,
    members: (i) => goBundle({ cpu: i === 0 ? "cpu_after" : "cpu", folder: i === 2 ? "nested/dir" : undefined }),
    numbers: (i) => ({ "cpu-samples": i === 5 ? 50_000 : 5800 + i, goroutines: 800, duration: 60_000_000_000 }),
  });
}

const base = await Deno.makeTempDir({ prefix: "pprof-mcp-dd-" });
const d = DatadogDouble.start();
d.profiles.push(
  ...checkout(),
  ...profilesOf(1, { service: "orders", nowMs: now, members: () => javaBundle(), idPrefix: "java" }),
  ...profilesOf(1, { service: "temporal_worker", env: "prod-usw2", nowMs: now, idPrefix: "tw" }),
  ...profilesOf(1, { service: "temporal-scheduler", env: "staging", nowMs: now, idPrefix: "ts" }),
  // Two profiles 20 minutes apart: a gap around an event.
  ...profilesOf(2, { service: "gappy", nowMs: now - 10 * MIN, stepMs: 20 * MIN, idPrefix: "gap" }),
);
const env = doubleEnv(d, { PPROF_MCP_BASEDIR: base, PPROF_MCP_DD_LIST_TIMEOUT: "600ms" });

/** The server for most tests; started once. */
let shared: Client | undefined;
async function server(): Promise<Client> {
  return shared ??= await startServer({ env });
}

Deno.test({
  name: "datadog tools: listed with open-world annotations, read-only unless they write files",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const tools = (await c.listTools()).tools as { name: string; annotations?: Record<string, boolean> }[];
    const registry = createRegistry();
    const datadog = registry.tools.filter((t) =>
      t.name.startsWith("datadog.") || (t.name.startsWith("profiles.") && t.name !== "profiles.fetch")
    );
    assert.equal(datadog.length, 11);
    const writes = new Set([
      "profiles.download",
      "profiles.download_latest_bundle",
      "datadog.profiles.aggregate",
      "datadog.profiles.compare_range",
    ]);
    for (const t of datadog) {
      const listed = tools.find((x) => x.name === t.name)!;
      assert.equal(listed.annotations?.openWorldHint, true, t.name);
      assert.equal(listed.annotations?.readOnlyHint, !writes.has(t.name), t.name);
      if (writes.has(t.name)) assert.equal(listed.annotations?.destructiveHint, false, t.name);
    }
  },
});

Deno.test({
  name: "download: the latest bundle, files named by service and env, handles whose top is go tool pprof's",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const before = d.received.length;
    const out = ok(
      await call(c, "profiles.download_latest_bundle", { service: "checkout", env: "prod", out_dir: "dl" }),
    );
    const r = out.result;
    assert.equal(r.profile_id, d.profiles[0].profile_id);
    assert.equal(r.event_id, "ev-1");
    assert.equal(r.timestamp, d.profiles[0].timestamp);
    assert.equal(r.version, "1.42.0");
    assert.equal(r.dd_site, "us3.datadoghq.com");
    assert.deepEqual(r.files.map((f: { type: string }) => f.type), ["cpu", "block", "heap", "mutex", "goroutines"]);
    assert.deepEqual(filesUnder(`${base}/dl`), [
      "checkout_prod_cpu.pprof",
      "checkout_prod_delta-block.pprof",
      "checkout_prod_delta-heap.pprof",
      "checkout_prod_delta-mutex.pprof",
      "checkout_prod_goroutines.pprof",
      "checkout_prod_metrics.json",
    ]);
    assert.equal(r.metrics_path, `${base}/dl/checkout_prod_metrics.json`);
    assert.deepEqual(r.warnings, []);
    assert.match(out.command, /^pprof-mcp download --service checkout --env prod --out \S+\/dl --hours 72$/);
    const list = d.received.slice(before).filter((x) => x.endpoint === "list");
    assert.equal(list.length, 1);
    assert.equal((list[0].body as { limit: number }).limit, 1);
    // The bundle's members are cpu_after (gzip), heap (zstd) and mutex (raw protobuf): go tool pprof's tops.
    const top = async (type: string) => {
      const h = r.files.find((f: { type: string }) => f.type === type).handle;
      return ok(await call(c, "pprof.top", { profile: h, ...ALL })).raw;
    };
    assert.equal(diffOutputs(await top("cpu"), refText("ref/cpu_after/top/stdout.txt")), undefined);
    assert.equal(diffOutputs(await top("heap"), refText("ref/heap/top/stdout.txt")), undefined);
    assert.equal(diffOutputs(await top("mutex"), refText("ref/mutex/top/stdout.txt")), undefined);
    assert.deepEqual(out.next_steps, [{
      tool: "pprof.top",
      arguments: { profile: r.files[0].handle },
      why: "the hottest functions of the cpu profile",
    }]);
    // A folder outside the base dir is refused before anything is fetched.
    const n = d.received.length;
    const outside = failure(
      await call(c, "profiles.download_latest_bundle", {
        service: "checkout",
        env: "prod",
        out_dir: "/tmp/elsewhere",
      }),
    );
    assert.equal(outside.code, "INVALID_ARGUMENT");
    assert.match(outside.message, /is outside base dir/);
    assert.equal(d.received.length, n);
  },
});

Deno.test({
  name: "download: by ids (both or neither), nested members, profiles.download's Datadog mode, Java recordings",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const half = failure(
      await call(c, "profiles.download_latest_bundle", {
        service: "checkout",
        env: "prod",
        out_dir: "ids",
        profile_id: "x",
      }),
    );
    assert.deepEqual(half, {
      message: "profile_id and event_id must be provided together",
      code: "INVALID_ARGUMENT",
      details: { field: "event_id", expected: "both profile_id and event_id, or neither" },
    });
    const p = d.profiles[2];
    const n = d.requests("list").length;
    const byId = ok(
      await call(c, "profiles.download", {
        service: "checkout",
        env: "prod",
        out_dir: "ids",
        profile_id: p.profile_id,
        event_id: p.event_id,
        dd_site: "datadoghq.eu",
        site: "us5.datadoghq.com",
      }),
    );
    assert.equal(d.requests("list").length, n, "no list call when the ids are given");
    assert.equal(byId.mode, "datadog");
    assert.match(byId.command, / --profile_id \S+ --event_id ev-3 --dd_site datadoghq.eu \(datadog mode\)$/);
    assert.equal(byId.result.dd_site, "datadoghq.eu", "dd_site wins over site");
    assert.equal(d.requests("download").at(-1)!.headers["x-pprof-mcp-dd-host"], "datadoghq.eu");
    assert.equal(byId.result.timestamp, "");
    assert.deepEqual(byId.result.warnings, ["timestamp unavailable; profile selected explicitly"]);
    assert.equal(byId.result.files.length, 5, "members of nested/dir/ are found");
    const noEnv = failure(await call(c, "profiles.download", { service: "checkout", out_dir: "ids" }));
    assert.equal(noEnv.message, "env parameter required for Datadog mode (not in d2 environment)");
    const java = ok(
      await call(c, "profiles.download_latest_bundle", { service: "orders", env: "prod", out_dir: "java" }),
    );
    assert.deepEqual(java.result.files, []);
    assert.equal(java.result.recordings.length, 1);
    assert.equal(java.result.recordings[0].type, "jfr");
    assert.equal(java.result.recordings[0].path, `${base}/java/orders_prod_main.jfr`);
    assert.match(java.result.recordings[0].note, /Java Flight Recording .* later version/);
    assert.match(java.result.warnings[0], /Java Flight Recording\(s\) kept/);
  },
});

Deno.test({
  name: "download faults: 429, 500 and a reset are retried to success; a truncated zip is an error, no file left",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const n = d.requests("download").length;
    d.fail("download", { status: 429, headers: { "Retry-After": "1" } }, { status: 500 }, { reset: true });
    const t0 = performance.now();
    const got = ok(
      await call(c, "profiles.download_latest_bundle", { service: "checkout", env: "prod", out_dir: "f1" }),
    );
    assert.ok(performance.now() - t0 >= 1000, "waited the Retry-After second");
    assert.equal(d.requests("download").length - n, 4);
    assert.equal(got.result.files.length, 5);
    d.fail("download", { truncate: true });
    const cut = failure(
      await call(c, "profiles.download_latest_bundle", { service: "checkout", env: "prod", out_dir: "f2" }),
    );
    assert.equal(cut.code, "INTERNAL");
    assert.match(cut.message, /^cannot read the bundle's zip: .*\(the download looks truncated or corrupt\)$/);
    assert.deepEqual(filesUnder(`${base}/f2`), []);
    d.fail("download", ...Array.from({ length: 5 }, () => ({ status: 503 })));
    const down = failure(
      await call(c, "profiles.download_latest_bundle", { service: "checkout", env: "prod", out_dir: "f3" }),
    );
    assert.match(down.message, /^datadog request failed: status 503: .* \(5 attempts to us3.datadoghq.com\)$/);
    assert.deepEqual(filesUnder(`${base}/f3`), []);
    const none = failure(
      await call(c, "profiles.download_latest_bundle", { service: "nobody", env: "prod", out_dir: "f4" }),
    );
    assert.match(none.message, /^no profiles found for service:nobody env:prod between /);
  },
});

Deno.test({
  name: "list: candidates newest first, relative times, errors for bad times, a hint when nothing is found",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const all = ok(await call(c, "datadog.profiles.list", { service: "checkout", env: "prod" })).result;
    assert.deepEqual(
      all.candidates.map((x: { event_id: string }) => x.event_id),
      d.profiles.slice(0, 12).map((p) => p.event_id),
    );
    assert.equal(all.limit, 50);
    assert.deepEqual(all.candidates[0].numeric_fields, { "cpu-samples": 5800, goroutines: 800, duration: 60e9 });
    assert.deepEqual(all.warnings, []);
    const recent = ok(await call(c, "datadog.profiles.list", { service: "checkout", env: "prod", from: "-5m" })).result;
    // ev-1…ev-5 are 0.5 to 4.5 minutes old when the file starts.
    assert.ok(recent.candidates.length >= 3 && recent.candidates.length <= 5, String(recent.candidates.length));
    assert.deepEqual(recent.warnings, ["to not provided; defaulted to now"]);
    const week = ok(
      await call(c, "datadog.profiles.list", { service: "checkout", env: "prod", from: "-1w", to: "now" }),
    );
    assert.equal(week.result.candidates.length, 12);
    const bad = failure(
      await call(c, "datadog.profiles.list", { service: "checkout", env: "prod", from: "last tuesday" }),
    );
    assert.equal(bad.code, "INVALID_ARGUMENT");
    assert.match(bad.message, /^invalid from "last tuesday": expected RFC 3339/);
    const empty = ok(await call(c, "datadog.profiles.list", { service: "chekout", env: "prod", host: "*usw2a*" }));
    assert.deepEqual(empty.result.candidates, []);
    assert.equal(empty.result.host, "*usw2a*");
    assert.equal(empty.searched_service, "chekout");
    assert.match(empty.hint, /datadog\.services\.search/);
    assert.equal(
      (d.requests("list").at(-1)!.body as { filter: { query: string } }).filter.query,
      "service:chekout env:prod host:*usw2a*",
    );
  },
});

Deno.test({
  name: "pick: every strategy; oldest reads every page of the window; errors for missing arguments",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const pick = async (args: Record<string, unknown>) =>
      ok(await call(c, "datadog.profiles.pick", { service: "checkout", env: "prod", ...args })).result;
    assert.deepEqual([(await pick({})).candidate.event_id, (await pick({})).reason], ["ev-1", "latest"]);
    const n = d.requests("list").length;
    const oldest = await pick({ strategy: "oldest", limit: 2 });
    assert.deepEqual([oldest.candidate.event_id, oldest.reason], ["ev-12", "oldest"]);
    assert.equal(d.requests("list").length - n, 1, "one page of 500 holds the window");
    const target = d.profiles[4].timestamp;
    const closest = await pick({ strategy: "closest_to_ts", target_ts: target, limit: 2 });
    assert.deepEqual([closest.candidate.event_id, closest.reason], ["ev-5", `closest_to_ts=${target}`]);
    assert.equal((await pick({ strategy: "manual_index", index: 3 })).candidate.event_id, "ev-4");
    assert.equal((await pick({ strategy: "latest", index: 2 })).reason, "manual_index=2");
    const anomaly = await pick({ strategy: "anomaly" });
    assert.deepEqual([anomaly.candidate.event_id, anomaly.reason], ["ev-6", anomaly.reason]);
    assert.match(anomaly.reason, /^anomaly: \d+\.\d stddev on cpu-samples$/);
    const most = await pick({ strategy: "most_samples" });
    assert.equal(most.candidate.event_id, "ev-1", "duration (ns) outweighs every sample count, as in the original");
    const missing = failure(
      await call(c, "datadog.profiles.pick", { service: "checkout", env: "prod", strategy: "closest_to_ts" }),
    );
    assert.equal(missing.message, 'missing required argument "target_ts"');
    const range = failure(await call(c, "datadog.profiles.pick", { service: "checkout", env: "prod", index: 99 }));
    assert.equal(range.message, "manual index 99 out of range (12 profiles)");
    const none = failure(await call(c, "datadog.profiles.pick", { service: "nobody", env: "prod" }));
    assert.equal(none.message, "no profiles found");
  },
});

Deno.test({
  name: "aggregate: merged on our engine, its top is go tool pprof's top of the merge, and pprof.merge's",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const out = ok(
      await call(c, "datadog.profiles.aggregate", {
        service: "checkout",
        env: "prod",
        window: "1h",
        limit: 2,
        out_dir: "agg",
      }),
    );
    const r = out.result;
    assert.equal(r.profiles_merged, 2);
    assert.equal(r.profile_type, "cpu");
    assert.match(r.path, new RegExp(`^${base}/agg/profile-1/merged_cpu_\\d+\\.pprof$`));
    // go tool pprof -top of cpu + cpu_after merged (fixtures/ref_extra/cpu_merged): Duration 25.33s.
    assert.equal(r.total_duration, "25.3s");
    assert.match(r.hint, new RegExp(`pprof\\.top with profile="${r.handle}"`));
    assert.deepEqual(out.next_steps[0].arguments, { profile: r.handle });
    const top = ok(await call(c, "pprof.top", { profile: r.handle, ...ALL })).raw;
    assert.equal(diffOutputs(top, refText("ref_extra/cpu_merged/top/stdout.txt")), undefined);
    const members = ["profile-1/checkout_prod_cpu.pprof", "profile-2/checkout_prod_cpu.pprof"].map((f) => `agg/${f}`);
    const merged = ok(await call(c, "pprof.merge", { profiles: members, output_path: "agg/by_merge.pb.gz" }));
    assert.equal(ok(await call(c, "pprof.top", { profile: merged.handle, ...ALL })).raw, top);
    // One failing download of three: a warning, the other two merged.
    d.fail("download", ...Array.from({ length: 5 }, () => ({ status: 500 })));
    const partial = ok(
      await call(c, "datadog.profiles.aggregate", {
        service: "checkout",
        env: "prod",
        window: "1h",
        limit: 3,
        profile_type: "heap",
      }),
    ).result;
    assert.equal(partial.profiles_merged, 2);
    assert.match(partial.warnings[0], /^download failed for profile prof-0001-.*: datadog request failed: status 500/);
    assert.ok(partial.path.startsWith(`${base}/pprof-aggregate-`), "temporary folders stay inside the base dir");
    const bad = failure(
      await call(c, "datadog.profiles.aggregate", { service: "checkout", env: "prod", window: "-1h" }),
    );
    assert.equal(bad.message, 'window must be positive, not "-1h"');
    const none = failure(await call(c, "datadog.profiles.aggregate", { service: "nobody", env: "prod", window: "1h" }));
    assert.match(none.message, /^no profiles found in the requested window/);
  },
});

Deno.test({
  name: "compare_range: the diff of the two files is go tool pprof -base's, top_changes from its rows",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const out = ok(
      await call(c, "datadog.profiles.compare_range", {
        service: "checkout",
        env: "prod",
        before_from: "-15m",
        before_to: "-6m",
        after_from: "-5m",
        out_dir: "cmp",
        ...ALL,
      }),
    );
    const r = out.result;
    assert.equal(r.before_profile.profile_id, d.profiles[11].profile_id, "the oldest of the before range");
    assert.equal(r.after_profile.profile_id, d.profiles[0].profile_id, "the latest of the after range");
    assert.equal(r.before_profile.file_path, `${base}/cmp/before/checkout_prod_cpu.pprof`);
    assert.deepEqual([r.before_profile.profiles, r.after_profile.profiles], [1, 1]);
    // before holds cpu, after cpu_after: go tool pprof -top -nodecount=20 -base=cpu cpu_after.
    const ref = refText("ref_datadog/cpu_after/top_n20_base_cpu/stdout.txt");
    assert.equal(diffOutputs(r.diff, ref), undefined);
    const rows = topRows(ref).slice(0, 10);
    assert.deepEqual(
      r.top_changes.map((
        x: { function: string; change: string; severity: string },
      ) => [x.function, x.change, x.severity]),
      rows.map((x) => [
        x.name.replace(/ \(inline\)$/, ""),
        x.flat.startsWith("-") ? x.flat : `+${x.flat}`,
        x.flat.startsWith("-") ? "decrease" : "increase",
      ]),
    );
    // Both sides' flat values: go tool pprof -top of each file.
    const malloc = r.top_changes[0];
    assert.equal(malloc.function, "runtime.mallocgc");
    assert.equal(malloc.before_flat, topRows(refText("ref/cpu/top/stdout.txt"))[0].flat);
    assert.equal(malloc.after_flat, topRows(refText("ref/cpu_after/top/stdout.txt"))[0].flat);
    assert.match(
      out.formatted,
      /^Profile comparison: checkout \(prod\), cpu, single\n={60}\n\nBefore:\n {2}Timestamp: /,
    );
    assert.match(out.formatted, /\nTop Changes:\n {2}- -0\.42s \(1\.48s -> 1\.06s\): runtime\.mallocgc\n/);
    // The before side's handle is the before file.
    const beforeTop = ok(await call(c, "pprof.top", { profile: r.before_profile.handle, ...ALL })).raw;
    assert.equal(diffOutputs(beforeTop, refText("ref/cpu/top/stdout.txt")), undefined);
    const nothing = failure(
      await call(c, "datadog.profiles.compare_range", {
        service: "checkout",
        env: "prod",
        before_from: "-30d",
        before_to: "-29d",
        after_from: "-5m",
      }),
    );
    assert.match(nothing.message, /^failed to pick before profile: no profiles found/);
  },
});

Deno.test({
  name: "compare_range aggregate: several profiles a side, the before side scaled to the after side's duration",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const r = ok(
      await call(c, "datadog.profiles.compare_range", {
        service: "checkout",
        env: "prod",
        before_from: "-15m",
        before_to: "-6m",
        after_from: "-5m",
        mode: "aggregate",
        max_profiles: 4,
      }),
    ).result;
    assert.equal(r.mode, "aggregate");
    // before: ev-7…ev-10 (4 copies of cpu); after: ev-1…ev-4 (cpu_after and 3 of cpu).
    assert.deepEqual([r.before_profile.profiles, r.after_profile.profiles], [4, 4]);
    assert.deepEqual([r.before_profile.duration, r.after_profile.duration], ["53.722s", "52.19s"]);
    assert.match(r.warnings.at(-1), /the before side \(4 profiles, 53\.722s\) is scaled by 0\.97\d to the after side/);
    // After = 3 cpu + 1 cpu_after; before = 4 cpu scaled to the after duration: mallocgc fell by about cpu − cpu_after.
    const malloc = r.top_changes.find((x: { function: string }) => x.function === "runtime.mallocgc");
    assert.equal(malloc.severity, "decrease");
    assert.ok(r.before_profile.file_path.includes("/before/merged_cpu_4.pprof"));
    const top = ok(await call(c, "pprof.top", { profile: r.after_profile.handle, max_lines: 8 })).rows;
    assert.equal(top[0].name, "runtime.mallocgc");
  },
});

Deno.test({
  name: "near_event: the closest profile on each side, each side listed apart, the gap",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const event = new Date(Date.parse(d.profiles[5].timestamp) + 10_000).toISOString();
    const out = ok(
      await call(c, "datadog.profiles.near_event", {
        service: "checkout",
        env: "prod",
        event_time: event,
        limit: 3,
      }),
    );
    const r = out.result;
    const ids = (cs: { event_id: string }[]) => cs.map((x) => x.event_id);
    assert.deepEqual(ids(r.before_event), ["ev-6", "ev-7", "ev-8"]);
    assert.deepEqual(ids(r.after_event), ["ev-5", "ev-4", "ev-3"]);
    assert.equal(r.closest_before.event_id, "ev-6");
    assert.equal(r.closest_after.event_id, "ev-5");
    assert.equal(r.gap_duration, "1m0s");
    assert.deepEqual(r.warnings, []);
    assert.match(out.formatted, /Event time: .* ±1h\n={60}\n/);
    assert.match(out.formatted, /\nTotal: 3 before, 3 after\n/);
    const gap = ok(
      await call(c, "datadog.profiles.near_event", {
        service: "gappy",
        env: "prod",
        event_time: new Date(now - 20 * MIN).toISOString(),
      }),
    ).result;
    assert.equal(gap.gap_duration, "20m0s");
    assert.match(gap.warnings[0], /large gap \(20m0s\) .* down or restarting/);
    const alone = ok(
      await call(c, "datadog.profiles.near_event", {
        service: "checkout",
        env: "prod",
        event_time: new Date(now + 30 * MIN).toISOString(),
        window: "20m",
      }),
    ).result;
    assert.deepEqual([alone.closest_after, alone.gap_duration], [null, ""]);
    const bad = failure(
      await call(c, "datadog.profiles.near_event", { service: "checkout", env: "prod", event_time: "x" }),
    );
    assert.match(bad.message, /^invalid event_time "x"/);
  },
});

Deno.test({
  name: "function_history: a regexp measured in each profile, as go tool pprof -top reports it; aggregate mode",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const goRow = (ref: string, name: string) => topRows(refText(ref)).find((x) => x.name === name)!;
    const cpu = goRow("ref/cpu/top/stdout.txt", "runtime.mallocgc");
    const after = goRow("ref/cpu_after/top/stdout.txt", "runtime.mallocgc");
    const out = ok(
      await call(c, "datadog.function_history", {
        service: "checkout",
        env: "prod",
        function: "runtime\\.mallocgc$",
        limit: 3,
      }),
    );
    const r = out.result;
    assert.deepEqual(r.entries.map((e: { event_id: string }) => e.event_id), ["ev-1", "ev-2", "ev-3"]);
    const e = r.entries.map((
      x: { flat_value: string; flat_percent: number; cum_value: string; cum_percent: number },
    ) => [x.flat_value, `${x.flat_percent}%`, x.cum_value, `${x.cum_percent}%`]);
    assert.deepEqual(e, [
      [after.flat, after.flatPct, after.cum, after.cumPct],
      [cpu.flat, cpu.flatPct, cpu.cum, cpu.cumPct],
      [cpu.flat, cpu.flatPct, cpu.cum, cpu.cumPct],
    ]);
    const { avg_flat_percent: avg, ...summary } = r.summary;
    assert.deepEqual(summary, {
      total_profiles: 3,
      found_in_profiles: 3,
      max_flat_percent: 5.92,
      min_flat_percent: 4.86,
    });
    assert.ok(Math.abs(avg - (5.92 * 2 + 4.86) / 3) < 1e-9);
    assert.match(out.table, /^Function: runtime\\\.mallocgc\$\nService: checkout, Env: prod\nTime range: /);
    assert.match(out.table, /\n {2}0 {2}\S+\s+ 4\.86% {4}24\.56% {2}yes\n/);
    assert.match(out.table, /\nSummary: Found in 3\/3 profiles\nFlat%: max 5\.92%, min 4\.86%, avg 5\.57%\n/);
    // aggregate: ev-1 + ev-2 merged (go tool pprof's top of that merge), then ev-3 + ev-4 (cpu twice).
    const agg = ok(
      await call(c, "datadog.function_history", {
        service: "checkout",
        env: "prod",
        function: "runtime\\.mallocgc$",
        limit: 4,
        mode: "aggregate",
        per_entry: 2,
      }),
    ).result;
    const merged = goRow("ref_extra/cpu_merged/top/stdout.txt", "runtime.mallocgc");
    assert.deepEqual(
      agg.entries.map((x: { profiles: number; flat_percent: number }) => [x.profiles, `${x.flat_percent}%`]),
      [[2, merged.flatPct], [2, cpu.flatPct]],
    );
    assert.equal(agg.entries[1].flat_value, cpu.flat, "values are per profile: two copies of cpu give cpu's");
    // A bundle that is no zip is a warning and an entry not found; a name matching nothing is found nowhere.
    const broken = {
      ...d.profiles[0],
      event_id: "broken",
      timestamp: new Date(Date.now() - 3000).toISOString(),
      zip: new Uint8Array(9),
    };
    d.profiles.unshift(broken);
    let miss;
    try {
      miss = ok(
        await call(c, "datadog.function_history", {
          service: "checkout",
          env: "prod",
          function: "NoSuchFunction",
          limit: 3,
        }),
      ).result;
    } finally {
      d.profiles.shift();
    }
    assert.equal(miss.summary.found_in_profiles, 0);
    assert.deepEqual(miss.entries.map((e: { found: boolean }) => e.found), [false, false, false]);
    assert.deepEqual(miss.warnings, [
      `failed to download profile ${broken.profile_id}: the bundle is not a zip (it starts like other data)`,
    ]);
    const none = ok(await call(c, "datadog.function_history", { service: "nobody", env: "prod", function: "x" }));
    assert.deepEqual([none.result.entries, none.result.warnings], [[], ["no profiles found in time range"]]);
    const empty = failure(
      await call(c, "datadog.function_history", { service: "checkout", env: "prod", function: " " }),
    );
    assert.equal(empty.message, "function pattern is required");
  },
});

Deno.test({
  name: "services.search: fuzzy matches of recent services, cached per site and env prefix",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const n = d.requests("list").length;
    const first = ok(await call(c, "datadog.services.search", { query: "temporal worker", env: "prod" })).result;
    assert.deepEqual(first.matches, [{
      service: "temporal_worker",
      environments: ["prod-usw2"],
      score: 0.85,
      match_type: "normalized",
    }]);
    assert.deepEqual([first.cached, first.cached_at], [false, ""]);
    const body = d.requests("list").at(-1)!.body as {
      filter: { query: string; from: string; to: string };
      limit: number;
    };
    assert.equal(body.filter.query, "env:prod*");
    assert.equal(body.limit, 500);
    assert.equal(Date.parse(body.filter.to) - Date.parse(body.filter.from), 15 * MIN);
    const again = ok(await call(c, "datadog.services.search", { query: "temporal", env: "prod" })).result;
    assert.equal(again.cached, true);
    assert.notEqual(again.cached_at, "");
    assert.equal(d.requests("list").length - n, 1);
    // Without env, a list of every env is fetched (the original reused the prod-filtered one).
    const every = ok(await call(c, "datadog.services.search", { query: "temporal" })).result;
    assert.equal(every.cached, false);
    assert.deepEqual(every.matches.map((m: { service: string }) => m.service), [
      "temporal-scheduler",
      "temporal_worker",
    ]);
    const fresh = ok(await call(c, "datadog.services.search", { query: "temporal", env: "prod", refresh: true }));
    assert.equal(fresh.result.cached, false);
    const nomatch = await call(c, "datadog.services.search", { query: "zzzzzz" });
    assert.deepEqual(ok(nomatch).result.matches, []);
    assert.match(nomatch.content[0].text, /^no services found matching "zzzzzz"/);
  },
});

Deno.test({
  name: "metrics: discovery in priority order, values around a moment with a summary; failures are warnings",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    d.metricNames = [
      "checkout.requests.count",
      "container.memory.rss",
      "go.goroutines",
      "go.memstats.heap_inuse_bytes",
      "kubernetes.cpu.usage.total",
    ];
    const n = d.requests("search").length;
    d.fail("search", { status: 500 });
    const disc = ok(await call(c, "datadog.metrics.discover", { service: "checkout", query: "requests" }));
    // go.memstats.heap_inuse_bytes is missing: only the failed go.memstats search finds it.
    assert.deepEqual(disc.result.metrics, [
      { name: "go.goroutines", type: "gauge" },
      { name: "container.memory.rss", type: "gauge" },
      { name: "kubernetes.cpu.usage.total" },
      { name: "checkout.requests.count", type: "count" },
    ]);
    assert.equal(d.requests("search").length - n, 16);
    assert.deepEqual(disc.result.warnings, ['search for "go.memstats" failed: metrics search failed: status 500']);
    assert.match(disc.table, /^METRIC NAME {51}TYPE\n-{70}\ngo\.goroutines {49}gauge\n/);
    const t = Date.parse("2026-01-07T10:00:00Z");
    d.series["go.goroutines"] = { points: [[t - 60_000, 800], [t, 812]], tags: ["service:checkout", "env:prod"] };
    d.series["container.memory.rss"] = { points: [[t, 300 * 1048576]], unit: "byte" };
    d.fail("query", { status: 500 });
    const at = ok(
      await call(c, "datadog.metrics_at_timestamp", {
        service: "checkout",
        env: "prod",
        timestamp: "2026-01-07T10:00:00Z",
        window: "10m",
        metrics: ["go.memstats.gc_pause_ns", "go.goroutines", "container.memory.rss", "nothing.here"],
        site: "datadoghq.eu",
        dd_site: "us5.datadoghq.com",
      }),
    ).result;
    assert.equal(at.dd_site, "datadoghq.eu", "site wins over dd_site here");
    assert.equal(d.requests("query").at(-1)!.headers["x-pprof-mcp-dd-host"], "api.datadoghq.eu");
    assert.deepEqual([at.center_time, at.from_time, at.to_time], [
      "2026-01-07T10:00:00Z",
      "2026-01-07T09:50:00Z",
      "2026-01-07T10:10:00Z",
    ]);
    assert.deepEqual(at.metrics.map((m: { name: string; last_value: number }) => [m.name, m.last_value]), [
      ["container.memory.rss", 300 * 1048576],
      ["go.goroutines", 812],
    ]);
    assert.deepEqual(at.summary, { container_rss_mb: 300, go_goroutines: 812 });
    assert.deepEqual(at.warnings, ["query for go.memstats.gc_pause_ns failed: query failed: status 500"]);
    assert.equal(
      d.requests("query").at(-1)!.query.query,
      "nothing.here{service:checkout,env:prod}",
    );
    const bad = failure(
      await call(c, "datadog.metrics_at_timestamp", { service: "checkout", timestamp: "2025-01-15" }),
    );
    assert.match(bad.message, /^invalid timestamp: unrecognized timestamp format/);
  },
});

Deno.test({
  name: "faults in every tool: retried to an answer, a warning, or a clear error; no partial file; next steps",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    const svc = { service: "checkout", env: "prod" };
    d.fail("list", { status: 500 });
    const list = ok(await call(c, "datadog.profiles.list", { ...svc, limit: 1 }));
    assert.deepEqual(list.next_steps[0].arguments, {
      ...svc,
      out_dir: "profiles",
      profile_id: d.profiles[0].profile_id,
      event_id: "ev-1",
    });
    d.fail("list", { reset: true });
    assert.equal(ok(await call(c, "datadog.profiles.pick", svc)).result.candidate.event_id, "ev-1");
    d.fail("list", { status: 429, headers: { "Retry-After": "0" } }, { delayMs: 1500 });
    const near = ok(await call(c, "datadog.profiles.near_event", { ...svc, event_time: d.profiles[3].timestamp }));
    assert.equal(near.result.closest_after.event_id, "ev-4");
    assert.equal(near.next_steps[0].tool, "datadog.profiles.compare_range");
    d.fail("download", { truncate: true });
    const cmp = failure(
      await call(c, "datadog.profiles.compare_range", {
        ...svc,
        before_from: "-15m",
        before_to: "-6m",
        after_from: "-5m",
        out_dir: "cmpfault",
      }),
    );
    assert.match(cmp.message, /^failed to download before profile: cannot read the bundle's zip: /);
    assert.deepEqual(filesUnder(`${base}/cmpfault`), []);
    const both = ok(
      await call(c, "datadog.profiles.compare_range", {
        ...svc,
        before_from: "-15m",
        before_to: "-6m",
        after_from: "-5m",
      }),
    );
    assert.deepEqual(both.next_steps.map((x: { tool: string }) => x.tool), ["pprof.diff_top", "pprof.top"]);
    const diff = ok(await call(c, "pprof.diff_top", both.next_steps[0].arguments));
    assert.equal(diff.largest_decrease.name, "runtime.mallocgc");
    d.fail("download", { reset: true });
    assert.equal(
      ok(await call(c, "datadog.profiles.aggregate", { ...svc, window: "1h", limit: 2 })).result.profiles_merged,
      2,
    );
    d.fail("download", { status: 503 });
    const hist = ok(await call(c, "datadog.function_history", { ...svc, function: "mallocgc", limit: 1 })).result;
    assert.deepEqual([hist.summary.found_in_profiles, hist.warnings], [1, []]);
    d.fail("list", { malformed: true });
    const search = failure(await call(c, "datadog.services.search", { query: "x", refresh: true }));
    assert.match(search.message, /^unexpected Datadog response from the profiles list: not JSON/);
    d.fail("search", { reset: true });
    const disc = ok(await call(c, "datadog.metrics.discover", svc)).result;
    assert.deepEqual(disc.warnings, [
      'search for "go.memstats" failed: request to api.us3.datadoghq.com failed: connection reset',
    ]);
    d.series["go.goroutines"] = { points: [[Date.now(), 5]] };
    d.fail("query", { delayMs: 2500 });
    const at = ok(await call(c, "datadog.metrics_at_timestamp", { service: "checkout", metrics: ["go.goroutines"] }));
    assert.deepEqual(at.result.warnings, [
      "query for go.goroutines failed: request to api.us3.datadoghq.com failed: timed out after 2s",
    ]);
  },
});

Deno.test({
  name: "default answers stay under 100 KB with hundreds of profiles and metrics",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    d.profiles.push(...profilesOf(600, { service: "busy", nowMs: now, stepMs: 5_000, idPrefix: "busy" }));
    d.metricNames = Array.from({ length: 800 }, (_, i) => `busy.custom.metric_with_a_long_name_${i}`);
    const args = { service: "busy", env: "prod" };
    for (
      const [name, a] of [
        ["datadog.profiles.list", args],
        ["datadog.profiles.pick", { ...args, strategy: "oldest" }],
        ["datadog.profiles.near_event", { ...args, event_time: new Date(now - 20 * MIN).toISOString() }],
        ["datadog.function_history", { ...args, function: "." }],
        ["datadog.services.search", { query: "b", refresh: true }],
        ["datadog.metrics.discover", args],
        ["datadog.profiles.aggregate", { ...args, window: "1h" }],
      ] as const
    ) {
      const r = await call(c, name, a);
      ok(r);
    }
    const disc = ok(await call(c, "datadog.metrics.discover", args));
    assert.equal(disc.table_meta.truncated, true);
    assert.ok(disc.result.metrics.length < 800 && disc.result.metrics.length > 100, String(disc.result.metrics.length));
  },
});

Deno.test({
  name: "aggregate and function_history: progress notifications, and a cancel stops the downloads (no merged file)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const s = new RawServer({ env });
    try {
      await s.initialize();
      // Uncanceled, each call would finish well within the waits below, so the counts show the cancel.
      d.downloadDelayMs = 100;
      const n = d.requests("download").length;
      const id = await s.request("tools/call", {
        name: "datadog.profiles.aggregate",
        arguments: { service: "checkout", env: "prod", window: "1h", limit: 8, out_dir: "canceled" },
        _meta: { progressToken: "agg" },
      });
      await s.waitFor((m) => m.method === "notifications/progress" && m.params.progressToken === "agg");
      await s.send({ method: "notifications/cancelled", params: { requestId: id, reason: "test" } });
      // The server keeps serving; the canceled call answers CANCELED or not at all.
      const list = await s.response(
        await s.request("tools/call", {
          name: "datadog.profiles.list",
          arguments: { service: "checkout", env: "prod", limit: 1 },
        }),
      );
      assert.equal(list.result.isError, false);
      await new Promise((r) => setTimeout(r, 1500));
      const downloads = d.requests("download").length - n;
      assert.ok(downloads < 8, `the canceled aggregate went on to ${downloads} downloads`);
      const answers = s.received.filter((m) => m.id === id);
      assert.ok(
        answers.length === 0 || answers[0].result?.structuredContent?.error?.code === "CANCELED",
        JSON.stringify(answers),
      );
      assert.ok(!filesUnder(`${base}/canceled`).some((f) => f.includes("merged_")));
      const progress = s.received.filter((m) =>
        m.method === "notifications/progress" && m.params.progressToken === "agg"
      );
      assert.deepEqual(progress[0].params.total, 9);
      // function_history's three downloads at a time stop too.
      const m = d.requests("download").length;
      const hid = await s.request("tools/call", {
        name: "datadog.function_history",
        arguments: { service: "checkout", env: "prod", function: "mallocgc", limit: 12 },
        _meta: { progressToken: "hist" },
      });
      await s.waitFor((x) => x.method === "notifications/progress" && x.params.progressToken === "hist");
      await s.send({ method: "notifications/cancelled", params: { requestId: hid, reason: "test" } });
      await new Promise((r) => setTimeout(r, 1000));
      const histDownloads = d.requests("download").length - m;
      assert.ok(histDownloads < 12, `the canceled history went on to ${histDownloads} downloads`);
    } finally {
      d.downloadDelayMs = 0;
      await s.close();
    }
  },
});

Deno.test({
  name: "servers with other environments: no keys, wrong keys, DD_SITE, d2 mode, the incident folder",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const list = { service: "checkout", env: "prod" };
    {
      const { DD_API_KEY: _a, DD_APP_KEY: _b, ...noKeys } = env;
      const c = await startServer({ env: noKeys });
      try {
        const n = d.received.length;
        const e = failure(await call(c, "datadog.profiles.list", list));
        assert.equal(e.message, "missing DD_API_KEY or DD_APP_KEY");
        const m = failure(await call(c, "datadog.metrics_at_timestamp", { service: "checkout", timestamp: "bad" }));
        assert.match(m.message, /^invalid timestamp/, "the timestamp is checked before the keys");
        assert.equal(d.received.length, n, "nothing was sent");
      } finally {
        await c.close();
      }
    }
    {
      const c = await startServer({ env: { ...env, DD_APP_KEY: "wrong", DD_SITE: "datadoghq.eu" } });
      try {
        const e = failure(await call(c, "datadog.profiles.list", list));
        assert.equal(e.code, "INTERNAL");
        assert.equal(e.message, 'datadog list failed: status 403: {"errors":["Forbidden"]}');
        assert.equal(d.requests("list").at(-1)!.headers["x-pprof-mcp-dd-host"], "datadoghq.eu");
      } finally {
        await c.close();
      }
    }
    {
      const home = `${base}/home`;
      await Deno.mkdir(`${home}/.c1-ops`, { recursive: true });
      await Deno.writeTextFile(
        `${home}/.c1-ops/incident-context.json`,
        JSON.stringify({ id: "INC-503", description: "checkout slow", base_dir: `${base}/incident` }),
      );
      // Deno's cache stays where it is (it is found through HOME otherwise).
      const denoDir = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;
      const c = await startServer({ env: { ...env, HOME: home, DENO_DIR: denoDir, d2: "TRUE" } });
      try {
        // d2 mode routes profiles.download to the dev-cluster download (tests/local_d2_test.ts runs it with a fake
        // kubectl); this server has no kubectl permission, and the message says so.
        const e = failure(await call(c, "profiles.download", { ...list, out_dir: "x" }));
        assert.match(e.message, /^d2 download failed: .*kubectl/);
        const out = ok(await call(c, "profiles.download_latest_bundle", { ...list, out_dir: "" }));
        assert.equal(out.incident_id, "INC-503");
        assert.equal(out.result.files[0].path, `${base}/incident/profiles/checkout_prod_cpu.pprof`);
        await Deno.writeTextFile(
          `${home}/.c1-ops/incident-context.json`,
          JSON.stringify({ id: "I", base_dir: "/etc" }),
        );
        const outside = failure(await call(c, "profiles.download_latest_bundle", { ...list, out_dir: "" }));
        assert.match(outside.message, /is outside base dir/);
        await Deno.remove(`${home}/.c1-ops/incident-context.json`);
        const none = failure(await call(c, "profiles.download_latest_bundle", { ...list, out_dir: "" }));
        assert.equal(none.message, "out_dir is required (no incident context active)");
      } finally {
        await c.close();
      }
    }
  },
});

Deno.test({
  name: "datadog end to end: the double saw only well-formed requests (cleanup)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await shared?.close();
    assert.deepEqual(d.violations, []);
    assert.ok(d.received.every((r) => r.endpoint === "other" || r.headers["dd-api-key"] !== undefined));
    assert.ok(d.received.some((r) => r.headers["dd-api-key"] === KEYS.DD_API_KEY));
    await d.stop();
    await Deno.remove(base, { recursive: true });
  },
});
