/**
 * The workflow tools end to end: pprof.hotspot_summary and pprof.cross_correlate over bundles of real profiles
 * (numbers from go tool pprof's references in fixtures/ref_workflows and ref_analysis), pprof.discover over a
 * bundle served by the Datadog test double that plants a CPU regression, a goroutine leak, lock contention and a
 * growing heap, and pprof.generate_report of its result against a golden Markdown file.
 *
 * Set UPDATE_GOLDEN=1 to rewrite the golden report after a deliberate change.
 */
import a from "node:assert/strict";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES } from "./golden.ts";
import { startServer } from "./mcp_client.ts";
import { DatadogDouble, doubleEnv, profilesOf } from "./support/datadog_double.ts";
import { PLANTED_REPORT, plantedBundle } from "./support/planted_bundle.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** The rows of a go tool pprof -top reference: flat%, cum% and name. */
function refRows(view: string): { flat: number; cum: number; name: string; flatPct: string; cumText: string }[] {
  const text = Deno.readTextFileSync(join(FIXTURES, view, "stdout.txt"));
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^\s*flat\s+flat%/.test(l));
  return lines.slice(start + 1).filter((l) => l.trim() !== "").map((l) => {
    const f = l.trim().split(/\s+/);
    const name = f.slice(5).join(" ");
    return {
      flat: Number(f[1].replace("%", "")),
      cum: Number(f[4].replace("%", "")),
      name,
      flatPct: f[1],
      cumText: f[3],
    };
  });
}

const refRow = (view: string, name: string) => {
  const r = refRows(view).find((x) => x.name === name);
  if (!r) throw new Error(`${view}: no row ${name}`);
  return r;
};

const bare = (name: string) => name.replace(/ \((?:partial-)?inline\)$/, "");

/** A folder holding fixture profiles under Datadog bundle names. */
async function bundleDir(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "wf-bundle-" });
  for (const [member, fixture] of Object.entries(files)) {
    await Deno.copyFile(join(FIXTURES, fixture), join(dir, `checkout_prod_${member}`));
  }
  return dir;
}

const HOTMIX = {
  "cpu.pprof": "profiles_analysis/hotmix_cpu.pb.gz",
  "delta-heap.pprof": "profiles_analysis/hotmix_heap.pb.gz",
  "delta-mutex.pprof": "profiles_analysis/hotmix_mutex.pb.gz",
  "goroutines.pprof": "profiles_analysis/memzoo_goroutine.pb.gz",
};

const registry = createRegistry();
const ajv = new Ajv({ strict: false });
const validators = new Map(registry.list("default").map((t) => [t.name, ajv.compile(t.outputSchema)]));

