/**
 * `pprof.overhead_report`'s analysis: how much of a profile goes to observability and infrastructure code
 * (logging, tracing, metrics, serialization, frameworks, GC), each sample credited once per category, and each
 * sample's cost attributed to one category at most, so that no share exceeds 100 % and the shares add up.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { compileRE2, type GoRegexp } from "../regex/re2.ts";
import { type AppCode, appCode, type AppHints } from "./app_code.ts";
import { type Finding, type Severity, sortFindings } from "./findings.ts";
import { OVERHEAD_CATEGORIES, type OverheadCategory } from "./overhead_categories.ts";
import {
  formatAmount,
  nameTable,
  pprofValue,
  type SampleKind,
  sampleKind,
  share,
  valueIndex,
} from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";

/** Options of {@link overheadReport}. */
export interface OverheadOptions {
  /** Sample type name; default: the one pprof reports. */
  sampleIndex?: string;
  app?: AppHints;
  /** The profile argument, for the findings' next steps. */
  profilePath?: string;
  categories?: OverheadCategory[];
}

/** A function's weight within a category. */
export interface WeightedFunction {
  function: string;
  value: number;
  percentage: number;
}

/** One category found in the profile. */
export interface OverheadDetection {
  category: string;
  description: string;
  /** The cost attributed to the category: samples whose outermost category frame below your code is this one. */
  value: number;
  value_str: string;
  value_text: string;
  percentage: number;
  /** Samples with any frame of the category (pprof -focus on its patterns): the most removing it could save. */
  inclusive_value: number;
  inclusive_percentage: number;
  /** The category's functions with the largest cumulative weight (each sample once), its entry points first. */
  top_functions: WeightedFunction[];
  /** Your functions that call into the category, by attributed weight. */
  called_from: WeightedFunction[];
  /**
   * Categories whose frames call this one, where the cost is attributed (JSON encoding inside a logger counts
   * as logging): the share of the profile that passes through this category inside each of them.
   */
  inside?: { category: string; percentage: number }[];
  severity: "high" | "medium" | "low";
  observability: boolean;
  suggestion?: string;
}

/** The result of {@link overheadReport}. */
export interface OverheadReport {
  profile_kind: SampleKind;
  sample_type: string;
  unit: string;
  total_value: number;
  total_value_str: string;
  detections: OverheadDetection[];
  /** Sum of the attributed percentages (each sample counted at most once, so at most 100). */
  total_overhead_pct: number;
  /** The part of it that is logging, tracing, metrics and profiling. */
  observability_pct: number;
  app_code: Omit<AppCode, "isApp">;
  warnings: string[];
  findings: Finding[];
}

interface Compiled {
  fn?: GoRegexp;
  file?: GoRegexp;
}

function compileCategory(c: OverheadCategory): Compiled {
  const join = (ps: string[]) => ps.length === 0 ? undefined : compileRE2(ps.map((p) => `(?:${p})`).join("|"));
  return { fn: join(c.functions), file: join(c.files) };
}

/** The first category each function of `p` belongs to (-1: none). */
export function functionCategories(p: Profile, categories: OverheadCategory[] = OVERHEAD_CATEGORIES): Int32Array {
  const compiled = categories.map(compileCategory);
  const out = new Int32Array(p.functionCount).fill(-1);
  for (let f = 0; f < p.functionCount; f++) {
    const name = p.strings[p.functionName[f]];
    const file = p.strings[p.functionFilename[f]];
    for (let c = 0; c < compiled.length; c++) {
      if (compiled[c].fn?.test(name) || (file !== "" && compiled[c].file?.test(file))) {
        out[f] = c;
        break;
      }
    }
  }
  return out;
}

/** The RE2 pattern pprof's -focus would use for a category (its function and file patterns joined). */
export function categoryFocus(c: OverheadCategory): string {
  return [...c.functions, ...c.files].join("|");
}

