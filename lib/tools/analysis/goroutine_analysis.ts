/**
 * `pprof.goroutine_analysis`: goroutine totals, states, wait reasons and
 * potential leaks of a goroutine profile, with the function each is parked in.
 *
 * @module
 */
import { z } from "zod";
import { goroutineAnalysis } from "../../analysis/goroutines.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolDef } from "../registry.ts";
import { appCodeOf, appPrefixArg, findingsText, pct } from "./common.ts";

const input = z.object({
  profile: profileArg("Goroutine profile"),
  app_prefix: appPrefixArg,
  min_leak_count: z.number().int().min(1).describe(
    "Report stacks holding at least this many goroutines as potential leaks (default 100; " +
      "500+ is medium, 1000+ high)",
  ).optional(),
  max_leaks: z.number().int().min(1).max(50).describe("At most this many potential leaks (default 10)").optional(),
}).strict();

const group = z.object({
  stack_signature: z.string().describe("The frames from the blocking call up to the first application frame"),
  count: z.number(),
  share: z.number().describe("Percent of all goroutines"),
  state: z.string(),
  wait_reason: z.string(),
  function: z.string().optional().describe("The application function the goroutines are parked in"),
  blocked_in: z.string().optional().describe("The blocking call (chan receive, Mutex.Lock, pollWait…)"),
  labels: z.array(z.object({
    key: z.string(),
    values: z.array(z.object({ value: z.string(), count: z.number() })),
  })).optional(),
  severity: z.enum(["high", "medium", "low"]),
});

/** A wait reason with its goroutines (also in pprof.discover's goroutine summary). */
export const waitReasonRow = z.object({
  reason: z.string(),
  count: z.number(),
  share: z.number(),
  sample_stack: z.string(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    total_goroutines: z.number(),
    by_state: z.record(z.string(), z.number()),
    top_wait_reasons: z.array(waitReasonRow),
    potential_leaks: z.array(group),
    findings: findingsField,
    warnings: z.array(z.string()).optional(),
  }),
});

/** The pprof.goroutine_analysis tool. */
export const goroutineAnalysisTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.goroutine_analysis",
  title: "Goroutine analysis",
  description: "Goroutine profile: how many goroutines, in which state, why they are blocked, and the stacks that " +
    "hold so many of them that they look leaked, each with the application function it is parked in, the " +
    "blocking call, its share and its most common labels. Wait reasons come from the call below runtime.gopark " +
    "(chan receive/send, select, mutex, rwmutex, cond, waitgroup, sleep, network IO, syscall, GC/idle), not " +
    '"parked"; stacks are grouped up to their application frame, inlined callers included. Use ' +
    "pprof.focus_paths on a leak's function for its full stacks.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.total_goroutines} goroutines in ${Object.keys(o.result.by_state).length} states, ` +
    `${o.result.potential_leaks.length} potential leaks`,
  text: (o) => {
    const r = o.result;
    const lines = [findingsText(r.findings), "", "Wait reasons:"];
    for (const w of r.top_wait_reasons) {
      lines.push(`  ${String(w.count).padStart(7)} ${pct(w.share).padStart(6)}  ${w.reason}`);
    }
    if (r.warnings) lines.push("", ...r.warnings.map((w) => `warning: ${w}`));
    return lines.join("\n");
  },
  async run(a, ctx) {
    const p = await loadForTool(a.profile, ctx);
    const r = goroutineAnalysis(p, {
      app: appCodeOf(a.app_prefix),
      minLeakCount: a.min_leak_count,
      maxLeaks: a.max_leaks,
      profileArg: a.profile,
    });
    return { command: "pprof goroutine_analysis", result: { ...r, findings: exposeFindings(r.findings, ctx) } };
  },
};
