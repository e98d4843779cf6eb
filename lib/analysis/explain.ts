/**
 * `pprof.explain_overhead`'s analysis: the explanation of an overhead category or function from the
 * knowledge in `explanations.ts`, and, given a profile, how large that category or function is in it (each
 * sample counted once, so the share never exceeds 100 %).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { CATEGORY_EXPLANATIONS, FUNCTION_EXPLANATIONS } from "./explanations.ts";
import type { Finding } from "./findings.ts";
import { OVERHEAD_CATEGORIES } from "./overhead_categories.ts";
import { overheadReport } from "./overhead.ts";
import { nameTable, pprofValue, round2, share, valueIndex } from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";

/** Options of {@link explainOverhead}. */
export interface ExplainOptions {
  category?: string;
  function?: string;
  detailLevel?: string;
  profile?: Profile;
  profilePath?: string;
}

/** The result of {@link explainOverhead}. */
export interface ExplainResult {
  category: string;
  /** How the category was found: given, from the function's entry, or from the function name's library. */
  category_from: "argument" | "function" | "function_name";
  explanation: { summary: string; detailed: string; why_slow: string[]; common_causes: string[] };
  in_your_profile?: {
    /** The category's attributed share (overhead_report's percentage), or the function's cum share. */
    total_pct: number;
    /** Samples with any frame of the category (or the function), each once. */
    inclusive_pct: number;
    top_contributors: { function: string; pct: number }[];
  };
  optimization_strategies: {
    strategy: string;
    expected_impact: string;
    effort: string;
    description: string;
    applicable: boolean;
    reason?: string;
  }[];
  warnings: string[];
  findings: Finding[];
}

/** The overhead category whose patterns match a function name, if any. */
function categoryOfName(name: string): string | undefined {
  for (const c of OVERHEAD_CATEGORIES) {
    if (c.functions.some((p) => compileRE2(p).test(name))) return c.name;
  }
  return undefined;
}

/** The category named `c`, exactly or ignoring case. */
function findCategory(c: string): string | undefined {
  if (c in CATEGORY_EXPLANATIONS) return c;
  const lower = c.trim().toLowerCase();
  return Object.keys(CATEGORY_EXPLANATIONS).find((k) => k.toLowerCase() === lower);
}

/** Explains a category or function, and measures it in a profile when one is given. */
export function explainOverhead(o: ExplainOptions): ExplainResult {
  const fn = o.function?.trim() ?? "";
  let cat = o.category?.trim() ?? "";
  if (cat === "" && fn === "") throw new UserError("category or function is required", "INVALID_ARGUMENT");
  const fnEntry = fn !== "" ? FUNCTION_EXPLANATIONS[fn] : undefined;
  let from: ExplainResult["category_from"] = "argument";
  if (cat === "" && fnEntry) [cat, from] = [fnEntry.category, "function"];
  if (cat === "" && fn !== "") {
    const guessed = categoryOfName(fn);
    if (!guessed) {
      throw new UserError(`no explanation found for function "${fn}"`, "INVALID_ARGUMENT", {
        field: "function",
        expected: `a function of a known overhead category, or one of: ${
          Object.keys(FUNCTION_EXPLANATIONS).join(", ")
        }`,
        received: fn,
      });
    }
    [cat, from] = [guessed, "function_name"];
  }
  const key = findCategory(cat);
  if (!key) {
    throw new UserError(`no explanation found for category "${cat}"`, "INVALID_ARGUMENT", {
      field: "category",
      expected: `one of: ${Object.keys(CATEGORY_EXPLANATIONS).join(", ")}`,
      received: cat,
    });
  }
  const e = CATEGORY_EXPLANATIONS[key];
  const level = o.detailLevel ?? "standard";
  let detailed = level === "brief" ? e.brief : level === "detailed" && e.detailed ? e.detailed : e.standard;
  let summary = e.brief;
  if (fnEntry) {
    detailed = fnEntry.explanation;
    summary ||= fnEntry.explanation;
  }
  const result: ExplainResult = {
    category: key,
    category_from: from,
    explanation: {
      summary: summary.trim(),
      detailed: detailed.trim(),
      why_slow: fnEntry ? [fnEntry.why_expensive] : [],
      common_causes: e.common_causes,
    },
    optimization_strategies: e.strategies.map((s) => ({ ...s, applicable: false })),
    warnings: [],
    findings: [],
  };
  if (o.profile) measure(o.profile, result, fn, o.profilePath ?? "");
  return result;
}

function measure(p: Profile, r: ExplainResult, fn: string, profilePath: string): void {
  let total: number, inclusive: number, top: { function: string; pct: number }[], unit: string, value: number;
  if (fn !== "") {
    // A function: its own flat and cum (each sample once).
    const si = valueIndex(p);
    const stride = p.sampleTypes.length;
    const names = nameTable(p);
    const want = names.names.indexOf(fn);
    let all = 0, cum = 0;
    for (let s = 0; s < p.sampleCount; s++) {
      const v = p.values[s * stride + si];
      all += v;
      if (want < 0) continue;
      let hit = false;
      for (let k = p.stackStart[s]; k < p.stackStart[s + 1] && !hit; k++) {
        const loc = p.stackLocs[k];
        for (let li = p.lineStart[loc]; li < p.lineStart[loc + 1]; li++) {
          if (names.nameOf[p.lineFunction[li]] === want) {
            hit = true;
            break;
          }
        }
      }
      if (hit) cum += v;
    }
    if (want < 0) r.warnings.push(`function ${fn} is not in the profile`);
    total = share(cum, all);
    inclusive = total;
    top = [{ function: fn, pct: round2(total) }];
    unit = p.sampleTypes[si].unit;
    value = cum;
  } else {
    const rep = overheadReport(p);
    const d = rep.detections.find((x) => x.category === r.category);
    total = d?.percentage ?? 0;
    inclusive = d?.inclusive_percentage ?? 0;
    top = (d?.top_functions ?? []).map((x) => ({ function: x.function, pct: round2(x.percentage) }));
    unit = rep.unit;
    value = d?.value ?? 0;
  }
  r.in_your_profile = { total_pct: round2(total), inclusive_pct: round2(inclusive), top_contributors: top };
  for (const s of r.optimization_strategies) {
    s.applicable = inclusive > 0;
    if (s.applicable) s.reason = `${r.category} is ${round2(inclusive)}% of this profile`;
  }
  if (inclusive >= 1 && top.length > 0) {
    r.findings.push({
      severity: total >= 15 ? "high" : total >= 5 ? "medium" : "low",
      title: `${fn || r.category} is ${round2(total)}% of this profile` +
        (inclusive - total >= 1 ? ` (${round2(inclusive)}% of samples pass through it)` : "") +
        `; biggest contributor ${top[0].function}`,
      evidence: { function: top[0].function, share: total, value, value_text: pprofValue(value, unit), unit },
      next_step: {
        tool: "pprof.peek",
        arguments: { profile: profilePath, regex: exactName(top[0].function) },
        why: "who calls it",
      },
    });
  }
}
