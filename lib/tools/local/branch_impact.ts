/**
 * `pprof.branch_impact`, `pprof.branch_impact.plan` and `pprof.branch_impact.execute`: a code change measured on a
 * dev-cluster service, by profiling it on two git refs and comparing function by function (`lib/local/`).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { executePlan, type ImpactParams, makePlan, runBranchImpact } from "../../local/branch_impact.ts";
import { rankedValue } from "../../local/impact_compare.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { clusterArgs, d2File, d2Profiles, settingArgs } from "./d2_download.ts";

const impactArgs = {
  service: z.string().describe("Service to profile (its app label value, or a part of it), as d2.profiles.download"),
  out_dir: outputPathArg("Folder for the profiles: <out_dir>/before and <out_dir>/after (created if missing)"),
  before_ref: z.string().describe("Git ref of the code before the change (default main)").optional(),
  after_ref: z.string().describe("Git ref of the code after the change (default the current branch)").optional(),
  seconds: z.number().int().min(1).max(300).describe("Seconds of CPU profile per capture (default 30)").optional(),
  rebuild_timeout: z.number().int().min(10).max(1800).describe(
    "Seconds to wait for Tilt to rebuild after each checkout (default 300)",
  ).optional(),
  warmup_delay: z.number().int().min(0).max(120).describe(
    "Seconds to wait after a rebuild before profiling (default 15; 0: none)",
  ).optional(),
  captures: z.number().int().min(1).max(10).describe(
    "Downloads per side (default 1). With 2 or more, every change gets a noise band from the run-to-run spread, " +
      "and is called beyond_noise only when it is larger",
  ).optional(),
  repo_dir: outputPathArg(
    "A folder in the git work tree to check out in (default: the server's working directory); its files change " +
      "during the run and are restored",
  ).optional(),
  tilt_resource: z.string().describe("Tilt resource of the service (default: config, its name, a fuzzy match)")
    .optional(),
  movers: z.number().int().min(1).max(50).describe("Functions compared per profile kind (default 10)").optional(),
  cum: z.boolean().describe("Rank functions by cum (with callees) instead of flat").optional(),
  ...clusterArgs,
};

const impactInput = z.object(impactArgs).strict();
const executeInput = z.object({
  plan_id: z.string().describe("The id pprof.branch_impact.plan returned"),
}).strict();

const sideProfiles = d2Profiles.extend({
  files: z.array(d2File.extend({ capture: z.number().int().optional().describe("Which capture (captures > 1)") })),
});

const valueChange = z.object({
  before: z.number().describe("Mean per capture, in unit"),
  after: z.number(),
  delta: z.number(),
  delta_pct: z.number().nullable().describe("The change relative to before, in percent; null for a new function"),
  before_share: z.number().describe("Percent of the total"),
  after_share: z.number(),
  share_delta: z.number().describe("after_share - before_share, in percentage points"),
  noise_band: z.number().optional().describe("Half-width of the noise band of share_delta, in points"),
  verdict: z.enum(["beyond_noise", "within_noise", "no_noise_band"]),
  before_text: z.string(),
  after_text: z.string(),
  delta_text: z.string(),
});

const functionChange = z.object({
  function: z.string(),
  flat: valueChange.optional().describe("Its own samples"),
  cum: valueChange.optional().describe("With its callees (absent when that did not move)"),
});

const kindComparison = z.object({
  type: z.string().describe("cpu, heap, goroutines, mutex, block, allocs"),
  sample_type: z.string(),
  unit: z.string(),
  captures: z.object({ before: z.number().int(), after: z.number().int() }),
  before_total: z.number(),
  after_total: z.number(),
  total_delta_text: z.string(),
  noise: z.object({
    method: z.enum(["welch_t", "none"]),
    confidence: z.number(),
    runs: z.object({ base: z.number().int(), head: z.number().int() }),
    note: z.string(),
  }),
  by: z.enum(["flat", "cum"]),
  functions: z.array(functionChange).describe("The functions whose share (of `by`) moved most, largest first"),
  diff_top: z.array(z.string()).describe("The first lines of pprof's -top -diff_base of the merged sides"),
  diff_command: z.string(),
  handles: z.object({ before: z.array(z.string()), after: z.array(z.string()) }),
});

const impactOutput = z.object({
  service: z.string(),
  before_ref: z.string(),
  after_ref: z.string(),
  before_commit: z.string(),
  after_commit: z.string(),
  repo: z.string().describe("The git work tree"),
  captures: z.number().int(),
  before_profiles: sideProfiles,
  after_profiles: sideProfiles,
  update_method: z.enum(["live_update", "pod_restart", "pod_recreate", "none"]).describe(
    "How Tilt rebuilt the after ref (none: both refs are the same commit)",
  ),
  git_stashed: z.boolean().describe("Uncommitted changes were stashed and restored"),
  comparison: z.array(kindComparison),
  findings: findingsField,
  warnings: z.array(z.string()).optional(),
  notes: z.array(z.string()).optional(),
});

const planOutput = z.object({
  id: z.string(),
  steps: z.array(z.string()),
  estimated_time: z.string(),
  current_branch: z.string(),
  has_uncommitted: z.boolean(),
  service: z.string(),
  before_ref: z.string(),
  after_ref: z.string(),
  repo: z.string(),
  captures: z.number().int(),
});

type ImpactArgs = z.infer<typeof impactInput>;
type ImpactOutput = z.infer<typeof impactOutput>;

function paramsOf(a: ImpactArgs, ctx: Pick<ToolContext, "sandbox">): ImpactParams {
  return {
    service: a.service,
    out_dir: a.out_dir,
    before_ref: a.before_ref,
    after_ref: a.after_ref,
    seconds: a.seconds,
    rebuild_timeout: a.rebuild_timeout,
    warmup_delay: a.warmup_delay,
    captures: a.captures,
    // The server's working directory, confined like any path argument.
    repo_dir: a.repo_dir ?? serverRepoDir(ctx),
    tilt_resource: a.tilt_resource,
    settings: settingArgs(a),
    movers: a.movers,
    cum: a.cum,
  };
}

/** The server's working directory, which a server confined to its base dir may not even read. */
function workingDirectory(): string {
  try {
    return Deno.cwd();
  } catch {
    throw new UserError(
      "the server's working directory is outside what it may read (PPROF_MCP_BASEDIR): give repo_dir, a folder of " +
        "the git work tree inside the base dir",
      "INVALID_ARGUMENT",
      { field: "repo_dir" },
    );
  }
}

