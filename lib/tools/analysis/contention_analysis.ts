/**
 * `pprof.contention_analysis`: delay and contentions of a mutex or block
 * profile per lock site, with the code behind each and what to do.
 *
 * @module
 */
import { z } from "zod";
import { contentionAnalysis } from "../../analysis/contention.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolDef } from "../registry.ts";
import { appCodeOf, appPrefixArg, findingsText, pct } from "./common.ts";

const input = z.object({
  profile: profileArg("Mutex or block profile"),
  profile_type: z.enum(["mutex", "block"]).describe(
    "The kind of profile, when neither its file name nor its stacks tell (mutex: stacks of lock holders, " +
      "charged at unlock; block: stacks of waiters)",
  ).optional(),
  app_prefix: appPrefixArg,
  max_sites: z.number().int().min(1).max(100).describe("At most this many lock sites (default 20)").optional(),
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    profile_type: z.enum(["mutex", "block", "unknown"]),
    total_contentions: z.number(),
    total_delay: z.string(),
    total_delay_value: z.number().describe("In the profile's unit"),
    unit: z.string(),
    by_lock_site: z.array(z.object({
      lock_site: z.string(),
      primitive: z.string().describe("sync.Mutex, sync.RWMutex, channel send, select, sync.WaitGroup…"),
      waiter: z.string().optional().describe("The first frame above the lock outside runtime and sync"),
      source_location: z.string().optional(),
      owner: z.string().optional().describe("Library code that owns the lock or pool (database/sql, log.Logger…)"),
      contentions: z.number(),
      delay: z.number(),
      total_delay: z.string(),
      avg_delay: z.string(),
      share: z.number().describe("Percent of the total delay"),
      top_waiters: z.array(z.object({
        function: z.string(),
        delay: z.string(),
        value: z.number(),
        share: z.number(),
        source_location: z.string().optional(),
      })).describe("The application functions behind the site"),
    })),
    patterns: z.array(z.object({
      type: z.enum(["hot_lock", "lock_convoy", "high_contention"]),
      severity: z.enum(["high", "medium", "low", "info"]),
      description: z.string(),
    })),
    recommendations: z.array(z.string()),
    findings: findingsField,
    warnings: z.array(z.string()).optional(),
  }),
});

/** The pprof.contention_analysis tool. */
export const contentionAnalysisTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.contention_analysis",
  title: "Lock contention analysis",
  description: "Mutex or block profile: total delay and contentions, and per lock site the primitive (Mutex, " +
    "RWMutex, channel send/receive, select, WaitGroup, Cond), the code that waits on or holds it, library " +
    "code that owns it (database/sql pool, log.Logger, sync.Map, math/rand…), the application functions " +
    "behind it with their share, and patterns (one hot lock ≥35%, a convoy of three ≥70%, ≥50000 events) with " +
    "recommendations. Inlined Lock/Unlock keep their callers. Tells mutex from block profiles by file name, " +
    "then by stacks; profile_type overrides.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.profile_type} profile: ${o.result.total_contentions} contentions, ${o.result.total_delay} delay`,
  text: (o) => {
    const r = o.result;
    const lines = [findingsText(r.findings), "", "Lock sites:"];
    for (const s of r.by_lock_site.slice(0, 10)) {
      const who = s.top_waiters[0]?.function ?? s.waiter ?? s.lock_site;
      lines.push(
        `  ${s.total_delay.padStart(10)} ${pct(s.share).padStart(6)}  ${s.primitive} in ${who}` +
          (s.owner ? ` (${s.owner})` : ""),
      );
    }
    if (r.recommendations.length > 0) lines.push("", "Recommendations:", ...r.recommendations.map((x) => `  - ${x}`));
    if (r.warnings) lines.push("", ...r.warnings.map((w) => `warning: ${w}`));
    return lines.join("\n");
  },
  async run(a, ctx) {
    const p = await loadForTool(a.profile, ctx);
    const r = contentionAnalysis(p, {
      path: a.profile,
      kind: a.profile_type,
      app: appCodeOf(a.app_prefix),
      maxSites: a.max_sites,
      profileArg: a.profile,
    });
    return { command: "pprof contention_analysis", result: { ...r, findings: exposeFindings(r.findings, ctx) } };
  },
};