function* categoryFunctions(cum: Float64Array, nn: number, nc: number, c: number): Generator<[number, number]> {
  for (let n = 0; n < nn; n++) if (cum[n * nc + c] > 0) yield [n, cum[n * nc + c]];
}

const severityOf = (pct: number): "high" | "medium" | "low" => pct >= 15 ? "high" : pct >= 5 ? "medium" : "low";

/** Measures every overhead category in `p`. */
export function overheadReport(p: Profile, o: OverheadOptions = {}): OverheadReport {
  const categories = o.categories ?? OVERHEAD_CATEGORIES;
  const si = valueIndex(p, o.sampleIndex ?? "");
  const { type, unit } = p.sampleTypes[si];
  const stride = p.sampleTypes.length;
  const names = nameTable(p);
  const cat = functionCategories(p, categories);
  const app = appCode(p, o.app);
  const nc = categories.length;
  const attributed = new Float64Array(nc);
  const inclusive = new Float64Array(nc);
  const catStamp = new Int32Array(nc).fill(-1);
  // Per (category, function name): cumulative weight, each sample once.
  const nn = names.names.length;
  const fnCum = new Float64Array(nn * nc);
  const fnStamp = new Int32Array(nn * nc).fill(-1);
  const callers = Array.from({ length: nc }, () => new Map<number, number>());
  // inside[c][o]: weight of samples through category c whose cost is attributed to another category o.
  const inside = Array.from({ length: nc }, () => new Float64Array(nc));
  const seen: number[] = []; // categories met below your code in the current sample
  const seenStamp = new Int32Array(nc).fill(-1);
  let total = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * stride + si];
    if (v === 0) continue;
    total += v;
    let owner = -1;
    let caller = -1;
    let below = true; // still below the first frame of your code
    seen.length = 0;
    for (let k = p.stackStart[s]; k < p.stackStart[s + 1]; k++) {
      const loc = p.stackLocs[k];
      for (let li = p.lineStart[loc]; li < p.lineStart[loc + 1]; li++) {
        const f = p.lineFunction[li];
        const c = cat[f];
        if (c >= 0) {
          if (catStamp[c] !== s) {
            catStamp[c] = s;
            inclusive[c] += v;
          }
          const key = names.nameOf[f] * nc + c;
          if (fnStamp[key] !== s) {
            fnStamp[key] = s;
            fnCum[key] += v;
          }
          if (below) {
            owner = c;
            if (seenStamp[c] !== s) {
              seenStamp[c] = s;
              seen.push(c);
            }
          }
        } else if (below && app.isApp[f]) {
          below = false;
          caller = names.nameOf[f];
        }
      }
    }
    if (owner >= 0) {
      attributed[owner] += v;
      for (const c of seen) if (c !== owner) inside[c][owner] += v;
      if (caller >= 0) callers[owner].set(caller, (callers[owner].get(caller) ?? 0) + v);
    }
  }

  const warnings: string[] = [];
  if (total === 0) warnings.push("profile has no samples");
  const top = (entries: Iterable<[number, number]>, n: number): WeightedFunction[] =>
    [...entries].sort((a, b) => b[1] - a[1] || (names.names[a[0]] < names.names[b[0]] ? -1 : 1)).slice(0, n)
      .map(([id, value]) => ({ function: names.names[id], value, percentage: share(value, total) }));
  const detections: OverheadDetection[] = [];
  for (let c = 0; c < nc && total > 0; c++) {
    const pct = share(attributed[c], total);
    const incl = share(inclusive[c], total);
    if (pct < 1 && incl < 1) continue;
    const within: { category: string; percentage: number }[] = [];
    for (let o = 0; o < nc; o++) {
      if (inside[c][o] > 0) within.push({ category: categories[o].name, percentage: share(inside[c][o], total) });
    }
    within.sort((a, b) => b.percentage - a.percentage);
    const d: OverheadDetection = {
      category: categories[c].name,
      description: categories[c].description,
      value: attributed[c],
      value_str: formatAmount(attributed[c], unit),
      value_text: pprofValue(attributed[c], unit),
      percentage: pct,
      inclusive_value: inclusive[c],
      inclusive_percentage: incl,
      top_functions: top(categoryFunctions(fnCum, nn, nc, c), 3),
      called_from: top(callers[c], 3),
      severity: severityOf(pct),
      observability: categories[c].observability,
    };
    if (within.length > 0) d.inside = within.slice(0, 3);
    if (pct >= 10 || incl >= 10) d.suggestion = categories[c].suggestion;
    detections.push(d);
  }
  detections.sort((a, b) =>
    b.percentage - a.percentage || b.inclusive_percentage - a.inclusive_percentage ||
    (a.category < b.category ? -1 : 1)
  );
  let totalPct = 0, obsPct = 0;
  for (let c = 0; c < nc; c++) {
    totalPct += share(attributed[c], total);
    if (categories[c].observability) obsPct += share(attributed[c], total);
  }
  if (totalPct > 30) warnings.push(`overhead categories take ${totalPct.toFixed(1)}% of ${type}`);
  const { isApp: _, ...appInfo } = app;
  return {
    profile_kind: sampleKind(p),
    sample_type: type,
    unit,
    total_value: total,
    total_value_str: formatAmount(total, unit),
    detections,
    total_overhead_pct: totalPct,
    observability_pct: obsPct,
    app_code: appInfo,
    warnings,
    findings: overheadFindings(detections, obsPct, type, unit, o.profilePath ?? ""),
  };
}