/** The server's working directory as the default work tree, inside the base dir when there is one. */
function serverRepoDir(ctx: Pick<ToolContext, "sandbox">): string {
  const cwd = workingDirectory();
  try {
    return ctx.sandbox.resolve("repo_dir", cwd);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw new UserError(
      `the server's working directory ${cwd} is outside base dir ${ctx.sandbox.base}: give repo_dir, a folder of ` +
        "the git work tree inside the base dir",
      "INVALID_ARGUMENT",
      { field: "repo_dir" },
    );
  }
}

function impactContext(ctx: ToolContext) {
  return { ...ctx, confine: (key: string, path: string) => ctx.sandbox.resolve(key, path) };
}

function exposed(o: Awaited<ReturnType<typeof runBranchImpact>>, ctx: ToolContext): ImpactOutput {
  return { ...o, findings: exposeFindings(o.findings, ctx) };
}

function impactSummary(o: ImpactOutput): string {
  const beyond = o.comparison.flatMap((c) => c.functions.filter((f) => rankedValue(f, c.by).verdict === "beyond_noise"))
    .length;
  return `${o.service}: ${o.before_ref} → ${o.after_ref} (${o.update_method}), ${o.comparison.length} profile kinds ` +
    `compared` + (o.captures > 1 ? `, ${beyond} changes beyond the noise` : ", one capture a side (no noise band)");
}

function impactText(o: ImpactOutput): string {
  const lines: string[] = [];
  for (const c of o.comparison) {
    lines.push(`${c.type} (${c.sample_type}, ${c.by}): total ${c.total_delta_text}; ${c.noise.note}`);
    for (const fn of c.functions) {
      const f = rankedValue(fn, c.by);
      const band = f.noise_band !== undefined ? ` ±${f.noise_band.toFixed(2)}pp` : "";
      lines.push(
        `  ${(f.share_delta > 0 ? "+" : "") + f.share_delta.toFixed(2)}pp${band} ${f.verdict.padEnd(13)} ` +
          `${f.before_text} → ${f.after_text} (${f.delta_text})  ${fn.function}`,
      );
    }
  }
  for (const f of o.findings) lines.push(`finding (${f.severity}): ${f.title}`);
  for (const w of o.warnings ?? []) lines.push(`warning: ${w}`);
  for (const n of o.notes ?? []) lines.push(`note: ${n}`);
  return lines.join("\n");
}

const impactDescription = "Measure a code change on a service running in a local dev cluster with Tilt: stash " +
  "uncommitted changes, check out before_ref (default main), wait for Tilt to rebuild, download the service's " +
  "profiles as d2.profiles.download does (captures times), check out after_ref (default the current branch), " +
  "wait, download again, put the work tree back on its branch with its changes (always, also on failure or " +
  "cancel), and compare each kind of profile function by function: mean per capture, share of the total, and with " +
  "captures >= 2 whether each change is larger than the run-to-run noise. Takes minutes (rebuild_timeout, " +
  "warmup_delay, seconds); consider pprof.branch_impact.plan first. Follow up with pprof.diff_top on the handles.";

/** The pprof.branch_impact tool. */
export const branchImpactTool: ToolDef<typeof impactInput, typeof impactOutput> = {
  name: "pprof.branch_impact",
  title: "Profile a service on two git refs and compare",
  description: impactDescription,
  input: impactInput,
  output: impactOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: impactSummary,
  text: impactText,
  run: async (a, ctx) => exposed(await runBranchImpact(paramsOf(a, ctx), impactContext(ctx)), ctx),
};

/** The pprof.branch_impact.plan tool. */
export const branchImpactPlanTool: ToolDef<typeof impactInput, typeof planOutput> = {
  name: "pprof.branch_impact.plan",
  title: "Plan a branch-impact run",
  description: "Plan pprof.branch_impact without changing anything: reads the current branch and whether there " +
    "are uncommitted changes, checks that both refs are commits, and returns the steps, an estimate of the time " +
    "and a plan id to run with pprof.branch_impact.execute (plans live in the server's memory). Same arguments as " +
    "pprof.branch_impact.",
  input: impactInput,
  output: planOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) => `plan ${o.id}: ${o.steps.length} steps, ${o.estimated_time}`,
  text: (o) => o.steps.map((s, i) => `${i + 1}. ${s}`).join("\n"),
  run: (a, ctx) => makePlan(paramsOf(a, ctx), impactContext(ctx)),
};

/** The pprof.branch_impact.execute tool. */
export const branchImpactExecuteTool: ToolDef<typeof executeInput, typeof impactOutput> = {
  name: "pprof.branch_impact.execute",
  title: "Run a planned branch-impact run",
  description: "Run a plan made by pprof.branch_impact.plan (the plan is used once: it is deleted whatever " +
    "happens). Does and returns what pprof.branch_impact does.",
  input: executeInput,
  output: impactOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: impactSummary,
  text: impactText,
  run: async (a, ctx) => exposed(await executePlan(a.plan_id, impactContext(ctx)), ctx),
};
