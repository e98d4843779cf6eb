/**
 * The regression gate: checks of a head set of profiles against a base set
 * (each one or several runs of the same benchmark), function by function and
 * for the whole profile, in the profiles' own unit, with a run-to-run noise
 * band so that a check fails only on a change larger than both its threshold
 * and the noise. Pure functions over decoded profiles: {@link summarizeRun}
 * reduces one profile to what the checks need, {@link compareRuns} compares
 * the summaries.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { autoLabel, percentage, scale, unitKind } from "../format/units.ts";
import { cumValue, flatValue } from "../graph/graph.ts";
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { defaultConfig } from "../report/config.ts";
import { newReport, reportFrames, reportGraph } from "../report/report.ts";
import { mean, welchBand } from "./stats.ts";

/** Every metric a check can test. */
export const GATE_METRICS = [
  "flat_pct",
  "cum_pct",
  "flat_pct_delta",
  "cum_pct_delta",
  "flat_ratio",
  "cum_ratio",
  "flat_delta",
  "cum_delta",
  "total_ratio",
  "total_delta",
] as const;

/** A check's metric. */
export type GateMetric = typeof GATE_METRICS[number];

/**
 * How a side's value is made comparable: as a share of the profile's total
 * (percent), per second of the profiles' duration, or as it is (the mean per
 * profile).
 */
export type Norm = "total" | "duration" | "none";

/** One check of the gate. `max` is inclusive: a value equal to it passes. */
export interface GateCheck {
  /** Functions (Go RE2 regexp over function names); absent for the total_* metrics. */
  function?: string;
  metric: GateMetric;
  max: number;
  /** The unit of `max` for the *_delta metrics ("ms", "MB"); default the profiles' unit. */
  unit?: string;
  /** Default: total for *_pct_delta and *_ratio except total_ratio, none for the rest. */
  norm?: Norm;
  /** Pass when the regexp matches no function on either side. */
  allow_missing?: boolean;
}

/** What kind of comparison a metric makes. */
export type MetricKind = "absolute" | "pct_delta" | "ratio" | "delta";

/** The kind of a metric, and whether it is about flat, cum or the whole profile. */
export function metricInfo(m: GateMetric): { kind: MetricKind; part: "flat" | "cum" | "total" } {
  const part = m.startsWith("flat") ? "flat" : m.startsWith("cum") ? "cum" : "total";
  const kind: MetricKind = m.endsWith("_pct")
    ? "absolute"
    : m.endsWith("_pct_delta")
    ? "pct_delta"
    : m.endsWith("_ratio")
    ? "ratio"
    : "delta";
  return { kind, part };
}

/** The normalisations a metric allows, the default first. */
export function allowedNorms(m: GateMetric): Norm[] {
  const { kind, part } = metricInfo(m);
  if (kind === "absolute" || kind === "pct_delta") return ["total"];
  if (kind === "ratio" && part !== "total") return ["total", "duration", "none"];
  return ["none", "duration"];
}

/**
 * Checks a check's fields: a function regexp exactly when the metric is about
 * functions, a normalisation the metric allows, a unit only for *_delta.
 *
 * @throws {UserError} naming the check and what is wrong.
 */
export function validateCheck(c: GateCheck, where = "check"): void {
  const { kind, part } = metricInfo(c.metric);
  const name = `${where} ${c.function ?? ""}${c.function ? ":" : ""}${c.metric}`;
  if (part === "total" && c.function !== undefined && c.function !== "") {
    throw new UserError(`${name}: ${c.metric} is about the whole profile and takes no function regexp`);
  }
  if (part !== "total" && (c.function === undefined || c.function === "")) {
    throw new UserError(`${where} ${c.metric}: a function regexp is required (e.g. 'json\\.Marshal:${c.metric}<=…')`);
  }
  if (!Number.isFinite(c.max) || c.max < 0) throw new UserError(`${name}: max must be a number >= 0`);
  if (c.norm !== undefined && !allowedNorms(c.metric).includes(c.norm)) {
    throw new UserError(
      `${name}: norm=${c.norm} is not allowed; ${c.metric} takes norm=${allowedNorms(c.metric).join(" or norm=")}`,
    );
  }
  if (c.unit !== undefined && kind !== "delta") {
    throw new UserError(`${name}: a unit (${c.unit}) is only for the *_delta metrics`);
  }
  if (c.function) compileRE2(c.function, "function");
}

