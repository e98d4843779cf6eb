/**
 * `pprof.top`: the top table, parsed rows, next-step hints and an optional
 * rolling baseline comparison.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import type { Profile } from "../../profile/model.ts";
import { parsePercent, renderTop, textRows, topReport } from "../../report/top.ts";
import { pprofCommand, rawPayload } from "../common.ts";
import { detectKind } from "../meta.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { pathArg } from "../paths.ts";
import { binaryArg, limitArgs, pctMetric, profileArg, rawFields, reportArgs, textRow, topSummary } from "./args.ts";
import { BASELINE_FILE, baselineKey, updateBaseline } from "./baseline.ts";
import { topHints } from "./hints.ts";
import { binaryArgs, loadForTool, reportOf } from "./run.ts";

/** The report options of a top request (also used by diff_top and regression checks). */
export const topOptions = reportArgs(["cum", "nodecount", "focus", "ignore", "sample_index"], {
  nodecount: "Show at most this many functions (0 or absent: all)",
});

/** The arguments of a top request. */
export const topInput = {
  profile: profileArg(),
  binary: binaryArg,
  ...topOptions.shape,
  ...limitArgs,
};

const input = z.object({
  ...topInput,
  compare_baseline: z.boolean().describe("Compare with the rolling baseline of earlier calls and update it")
    .optional(),
  baseline_key: z.string().describe("Baseline name (default: service:env, else 'default')").optional(),
  baseline_path: pathArg("Baselines file (default: .pprof-mcp-baselines.json in the base dir)").optional(),
  service: z.string().describe("Service name, for the baseline key").optional(),
  env: z.string().describe("Environment, for the baseline key").optional(),
}).strict();

const deviation = z.object({
  function: z.string(),
  metric: pctMetric,
  current: z.number(),
  baseline: z.number(),
  delta: z.number(),
  severity: z.enum(["low", "medium", "high"]),
});

const output = z.object({
  ...rawFields,
  rows: z.array(textRow),
  summary: topSummary,
  hints: z.array(z.string()).optional(),
  baseline: z.object({
    key: z.string(),
    profile_kind: z.string(),
    sample_index: z.string().optional(),
    baseline_samples: z.number().int(),
    deviations: z.array(deviation),
    warnings: z.array(z.string()).optional(),
  }).optional(),
});

type TopArgs = z.infer<typeof input>;
type TopPayload = z.infer<typeof output>;

/** The `go tool pprof` arguments of a top request. */
export function topArgs(a: Omit<TopArgs, "profile"> & { profile: string }): string[] {
  return ["-top", ...topOptions.flags(a), ...binaryArgs(a.binary), a.profile];
}

type TopRequest = Omit<TopArgs, "compare_baseline" | "baseline_key" | "baseline_path" | "service" | "env">;

/** The top payload (command, limited text, rows) of an already loaded profile. */
export function topPayload(profile: Profile, a: TopRequest): TopPayload {
  const top = topReport(reportOf(profile, "top", topOptions.config(a)));
  return {
    command: pprofCommand(topArgs(a)),
    ...rawPayload(renderTop(top), top.warnings, a),
    ...textRows(top),
  };
}

/** pprof.top's handler: the top payload, hints, and the baseline comparison when asked. */
export async function pprofTop(a: TopArgs, ctx?: Pick<ToolContext, "signal" | "sandbox">): Promise<TopPayload> {
  const profile = await loadForTool(a.profile, ctx);
  const out = topPayload(profile, a);
  const hints = topHints(profile, out.rows.map((r) => r.name), a.sample_index ?? "");
  if (hints.length > 0) out.hints = hints;
  if (a.compare_baseline) {
    const kind = detectKind(profile, a.profile);
    const path = a.baseline_path || join(ctx?.sandbox.base ?? Deno.cwd(), BASELINE_FILE);
    const current = new Map(
      out.rows.map((r) => [r.name, { flat: parsePercent(r.flat_pct), cum: parsePercent(r.cum_pct) }]),
    );
    const key = baselineKey({
      baselineKey: a.baseline_key,
      service: a.service,
      env: a.env,
      kind,
      sampleIndex: a.sample_index,
    });
    out.baseline = await updateBaseline(path, key, kind, a.sample_index, current);
  }
  return out;
}

/** The pprof.top tool. */
export const topTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.top",
  title: "Top functions",
  description: "The hottest functions of a profile (CPU, heap, mutex, goroutine…) by flat or cumulative weight: " +
    "the exact table of `go tool pprof -top`, plus parsed rows and hints on what to look at next. Start here. " +
    "Filter with focus/ignore (Go regexps), pick the sample type with sample_index, sort with cum. " +
    "With compare_baseline, also reports functions that moved away from their rolling average in earlier calls.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  summary: (o) =>
    `${o.rows.length} functions; ${o.summary.header_lines.find((l) => l.startsWith("Showing nodes")) ?? ""}`,
  text: (o) => {
    const parts = [o.raw];
    if (o.hints?.length) parts.push("Hints:\n" + o.hints.map((h) => "- " + h).join("\n"));
    if (o.baseline) {
      const b = o.baseline;
      const lines = b.deviations.slice(0, 10).map((d) =>
        `- ${d.function} ${d.metric}: ${d.current}% vs ${d.baseline}% (${
          d.delta > 0 ? "+" : ""
        }${d.delta}, ${d.severity})`
      );
      parts.push(
        `Baseline ${b.key} (${b.baseline_samples} samples): ${b.deviations.length} deviations\n` + lines.join("\n"),
      );
    }
    return parts.join("\n");
  },
  run: (a, ctx) => pprofTop(a, ctx),
};
