/**
 * Goroutine analysis: how many goroutines, in which state, why they are
 * blocked (the call below runtime.gopark), and the stacks that hold so many
 * of them that they look leaked, each with the application function it is
 * parked in.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { appMasks, type AppPrefixes, firstAppIndex } from "./app_frames.ts";
import { type Finding, sortFindings } from "./findings.ts";
import {
  type Frames,
  framesOf,
  signatureOf,
  stackBuffer,
  StackGroups,
  stackOf,
  stackPrefixOf,
  valueIndex,
  valueOf,
} from "./frames.ts";
import { sampleKind } from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";
import { stdlibMask } from "./app_frames.ts";
import { RUNNING, stateOfReason, WAIT_RULES } from "./wait_reasons.ts";

/** Labels that carry a goroutine's state when a profiler writes one. */
const STATE_LABELS = ["state", "status", "goroutine", "goroutine_state"];

/** Severity thresholds of a potential leak (goroutines on one stack). */
export const LEAK_HIGH = 1000;
export const LEAK_MEDIUM = 500;

/** What the wait-reason rules need per function: the rule its name matches (-1 none), and which are stdlib. */
export interface WaitRules {
  rule: Int16Array;
  std: Uint8Array;
}

/** The wait rules applied to every function of a profile once. */
export function waitRules(fr: Frames): WaitRules {
  const res = WAIT_RULES.map((r) => compileRE2(r.pattern, "wait rule"));
  const rule = new Int16Array(fr.names.length).fill(-1);
  for (let f = 0; f < fr.names.length; f++) rule[f] = res.findIndex((re) => re.test(fr.names[f]));
  return { rule, std: stdlibMask(fr.names) };
}

/** Why one goroutine is blocked, and where. */
export interface Blocking {
  reason: string;
  /** Index (leaf first) of the frame that decided the reason, or -1. */
  at: number;
}

/**
 * The wait reason of a stack: among its leading standard-library frames (the
 * blocking call), the leaf-most specific rule, else the leaf-most generic
 * one; no rule at all means the goroutine was running.
 */
export function blockingOf(w: WaitRules, stack: Int32Array, len: number): Blocking {
  let generic = -1;
  for (let i = 0; i < len; i++) {
    const f = stack[i];
    const r = w.rule[f];
    if (r >= 0) {
      if (!WAIT_RULES[r].generic) return { reason: WAIT_RULES[r].reason, at: i };
      if (generic < 0) generic = i;
    }
    if (w.std[f] === 0) break;
  }
  if (generic >= 0) return { reason: WAIT_RULES[w.rule[stack[generic]]].reason, at: generic };
  return { reason: RUNNING, at: -1 };
}

/** A group of goroutines on one stack signature. */
export interface GoroutineGroup {
  stack_signature: string;
  count: number;
  share: number;
  state: string;
  wait_reason: string;
  /** The application function the goroutines are parked in (first app frame), when there is one. */
  function?: string;
  /** The blocking call (the frame that decided the wait reason). */
  blocked_in?: string;
  /** The most common values of each label on the group's goroutines. */
  labels?: { key: string; values: { value: string; count: number }[] }[];
}

/** A potential leak: a group with many goroutines. */
export interface PotentialLeak extends GoroutineGroup {
  severity: "high" | "medium" | "low";
}

/** The result of {@link goroutineAnalysis}. */
export interface GoroutineAnalysis {
  total_goroutines: number;
  by_state: Record<string, number>;
  top_wait_reasons: { reason: string; count: number; share: number; sample_stack: string }[];
  potential_leaks: PotentialLeak[];
  findings: Finding[];
  warnings?: string[];
}

/** Options of {@link goroutineAnalysis}. */
export interface GoroutineOptions {
  /** Groups with at least this many goroutines are reported as potential leaks (default 100). */
  minLeakCount?: number;
  /** How many potential leaks to report (default 10). */
  maxLeaks?: number;
  app?: AppPrefixes;
  /** The profile argument, for the findings' next steps. */
  profileArg?: string;
}