/** Whether a metric needs a base to compare with. */
export function isRelative(m: GateMetric): boolean {
  return metricInfo(m).kind !== "absolute";
}

/** The matching functions of one check in one profile, taken together. */
export interface GroupValue {
  /** Samples whose leaf frame is a matching function. */
  flat: number;
  /** Samples with a matching function anywhere on the stack (each counted once). */
  cum: number;
  /** How many matching functions have samples. */
  matched: number;
}

/** One profile reduced to what the gate needs. */
export interface RunSummary {
  file: string;
  sampleType: string;
  unit: string;
  /** pprof's total: the sum of |value| of every sample. */
  total: number;
  durationNanos: number;
  /** Every function with samples, with its flat and cum value (pprof's -top numbers, untrimmed). */
  names: string[];
  flat: Float64Array;
  cum: Float64Array;
  /** One per check, in order (zeros for the total_* checks). */
  groups: GroupValue[];
}

/**
 * Reduces a profile to its total, duration, per-function flat and cum, and
 * the values of each check's functions taken together, for the sample type
 * `sampleIndex` (pprof's default when absent).
 *
 * @throws {UserError} naming `file` when the sample type does not exist.
 */
export function summarizeRun(profile: Profile, file: string, checks: GateCheck[], sampleIndex = ""): RunSummary {
  let r;
  try {
    r = newReport(profile, "top", { ...defaultConfig(), sampleIndex });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${file}: ${e.message}`, e.code, e.details);
    throw e;
  }
  const frames = reportFrames(r);
  const g = reportGraph(r, frames);
  const names = g.nodes.map((n) => frames.table.names[n]);
  const flat = Float64Array.from(g.nodes, (n) => flatValue(g, n));
  const cum = Float64Array.from(g.nodes, (n) => cumValue(g, n));
  const tableNames = frames.table.names;
  const groups = checks.map((c): GroupValue => {
    if (!c.function) return { flat: 0, cum: 0, matched: 0 };
    const rx = compileRE2(c.function, "function");
    const mask = new Uint8Array(tableNames.length);
    for (let n = 0; n < tableNames.length; n++) mask[n] = rx.test(tableNames[n]) ? 1 : 0;
    let matched = 0;
    for (const n of g.nodes) if (mask[n] && (g.cum[n] !== 0 || g.flat[n] !== 0)) matched++;
    return { ...groupValues(r.view, frames, mask, r.sampleIndex), matched };
  });
  return {
    file,
    sampleType: r.sampleType,
    unit: r.sampleUnit,
    total: r.total,
    durationNanos: profile.durationNanos,
    names,
    flat,
    cum,
    groups,
  };
}

/** Flat and cum of the nodes in `mask` taken together, over the samples of a view. */
function groupValues(
  v: ReturnType<typeof newReport>["view"],
  frames: ReturnType<typeof reportFrames>,
  mask: Uint8Array,
  si: number,
): { flat: number; cum: number } {
  const p = v.profile;
  const stride = p.sampleTypes.length;
  let flat = 0, cum = 0;
  for (let i = 0; i < v.samples.length; i++) {
    const w = p.values[v.samples[i] * stride + si];
    if (w === 0) continue;
    let leafSeen = false, onStack = false;
    for (let k = v.stackFrom[i]; k < v.stackTo[i] && !onStack; k++) {
      const loc = p.stackLocs[k];
      if (v.removed[loc]) continue;
      const from = frames.start[loc], to = frames.start[loc + 1];
      // The innermost frame of the first location left is the leaf, which pprof gives the flat value.
      if (!leafSeen && to > from) {
        leafSeen = true;
        if (mask[frames.nodes[from]]) flat += w;
      }
      for (let j = from; j < to; j++) {
        if (mask[frames.nodes[j]]) {
          onStack = true;
          break;
        }
      }
    }
    if (onStack) cum += w;
  }
  return { flat, cum };
}

/** The comparison's settings. */
export interface CompareOptions {
  /** Confidence of the noise band (default 0.95). */
  confidence?: number;
  /** How many of the largest movers to report (default 10). */
  movers?: number;
  /** Rank movers by cum instead of flat. */
  cum?: boolean;
}

/** A side of the comparison. */
export interface SideSummary {
  profiles: string[];
  runs: number;
  /** The total, as the mean per profile, in the sample unit. */
  total: number;
  total_text: string;
  /** The mean duration per profile in seconds, when every profile records one. */
  duration_seconds?: number;
}

/** The outcome of one check: passed, over the threshold but within the noise, failed, or matched nothing. */
export type CheckStatus = "pass" | "within_noise" | "fail" | "missing";

/** One check's result. Values are in the check's unit (percent, points, ratio, sample unit or unit/s). */
export interface GateCheckResult {
  function?: string;
  metric: GateMetric;
  norm: Norm;
  /** The threshold in the check's unit (the profiles' unit for *_delta). */
  threshold: number;
  threshold_text: string;
  /** The measured value; null for a ratio over a base of 0 (the function is new). */
  actual: number | null;
  actual_text: string;
  passed: boolean;
  status: CheckStatus;
  /** Matching functions (on either side for relative checks, in the head for absolute ones). */
  matched: number;
  /** Each side's value under the check's normalisation (absent for absolute checks). */
  base?: number;
  head?: number;
  base_text?: string;
  head_text?: string;
  /** The half-width of the noise band, in the check's unit (absent with fewer than two profiles a side). */
  noise_band?: number;
  noise_band_text?: string;
  /** Whether the change from base to head is larger than the noise band. */
  beyond_noise?: boolean;
  message?: string;
}

/** A function whose share changed, with the noise band of the change. */
export interface Mover {
  function: string;
  /** Mean per profile, in the sample unit. */
  base_value: number;
  head_value: number;
  delta_value: number;
  /** Share of the total, in percent (merged: sum of values over sum of totals). */
  base_pct: number;
  head_pct: number;
  /** head_pct − base_pct, in percentage points. */
  delta_pct: number;
  /** Half-width of the noise band of delta_pct, in points (two or more profiles a side). */
  noise_band_pct?: number;
  beyond_noise?: boolean;
  base_text: string;
  head_text: string;
  delta_text: string;
}

/** What the noise band is made of. */
export interface NoiseInfo {
  method: "welch_t" | "none";
  confidence: number;
  runs: { base: number; head: number };
  note: string;
}

/** The gate's result. */
export interface GateResult {
  passed: boolean;
  sample_type: string;
  unit: string;
  base: SideSummary;
  head: SideSummary;
  noise: NoiseInfo;
  checks: GateCheckResult[];
  movers_by: "flat" | "cum";
  movers: Mover[];
  /** Functions in either side. */
  functions: number;
}

/** A side's per-run values of one quantity and its merged value under a normalisation. */
interface Measure {
  perRun: number[];
  merged: number;
}

function measure(runs: RunSummary[], value: (r: RunSummary, i: number) => number, norm: Norm): Measure {
  const vs = runs.map(value);
  const sum = vs.reduce((a, b) => a + b, 0);
  switch (norm) {
    case "total": {
      const totals = runs.reduce((a, r) => a + r.total, 0);
      return { perRun: vs.map((v, i) => pct(v, runs[i].total)), merged: pct(sum, totals) };
    }
    case "duration": {
      const secs = runs.reduce((a, r) => a + r.durationNanos, 0) / 1e9;
      return { perRun: vs.map((v, i) => v / (runs[i].durationNanos / 1e9)), merged: sum / secs };
    }
    case "none":
      return { perRun: vs, merged: sum / runs.length };
  }
}

const pct = (v: number, total: number) => (total === 0 ? 0 : (v / total) * 100);

/** A signed value in the sample unit, as pprof prints values ("+2.64s", "-23.7MB", "+12"). */
function signedLabel(v: number, unit: string): string {
  return (v > 0 ? "+" : "") + autoLabel(v, unit);
}

function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s === "-" + (0).toFixed(digits) ? (0).toFixed(digits) : s;
}

/** A threshold as written: no trailing zeros ("2", "1.05", "0.5"). */
function plain(v: number): string {
  return String(Number(v.toFixed(6)));
}

/** Whether a measured value is over its threshold, ignoring floating-point dust (1.05 vs 1.0500000000000003). */
function over(actual: number, threshold: number): boolean {
  return actual - threshold > 1e-9 * Math.max(1, Math.abs(threshold));
}

/** A side's value under a normalisation, as text: "13.39%", "3.35s", "1.20s/s". */
function sideText(v: number, norm: Norm, unit: string): string {
  if (norm === "total") return `${fixed(v, 2)}%`;
  return autoLabel(v, unit) + (norm === "duration" ? "/s" : "");
}

/** A check's value as text, in the metric's unit. */
export function checkValueText(kind: MetricKind, v: number | null, norm: Norm, unit: string, signed = true): string {
  if (v === null) return "new";
  switch (kind) {
    case "absolute":
      return `${fixed(v, 2)}%`;
    case "pct_delta":
      return `${signed && v > 0 ? "+" : ""}${fixed(v, 2)}pp`;
    case "ratio":
      return fixed(v, 3);
    case "delta":
      return (signed ? signedLabel(v, unit) : autoLabel(v, unit)) + (norm === "duration" ? "/s" : "");
  }
}

/** A threshold as text, in the metric's unit ("10%", "2pp", "1.05", "50ms"). */
export function thresholdText(kind: MetricKind, v: number, norm: Norm, unit: string): string {
  switch (kind) {
    case "absolute":
      return `${plain(v)}%`;
    case "pct_delta":
      return `${plain(v)}pp`;
    case "ratio":
      return plain(v);
    case "delta":
      return autoLabel(v, unit) + (norm === "duration" ? "/s" : "");
  }
}

/** Checks that every run reports the same sample type and unit; returns them. */
function commonType(runs: RunSummary[]): { sampleType: string; unit: string } {
  const first = runs[0];
  for (const r of runs) {
    if (r.sampleType !== first.sampleType || r.unit !== first.unit) {
      throw new UserError(
        `${first.file} reports ${first.sampleType} (${first.unit}) but ${r.file} reports ${r.sampleType} ` +
          `(${r.unit}); compare profiles of the same type, or pick one with sample_index`,
      );
    }
  }
  return { sampleType: first.sampleType, unit: first.unit };
}

/** The threshold of a *_delta check in the sample unit. */
function thresholdInUnit(c: GateCheck, unit: string): number {
  if (c.unit === undefined || c.unit === "") return c.max;
  const kind = unitKind(c.unit);
  if (kind === undefined || kind !== unitKind(unit)) {
    throw new UserError(
      `check ${c.function ?? ""}${c.function ? ":" : ""}${c.metric}: the unit ${c.unit} does not fit the profiles' ` +
        `unit (${unit}); give the threshold in ${unit}${unitKind(unit) ? " or a unit of the same kind" : ""}`,
    );
  }
  // scale() converts from the check's unit to the profiles' unit by their factors.
  return scale(c.max, c.unit, unit)[0];
}

