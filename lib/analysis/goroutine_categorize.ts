/**
 * Goroutine categorization: goroutines counted per category (preset or
 * custom regexps over the joined stack), each goroutine in exactly one
 * category, with the application functions that hold most of each.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { appByLocation, appMasks, type AppPrefixes, firstAppOfSample } from "./app_frames.ts";
import { type Finding, type Severity, sortFindings } from "./findings.ts";
import { framesOf, signatureOf, stackBuffer, StackGroups, stackOf, valueIndex } from "./frames.ts";
import { sampleKind } from "./profile_facts.ts";
import { GOROUTINE_PRESETS } from "./goroutine_presets.ts";
import { goroutineCount, LEAK_HIGH, LEAK_MEDIUM } from "./goroutines.ts";
import { StackMatcher, type StackPattern } from "./stack_match.ts";
import { exactName } from "../regex/quote.ts";

/** One category of the result. */
export interface Category {
  name: string;
  pattern: string;
  count: number;
  percent: number;
  sample_stack?: string;
  /** The application functions holding most goroutines of the category. */
  top_functions?: { function: string; count: number }[];
}

/** The result of {@link goroutineCategorize}. */
export interface GoroutineCategories {
  total_goroutines: number;
  categories: Category[];
  uncategorized: number;
  top_uncategorized?: { signature: string; count: number }[];
  presets_used?: string[];
  findings: Finding[];
  warnings?: string[];
}

/** Options of {@link goroutineCategorize}. */
export interface CategorizeOptions {
  /** Presets by name; none and no custom categories = all presets. */
  presets?: readonly string[];
  /** Custom categories, name → Go RE2 regexp; they are tried before the presets, in the order given. */
  categories?: Readonly<Record<string, string>>;
  app?: AppPrefixes;
  profileArg?: string;
}

/** The matchers in the order they are tried, the presets used and warnings for what was skipped. */
export function categoryMatchers(o: CategorizeOptions): {
  matchers: StackPattern[];
  presetsUsed: string[];
  warnings: string[];
} {
  const warnings: string[] = [];
  const custom: StackPattern[] = [];
  for (const [name, pattern] of Object.entries(o.categories ?? {})) {
    try {
      compileRE2(pattern, `category ${name}`);
      custom.push({ name, pattern });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      warnings.push(`category ${name} skipped: ${e.message}`);
    }
  }
  let presets = [...(o.presets ?? [])];
  for (const p of presets) if (!(p in GOROUTINE_PRESETS)) warnings.push(`unknown preset: ${p}`);
  presets = presets.filter((p) => p in GOROUTINE_PRESETS);
  if (presets.length === 0 && custom.length === 0) presets = Object.keys(GOROUTINE_PRESETS);
  const names = new Set(custom.map((c) => c.name));
  const fromPresets = presets.flatMap((p) => GOROUTINE_PRESETS[p]).filter((c) => !names.has(c.name));
  return { matchers: [...custom, ...fromPresets], presetsUsed: presets, warnings };
}

