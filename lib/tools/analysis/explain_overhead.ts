/**
 * `pprof.explain_overhead`: why an overhead category or function is expensive and what helps, with its share
 * of a profile when one is given.
 *
 * @module
 */
import { z } from "zod";
import { explainOverhead } from "../../analysis/explain.ts";
import { CATEGORY_EXPLANATIONS } from "../../analysis/explanations.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import { findingsText } from "./common.ts";

const input = z.object({
  profile: profileArg("Profile to measure the category or function in (optional)").optional(),
  category: z.string().describe(`Overhead category: ${Object.keys(CATEGORY_EXPLANATIONS).join(", ")}`).optional(),
  function: z.string().describe("A function name (exact); its category is taken from its library when not given")
    .optional(),
  detail_level: z.enum(["brief", "standard", "detailed"]).describe("How much explanation (default standard)")
    .optional(),
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    category: z.string(),
    category_from: z.enum(["argument", "function", "function_name"]),
    explanation: z.object({
      summary: z.string(),
      detailed: z.string(),
      why_slow: z.array(z.string()),
      common_causes: z.array(z.string()),
    }),
    in_your_profile: z.object({
      total_pct: z.number().describe("Attributed share of the category (or the function's cum share)"),
      inclusive_pct: z.number().describe("Samples with any frame of it, each once"),
      top_contributors: z.array(z.object({ function: z.string(), pct: z.number() })),
    }).optional(),
    optimization_strategies: z.array(z.object({
      strategy: z.string(),
      expected_impact: z.string(),
      effort: z.string(),
      description: z.string(),
      applicable: z.boolean(),
      reason: z.string().optional(),
    })),
    warnings: z.array(z.string()).optional(),
  }),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** pprof.explain_overhead's handler. */
export async function pprofExplainOverhead(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "toolName">,
): Promise<Out> {
  const profile = a.profile ? await loadForTool(a.profile, ctx) : undefined;
  const r = explainOverhead({
    category: a.category,
    function: a.function,
    detailLevel: a.detail_level,
    profile,
    profilePath: a.profile,
  });
  const { findings, warnings, ...rest } = r;
  return {
    command: "pprof explain_overhead",
    result: warnings.length > 0 ? { ...rest, warnings } : rest,
    findings: ctx ? exposeFindings(findings, ctx) : findings,
  };
}

/** The pprof.explain_overhead tool. */
export const explainOverheadTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.explain_overhead",
  title: "Explain an overhead category",
  description: "Explains an overhead category (every category of pprof.overhead_report: logging, tracing, " +
    "metrics, serialization, regexps, GC…) or a function: why it costs what it does, common causes, and " +
    "strategies with expected impact and effort. A function's category is taken from its library when it has " +
    "no entry of its own. With a profile, in_your_profile gives the category's share as pprof.overhead_report " +
    "measures it (each sample once, never above 100%) and its top functions. Give category or function.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.category}: ${o.result.explanation.summary}` +
    (o.result.in_your_profile ? ` (${o.result.in_your_profile.total_pct}% of the profile)` : ""),
  text: (o) =>
    [
      o.result.explanation.detailed,
      "",
      "Common causes:",
      ...o.result.explanation.common_causes.map((c) => `- ${c}`),
      "",
      "Strategies:",
      ...o.result.optimization_strategies.map((s) =>
        `- ${s.strategy} (${s.expected_impact}, effort ${s.effort}): ${s.description}`
      ),
      "",
      findingsText(o.findings),
    ].join("\n"),
  run: (a, ctx) => pprofExplainOverhead(a, ctx),
};