/** Sums of a per-function column over runs, by function name. */
function sumsByName(runs: RunSummary[], column: "flat" | "cum"): Map<string, number[]> {
  const out = new Map<string, number[]>();
  runs.forEach((r, i) => {
    r.names.forEach((name, j) => {
      let vs = out.get(name);
      if (!vs) out.set(name, vs = new Array(runs.length).fill(0));
      vs[i] += r[column][j];
    });
  });
  return out;
}

/**
 * Compares the head runs with the base runs: every check, and the functions
 * whose share moved most.
 *
 * - Each side's value of a check is merged over its runs: the sum of values
 *   over the sum of totals (norm=total, percent), over the sum of durations
 *   (norm=duration, unit per second), or the mean per profile (norm=none).
 *   A function regexp measures the matching functions together: flat is the
 *   samples whose leaf matches, cum the samples with a match on the stack.
 * - Absolute checks (flat_pct, cum_pct) test the head alone: the largest
 *   percentage of a matching function, as pprof prints it.
 * - With two or more runs a side, the noise band is the half-width of Welch's
 *   `confidence` interval of the difference of the per-run values; a check
 *   over its threshold fails only when the change is also beyond the band
 *   (status within_noise otherwise). With one run on a side there is no band
 *   and the threshold alone decides.
 *
 * @throws {UserError} for runs of different sample types, a unit that does not
 *   fit, norm=duration without durations.
 */
