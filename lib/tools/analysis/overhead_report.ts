/**
 * `pprof.overhead_report`: how much of a profile goes to logging, tracing, metrics, serialization,
 * frameworks and GC, each sample counted once per category.
 *
 * @module
 */
import { z } from "zod";
import { overheadReport } from "../../analysis/overhead.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import {
  appCodeOutput,
  appHints,
  findingsText,
  pct,
  prefixesOf,
  repoManifests,
  repoPrefixArg,
  repoRootArg,
} from "./common.ts";

const input = z.object({
  profile: profileArg(),
  sample_index: z.string().describe("Sample type (default: the profile's default, e.g. cpu rather than samples)")
    .optional(),
  repo_prefix: repoPrefixArg,
  repo_root: repoRootArg("Checkout of the profiled program; its go.mod or package.json tells your code apart"),
}).strict();

const weighted = z.object({ function: z.string(), value: z.number(), percentage: z.number() });

const detection = z.object({
  category: z.string(),
  description: z.string(),
  value: z.number().describe("Cost attributed to the category, in the profile's unit"),
  value_str: z.string(),
  value_text: z.string(),
  percentage: z.number().describe(
    "Attributed share: samples whose outermost category frame below your code is this one",
  ),
  inclusive_value: z.number(),
  inclusive_percentage: z.number().describe("Samples with any frame of the category, each once (pprof -focus)"),
  top_functions: z.array(weighted),
  called_from: z.array(weighted).describe("Your functions that call into it"),
  inside: z.array(z.object({ category: z.string(), percentage: z.number() })).optional()
    .describe("Categories it runs inside, which its cost is attributed to"),
  severity: z.enum(["high", "medium", "low"]),
  observability: z.boolean(),
  suggestion: z.string().optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    profile_kind: z.enum(["cpu", "heap", "goroutine", "mutex", "unknown"]),
    sample_type: z.string(),
    unit: z.string(),
    total_value: z.number(),
    total_value_str: z.string(),
    detections: z.array(detection),
    total_overhead_pct: z.number().describe("Sum of attributed shares: each sample at most once, so at most 100"),
    observability_pct: z.number(),
    app_code: appCodeOutput,
    warnings: z.array(z.string()).optional(),
  }),
  hints: z.array(z.string()).optional(),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** pprof.overhead_report's handler. */
export async function pprofOverheadReport(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const r = overheadReport(profile, {
    sampleIndex: a.sample_index,
    app: appHints(prefixesOf(a.repo_prefix), a.repo_root, repoManifests(a.repo_root, ctx)),
    profilePath: a.profile,
  });
  const { findings, warnings, ...rest } = r;
  const hints: string[] = [];
  if (r.observability_pct > 20) {
    hints.push(
      `Observability (logging, tracing, metrics) takes ${pct(r.observability_pct)}: sample, log less, ` +
        "and keep exports off the request path.",
    );
  }
  for (const d of r.detections) if (d.severity === "high" && d.suggestion) hints.push(`${d.category}: ${d.suggestion}`);
  const out: Out = {
    command: "pprof overhead_report",
    result: warnings.length > 0 ? { ...rest, warnings } : rest,
    findings: ctx ? exposeFindings(findings, ctx) : findings,
  };
  if (hints.length > 0) out.hints = hints;
  return out;
}

/** The text of an overhead report. */
export function overheadText(o: Out): string {
  const lines = [findingsText(o.findings), ""];
  for (const d of o.result.detections) {
    const incl = d.inclusive_percentage - d.percentage >= 0.05 ? ` (inclusive ${pct(d.inclusive_percentage)})` : "";
    lines.push(`- ${d.category}: ${pct(d.percentage)} ${d.value_text}${incl} [${d.severity}]`);
    if (d.top_functions.length > 0) {
      lines.push(`    top: ${d.top_functions.map((f) => `${f.function} ${pct(f.percentage)}`).join(", ")}`);
    }
    if (d.called_from.length > 0) lines.push(`    from: ${d.called_from.map((f) => f.function).join(", ")}`);
  }
  lines.push("", `your code: ${o.result.app_code.note}`);
  return lines.join("\n");
}

/** The pprof.overhead_report tool. */
export const overheadReportTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.overhead_report",
  title: "Observability and infrastructure overhead",
  description: "How much of a profile goes to logging (zap, logrus, zerolog, slog, pino, winston, in-house " +
    "loggers), tracing (OpenTelemetry, Datadog, in-house), metrics (Prometheus, StatsD, in-house), profiling " +
    "agents, gRPC, protobuf, JSON, regexps, HTTP frameworks, context, compression, crypto and GC, in Go and " +
    "Node.js profiles. Each sample counts once per category (inclusive_percentage, what pprof -focus on the " +
    "category shows), and its cost is attributed to one category at most — the outermost one below your " +
    "code, so JSON encoding inside a logger counts as logging — so no share exceeds 100% and the shares add " +
    "up (total_overhead_pct). Each category names its top functions and your functions that call it; findings " +
    "give the next call. Values are in the profile's default sample type (cpu, not the sample count).",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `total overhead ${o.result.total_overhead_pct.toFixed(1)}% across ${o.result.detections.length} categories` +
    ` (observability ${o.result.observability_pct.toFixed(1)}%)`,
  text: overheadText,
  run: (a, ctx) => pprofOverheadReport(a, ctx),
};
