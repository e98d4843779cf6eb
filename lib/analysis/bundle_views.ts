/**
 * Bundle-wide views of one moment of a service: the top tables of its CPU, heap and mutex/block profiles side by
 * side (`pprof.hotspot_summary`), and the functions hot in more than one of them (`pprof.cross_correlate`).
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { defaultConfig } from "../report/config.ts";
import { newReport } from "../report/report.ts";
import { parsePercent, type TextRow, textRows, topReport } from "../report/top.ts";
import { goroutineAnalysis } from "./goroutines.ts";

/** The profile types of a bundle, as the Datadog bundle names its files. */
export type BundleProfileType = "cpu" | "heap" | "mutex" | "block" | "goroutines";

/** The loaded profiles of a bundle, by type. */
export type LoadedBundle = Partial<Record<BundleProfileType, { profile: Profile; path: string }>>;

/** The sample type each view ranks by: heap by allocations, contention by delay; "" is the profile's default. */
export function viewSampleIndex(p: Profile, view: "cpu" | "heap" | "mutex"): string {
  const has = (t: string) => p.sampleTypes.some((s) => s.type === t);
  if (view === "heap") return has("alloc_space") ? "alloc_space" : "";
  if (view === "mutex") return has("delay") ? "delay" : has("contentions") ? "contentions" : "";
  return "";
}

/** `go tool pprof -top [-nodecount N] [-sample_index S]` rows of a profile (`nodeCount` ≤ 0: every row). */
export function topRows(p: Profile, nodeCount: number, sampleIndex = ""): TextRow[] {
  const cfg = { ...defaultConfig(), sampleIndex, nodeCount: nodeCount > 0 ? nodeCount : -1 };
  return textRows(topReport(newReport(p, "top", cfg))).rows;
}

/** A function of a top table with a non-zero flat share, and its 1-based row. */
export interface RankedRow {
  function: string;
  pct: number;
  rank: number;
}

/** The rows with a flat share other than 0, ranked by their place in the table (before skipping). */
export function rankedRows(rows: TextRow[]): RankedRow[] {
  const out: RankedRow[] = [];
  rows.forEach((r, i) => {
    const pct = parsePercent(r.flat_pct);
    if (pct !== 0) out.push({ function: r.name, pct, rank: i + 1 });
  });
  return out;
}

/** The views of a bundle: which profile each one reads, and its top rows; missing profiles are warnings. */
export interface BundleViews {
  cpu?: RankedRow[];
  heap?: RankedRow[];
  mutex?: RankedRow[];
  warnings: string[];
}