export function compareRuns(
  base: RunSummary[],
  head: RunSummary[],
  checks: GateCheck[],
  o: CompareOptions = {},
): GateResult {
  if (base.length === 0 || head.length === 0) throw new UserError("the gate needs at least one base and one head");
  const { sampleType, unit } = commonType([...base, ...head]);
  const confidence = o.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new UserError(`confidence must be between 0 and 1, not ${confidence}`);
  const banded = base.length >= 2 && head.length >= 2;
  const noise: NoiseInfo = banded
    ? {
      method: "welch_t",
      confidence,
      runs: { base: base.length, head: head.length },
      note: `${Math.round(confidence * 100)}% Welch t interval of the per-profile values (${base.length} base, ` +
        `${head.length} head profiles)`,
    }
    : {
      method: "none",
      confidence,
      runs: { base: base.length, head: head.length },
      note: `no noise band: it needs at least two profiles a side (${base.length} base, ${head.length} head); ` +
        "thresholds alone decide",
    };
  const needsDuration = checks.some((c) => (c.norm ?? allowedNorms(c.metric)[0]) === "duration");
  if (needsDuration) {
    const none = [...base, ...head].find((r) => !(r.durationNanos > 0));
    if (none) {
      throw new UserError(
        `${none.file} records no duration; norm=duration needs profiles that do (CPU profiles do, heap profiles ` +
          "do not): use norm=total or norm=none",
      );
    }
  }
  const headFlat = sumsByName(head, "flat"), headCum = sumsByName(head, "cum");
  const headTotal = head.reduce((a, r) => a + r.total, 0);
  const results = checks.map((c, ci) => evaluate(c, ci));

  function evaluate(c: GateCheck, ci: number): GateCheckResult {
    const { kind, part } = metricInfo(c.metric);
    const norm = c.norm ?? allowedNorms(c.metric)[0];
    const head0 = { ...(c.function ? { function: c.function } : {}), metric: c.metric, norm };
    if (kind === "absolute") {
      const rx = compileRE2(c.function!, "function");
      const column = part === "flat" ? headFlat : headCum;
      let actual = 0, matched = 0;
      // Every function with samples has a cum value, so the cum sums name them all.
      for (const name of headCum.keys()) {
        if (!rx.test(name)) continue;
        matched++;
        const v = (column.get(name) ?? []).reduce((a, b) => a + b, 0);
        actual = Math.max(actual, Number(percentage(v, headTotal).replace("%", "")));
      }
      const r: GateCheckResult = {
        ...head0,
        threshold: c.max,
        threshold_text: thresholdText(kind, c.max, norm, unit),
        actual,
        actual_text: checkValueText(kind, actual, norm, unit),
        passed: true,
        status: "pass",
        matched,
      };
      if (matched === 0) return missing(r, c);
      if (over(actual, c.max)) {
        r.passed = false;
        r.status = "fail";
        r.message = `${c.function} ${c.metric} (${actual.toFixed(2)}%) exceeds threshold (${c.max.toFixed(2)}%)`;
      }
      return r;
    }
    const value = (r: RunSummary) => part === "total" ? r.total : r.groups[ci][part];
    const b = measure(base, value, norm), h = measure(head, value, norm);
    const matched = part === "total" ? 1 : Math.max(0, ...[...base, ...head].map((r) => r.groups[ci].matched));
    const threshold = kind === "delta" ? thresholdInUnit(c, unit) : c.max;
    const change = h.merged - b.merged;
    const actual = kind === "ratio" ? (b.merged === 0 ? (h.merged === 0 ? 1 : null) : h.merged / b.merged) : change;
    const band = banded ? welchBand(b.perRun, h.perRun, confidence).band : undefined;
    // A ratio's band is the change the band allows, relative to the base: a ratio must pass 1 + band to stand out.
    const bandInCheck = band === undefined
      ? undefined
      : kind === "ratio"
      ? (b.merged === 0 ? undefined : band / b.merged)
      : band;
    const r: GateCheckResult = {
      ...head0,
      threshold,
      threshold_text: thresholdText(kind, threshold, norm, unit),
      actual,
      actual_text: checkValueText(kind, actual, norm, unit),
      passed: true,
      status: "pass",
      matched,
      base: b.merged,
      head: h.merged,
      base_text: sideText(b.merged, norm, unit),
      head_text: sideText(h.merged, norm, unit),
    };
    if (band !== undefined) {
      r.beyond_noise = change > band;
      if (bandInCheck !== undefined) {
        r.noise_band = bandInCheck;
        r.noise_band_text = "±" + checkValueText(kind, bandInCheck, norm, unit, false);
      }
    }
    if (matched === 0) return missing(r, c);
    const what = `${c.function ? c.function + " " : ""}${c.metric}`;
    if (actual !== null && !over(actual, threshold)) return r;
    const shown = actual === null ? "new in the head" : r.actual_text;
    if (band !== undefined && !r.beyond_noise) {
      r.status = "within_noise";
      r.message = `${what} (${shown}) exceeds threshold (${r.threshold_text}) but not the noise band ` +
        `(${r.noise_band_text ?? "±" + sideText(band, norm, unit)}): treated as noise`;
      return r;
    }
    r.passed = false;
    r.status = "fail";
    r.message = `${what} (${shown}) exceeds threshold (${r.threshold_text})` +
      (band !== undefined ? ` and the noise band (${r.noise_band_text ?? "±" + sideText(band, norm, unit)})` : "");
    return r;
  }

  const by = o.cum ? "cum" : "flat";
  const movers = topMovers(base, head, by, o.movers ?? 10, banded ? confidence : undefined, unit);
  const side = (runs: RunSummary[]): SideSummary => {
    const total = mean(runs.map((r) => r.total));
    const s: SideSummary = {
      profiles: runs.map((r) => r.file),
      runs: runs.length,
      total,
      total_text: autoLabel(total, unit),
    };
    if (runs.every((r) => r.durationNanos > 0)) s.duration_seconds = mean(runs.map((r) => r.durationNanos)) / 1e9;
    return s;
  };
  const names = new Set([...base, ...head].flatMap((r) => r.names));
  return {
    passed: results.every((r) => r.passed),
    sample_type: sampleType,
    unit,
    base: side(base),
    head: side(head),
    noise,
    checks: results,
    movers_by: by,
    movers: movers,
    functions: names.size,
  };
}

