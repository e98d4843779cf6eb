/**
 * `pprof.discover`'s analysis of one downloaded bundle: per profile type the analyses that fit it (CPU: top,
 * storylines, overhead; heap: allocation paths, memory sanity; mutex and block: contention; goroutines: leaks),
 * their findings ranked together by impact, and recommendations with a priority and an area.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import type { TextRow } from "../report/top.ts";
import { allocPaths } from "./alloc_paths.ts";
import type { AppHints } from "./app_code.ts";
import type { AppPrefixes } from "./app_frames.ts";
import { type BundleProfileType, topRows, viewSampleIndex } from "./bundle_views.ts";
import { contentionAnalysis } from "./contention.ts";
import { type Finding, sortFindings } from "./findings.ts";
import { goroutineAnalysis } from "./goroutines.ts";
import { memorySanity } from "./memory_sanity.ts";
import { overheadReport } from "./overhead.ts";
import { storylines } from "./storylines.ts";

/** A recommendation: what to do, how urgent, about what. */
export interface Recommendation {
  priority: "high" | "medium" | "low";
  area: string;
  suggestion: string;
}

/** A finding of one of the bundle's profiles. */
export interface DiscoverFinding extends Finding {
  /** The bundle profile the finding is about (its share is of that profile's total). */
  profile: BundleProfileType;
  /** The analysis that found it. */
  analysis: string;
}

/** What one step adds to the result. */
export interface StepResult<S> {
  section: S;
  findings: DiscoverFinding[];
  recommendations: Recommendation[];
  warnings: string[];
}

/** A loaded profile and the argument (handle) that names it in next steps. */
export interface Input {
  profile: Profile;
  arg: string;
}

/** At most this many findings of one analysis go into the ranking, so one profile cannot crowd out the others. */
const PER_ANALYSIS = 5;
/** At most this many findings in the result. */
export const MAX_FINDINGS = 25;

