/**
 * Temporal worker analysis of a goroutine profile: pollers, dispatchers,
 * executing activities and cached workflows counted from SDK frames, the
 * worker settings they imply, and which activity or workflow functions hold
 * the goroutines.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { stdlibMask } from "./app_frames.ts";
import { type Finding, sortFindings } from "./findings.ts";
import { type Frames, framesOf, signatureOf, stackBuffer, stackOf, valueIndex } from "./frames.ts";
import { sampleKind } from "./profile_facts.ts";
import { blockingOf, goroutineCount, waitRules } from "./goroutines.ts";
import { StackMatcher } from "./stack_match.ts";
import { exactName } from "../regex/quote.ts";
import { DEFAULT_POLLERS, TEMPORAL_SDK, WORKER_COUNTERS, WORKFLOW_STATES } from "./worker_pool_patterns.ts";

/** One activity or workflow function and its goroutines. */
export interface Breakdown {
  /** The short name (after the last dot), as the SDK registers it by default. */
  name: string;
  /** The full function name. */
  function?: string;
  count: number;
  state?: string;
  wait_reason?: string;
  sample_stack?: string;
}

/** The result of {@link temporalAnalysis}. */
export interface TemporalAnalysis {
  inferred_settings: {
    max_concurrent_activity_task_pollers?: number;
    max_concurrent_workflow_task_pollers?: number;
    active_activities: number;
    cached_workflows: number;
    active_local_activities: number;
    active_sessions: number;
    notes: string[];
  };
  counts: Record<string, number>;
  workflow_breakdown: Breakdown[];
  activity_breakdown: Breakdown[];
  total_goroutines: number;
  findings: Finding[];
  warnings?: string[];
}

/** Options of {@link temporalAnalysis}. */
export interface TemporalOptions {
  /** The SDK's module path (default go.temporal.io/sdk). */
  sdkPrefix?: string;
  /** The SDK's default poller count, for telling default from configured (default 2). */
  defaultPollers?: number;
  profileArg?: string;
}

/** The short name of a function: after the last dot, cut at a type parameter list. */
export function shortName(fn: string): string {
  const b = fn.indexOf("[");
  const base = b > 0 ? fn.slice(0, b) : fn;
  return base.slice(base.lastIndexOf(".") + 1);
}

/**
 * The function the SDK called: scanning from the root, the first frame after
 * an SDK frame that is neither SDK nor standard library (reflect); else the
 * first non-SDK frame whose name contains `word` (leaf first).
 */
function userFunction(
  fr: Frames,
  sdk: Uint8Array,
  std: Uint8Array,
  stack: Int32Array,
  len: number,
  word: { test(s: string): boolean },
): number {
  let inSdk = false;
  for (let i = len - 1; i >= 0; i--) {
    const f = stack[i];
    if (sdk[f]) inSdk = true;
    else if (inSdk && !std[f]) return i;
  }
  for (let i = 0; i < len; i++) if (!sdk[stack[i]] && word.test(fr.names[stack[i]])) return i;
  return -1;
}

