/**
 * `pprof.suggest_fix` (deprecated): template-based fix suggestions with draft diffs and PR text.
 *
 * @module
 */
import { z } from "zod";
import { ISSUE_IDS, suggestFix } from "../../analysis/suggest_fix.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import { findingsText, repoRootArg } from "./common.ts";
import { sandboxReader } from "./repo_access.ts";

const input = z.object({
  profile: profileArg(),
  issue: z.string().describe(`The issue to fix: ${ISSUE_IDS.join(", ")}`),
  repo_root: repoRootArg("Repository whose Go files the draft diff changes (absent: no diff)"),
  target_function: z.string().describe("Accepted for compatibility; not used").optional(),
  service: z.string().describe("Service name for the PR text").optional(),
  output_format: z.enum(["structured", "diff", "pr_description"])
    .describe("structured (default); diff or pr_description make the text that alone").optional(),
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    issue: z.string(),
    analysis: z.object({
      overhead_pct: z.number().describe("Share of samples with a frame the fix is about, each once"),
      top_functions: z.array(z.object({ function: z.string(), pct: z.number() })),
    }),
    applicable_fixes: z.array(z.object({
      fix_id: z.string(),
      description: z.string(),
      expected_impact: z.record(z.string(), z.string()),
      files_to_modify: z.array(z.object({
        path: z.string(),
        is_vendor: z.boolean(),
        upstream_repo: z.string().optional(),
        changes: z.array(z.object({ line: z.number().int(), before: z.string(), after: z.string() })),
      })),
      diff: z.string(),
      pr_description: z.string(),
      considerations: z.array(z.string()),
      is_vendored: z.boolean(),
      upstream_pr_needed: z.boolean(),
    })),
    next_steps: z.array(z.string()),
    warnings: z.array(z.string()).optional(),
  }),
  output_format: z.string(),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** pprof.suggest_fix's handler. */
export async function pprofSuggestFix(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const r = suggestFix(profile, {
    issue: a.issue,
    reader: a.repo_root ? sandboxReader(ctx) : undefined,
    repoRoot: a.repo_root,
    service: a.service,
    profilePath: a.profile,
  });
  const { findings, warnings, ...rest } = r;
  return {
    command: "pprof suggest_fix",
    result: warnings.length > 0 ? { ...rest, warnings } : rest,
    output_format: a.output_format ?? "structured",
    findings: ctx ? exposeFindings(findings, ctx) : findings,
  };
}

/** The pprof.suggest_fix tool. */
export const suggestFixTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.suggest_fix",
  title: "Suggest a fix (deprecated)",
  description: "Deprecated: kept for compatibility; prefer pprof.explain_overhead and pprof.storylines, then " +
    "change the code yourself. Checks fix templates for an issue (protojson_overhead: protojson to binary " +
    "protobuf; allocation_hot_spot: a sync.Pool) against the profile, and for mechanical fixes drafts unified " +
    "diffs of repo_root's Go files and a PR text. overhead_pct counts each sample once. output_format diff or " +
    "pr_description makes the text content that text alone.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    o.output_format === "structured"
      ? `${o.result.applicable_fixes.length} applicable fixes for ${o.result.issue} (${o.result.analysis.overhead_pct}%)`
      : "",
  text: (o) => {
    const first = o.result.applicable_fixes[0];
    if (o.output_format === "diff") return first?.diff ?? "";
    if (o.output_format === "pr_description") return first?.pr_description ?? "";
    return [findingsText(o.findings), ...o.result.next_steps.map((s) => `- ${s}`), ...(first ? ["", first.diff] : [])]
      .join("\n");
  },
  run: (a, ctx) => pprofSuggestFix(a, ctx),
};
