/**
 * `pprof.meta`: what a profile is (kind, sample types, totals, time, labels)
 * without building any report.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { sampleIndexByName } from "../report/config.ts";
import { goBase } from "../util/gopath.ts";

/** The kinds of profile the tools tell apart. */
export type ProfileKind = "cpu" | "heap" | "mutex" | "block" | "goroutine" | "unknown";

/**
 * The kind of a profile, from its sample types first and its file name only
 * when those do not say (the original tool looked at the file name first, so a
 * service named "cpuworker" made every profile "cpu"). The file name still
 * tells block from mutex profiles, whose sample types are the same.
 */
export function detectKind(p: Profile, path = ""): ProfileKind {
  const base = goBase(path).toLowerCase();
  for (const { type } of p.sampleTypes) {
    if (type.includes("alloc") || type.includes("inuse") || type === "space") return "heap";
    if (type === "goroutine" || type === "goroutines") return "goroutine";
    if (type === "cpu" || (type === "samples" && p.period > 0)) return "cpu";
    if (type === "delay" || type === "contentions") return base.includes("block") ? "block" : "mutex";
  }
  for (const kind of ["cpu", "heap", "mutex", "block", "goroutine"] as const) {
    if (base.includes(kind)) return kind;
  }
  return "unknown";
}

/** The `result` of pprof.meta. */
export interface ProfileMeta {
  profile_path: string;
  detected_profile_kind: ProfileKind;
  sample_types: { type: string; unit: string }[];
  default_sample_index: number;
  totals: { type: string; unit: string; total: number }[];
  period_type?: { type: string; unit: string };
  period?: number;
  /** Nanoseconds since the epoch as a decimal string: exact, where a JSON number above 2^53 is not. */
  time_nanos?: string;
  /** The same instant in ISO 8601 (UTC), to the nanosecond. */
  time?: string;
  duration_nanos?: number;
  label_keys?: string[];
  go_version: string | null;
  build_id: string | null;
}

/** Sorted keys of all string and numeric labels. */
export function labelKeys(p: Profile): string[] {
  const keys = new Set<number>(p.labelKey);
  return [...keys].map((k) => p.strings[k]).sort();
}

/** Metadata of a profile read from `path`. */
export function profileMeta(p: Profile, path: string): ProfileMeta {
  const n = p.sampleTypes.length;
  const totals = p.sampleTypes.map((t) => ({ ...t, total: 0 }));
  for (let i = 0; i < p.values.length; i++) totals[i % n].total += p.values[i];
  const meta: ProfileMeta = {
    profile_path: path,
    detected_profile_kind: detectKind(p, path),
    sample_types: p.sampleTypes.map((t) => ({ ...t })),
    // The type pprof reports without -sample_index: default_sample_type, else the last one.
    default_sample_index: n > 0 ? sampleIndexByName(p, "") : -1,
    totals,
    go_version: p.comments.find((c) => /go version/i.test(c))?.trim() ?? null,
    build_id: p.mappings.find((m) => m.buildId !== "")?.buildId ?? null,
  };
  if (p.periodType && (p.periodType.type !== "" || p.periodType.unit !== "")) meta.period_type = { ...p.periodType };
  if (p.period !== 0) meta.period = p.period;
  if (p.timeNanos !== 0n) {
    meta.time_nanos = p.timeNanos.toString();
    meta.time = isoTime(p.timeNanos);
  }
  if (p.durationNanos !== 0) meta.duration_nanos = p.durationNanos;
  const keys = labelKeys(p);
  if (keys.length > 0) meta.label_keys = keys;
  return meta;
}

/** A nanosecond timestamp in ISO 8601, UTC, with as many fraction digits as it needs (none, 3, 6 or 9). */
export function isoTime(ns: bigint): string {
  const second = 1_000_000_000n;
  let secs = ns / second, frac = ns % second;
  if (frac < 0n) {
    secs -= 1n;
    frac += second;
  }
  const base = new Date(Number(secs) * 1000).toISOString().replace(/\.\d+Z$/, "");
  let digits = frac.toString().padStart(9, "0");
  while (digits.length > 0 && digits.endsWith("000")) digits = digits.slice(0, -3);
  return `${base}${digits ? "." + digits : ""}Z`;
}