/** Analyses the goroutines of a Temporal worker. */
export function temporalAnalysis(p: Profile, o: TemporalOptions = {}): TemporalAnalysis {
  const sdkPrefix = o.sdkPrefix ?? TEMPORAL_SDK;
  const defaultPollers = o.defaultPollers ?? DEFAULT_POLLERS;
  const warnings: string[] = [];
  if (sampleKind(p) !== "goroutine") {
    warnings.push(
      `this does not appear to be a goroutine profile (sample types: ${p.sampleTypes.map((t) => t.type).join(", ")})`,
    );
  }
  const fr = framesOf(p);
  const counters = new StackMatcher(fr, WORKER_COUNTERS, "counter");
  const states = WORKFLOW_STATES.map((s) => ({ state: s.state, re: compileRE2(s.pattern, "workflow state") }));
  const sdk = new Uint8Array(fr.names.length);
  let sdkFrames = 0;
  for (let f = 0; f < fr.names.length; f++) {
    if (fr.names[f].startsWith(sdkPrefix)) {
      sdk[f] = 1;
      sdkFrames++;
    }
  }
  if (sdkFrames === 0) warnings.push(`no function of ${sdkPrefix} in the profile: is this a Temporal worker?`);
  const std = stdlibMask(fr.names);
  const rules = waitRules(fr);
  const vi = valueIndex(p, ["goroutine", "goroutines"]);
  const buf = stackBuffer(fr);
  const counts = new Float64Array(WORKER_COUNTERS.length);
  const iActivity = WORKER_COUNTERS.findIndex((c) => c.name === "activities_executing");
  const iLocal = WORKER_COUNTERS.findIndex((c) => c.name === "local_activities_executing");
  const iWorkflow = WORKER_COUNTERS.findIndex((c) => c.name === "workflows_cached");
  const activities = new Map<string, Breakdown>();
  const workflows = new Map<string, Breakdown>();
  let total = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const n = goroutineCount(p, s, vi);
    total += n;
    const hits = counters.match(s);
    if (hits.length === 0) continue;
    for (const h of hits) counts[h] += n;
    const isActivity = hits.includes(iActivity) || hits.includes(iLocal);
    const isWorkflow = hits.includes(iWorkflow);
    if (!isActivity && !isWorkflow) continue;
    const len = stackOf(fr, s, buf);
    if (isActivity) {
      const u = userFunction(fr, sdk, std, buf, len, /[Aa]ctivit/);
      const fn = u >= 0 ? fr.names[buf[u]] : "";
      const a = activities.get(fn);
      if (a) a.count += n;
      else {
        const b: Breakdown = {
          name: fn ? shortName(fn) : "unknown",
          count: n,
          wait_reason: blockingOf(rules, buf, len).reason,
          sample_stack: signatureOf(fr, buf, len, 6),
        };
        if (fn) b.function = fn;
        activities.set(fn, b);
      }
    }
    if (isWorkflow) {
      const u = userFunction(fr, sdk, std, buf, len, /[Ww]orkflow/);
      const fn = u >= 0 ? fr.names[buf[u]] : "";
      const joined = counters.joined(s);
      const state = states.find((x) => x.re.test(joined))?.state ?? "unknown";
      const key = fn + "\u0000" + state;
      const w = workflows.get(key);
      if (w) w.count += n;
      else {
        const b: Breakdown = {
          name: fn ? shortName(fn) : state === "not_started" ? "(not started)" : "unknown",
          count: n,
          state,
          sample_stack: signatureOf(fr, buf, len, 8),
        };
        if (fn) b.function = fn;
        workflows.set(key, b);
      }
    }
  }
  const c: Record<string, number> = {};
  WORKER_COUNTERS.forEach((k, i) => (c[k.name] = counts[i]));
  const notes: string[] = [];
  const settings: TemporalAnalysis["inferred_settings"] = {
    active_activities: c.activities_executing,
    cached_workflows: c.workflows_cached,
    active_local_activities: c.local_activities_executing,
    active_sessions: c.sessions_active,
    notes,
  };
  const pollers = (kind: string, n: number) => {
    if (n <= 0) return undefined;
    notes.push(
      n === defaultPollers
        ? `${kind} task pollers: ${n}, which appears to be the default (${defaultPollers})`
        : `${kind} task pollers: ${n}, configured (the default is ${defaultPollers})`,
    );
    return n;
  };
  const ap = pollers("activity", Math.max(c.activity_pollers_do_poll, c.activity_pollers_in_grpc));
  if (ap !== undefined) settings.max_concurrent_activity_task_pollers = ap;
  const wp = pollers("workflow", Math.max(c.workflow_pollers_do_poll, c.workflow_pollers_in_grpc));
  if (wp !== undefined) settings.max_concurrent_workflow_task_pollers = wp;
  if (c.activities_executing > 0) notes.push(`${c.activities_executing} activities executing`);
  if (c.workflows_cached > 0) notes.push(`${c.workflows_cached} workflow coroutines cached (sticky cache)`);
  if (c.heartbeat_goroutines > 0) notes.push(`${c.heartbeat_goroutines} heartbeat goroutines`);
  const byCount = (a: Breakdown, b: Breakdown) => b.count - a.count || (a.name < b.name ? -1 : 1);
  const out: TemporalAnalysis = {
    inferred_settings: settings,
    counts: c,
    workflow_breakdown: [...workflows.values()].sort(byCount),
    activity_breakdown: [...activities.values()].sort(byCount),
    total_goroutines: total,
    findings: [],
  };
  if (warnings.length > 0) out.warnings = warnings;
  out.findings = temporalFindings(out, o.profileArg);
  return out;
}

function temporalFindings(r: TemporalAnalysis, profile?: string): Finding[] {
  const findings: Finding[] = [];
  const share = (n: number) => (r.total_goroutines > 0 ? (n / r.total_goroutines) * 100 : 0);
  const step = (fn: string | undefined, why: string) =>
    profile && fn ? { tool: "pprof.focus_paths", arguments: { profile, function: exactName(fn) }, why } : undefined;
  const executing = r.counts.activities_executing + r.counts.local_activities_executing;
  for (const a of r.activity_breakdown.slice(0, 3)) {
    const of = executing > 0 ? (a.count / executing) * 100 : 0;
    const f: Finding = {
      severity: of >= 50 && a.count >= 10 ? "medium" : a.count >= 10 ? "low" : "info",
      title: `${a.count} of ${executing} executing activities (${of.toFixed(1)}%) are ${a.name}, ` +
        `blocked in ${a.wait_reason}`,
      evidence: {
        share: share(a.count),
        value: a.count,
        value_text: `${a.count} goroutines`,
        unit: "count",
        ...(a.function ? { function: a.function } : {}),
      },
    };
    const s = step(a.function, "where the activity waits: the call below it and its labels");
    if (s) f.next_step = s;
    findings.push(f);
  }
  const cached = r.counts.workflows_cached;
  for (const w of r.workflow_breakdown.slice(0, 2)) {
    const of = cached > 0 ? (w.count / cached) * 100 : 0;
    const f: Finding = {
      severity: "info",
      title: `${w.count} of ${cached} cached workflow coroutines (${of.toFixed(1)}%) are ${w.name} (${w.state})`,
      evidence: {
        share: share(w.count),
        value: w.count,
        value_text: `${w.count} goroutines`,
        unit: "count",
        ...(w.function ? { function: w.function } : {}),
      },
    };
    const s = step(w.function, "the workflow's coroutines and what they wait for");
    if (s) f.next_step = s;
    findings.push(f);
  }
  const settings = r.inferred_settings;
  const ap = settings.max_concurrent_activity_task_pollers;
  if (ap !== undefined && executing > 0) {
    findings.push({
      severity: "info",
      title: `${ap} activity task pollers feed ${executing} executing activities` +
        (settings.max_concurrent_workflow_task_pollers !== undefined
          ? `; ${settings.max_concurrent_workflow_task_pollers} workflow task pollers`
          : ""),
      evidence: { share: share(ap), value: ap, value_text: `${ap} goroutines`, unit: "count" },
    });
  }
  return sortFindings(findings);
}
