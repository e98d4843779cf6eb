/**
 * `pprof.cross_correlate` and `pprof.hotspot_summary`: the CPU, heap and mutex/block profiles of one bundle side
 * by side, and the functions hot in several of them.
 *
 * @module
 */
import { z } from "zod";
import { crossCorrelate, hotspotSummary } from "../../analysis/bundle_views.ts";
import type { ToolDef } from "../registry.ts";
import { bundleArg, bundleFiles, loadBundle } from "./bundle.ts";

/** The most rows of a top table a call may ask for: three lists of them stay far under 100 KB. */
const MAX_ROWS = 100;

const correlateInput = z.object({
  bundle: bundleArg,
  nodecount: z.number().int().min(0).max(MAX_ROWS).describe(
    `Rows of each profile's top table to compare (default 20; 0 = the default; at most ${MAX_ROWS})`,
  ).optional(),
}).strict();

const flat = z.object({ function: z.string(), flat_pct: z.number().describe("Flat percent of the CPU profile") });
const alloc = z.object({
  function: z.string(),
  alloc_pct: z.number().describe("Flat percent of allocated bytes (alloc_space; else the heap profile's default type)"),
});
const delay = z.object({
  function: z.string(),
  delay_pct: z.number().describe("Flat percent of the mutex (else block) profile's delay (else contentions)"),
});
const warnings = z.array(z.string()).describe("Missing profiles and failed tables (always present)");

const correlateOutput = z.object({
  command: z.string(),
  result: z.object({
    correlations: z.array(z.object({
      function: z.string(),
      combined_score: z.number().describe(
        "Mean over its profiles of (maxRank - rank + 1) / maxRank: 1 is the top row of every profile",
      ),
      cpu: z.object({ flat_pct: z.number(), rank: z.number().int() }).optional(),
      heap: z.object({ alloc_pct: z.number(), rank: z.number().int() }).optional(),
      mutex: z.object({ delay_pct: z.number(), rank: z.number().int() }).optional(),
      insight: z.string(),
    })).describe("Functions with a non-zero flat share in two or three of the profiles, best score first"),
    cpu_only_hotspots: z.array(flat).describe("At most 5, hot in CPU only"),
    heap_only_hotspots: z.array(alloc).describe("At most 5, hot in allocations only"),
    mutex_only_hotspots: z.array(delay).describe("At most 5, hot in contention only"),
    warnings,
  }),
});

const summaryInput = z.object({
  bundle: bundleArg,
  nodecount: z.number().int().min(0).max(MAX_ROWS).describe(
    `Rows of each profile's top table (default 5; 0 = the default; at most ${MAX_ROWS})`,
  ).optional(),
}).strict();

const summaryOutput = z.object({
  command: z.string(),
  result: z.object({
    cpu_top5: z.array(flat).describe("The CPU profile's rows with a non-zero flat share (empty without one)"),
    heap_top5: z.array(alloc).describe("The heap profile's rows by allocated bytes (empty without one)"),
    mutex_top5: z.array(delay).describe("The mutex (else block) profile's rows by delay (empty without one)"),
    goroutine_count: z.number().int().optional().describe("Goroutines in the goroutine profile, when there is one"),
    warnings,
  }),
});

const ALWAYS = "Every list is always present (empty when its profile is missing, which a warning says; the " +
  "original left empty lists out although its schema required them).";