function missing(r: GateCheckResult, c: GateCheck): GateCheckResult {
  r.status = "missing";
  r.passed = !!c.allow_missing;
  r.message = c.allow_missing
    ? `${c.function} matched no function (allowed by allow_missing)`
    : `${c.function} matched no function`;
  return r;
}

/** The `n` functions whose share of the total moved most (by |points|), with their noise bands. */
function topMovers(
  base: RunSummary[],
  head: RunSummary[],
  by: "flat" | "cum",
  n: number,
  confidence: number | undefined,
  unit: string,
): Mover[] {
  const b = sumsByName(base, by), h = sumsByName(head, by);
  const bt = base.reduce((a, r) => a + r.total, 0), ht = head.reduce((a, r) => a + r.total, 0);
  const zerosB = new Array(base.length).fill(0), zerosH = new Array(head.length).fill(0);
  const sum = (vs: number[]) => vs.reduce((a, x) => a + x, 0);
  const all = [...new Set([...b.keys(), ...h.keys()])].map((name) => {
    const bv = b.get(name) ?? zerosB, hv = h.get(name) ?? zerosH;
    const delta = pct(sum(hv), ht) - pct(sum(bv), bt);
    return { name, bv, hv, delta };
  });
  // Functions that did not move are no movers (a share can differ by float dust only).
  const moved = all.filter((m) => Math.abs(m.delta) > 1e-9 || sum(m.bv) / base.length !== sum(m.hv) / head.length);
  moved.sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta) || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
  return moved.slice(0, n).map(({ name, bv, hv, delta }) => {
    const baseValue = sum(bv) / base.length, headValue = sum(hv) / head.length;
    const basePct = pct(sum(bv), bt), headPct = pct(sum(hv), ht);
    const m: Mover = {
      function: name,
      base_value: baseValue,
      head_value: headValue,
      delta_value: headValue - baseValue,
      base_pct: basePct,
      head_pct: headPct,
      delta_pct: delta,
      base_text: `${autoLabel(baseValue, unit)} (${fixed(basePct, 2)}%)`,
      head_text: `${autoLabel(headValue, unit)} (${fixed(headPct, 2)}%)`,
      delta_text: `${signedLabel(headValue - baseValue, unit)} (${delta > 0 ? "+" : ""}${fixed(delta, 2)}pp)`,
    };
    if (confidence !== undefined) {
      const shares = (vs: number[], runs: RunSummary[]) => vs.map((v, i) => pct(v, runs[i].total));
      const band = welchBand(shares(bv, base), shares(hv, head), confidence).band;
      m.noise_band_pct = band;
      m.beyond_noise = Math.abs(delta) > band;
    }
    return m;
  });
}
