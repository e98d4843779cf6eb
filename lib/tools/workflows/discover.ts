/**
 * `pprof.discover`: from a service and env to ranked findings in one call: downloads the latest bundle (Datadog, or
 * the d2 local-development source), runs the analyses that fit each profile, and returns the findings of every
 * profile ranked by impact, recommendations and the handles it made.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { downloadD2 } from "../../local/d2.ts";
import {
  contentionStep,
  cpuStep,
  dedupRecommendations,
  type DiscoverFinding,
  goroutineStep,
  heapStep,
  type Input,
  rankFindings,
  type Recommendation,
  type StepResult,
} from "../../analysis/discover.ts";
import type { Profile } from "../../profile/model.ts";
import { topHints } from "../pprof/hints.ts";
import { findingSchema } from "../findings.ts";
import { textRow } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { prefixesOf, repoPrefixArg } from "../analysis/common.ts";
import { waitReasonRow } from "../analysis/goroutine_analysis.ts";
import { ddArgs, isCancel, messageOf, workDir, workDirArg } from "../datadog/common.ts";
import { d2Mode, downloadLatestBundle } from "../datadog/download.ts";

const input = z.object({
  service: ddArgs.service,
  env: ddArgs.env,
  out_dir: workDirArg("Folder to download the bundle into"),
  hours: z.number().int().min(0).describe("Look for the latest profile in the last N hours (default 72)").optional(),
  dd_site: z.string().describe("Datadog site (wins over site), e.g. datadoghq.eu").optional(),
  site: ddArgs.site,
  profile_id: z.string().describe("Analyse this profile (with event_id) instead of the latest").optional(),
  event_id: z.string().describe("The event id of profile_id (datadog.profiles.list gives both)").optional(),
  repo_prefix: repoPrefixArg,
  container_rss_mb: z.number().int().min(0).describe(
    "The container's RSS in MB, for the memory sanity check (RSS far above the heap)",
  ).optional(),
}).strict();

const recommendation = z.object({
  priority: z.enum(["high", "medium", "low"]),
  area: z.string(),
  suggestion: z.string(),
});

const finding = findingSchema.extend({
  profile: z.string().describe("The bundle profile it is about: cpu, heap, mutex, block or goroutines"),
  analysis: z.string().describe("The analysis that found it (storylines, alloc_paths, contention_analysis…)"),
});

const cpu = z.object({
  utilization_pct: z.number().describe("CPU time over wall time (100 = one core busy); 0 without a duration"),
  top_functions: z.array(textRow).describe("The top 15 by flat CPU"),
  overhead: z.object({
    total_overhead_pct: z.number(),
    observability_pct: z.number(),
    detections: z.array(z.object({
      category: z.string(),
      percentage: z.number(),
      severity: z.string(),
      suggestion: z.string().optional(),
    })),
  }),
  hints: z.array(z.string()).optional(),
});

const heap = z.object({
  alloc_rate: z.string().optional().describe("Allocated bytes per minute (profiles with a duration)"),
  sample_type: z.string(),
  total_alloc: z.string(),
  top_paths: z.array(z.object({
    alloc_site: z.string(),
    alloc_bytes: z.string(),
    alloc_pct: z.number(),
    alloc_rate: z.string().optional(),
    inuse_pct: z.number().optional(),
    retained_pct: z.number().optional(),
    first_app_frame: z.string().optional(),
    source_location: z.string().optional(),
  })).describe("Allocation sites with at least 1% of the allocations, at most 15"),
  memory_sanity: z.object({
    summary: z.string(),
    heap_inuse_mb: z.number(),
    heap_alloc_mb: z.number(),
    goroutine_count: z.number().optional(),
    suspicions: z.array(z.object({
      category: z.string(),
      description: z.string(),
      severity: z.string(),
      evidence: z.string().optional(),
    })),
    recommendations: z.array(z.string()),
  }),
});

const mutex = z.object({
  profile: z.enum(["mutex", "block"]),
  sample_type: z.string(),
  total_delay: z.string(),
  top_contentions: z.array(textRow).describe("The top 10 by delay (else contentions)"),
  lock_sites: z.array(z.object({
    lock_site: z.string(),
    primitive: z.string(),
    waiter: z.string().optional(),
    total_delay: z.string(),
    share: z.number(),
  })),
});

const goroutine = z.object({
  total_goroutines: z.number(),
  by_state: z.record(z.string(), z.number()),
  top_wait_reasons: z.array(waitReasonRow),
  potential_leaks: z.array(z.object({
    stack_signature: z.string(),
    count: z.number(),
    share: z.number(),
    wait_reason: z.string(),
    severity: z.string(),
  })),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    service: z.string(),
    env: z.string(),
    timestamp: z.string(),
    profile_id: z.string().optional(),
    profiles: z.array(z.object({ type: z.string(), handle: z.string(), bytes: z.number().int(), path: z.string() }))
      .describe("The downloaded profiles, by type, with handles for the pprof.* tools"),
    findings: z.array(finding).describe(
      "What matters most across the bundle, by impact (severity, then share of its own profile), at most 25",
    ),
    recommendations: z.array(recommendation).describe("What to do, high priority first, without repeats"),
    cpu: cpu.optional(),
    heap: heap.optional(),
    mutex: mutex.optional().describe("The mutex profile's contention, else the block profile's"),
    block: mutex.optional().describe("The block profile's contention, when there is a mutex profile too"),
    goroutine: goroutine.optional(),
    warnings: z.array(z.string()).describe("Missing profiles, failed steps, download notes"),
  }),
});

type Out = z.infer<typeof output>;
type Args = z.infer<typeof input>;
type Downloaded = {
  timestamp: string;
  profile_id?: string;
  files: { type: string; handle: string; bytes: number; path: string }[];
  warnings: string[];
};

/** The profile types discover analyses (a d2 download's allocs profile is the heap profile's twin). */
const BUNDLE_TYPES = ["cpu", "heap", "mutex", "block", "goroutines"];