/** A group of samples parked at the same place. */
interface Acc {
  count: number;
  /** A sample of the group (its first). */
  sample: number;
  /** Index of the first application frame, or -1. */
  app: number;
  state: string;
  reason: string;
  at: number;
}

/**
 * How many leading frames identify where a goroutine is parked: through its
 * first application frame (whoever started it), else the first 8.
 */
export function parkedPathLength(app: number, len: number): number {
  return app >= 0 ? app + 1 : Math.min(8, len);
}

/** The goroutine count of a sample: its value, or 1 when a profiler wrote 0. */
export function goroutineCount(p: Profile, s: number, vi: number): number {
  const v = valueOf(p, s, vi);
  return v > 0 ? v : 1;
}

/** The ids of the string keys of `names` in a profile's string table (for label lookups without string compares). */
function stringIds(p: Profile, names: readonly string[]): Set<number> {
  const want = new Set(names);
  const ids = new Set<number>();
  for (let i = 0; i < p.strings.length; i++) if (want.has(p.strings[i])) ids.add(i);
  return ids;
}

/** Analyses a goroutine profile. */
export function goroutineAnalysis(p: Profile, o: GoroutineOptions = {}): GoroutineAnalysis {
  const fr = framesOf(p);
  const rules = waitRules(fr);
  const warnings: string[] = [];
  if (sampleKind(p) !== "goroutine") {
    warnings.push(
      `this does not appear to be a goroutine profile (sample types: ${p.sampleTypes.map((t) => t.type).join(", ")})`,
    );
  }
  const vi = valueIndex(p, ["goroutine", "goroutines"]);
  const masks = appMasks(fr.names, o.app ?? { prefixes: [] });
  const stateKeys = stringIds(p, STATE_LABELS);
  const buf = stackBuffer(fr);
  let total = 0;
  const byState: Record<string, number> = {};
  const reasons = new Map<string, { count: number; sample: string }>();
  const ids = new StackGroups();
  const groups: Acc[] = [];
  const groupOf = new Int32Array(p.sampleCount).fill(-1);
  for (let s = 0; s < p.sampleCount; s++) {
    const count = goroutineCount(p, s, vi);
    // Only the frames up to the first application frame matter here (8 when there is none).
    const len = stackPrefixOf(fr, s, buf, masks.app, 8);
    total += count;
    const b = blockingOf(rules, buf, len);
    let state = stateKeys.size > 0 ? stateLabel(p, s, stateKeys) : undefined;
    state ??= stateOfReason(b.reason);
    byState[state] = (byState[state] ?? 0) + count;
    const r = reasons.get(b.reason);
    if (r) r.count += count;
    else reasons.set(b.reason, { count, sample: signatureOf(fr, buf, len >= 6 ? len : stackOf(fr, s, buf), 6) });
    if (len === 0) continue;
    const app = firstAppIndex(buf, len, masks);
    const g = ids.id(buf, parkedPathLength(app, len));
    if (g === groups.length) groups.push({ count: 0, sample: s, app, state, reason: b.reason, at: b.at });
    groups[g].count += count;
    groupOf[s] = g;
  }
  const share = (n: number) => (total > 0 ? (n / total) * 100 : 0);
  const top_wait_reasons = [...reasons].map(([reason, r]) => ({
    reason,
    count: r.count,
    share: share(r.count),
    sample_stack: r.sample,
  })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)).slice(0, 5);
  const minLeak = o.minLeakCount ?? 100;
  const leakIds = groups.map((_, i) => i)
    .filter((i) => groups[i].count >= minLeak && groups[i].reason !== RUNNING)
    .sort((a, b) => groups[b].count - groups[a].count || compareStacks(ids.stacks[a], ids.stacks[b], fr))
    .slice(0, o.maxLeaks ?? 10);
  const labels = groupLabels(p, groupOf, vi, new Set(leakIds));
  const potential_leaks: PotentialLeak[] = leakIds.map((i) => {
    const g = groups[i];
    return {
      ...describeGroup(fr, ids.stacks[i], g, share(g.count), labels.get(i)),
      severity: g.count >= LEAK_HIGH ? "high" : g.count >= LEAK_MEDIUM ? "medium" : "low",
    };
  });
  const out: GoroutineAnalysis = {
    total_goroutines: total,
    by_state: byState,
    top_wait_reasons,
    potential_leaks,
    findings: goroutineFindings(total, potential_leaks, o.profileArg),
  };
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}