/** `fmtv`: a value as the original discover printed it (binary MB/GB for bytes, s/ms/us for nanoseconds). */
export function fmtv(v: number, unit: string): string {
  if (unit === "bytes") {
    if (v >= 2 ** 30) return `${(v / 2 ** 30).toFixed(2)}GB`;
    if (v >= 2 ** 20) return `${(v / 2 ** 20).toFixed(2)}MB`;
    if (v >= 2 ** 10) return `${(v / 2 ** 10).toFixed(2)}KB`;
    return `${Math.round(v)}B`;
  }
  if (unit === "nanoseconds") {
    if (v >= 1e9) return `${(v / 1e9).toFixed(2)}s`;
    if (v >= 1e6) return `${(v / 1e6).toFixed(2)}ms`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(2)}us`;
    return `${Math.round(v)}ns`;
  }
  return `${Math.round(v)} ${unit}`;
}

const round2 = (x: number) => Math.floor(x * 100 + 0.5) / 100;

function sum(p: Profile, t: number): number {
  const stride = p.sampleTypes.length;
  let s = 0;
  for (let i = 0; i < p.sampleCount; i++) s += p.values[i * stride + t];
  return s;
}

function tagged(findings: Finding[], profile: BundleProfileType, analysis: string): DiscoverFinding[] {
  return findings.slice(0, PER_ANALYSIS).map((f) => ({ ...f, profile, analysis }));
}

/**
 * CPU time over wall time in percent: the `cpu` sample type, else samples × period when the period is CPU time;
 * 0 without a duration.
 */
export function cpuUtilization(p: Profile): number {
  if (!(p.durationNanos > 0)) return 0;
  const cpu = p.sampleTypes.findIndex((t) => t.type === "cpu");
  let ns = 0;
  if (cpu >= 0) ns = sum(p, cpu);
  else {
    const samples = p.sampleTypes.findIndex((t) => t.type === "samples");
    if (samples >= 0 && p.period > 0 && p.periodType?.type === "cpu") ns = sum(p, samples) * p.period;
  }
  return round2(ns / p.durationNanos * 100);
}

/** The CPU section. */
export interface CpuSection {
  utilization_pct: number;
  top_functions: TextRow[];
  overhead: {
    total_overhead_pct: number;
    observability_pct: number;
    detections: { category: string; percentage: number; severity: string; suggestion?: string }[];
  };
}

/** CPU: utilization, the top 15, storylines and the overhead report. */
export function cpuStep(c: Input, app: AppHints): StepResult<CpuSection> {
  const p = c.profile;
  const warnings: string[] = [];
  const findings: DiscoverFinding[] = [];
  const recommendations: Recommendation[] = [];
  const types = p.sampleTypes.map((t) => t.type);
  const si = types.includes("cpu") ? "cpu" : types.includes("samples") ? "samples" : "";
  const o = overheadReport(p, { sampleIndex: si, app, profilePath: c.arg });
  warnings.push(...o.warnings);
  if (o.total_overhead_pct >= 20) {
    recommendations.push({
      priority: "high",
      area: "Observability overhead",
      suggestion: `${round2(o.total_overhead_pct)}% of CPU goes to overhead categories ` +
        `(${round2(o.observability_pct)}% logging, tracing, metrics and profiling): reduce it on hot paths`,
    });
  }
  for (const d of o.detections) {
    if (d.severity === "high" && d.suggestion) {
      recommendations.push({ priority: "high", area: d.category, suggestion: d.suggestion });
    }
  }
  const s = storylines(p, { app, profilePath: c.arg });
  findings.push(...tagged(s.findings, "cpu", "storylines"), ...tagged(o.findings, "cpu", "overhead_report"));
  return {
    section: {
      utilization_pct: cpuUtilization(p),
      top_functions: topRows(p, 15),
      overhead: {
        total_overhead_pct: round2(o.total_overhead_pct),
        observability_pct: round2(o.observability_pct),
        detections: o.detections.map((d) => ({
          category: d.category,
          percentage: round2(d.percentage),
          severity: d.severity,
          ...(d.suggestion ? { suggestion: d.suggestion } : {}),
        })),
      },
    },
    findings,
    recommendations,
    warnings,
  };
}

/** The heap section. */
export interface HeapSection {
  alloc_rate?: string;
  sample_type: string;
  total_alloc: string;
  top_paths: {
    alloc_site: string;
    alloc_bytes: string;
    alloc_pct: number;
    alloc_rate?: string;
    inuse_pct?: number;
    retained_pct?: number;
    first_app_frame?: string;
    source_location?: string;
  }[];
  memory_sanity: {
    summary: string;
    heap_inuse_mb: number;
    heap_alloc_mb: number;
    goroutine_count?: number;
    suspicions: { category: string; description: string; severity: string; evidence?: string }[];
    recommendations: string[];
  };
}

/** Heap: allocation paths (≥ 1 %, at most 15) and memory sanity (with the goroutine profile and the RSS). */
export function heapStep(
  h: Input,
  o: { goroutine?: Input; containerRssMb?: number; app: AppHints; appPrefixes: AppPrefixes },
): StepResult<HeapSection> {
  const a = allocPaths(h.profile, { minPercent: 1, maxPaths: 15, app: o.app, profilePath: h.arg });
  const m = memorySanity({
    heap: h.profile,
    heapArg: h.arg,
    goroutine: o.goroutine?.profile,
    goroutineArg: o.goroutine?.arg,
    containerRssMb: o.containerRssMb,
    app: o.appPrefixes,
  });
  const recommendations: Recommendation[] = [];
  for (const s of m.suspicions) {
    const priority = s.severity === "high" ? "high" : s.severity === "medium" ? "medium" : "low";
    const suggestion = s.evidence ? `${s.description} (${s.evidence})` : s.description;
    recommendations.push({ priority, area: s.category, suggestion });
  }
  for (const r of m.recommendations) recommendations.push({ priority: "medium", area: "Memory", suggestion: r });
  const secs = h.profile.durationNanos / 1e9;
  const alloc = a.sample_type === "alloc_space" && secs > 0 ? a.total_alloc : 0;
  return {
    section: {
      ...(alloc > 0 ? { alloc_rate: `${fmtv(alloc / secs * 60, "bytes")}/min` } : {}),
      sample_type: a.sample_type,
      total_alloc: a.total_alloc_str,
      top_paths: a.paths.map((x) => ({
        alloc_site: x.alloc_site,
        alloc_bytes: x.alloc_bytes_str,
        alloc_pct: round2(x.alloc_pct),
        ...(x.alloc_rate ? { alloc_rate: x.alloc_rate } : {}),
        ...(x.inuse_pct !== undefined ? { inuse_pct: round2(x.inuse_pct) } : {}),
        ...(x.retained_pct !== undefined ? { retained_pct: round2(x.retained_pct) } : {}),
        ...(x.first_app_frame ? { first_app_frame: x.first_app_frame } : {}),
        ...(x.source_location ? { source_location: x.source_location } : {}),
      })),
      memory_sanity: {
        summary: m.summary,
        heap_inuse_mb: round2(m.heap_inuse_mb),
        heap_alloc_mb: round2(m.heap_alloc_mb),
        ...(m.goroutine_count !== undefined ? { goroutine_count: m.goroutine_count } : {}),
        suspicions: m.suspicions.map((s) => ({
          category: s.category,
          description: s.description,
          severity: s.severity,
          ...(s.evidence ? { evidence: s.evidence } : {}),
        })),
        recommendations: m.recommendations,
      },
    },
    findings: [...tagged(a.findings, "heap", "alloc_paths"), ...tagged(m.findings, "heap", "memory_sanity")],
    recommendations,
    warnings: [...a.warnings, ...m.warnings],
  };
}

/** The contention section (of the mutex profile, else the block profile). */
export interface ContentionSection {
  profile: "mutex" | "block";
  sample_type: string;
  total_delay: string;
  top_contentions: TextRow[];
  lock_sites: { lock_site: string; primitive: string; waiter?: string; total_delay: string; share: number }[];
}

/** Mutex or block: the top 10 by delay (else contentions) and the contention analysis. */
export function contentionStep(c: Input, kind: "mutex" | "block", app: AppPrefixes): StepResult<ContentionSection> {
  const p = c.profile;
  const si = viewSampleIndex(p, "mutex");
  const t = p.sampleTypes.findIndex((x) => x.type === (si || p.defaultSampleType));
  const ti = t >= 0 ? t : p.sampleTypes.length - 1;
  const r = contentionAnalysis(p, { kind, app, profileArg: c.arg });
  return {
    section: {
      profile: kind,
      sample_type: p.sampleTypes[ti].type,
      total_delay: fmtv(sum(p, ti), p.sampleTypes[ti].unit),
      top_contentions: topRows(p, 10, si),
      lock_sites: r.by_lock_site.slice(0, 10).map((s) => ({
        lock_site: s.lock_site,
        primitive: s.primitive,
        ...(s.waiter ? { waiter: s.waiter } : {}),
        total_delay: s.total_delay,
        share: round2(s.share),
      })),
    },
    findings: tagged(r.findings, kind, "contention_analysis"),
    recommendations: r.recommendations.map((x) => ({ priority: "medium", area: "Contention", suggestion: x })),
    warnings: r.warnings ?? [],
  };
}

/** The goroutine section. */
export interface GoroutineSection {
  total_goroutines: number;
  by_state: Record<string, number>;
  top_wait_reasons: { reason: string; count: number; share: number; sample_stack: string }[];
  potential_leaks: { stack_signature: string; count: number; share: number; wait_reason: string; severity: string }[];
}

/** Goroutines: states, wait reasons and leaks; a high leak is a high recommendation. */
export function goroutineStep(g: Input, app: AppPrefixes): StepResult<GoroutineSection> {
  const r = goroutineAnalysis(g.profile, { app, profileArg: g.arg });
  const recommendations: Recommendation[] = r.potential_leaks.filter((l) => l.severity === "high").map((l) => ({
    priority: "high",
    area: "Goroutines",
    suggestion: `${l.count} goroutines (${l.share.toFixed(1)}%) parked in ${l.wait_reason} at ${l.stack_signature}: ` +
      "find who starts them and make them exit (a leak)",
  }));
  return {
    section: {
      total_goroutines: r.total_goroutines,
      by_state: r.by_state,
      top_wait_reasons: r.top_wait_reasons.slice(0, 10).map((w) => ({ ...w, share: round2(w.share) })),
      potential_leaks: r.potential_leaks.map((l) => ({
        stack_signature: l.stack_signature,
        count: l.count,
        share: round2(l.share),
        wait_reason: l.wait_reason,
        severity: l.severity,
      })),
    },
    findings: tagged(r.findings, "goroutines", "goroutine_analysis"),
    recommendations,
    warnings: r.warnings ?? [],
  };
}

/** Findings of every profile by impact (severity, then share), at most {@link MAX_FINDINGS}. */
export function rankFindings(findings: DiscoverFinding[]): DiscoverFinding[] {
  return (sortFindings(findings) as DiscoverFinding[]).slice(0, MAX_FINDINGS);
}

const PRIORITY = { high: 0, medium: 1, low: 2 };

/** Recommendations without repeats (case-insensitive on priority, area and text; the first kept), high first. */
export function dedupRecommendations(rs: Recommendation[]): Recommendation[] {
  const seen = new Set<string>();
  const out: Recommendation[] = [];
  for (const r of rs) {
    const key = `${r.priority}|${r.area}|${r.suggestion}`.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  // A stable sort keeps the order of the steps within a priority.
  return out.sort((a, b) => PRIORITY[a.priority] - PRIORITY[b.priority]);
}