function overheadFindings(
  detections: OverheadDetection[],
  obsPct: number,
  type: string,
  unit: string,
  profile: string,
): Finding[] {
  const out: Finding[] = [];
  for (const d of detections) {
    const nested = (d.inside ?? []).reduce((sum, x) => sum + x.percentage, 0);
    if (d.percentage < 5 && nested < 10) continue;
    const entry = d.top_functions[0]?.function;
    const via = d.called_from[0] ? `, called from ${d.called_from[0].function}` : "";
    const incl = d.inclusive_percentage - d.percentage >= 1
      ? ` (${d.inclusive_percentage.toFixed(1)}% of ${type} passes through it)`
      : "";
    const severity: Severity = d.percentage >= 5 ? d.severity : nested >= 15 ? "medium" : "low";
    const title = d.percentage >= 5
      ? `${d.category} takes ${d.percentage.toFixed(1)}% of ${type}${incl}${via}`
      : `${nested.toFixed(1)}% of ${type} passes through ${d.category} inside ` +
        (d.inside ?? []).map((x) => `${x.category} (${x.percentage.toFixed(1)}%)`).join(", ");
    out.push({
      severity,
      title,
      evidence: { function: entry, share: d.percentage, value: d.value, value_text: d.value_text, unit },
      next_step: entry
        ? {
          tool: "pprof.peek",
          arguments: { profile, regex: exactName(entry) },
          why: `who calls ${entry} and where its time goes`,
        }
        : undefined,
    });
  }
  const obs = detections.filter((d) => d.observability);
  if (obsPct >= 20 && obs.length > 0) {
    const value = obs.reduce((s, d) => s + d.value, 0);
    out.push({
      severity: obsPct >= 30 ? "high" : "medium",
      title: `Observability (${obs.map((d) => d.category).join(", ")}) takes ${obsPct.toFixed(1)}% of ${type}`,
      evidence: { share: obsPct, value, value_text: pprofValue(value, unit), unit },
      next_step: {
        tool: "pprof.explain_overhead",
        arguments: { category: obs[0].category, profile },
        why: "what makes it expensive and what to change",
      },
    });
  }
  return sortFindings(out).map((f) => f.next_step ? f : dropUndefined(f));
}

function dropUndefined(f: Finding): Finding {
  const { next_step, ...rest } = f;
  return next_step ? f : rest;
}