/** Orders groups of equal size by their frames' names, so that results do not depend on sample order. */
function compareStacks(a: Int32Array, b: Int32Array, fr: Frames): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = fr.names[a[i]], y = fr.names[b[i]];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function stateLabel(p: Profile, s: number, keys: Set<number>): string | undefined {
  for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
    if (p.labelStr[j] > 0 && keys.has(p.labelKey[j])) return p.strings[p.labelStr[j]];
  }
  return undefined;
}

type LabelCounts = Map<string, Map<string, number>>;

/** The string label values of the samples of the wanted groups, counted per group. */
function groupLabels(p: Profile, groupOf: Int32Array, vi: number, wanted: Set<number>): Map<number, LabelCounts> {
  const out = new Map<number, LabelCounts>();
  if (wanted.size === 0) return out;
  for (let s = 0; s < p.sampleCount; s++) {
    const g = groupOf[s];
    if (!wanted.has(g) || p.labelStart[s] === p.labelStart[s + 1]) continue;
    const count = goroutineCount(p, s, vi);
    let byKey = out.get(g);
    if (!byKey) out.set(g, byKey = new Map());
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (p.labelStr[j] === 0) continue;
      const k = p.strings[p.labelKey[j]];
      let values = byKey.get(k);
      if (!values) byKey.set(k, values = new Map());
      const v = p.strings[p.labelStr[j]];
      values.set(v, (values.get(v) ?? 0) + count);
    }
  }
  return out;
}

function describeGroup(fr: Frames, stack: Int32Array, g: Acc, share: number, labels?: LabelCounts): GoroutineGroup {
  const names = [...stack].map((f) => fr.names[f]);
  const out: GoroutineGroup = {
    stack_signature: names.join(" | "),
    count: g.count,
    share,
    state: g.state,
    wait_reason: g.reason,
  };
  if (g.app >= 0) out.function = names[g.app];
  if (g.at >= 0) out.blocked_in = names[g.at];
  const top = [...labels ?? []].map(([key, values]) => ({
    key,
    values: [...values].map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, 3),
  })).sort((a, b) => b.values[0].count - a.values[0].count || (a.key < b.key ? -1 : 1));
  if (top.length > 0) out.labels = top;
  return out;
}

function goroutineFindings(total: number, leaks: PotentialLeak[], profile?: string): Finding[] {
  const findings: Finding[] = leaks.slice(0, 5).map((l): Finding => {
    const where = l.function ?? l.blocked_in ?? l.stack_signature.split(" | ")[0];
    const tag = l.labels?.[0];
    const byLabel = tag && tag.values[0].count >= l.count / 2
      ? `; ${tag.values[0].count} of them carry ${tag.key}=${tag.values[0].value}`
      : "";
    const f: Finding = {
      severity: l.severity,
      title: `${l.count} goroutines (${l.share.toFixed(1)}%) blocked in ${l.wait_reason} in ${where}${byLabel}`,
      evidence: {
        function: where,
        share: l.share,
        value: l.count,
        value_text: `${l.count} goroutines`,
        unit: "count",
      },
    };
    if (profile) {
      f.next_step = {
        tool: "pprof.focus_paths",
        arguments: { profile, function: exactName(where) },
        why: "the full stacks and labels of these goroutines: who started them and what they wait for",
      };
    }
    return f;
  });
  if (total > 10000) {
    findings.push({
      severity: "medium",
      title: `${total} goroutines: at least ${(total * 2 / 1024).toFixed(1)} MB of stacks (2 KiB minimum each)`,
      evidence: { share: 100, value: total, value_text: `${total} goroutines`, unit: "count" },
    });
  }
  return sortFindings(findings);
}