async function call(name: string, args: unknown, handles = new HandleRegistry()): Promise<Json> {
  const r = await registry.call(name, args, "default", {
    signal: new AbortController().signal,
    progress: async () => {},
    sandbox: new Sandbox(undefined, handles),
    handles,
  });
  a.equal(r.isError, false, r.content[0].text);
  const validate = validators.get(name)!;
  a.ok(validate(r.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
  return r.structuredContent as Json;
}

Deno.test("hotspot_summary: each profile's top rows as go tool pprof prints them, and the goroutine count", async () => {
  const dir = await bundleDir(HOTMIX);
  try {
    const r = (await call("pprof.hotspot_summary", { bundle: dir })).result;
    const want = (view: string) => refRows(view).filter((x) => x.flat !== 0).map((x) => [x.name, x.flat]);
    a.deepEqual(r.cpu_top5.map((x: Json) => [x.function, x.flat_pct]), want("ref_workflows/hotmix_cpu/top_n5"));
    a.deepEqual(r.heap_top5.map((x: Json) => [x.function, x.alloc_pct]), want("ref_workflows/hotmix_heap/top_n5"));
    a.deepEqual(r.mutex_top5.map((x: Json) => [x.function, x.delay_pct]), want("ref_workflows/hotmix_mutex/top_n5"));
    // "Showing nodes accounting for 12000, 100% of 12001 total".
    a.equal(r.goroutine_count, 12001);
    a.deepEqual(r.warnings, []);
    // Without a heap profile: the list is there, empty, and a warning says why.
    await Deno.remove(join(dir, "checkout_prod_delta-heap.pprof"));
    const missing = (await call("pprof.hotspot_summary", { bundle: dir })).result;
    a.deepEqual(missing.heap_top5, []);
    a.deepEqual(missing.warnings, ["heap profile missing from bundle"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cross_correlate: functions hot in CPU and allocations, scored by their ranks in pprof's tables", async () => {
  const dir = await bundleDir(HOTMIX);
  try {
    const handles = new HandleRegistry();
    const files = [...Deno.readDirSync(dir)].map((e) => join(dir, e.name)).sort();
    const entries = files.map((path) => ({ handle: handles.register({ path }).id, bytes: 1 }));
    // A folder, the files entries of a download, and one handle of it (its siblings) are the same bundle.
    const byDir = (await call("pprof.cross_correlate", { bundle: dir }, handles)).result;
    const byEntries = (await call("pprof.cross_correlate", { bundle: entries }, handles)).result;
    const byOne = (await call("pprof.cross_correlate", { bundle: entries[0].handle }, handles)).result;
    const byHandles = (await call("pprof.cross_correlate", { bundle: entries.map((e) => e.handle) }, handles)).result;
    a.deepEqual(byEntries, byDir);
    a.deepEqual(byHandles, byDir);
    a.deepEqual(byOne, byDir);
    const ranked = (view: string) =>
      refRows(view).map((x, i) => ({ ...x, name: bare(x.name), rank: i + 1 })).filter((x) => x.flat !== 0);
    const cpu = ranked("ref_workflows/hotmix_cpu/top_n20"), heap = ranked("ref_workflows/hotmix_heap/top_n20");
    const mutex = ranked("ref_workflows/hotmix_mutex/top_n20");
    const max = (l: { rank: number }[]) => Math.max(...l.map((x) => x.rank));
    const score = (l: typeof cpu, r: number) => (max(l) - r + 1) / max(l);
    const want = cpu.filter((c) => heap.some((h) => h.name === c.name)).map((c) => {
      const h = heap.find((x) => x.name === c.name)!;
      return {
        function: c.name,
        combined_score: Math.round((score(cpu, c.rank) + score(heap, h.rank)) / 2 * 1000) / 1000,
        cpu: { flat_pct: c.flat, rank: c.rank },
        heap: { alloc_pct: h.flat, rank: h.rank },
      };
    }).sort((x, y) => y.combined_score - x.combined_score);
    a.deepEqual(want.map((x) => x.function).sort(), ["main.(*encoder).encode", "main.(*tokenizer).split"]);
    a.deepEqual(byDir.correlations.map(({ insight: _, ...x }: Json) => x), want);
    a.match(byDir.correlations[0].insight, /CPU and allocations/);
    a.ok(byDir.cpu_only_hotspots.some((x: Json) => x.function === "main.checksum"));
    a.ok(byDir.heap_only_hotspots.some((x: Json) => x.function === "main.newCacheEntry"));
    a.deepEqual(byDir.mutex_only_hotspots, mutex.map((x) => ({ function: x.name, delay_pct: x.flat })));
    a.deepEqual(byDir.warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const GOLDEN = PLANTED_REPORT;

async function golden(got: string): Promise<void> {
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(GOLDEN, got);
  a.equal(got, await Deno.readTextFile(GOLDEN));
}

const d = DatadogDouble.start();
const [planted] = profilesOf(1, { members: plantedBundle, idPrefix: "planted" });
const [broken] = profilesOf(1, {
  service: "broken",
  idPrefix: "broken",
  members: () => [
    ...plantedBundle().filter((m) => m.name !== "goroutines.pprof" && m.name !== "delta-heap.pprof"),
    { name: "delta-heap.pprof", data: new TextEncoder().encode("not a profile") },
  ],
});
d.profiles.push(planted, broken);
const base = await Deno.makeTempDir({ prefix: "wf-base-" });
let shared: Client | undefined;
const server = async () => shared ??= await startServer({ env: doubleEnv(d, { PPROF_MCP_BASEDIR: base }) });

async function mcpCall(name: string, args: Json, onprogress?: (p: { progress: number }) => void): Promise<Json> {
  const c = await server();
  const r = await c.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : undefined) as Json;
  a.equal(r.isError, false, r.content[0].text);
  const validate = validators.get(name)!;
  a.ok(validate(r.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
  a.ok(JSON.stringify(r).length < 100_000, `${name}: answer too large`);
  return r.structuredContent as Json;
}

Deno.test({
  name: "discover end to end: every planted culprit in the findings with go tool pprof's share; the golden report",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ticks: number[] = [];
    const out = await mcpCall("pprof.discover", {
      service: "checkout",
      env: "prod",
      out_dir: "discover",
      profile_id: planted.profile_id,
      event_id: planted.event_id,
    }, (p) => void ticks.push(p.progress));
    const r = out.result;
    a.deepEqual(r.profiles.map((p: Json) => p.type), ["block", "cpu", "goroutines", "heap", "mutex"]);
    a.ok(ticks.length >= 5 && ticks.every((t, i) => i === 0 || t > ticks[i - 1]), `progress ${ticks}`);
    const find = (profile: string, fn: string) => {
      const f = r.findings.find((x: Json) => x.profile === profile && x.evidence.function === fn);
      a.ok(f, `no ${profile} finding on ${fn}: ${r.findings.map((x: Json) => x.title).join("\n")}`);
      return f;
    };
    const close = (got: number, want: number, what: string) => a.ok(Math.abs(got - want) < 0.006, `${what}: ${got}`);
    // The CPU regression: main.scoreTerms runs 16 rounds instead of 10.
    const cpu = find("cpu", "main.scoreTerms");
    close(cpu.evidence.share, refRow("ref_workflows/large_1/top_cum_n40", "main.scoreTerms").cum, "scoreTerms");
    // The goroutine leak: 12,000 subscribers parked on a channel, of 12,001 goroutines.
    const leak = find("goroutines", "main.(*subscriber).wait");
    a.equal(leak.severity, "high");
    a.equal(
      leak.evidence.value,
      Number(refRow("ref_analysis/memzoo_goroutine/top", "main.(*subscriber).wait").cumText),
    );
    close(leak.evidence.share, 12000 / 12001 * 100, "leak");
    // Lock contention: the hot metrics registry mutex (held, charged at unlock).
    const lock = find("mutex", "main.(*metricsRegistry).observe");
    close(
      lock.evidence.share,
      refRow("ref_analysis/lockzoo_mutex/top_cum", "main.(*metricsRegistry).observe").cum,
      "observe",
    );
    // The growing heap: sessions remembered and never dropped.
    const grow = find("heap", "main.(*sessionIndex).remember");
    a.equal(grow.severity, "high");
    a.match(grow.title, /still live/);
    close(
      grow.evidence.share,
      refRow("ref_workflows/memzoo_heap/top_si_inuse_space", "main.(*sessionIndex).remember").flat,
      "remember",
    );
    a.ok(r.recommendations.some((x: Json) => x.priority === "high" && x.area === "Goroutines"));
    a.deepEqual(
      r.cpu.top_functions.map((x: Json) => [x.name, x.flat_pct]),
      refRows("ref_workflows/large_1/top_n15").map((x) => [x.name, x.flatPct]),
    );
    a.deepEqual(
      r.mutex.top_contentions.map((x: Json) => x.name),
      refRows("ref_workflows/lockzoo_mutex/top_n10").map((x) => x.name),
    );
    // The handles it made work with the other tools.
    const cpuHandle = r.profiles.find((p: Json) => p.type === "cpu").handle;
    const top = await mcpCall("pprof.top", { profile: cpuHandle, nodecount: 3 });
    a.equal(top.rows[0].name, "math.log1p");

    const report = await mcpCall("pprof.generate_report", {
      title: "checkout (prod)",
      inputs: [{ kind: "discover", data: out }],
      output_path: "discover/report.md",
    });
    const written = await Deno.readTextFile(join(base, "discover", "report.md"));
    a.equal(report.result.bytes, new TextEncoder().encode(written).length);
    await golden(written);
    // Stable: the same input gives the same bytes, also in codex naming of the kind.
    const again = await mcpCall("pprof.generate_report", {
      title: "checkout (prod)",
      inputs: [{ kind: " PPROF.DISCOVER ", data: out.result }],
      max_lines: 0,
      max_bytes: 0,
    });
    a.equal(again.result.markdown, written);
  },
});

Deno.test({
  name: "discover: a profile that cannot be read and a missing one are warnings, not a failed call",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const r = (await mcpCall("pprof.discover", {
      service: "broken",
      env: "prod",
      out_dir: "broken",
      profile_id: broken.profile_id,
      event_id: broken.event_id,
    })).result;
    a.ok(r.warnings.some((w: string) => /^heap profile .* could not be read: /.test(w)), r.warnings.join("\n"));
    a.ok(r.warnings.includes("goroutines profile missing from bundle"), r.warnings.join("\n"));
    a.equal(r.heap, undefined);
    a.ok(r.cpu && r.mutex && r.block);
    a.ok(r.findings.some((f: Json) => f.profile === "cpu"));
  },
});

Deno.test({
  name: "generate_report: sections per kind, JSON for others, one-line errors for results it cannot read",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const top = await call("pprof.top", { profile: join(FIXTURES, "profiles_gate/large_1.pb.gz"), nodecount: 3 });
    const r = (await call("pprof.generate_report", {
      inputs: [{ kind: "top", data: top }, { kind: "notes", data: { a: 1 } }],
    })).result;
    a.equal(r.sections, 2);
    a.equal(
      r.markdown,
      [
        "# Profiling Report",
        "",
        "## Top Functions",
        "",
        "| Function | Flat | Flat% | Cum | Cum% |",
        "|---|---|---|---|---|",
        ...top.rows.map((x: Json) => `| \`${x.name}\` | ${x.flat} | ${x.flat_pct} | ${x.cum} | ${x.cum_pct} |`),
        "",
        "## notes",
        "",
        "```json",
        '{\n  "a": 1\n}',
        "```",
        "",
      ].join("\n"),
    );
    const handles = new HandleRegistry();
    const bad = await registry.call(
      "pprof.generate_report",
      { inputs: [{ kind: "discover", data: { env: 1 } }] },
      "default",
      {
        signal: new AbortController().signal,
        progress: async () => {},
        sandbox: new Sandbox(undefined, handles),
        handles,
      },
    );
    a.equal(bad.isError, true);
    a.match(bad.content[0].text, /^inputs\[0\] \(kind discover\): not a discover result: /);
    a.equal((bad.structuredContent as Json).error.code, "INVALID_ARGUMENT");
  },
});

Deno.test({
  name: "discover: cancelled during the download, the call ends CANCELED and leaves no file; the server goes on",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const c = await server();
    d.downloadDelayMs = 1500;
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      await a.rejects(
        c.callTool(
          {
            name: "pprof.discover",
            arguments: {
              service: "checkout",
              env: "prod",
              out_dir: "cancelled",
              profile_id: planted.profile_id,
              event_id: planted.event_id,
            },
          },
          undefined,
          { signal: controller.signal },
        ),
        /abort|cancel/i,
      );
    } finally {
      d.downloadDelayMs = 0;
    }
    // Past the time the delayed download would have ended: it was abandoned, so no profile is in the folder.
    await new Promise((r) => setTimeout(r, 2000));
    const left = [...Deno.readDirSync(join(base, "cancelled"))].map((e) => e.name).filter((n) => n.endsWith(".pprof"));
    a.deepEqual(left, []);
    const next = await mcpCall("pprof.generate_report", { inputs: [{ kind: "notes", data: { after: "cancel" } }] });
    a.equal(next.result.sections, 1);
  },
});

Deno.test({
  name: "workflows end to end (cleanup)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await shared?.close();
    a.deepEqual(d.violations, []);
    await d.stop();
    await Deno.remove(base, { recursive: true });
  },
});