/** Runs the top tables of the CPU, heap and mutex (else block) profiles of a bundle. */
export function bundleViews(b: LoadedBundle, nodeCount: number, missing: (what: string) => string): BundleViews {
  const out: BundleViews = { warnings: [] };
  const run = (view: "cpu" | "heap" | "mutex", entry: { profile: Profile; path: string } | undefined, what: string) => {
    if (!entry) {
      out.warnings.push(missing(what));
      return;
    }
    try {
      out[view] = rankedRows(topRows(entry.profile, nodeCount, viewSampleIndex(entry.profile, view)));
    } catch (e) {
      out.warnings.push(`pprof top failed for ${entry.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  run("cpu", b.cpu, "cpu");
  run("heap", b.heap, "heap");
  run("mutex", b.mutex ?? b.block, "mutex/block");
  return out;
}

/** One function hot in two or three of the views. */
export interface Correlation {
  function: string;
  /** The mean over the views it is in of (maxRank − rank + 1) / maxRank: 1 is the top of every view. */
  combined_score: number;
  cpu?: { flat_pct: number; rank: number };
  heap?: { alloc_pct: number; rank: number };
  mutex?: { delay_pct: number; rank: number };
  insight: string;
}

/** The result of {@link crossCorrelate}. */
export interface CrossCorrelation {
  correlations: Correlation[];
  cpu_only_hotspots: { function: string; flat_pct: number }[];
  heap_only_hotspots: { function: string; alloc_pct: number }[];
  mutex_only_hotspots: { function: string; delay_pct: number }[];
  warnings: string[];
}

const INSIGHTS: Record<string, string> = {
  "cpu+heap+mutex": "hot in CPU, allocations and lock contention: a prime optimization target",
  "cpu+heap": "CPU and allocations: allocation-heavy hot path (GC pressure adds to its CPU)",
  "cpu+mutex": "CPU and lock contention: a hot path that also serializes on a lock",
  "heap+mutex": "allocations and lock contention: allocating while holding or waiting for a lock",
};

/** pprof's marks of inlined rows. */
const INLINE_MARK = / \((?:partial-)?inline\)$/;

/** At most this many functions per `*_only_hotspots` list. */
const ONLY_MAX = 5;

/** Functions hot in several profiles of a bundle, and those hot in one only. */
export function crossCorrelate(b: LoadedBundle, nodeCount = 20): CrossCorrelation {
  const v = bundleViews(b, nodeCount, (what) => `${what} profile missing`);
  if (v.warnings.some((w) => w.endsWith("profile missing"))) v.warnings.push("profile missing for correlation");
  // The same function is "f (inline)" in one table and "f" in another: compare the functions, not the rows.
  const bare = (rows: RankedRow[] | undefined) =>
    (rows ?? []).map((r) => ({ ...r, function: r.function.replace(INLINE_MARK, "") }));
  const lists = { cpu: bare(v.cpu), heap: bare(v.heap), mutex: bare(v.mutex) };
  const index = (rows: RankedRow[]) => {
    const m = new Map<string, RankedRow>();
    for (const r of rows) if (!m.has(r.function)) m.set(r.function, r);
    return m;
  };
  const maps = { cpu: index(lists.cpu), heap: index(lists.heap), mutex: index(lists.mutex) };
  const maxRank = (rows: RankedRow[]) => rows.reduce((m, r) => Math.max(m, r.rank), 0);
  const maxes = { cpu: maxRank(lists.cpu), heap: maxRank(lists.heap), mutex: maxRank(lists.mutex) };
  const names = new Set([...maps.cpu.keys(), ...maps.heap.keys(), ...maps.mutex.keys()]);
  const correlations: Correlation[] = [];
  for (const name of names) {
    const present = (["cpu", "heap", "mutex"] as const).filter((k) => maps[k].has(name));
    if (present.length < 2) continue;
    const scores = present.map((k) => (maxes[k] - maps[k].get(name)!.rank + 1) / maxes[k]);
    const c: Correlation = {
      function: name,
      combined_score: Math.round(scores.reduce((s, x) => s + x, 0) / scores.length * 1000) / 1000,
      insight: INSIGHTS[present.join("+")],
    };
    const cpu = maps.cpu.get(name), heap = maps.heap.get(name), mutex = maps.mutex.get(name);
    if (cpu) c.cpu = { flat_pct: cpu.pct, rank: cpu.rank };
    if (heap) c.heap = { alloc_pct: heap.pct, rank: heap.rank };
    if (mutex) c.mutex = { delay_pct: mutex.pct, rank: mutex.rank };
    correlations.push(c);
  }
  correlations.sort((a, b) =>
    b.combined_score - a.combined_score || (a.function < b.function ? -1 : a.function > b.function ? 1 : 0)
  );
  const only = (rows: RankedRow[], others: Map<string, RankedRow>[]) =>
    rows.filter((r) => others.every((o) => !o.has(r.function))).slice(0, ONLY_MAX);
  return {
    correlations,
    cpu_only_hotspots: only(lists.cpu, [maps.heap, maps.mutex]).map((r) => ({ function: r.function, flat_pct: r.pct })),
    heap_only_hotspots: only(lists.heap, [maps.cpu, maps.mutex]).map((r) => ({
      function: r.function,
      alloc_pct: r.pct,
    })),
    mutex_only_hotspots: only(lists.mutex, [maps.cpu, maps.heap]).map((r) => ({
      function: r.function,
      delay_pct: r.pct,
    })),
    warnings: v.warnings,
  };
}

/** The result of {@link hotspotSummary}. */
export interface HotspotSummary {
  cpu_top5: { function: string; flat_pct: number }[];
  heap_top5: { function: string; alloc_pct: number }[];
  mutex_top5: { function: string; delay_pct: number }[];
  goroutine_count?: number;
  warnings: string[];
}

/** The few hottest functions of each profile of a bundle, and its goroutine count. */
export function hotspotSummary(b: LoadedBundle, nodeCount = 5): HotspotSummary {
  const v = bundleViews(b, nodeCount, (what) => `${what} profile missing from bundle`);
  const out: HotspotSummary = {
    cpu_top5: (v.cpu ?? []).map((r) => ({ function: r.function, flat_pct: r.pct })),
    heap_top5: (v.heap ?? []).map((r) => ({ function: r.function, alloc_pct: r.pct })),
    mutex_top5: (v.mutex ?? []).map((r) => ({ function: r.function, delay_pct: r.pct })),
    warnings: v.warnings,
  };
  if (b.goroutines) {
    try {
      out.goroutine_count = goroutineAnalysis(b.goroutines.profile).total_goroutines;
    } catch (e) {
      out.warnings.push(`goroutine analysis failed for ${b.goroutines.path}: ${e instanceof Error ? e.message : e}`);
    }
  }
  return out;
}