/** The steps after the download, for progress. */
const STEPS = 7;

/** Records the profiles of the service's dev-cluster pod (30 s of CPU); its progress becomes fractions of step 1. */
async function d2Source(a: Args, dir: string, ctx: ToolContext): Promise<Downloaded> {
  const out = await downloadD2({ service: a.service, out_dir: dir, seconds: 30 }, {
    ...ctx,
    progress: (done, total, message) => ctx.progress(total ? done / total : 0, STEPS, message),
  });
  return { timestamp: "", files: out.result.files, warnings: out.result.warnings ?? [] };
}

/** Downloads the bundle from Datadog; the download's own progress becomes fractions of step 1. */
async function datadogDownload(a: Args, dir: string, ctx: ToolContext): Promise<Downloaded> {
  const sub: ToolContext = {
    ...ctx,
    progress: (done, total, message) => ctx.progress(total ? done / total : 0, STEPS, message),
  };
  const out = await downloadLatestBundle({
    service: a.service,
    env: a.env,
    out_dir: dir,
    hours: a.hours,
    dd_site: a.dd_site,
    site: a.site,
    profile_id: a.profile_id,
    event_id: a.event_id,
  }, sub);
  return {
    timestamp: out.result.timestamp,
    profile_id: out.result.profile_id,
    files: out.result.files,
    warnings: out.result.warnings,
  };
}

/** pprof.discover's handler. */
export async function discover(a: Args, ctx: ToolContext): Promise<Out> {
  if (a.service.trim() === "" || a.env.trim() === "") {
    throw new UserError("service and env are required", "INVALID_ARGUMENT", {
      field: a.service.trim() === "" ? "service" : "env",
    });
  }
  const d2 = d2Mode();
  const env = d2 ? "d2" : a.env;
  await ctx.progress(0, STEPS, d2 ? "recording profiles through d2" : `downloading the latest bundle of ${a.service}`);
  const dir = await workDir(ctx, a.out_dir, "pprof-discover-");
  const got = d2 ? await d2Source(a, dir, ctx) : await datadogDownload(a, dir, ctx);
  const warnings: string[] = [];
  const files = [...got.files].sort((x, y) => (x.type < y.type ? -1 : x.type > y.type ? 1 : 0));
  const inputs: Partial<Record<string, Input>> = {};
  for (const f of files) {
    if (inputs[f.type] || !BUNDLE_TYPES.includes(f.type)) continue;
    try {
      inputs[f.type] = { profile: await loadForTool(f.path, ctx), arg: f.handle };
    } catch (e) {
      if (isCancel(e, ctx.signal)) throw e;
      warnings.push(`${f.type} profile ${f.path} could not be read: ${messageOf(e)}`);
    }
  }
  const findings: DiscoverFinding[] = [];
  const recommendations: Recommendation[] = [];
  const prefixes = prefixesOf(a.repo_prefix);
  const app = { repoPrefixes: prefixes }, appPrefixes = { prefixes };
  let step = 1;
  async function run<S>(type: string, what: string, f: (i: Input) => StepResult<S>): Promise<S | undefined> {
    ctx.signal.throwIfAborted();
    await ctx.progress(step++, STEPS, `analysing the ${type} profile: ${what}`);
    const i = inputs[type];
    if (!i) {
      warnings.push(`${type} profile missing from bundle`);
      return undefined;
    }
    try {
      const r = f(i);
      findings.push(...r.findings);
      recommendations.push(...r.recommendations);
      warnings.push(...r.warnings.map((w) => `${type}: ${w}`));
      return r.section;
    } catch (e) {
      if (isCancel(e, ctx.signal)) throw e;
      warnings.push(`${type} analysis failed: ${messageOf(e)}`);
      return undefined;
    }
  }
  const cpuSection = await run("cpu", "top, storylines, overhead", (i) => cpuStep(i, app));
  const heapSection = await run(
    "heap",
    "allocation paths, memory sanity",
    (i) => heapStep(i, { goroutine: inputs.goroutines, containerRssMb: a.container_rss_mb, app, appPrefixes }),
  );
  const mutexSection = await run("mutex", "contention", (i) => contentionStep(i, "mutex", appPrefixes));
  const blockSection = await run("block", "contention", (i) => contentionStep(i, "block", appPrefixes));
  const goroutineSection = await run("goroutines", "states, wait reasons, leaks", (i) => goroutineStep(i, appPrefixes));
  await ctx.progress(step, STEPS, "ranking the findings");
  warnings.push(...got.warnings);
  const hints = cpuSection && inputs.cpu ? cpuHints(inputs.cpu.profile, cpuSection.top_functions, ctx) : [];
  const result: Out["result"] = {
    service: a.service,
    env,
    timestamp: got.timestamp,
    ...(got.profile_id ? { profile_id: got.profile_id } : {}),
    profiles: files,
    findings: exposeDiscoverFindings(rankFindings(findings), ctx),
    recommendations: dedupRecommendations(recommendations),
    ...(cpuSection ? { cpu: { ...cpuSection, ...(hints.length > 0 ? { hints } : {}) } } : {}),
    ...(heapSection ? { heap: heapSection } : {}),
    ...(mutexSection ? { mutex: mutexSection } : blockSection ? { mutex: blockSection } : {}),
    ...(mutexSection && blockSection ? { block: blockSection } : {}),
    ...(goroutineSection ? { goroutine: goroutineSection } : {}),
    warnings,
  };
  if (!mutexSection && blockSection) {
    // The block profile stood in for the missing mutex profile: one warning says so, not two.
    result.warnings = result.warnings.filter((w) => w !== "mutex profile missing from bundle");
    result.warnings.unshift("mutex profile missing from bundle; contention is the block profile's");
  }
  await ctx.progress(STEPS, STEPS, `${result.findings.length} findings`);
  return { command: "pprof discover", result };
}