/** Counts the goroutines of a profile per category. */
export function goroutineCategorize(p: Profile, o: CategorizeOptions = {}): GoroutineCategories {
  const { matchers, presetsUsed, warnings } = categoryMatchers(o);
  if (sampleKind(p) !== "goroutine") {
    warnings.push(
      `this does not appear to be a goroutine profile (sample types: ${p.sampleTypes.map((t) => t.type).join(", ")})`,
    );
  }
  const fr = framesOf(p);
  const matcher = new StackMatcher(fr, matchers, "category");
  const byLoc = appByLocation(fr, appMasks(fr.names, o.app ?? { prefixes: [] }));
  const vi = valueIndex(p, ["goroutine", "goroutines"]);
  const buf = stackBuffer(fr);
  const counts = new Float64Array(matchers.length);
  const samples: (string | undefined)[] = new Array(matchers.length);
  const fns = matchers.map(() => new Map<number, number>());
  const unmatchedIds = new StackGroups();
  const unmatched: { count: number; signature: string }[] = [];
  let total = 0, uncategorized = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const n = goroutineCount(p, s, vi);
    total += n;
    const [c] = matcher.match(s, true);
    if (c === undefined) {
      const len = stackOf(fr, s, buf, 4);
      uncategorized += n;
      const u = unmatchedIds.id(buf, Math.min(4, len));
      if (u === unmatched.length) unmatched.push({ count: 0, signature: signatureOf(fr, buf, len, 4) });
      unmatched[u].count += n;
      continue;
    }
    counts[c] += n;
    if (samples[c] === undefined) samples[c] = signatureOf(fr, buf, stackOf(fr, s, buf), 6);
    const a = firstAppOfSample(p, s, byLoc);
    if (a >= 0) fns[c].set(a, (fns[c].get(a) ?? 0) + n);
  }
  const pct = (n: number) => (total > 0 ? (n / total) * 100 : 0);
  const categories: Category[] = [];
  matchers.forEach((m, i) => {
    if (counts[i] <= 0) return;
    const c: Category = { name: m.name, pattern: m.pattern, count: counts[i], percent: pct(counts[i]) };
    if (samples[i]) c.sample_stack = samples[i];
    const top = [...fns[i]].sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([f, count]) => ({ function: fr.names[f], count }));
    if (top.length > 0) c.top_functions = top;
    categories.push(c);
  });
  categories.sort((a, b) => b.count - a.count);
  const out: GoroutineCategories = { total_goroutines: total, categories, uncategorized, findings: [] };
  const top = [...unmatched].sort((a, b) => b.count - a.count).slice(0, 10);
  if (top.length > 0) out.top_uncategorized = top.map((u) => ({ signature: u.signature, count: u.count }));
  if (presetsUsed.length > 0) out.presets_used = presetsUsed;
  if (warnings.length > 0) out.warnings = warnings;
  out.findings = categoryFindings(out, o.profileArg);
  return out;
}

function severityOf(count: number): Severity {
  return count >= LEAK_HIGH ? "high" : count >= LEAK_MEDIUM ? "medium" : count >= 100 ? "low" : "info";
}

function categoryFindings(r: GoroutineCategories, profile?: string): Finding[] {
  const findings: Finding[] = r.categories.slice(0, 5).map((c) => {
    const top = c.top_functions?.[0];
    const f: Finding = {
      severity: severityOf(c.count),
      title: `${c.name}: ${c.count} goroutines (${c.percent.toFixed(1)}%)` +
        (top ? `, ${top.count} of them in ${top.function}` : ""),
      evidence: {
        share: c.percent,
        value: c.count,
        value_text: `${c.count} goroutines`,
        unit: "count",
        ...(top ? { function: top.function } : {}),
      },
    };
    if (profile && top) {
      f.next_step = {
        tool: "pprof.focus_paths",
        arguments: { profile, function: exactName(top.function) },
        why: `the stacks of the ${c.name} goroutines in ${top.function}`,
      };
    }
    return f;
  });
  const share = r.total_goroutines > 0 ? (r.uncategorized / r.total_goroutines) * 100 : 0;
  if (share >= 25) {
    const u = r.top_uncategorized?.[0];
    const f: Finding = {
      severity: "info",
      title: `${r.uncategorized} goroutines (${share.toFixed(1)}%) match no category` +
        (u ? `; the largest group: ${u.signature} (${u.count})` : ""),
      evidence: { share, value: r.uncategorized, value_text: `${r.uncategorized} goroutines`, unit: "count" },
    };
    if (profile) {
      f.next_step = {
        tool: "pprof.goroutine_analysis",
        arguments: { profile },
        why: "where the uncategorized goroutines are parked, by application function and wait reason",
      };
    }
    findings.push(f);
  }
  return sortFindings(findings);
}