/** The pprof.cross_correlate tool. */
export const crossCorrelateTool: ToolDef<typeof correlateInput, typeof correlateOutput> = {
  name: "pprof.cross_correlate",
  title: "Cross-correlate a bundle's profiles",
  description: "The functions hot in more than one profile of a bundle (CPU flat share, allocated bytes, mutex or " +
    "block delay), scored by their rank in each top table, with what the combination means (CPU + allocations: " +
    "GC pressure on a hot path; all three: a prime optimization target), and the hot spots of one profile only. " +
    "The bundle is a folder downloaded by profiles.download_latest_bundle, the handles it returned, or one of " +
    "them. " + ALWAYS + " Follow up with pprof.peek on a correlated function.",
  input: correlateInput,
  output: correlateOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.correlations.length} functions hot in several profiles` +
    (o.result.warnings.length > 0 ? `; ${o.result.warnings.join("; ")}` : ""),
  text: (o) => {
    const r = o.result;
    const lines = r.correlations.map((c) => {
      const where = [
        c.cpu ? `cpu ${c.cpu.flat_pct}% #${c.cpu.rank}` : "",
        c.heap ? `heap ${c.heap.alloc_pct}% #${c.heap.rank}` : "",
        c.mutex ? `mutex ${c.mutex.delay_pct}% #${c.mutex.rank}` : "",
      ].filter((x) => x !== "").join(", ");
      return `${c.combined_score.toFixed(3)}  ${c.function} (${where}): ${c.insight}`;
    });
    const only = (what: string, l: { function: string }[], pct: (x: never) => number) =>
      l.length === 0 ? [] : [`${what} only: ${l.map((x) => `${x.function} ${pct(x as never)}%`).join(", ")}`];
    return [
      ...(lines.length > 0 ? lines : ["No function is hot in more than one profile."]),
      ...only("cpu", r.cpu_only_hotspots, (x: { flat_pct: number }) => x.flat_pct),
      ...only("heap", r.heap_only_hotspots, (x: { alloc_pct: number }) => x.alloc_pct),
      ...only("mutex", r.mutex_only_hotspots, (x: { delay_pct: number }) => x.delay_pct),
      ...r.warnings.map((w) => `warning: ${w}`),
    ].join("\n");
  },
  async run(a, ctx) {
    const { bundle, warnings } = await loadBundle(await bundleFiles(a.bundle), ctx);
    const r = crossCorrelate(bundle, a.nodecount || 20);
    return { command: "pprof cross_correlate", result: { ...r, warnings: [...warnings, ...r.warnings] } };
  },
};

/** The pprof.hotspot_summary tool. */
export const hotspotSummaryTool: ToolDef<typeof summaryInput, typeof summaryOutput> = {
  name: "pprof.hotspot_summary",
  title: "Hot spots of a bundle",
  description: "A quick look at a whole bundle: the top functions by flat share of its CPU profile, by allocated " +
    "bytes of its heap profile and by delay of its mutex (else block) profile, and the goroutine count of its " +
    "goroutine profile. The bundle is a folder downloaded by profiles.download_latest_bundle, the handles it " +
    "returned, or one of them. " + ALWAYS + " pprof.cross_correlate relates the tables; pprof.discover runs " +
    "every analysis.",
  input: summaryInput,
  output: summaryOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) => {
    const r = o.result;
    const first = (l: { function: string }[]) => l[0]?.function ?? "-";
    return `cpu: ${first(r.cpu_top5)}; heap: ${first(r.heap_top5)}; mutex: ${first(r.mutex_top5)}` +
      (r.goroutine_count !== undefined ? `; ${r.goroutine_count} goroutines` : "");
  },
  text: (o) => {
    const r = o.result;
    const list = (
      what: string,
      l: { function: string }[],
      pct: (x: never) => number,
    ) => [
      `${what}:`,
      ...(l.length > 0 ? l.map((x) => `  ${pct(x as never).toFixed(2).padStart(6)}%  ${x.function}`) : ["  -"]),
    ];
    return [
      ...list("CPU (flat)", r.cpu_top5, (x: { flat_pct: number }) => x.flat_pct),
      ...list("Heap (allocated)", r.heap_top5, (x: { alloc_pct: number }) => x.alloc_pct),
      ...list("Mutex/block (delay)", r.mutex_top5, (x: { delay_pct: number }) => x.delay_pct),
      ...(r.goroutine_count !== undefined ? [`Goroutines: ${r.goroutine_count}`] : []),
      ...r.warnings.map((w) => `warning: ${w}`),
    ].join("\n");
  },
  async run(a, ctx) {
    const { bundle, warnings } = await loadBundle(await bundleFiles(a.bundle), ctx);
    const r = hotspotSummary(bundle, a.nodecount || 5);
    return { command: "pprof hotspot_summary", result: { ...r, warnings: [...warnings, ...r.warnings] } };
  },
};