/** pprof.top's hints for the CPU profile's top rows. */
function cpuHints(p: Profile, rows: { name: string }[], ctx: ToolContext): string[] {
  return topHints(p, rows.map((r) => r.name), "", (t) => ctx.toolName(t));
}

/** Findings' next steps under the client's tool names; a step to an unregistered tool is dropped. */
function exposeDiscoverFindings(fs: DiscoverFinding[], ctx: Pick<ToolContext, "toolName">): DiscoverFinding[] {
  return fs.map((f) => {
    if (!f.next_step) return f;
    const tool = ctx.toolName(f.next_step.tool);
    const { next_step, ...rest } = f;
    return tool ? { ...rest, next_step: { ...next_step, tool } } : rest;
  });
}

/** The text of a discover result: findings, recommendations, warnings. */
export function discoverText(o: Out): string {
  const r = o.result;
  const lines = [`Profiles: ${r.profiles.map((p) => `${p.type} ${p.handle}`).join(", ") || "none"}`, "", "Findings:"];
  if (r.findings.length === 0) lines.push("  none");
  for (const f of r.findings) {
    lines.push(`- [${f.severity}] ${f.profile}: ${f.title}`);
    if (f.next_step) lines.push(`    next: ${f.next_step.tool} ${JSON.stringify(f.next_step.arguments)}`);
  }
  if (r.recommendations.length > 0) {
    lines.push("", "Recommendations:", ...r.recommendations.map((x) => `- [${x.priority}] ${x.area}: ${x.suggestion}`));
  }
  if (r.warnings.length > 0) lines.push("", ...r.warnings.map((w) => `warning: ${w}`));
  return lines.join("\n");
}

/** The pprof.discover tool. */
export const discoverTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.discover",
  title: "Discover a service's hot spots",
  description: "One call from a service to its culprits: downloads the latest Datadog profile bundle of service " +
    "and env (or profile_id + event_id) into out_dir, runs the analyses that fit each profile (CPU: top, " +
    "storylines, overhead; heap: allocation paths and memory sanity; mutex and block: contention; goroutines: " +
    "states and leaks) and returns their findings ranked by impact (each share is of its own profile), " +
    "recommendations with a priority, and a handle per profile for the pprof.* tools. A step that fails is a " +
    "warning, not a failed call; progress is reported per step and the call can be cancelled. In the d2 " +
    "local-development mode (env d2=true) profiles come from the local cluster. pprof.generate_report turns the " +
    "result into a Markdown report. Needs DD_API_KEY and DD_APP_KEY.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: (o) =>
    `${o.result.service}/${o.result.env}: ${o.result.findings.length} findings, ` +
    `${o.result.recommendations.length} recommendations`,
  text: discoverText,
  run: discover,
};
