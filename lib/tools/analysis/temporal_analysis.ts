/**
 * `pprof.temporal_analysis`: a Temporal worker's pollers, executing
 * activities and cached workflows, from its goroutine profile.
 *
 * @module
 */
import { z } from "zod";
import { temporalAnalysis } from "../../analysis/temporal.ts";
import { DEFAULT_POLLERS, TEMPORAL_SDK } from "../../analysis/worker_pool_patterns.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolDef } from "../registry.ts";
import { findingsText } from "./common.ts";

const input = z.object({
  profile: profileArg("Goroutine profile of a Temporal worker"),
  sdk_prefix: z.string().min(1).describe(`The Temporal SDK's module path (default ${TEMPORAL_SDK})`).optional(),
  default_pollers: z.number().int().min(1).describe(
    `The SDK's default poller count, to tell default from configured settings (default ${DEFAULT_POLLERS})`,
  ).optional(),
}).strict();

const breakdown = z.object({
  name: z.string(),
  function: z.string().optional().describe("The activity or workflow function the SDK called"),
  count: z.number(),
  state: z.string().optional(),
  wait_reason: z.string().optional(),
  sample_stack: z.string().optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    inferred_settings: z.object({
      max_concurrent_activity_task_pollers: z.number().optional(),
      max_concurrent_workflow_task_pollers: z.number().optional(),
      active_activities: z.number(),
      cached_workflows: z.number(),
      active_local_activities: z.number(),
      active_sessions: z.number(),
      notes: z.array(z.string()),
    }),
    counts: z.record(z.string(), z.number()),
    workflow_breakdown: z.array(breakdown),
    activity_breakdown: z.array(breakdown),
    total_goroutines: z.number(),
    findings: findingsField,
    warnings: z.array(z.string()).optional(),
  }),
});

/** The pprof.temporal_analysis tool. */
export const temporalAnalysisTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.temporal_analysis",
  title: "Temporal worker analysis",
  description: "Goroutine profile of a Temporal Go SDK worker: activity and workflow task pollers (and the " +
    "settings they imply), dispatchers, executing activities by activity function with what each waits for, " +
    "cached workflow coroutines by workflow function and state (selector, awaiting future or channel, timer, " +
    "not started), heartbeats and sessions. Activities and workflows are the first function the SDK calls into, " +
    "whatever they are named. Counters are independent: a goroutine may count in several.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) => {
    const s = o.result.inferred_settings;
    return `${o.result.total_goroutines} goroutines: ${s.active_activities} activities executing, ` +
      `${s.cached_workflows} workflow coroutines cached`;
  },
  text: (o) => {
    const r = o.result;
    const lines = [findingsText(r.findings), "", ...r.inferred_settings.notes];
    if (r.activity_breakdown.length > 0) lines.push("", "Activities:");
    for (const b of r.activity_breakdown) lines.push(`  ${String(b.count).padStart(6)}  ${b.name} (${b.wait_reason})`);
    if (r.workflow_breakdown.length > 0) lines.push("", "Workflows:");
    for (const b of r.workflow_breakdown) lines.push(`  ${String(b.count).padStart(6)}  ${b.name} (${b.state})`);
    if (r.warnings) lines.push("", ...r.warnings.map((w) => `warning: ${w}`));
    return lines.join("\n");
  },
  async run(a, ctx) {
    const p = await loadForTool(a.profile, ctx);
    const r = temporalAnalysis(p, {
      sdkPrefix: a.sdk_prefix,
      defaultPollers: a.default_pollers,
      profileArg: a.profile,
    });
    return { command: "pprof temporal_analysis", result: { ...r, findings: exposeFindings(r.findings, ctx) } };
  },
};
