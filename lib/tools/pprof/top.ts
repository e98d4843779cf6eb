/**
 * `pprof.top`: the top table, parsed rows, next-step hints and an optional
 * read-only comparison with the rolling baseline (`pprof.baseline_update`
 * records it).
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import type { Profile } from "../../profile/model.ts";
import { parsePercent, renderTop, type TextRow, textRows, topLine, topReport } from "../../report/top.ts";
import { pprofCommand, rawPayload, rawText, wholeLines } from "../common.ts";
import { detectKind } from "../meta.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { pathArg } from "../paths.ts";
import type { TruncateOptions } from "../truncate.ts";
import {
  binaryArg,
  limitArgs,
  limitsOf,
  pctMetric,
  profileArg,
  rawFields,
  reportArgs,
  textRow,
  topSummary,
} from "./args.ts";
import { BASELINE_FILE, baselineKey, compareBaseline } from "./baseline.ts";
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

/** Which rolling baseline a call is about, and where the baselines are kept. */
export const baselineArgs = {
  baseline_key: z.string().describe("Baseline name (default: service:env, else 'default')").optional(),
  baseline_path: pathArg("Baselines file (default: .pprof-mcp-baselines.json in the base dir)").optional(),
  service: z.string().describe("Service name, for the baseline key").optional(),
  env: z.string().describe("Environment, for the baseline key").optional(),
};

const input = z.object({
  ...topInput,
  compare_baseline: z.boolean().describe(
    "Compare with the rolling baseline recorded by pprof.baseline_update (reads it, never writes)",
  ).optional(),
  ...baselineArgs,
}).strict();

const deviation = z.object({
  function: z.string(),
  metric: pctMetric,
  current: z.number(),
  baseline: z.number(),
  delta: z.number(),
  severity: z.enum(["low", "medium", "high"]),
});

/** Deviations a result lists, the largest first: enough to act on, and a bounded answer. */
const MAX_DEVIATIONS = 50;

/** The `baseline` field of pprof.top and pprof.baseline_update. */
export const baselineOutput = z.object({
  key: z.string(),
  profile_kind: z.string(),
  sample_index: z.string().optional(),
  baseline_samples: z.number().int(),
  deviations: z.array(deviation).describe(`The largest deviations, at most ${MAX_DEVIATIONS}`),
  total_deviations: z.number().int().optional().describe("Deviations found, when more than were returned"),
  warnings: z.array(z.string()).optional(),
});

/** The baseline report with its deviations cut to the largest ones (they come sorted by size). */
export function capDeviations<T extends { deviations: unknown[] }>(b: T): T & { total_deviations?: number } {
  if (b.deviations.length <= MAX_DEVIATIONS) return b;
  return { ...b, deviations: b.deviations.slice(0, MAX_DEVIATIONS), total_deviations: b.deviations.length };
}

const output = z.object({
  ...rawFields,
  rows: z.array(textRow).describe("The rows the text shows (all of them unless the text was cut)"),
  total_rows: z.number().int().describe("Rows in the whole table"),
  summary: topSummary,
  hints: z.array(z.string()).optional(),
  baseline: baselineOutput.optional(),
});

type TopArgs = z.input<typeof input>;
type TopPayload = z.infer<typeof output>;

/** The `go tool pprof` arguments of a top request. */
export function topArgs(a: Omit<TopArgs, "profile"> & { profile: string }): string[] {
  return ["-top", ...topOptions.flags(a), ...binaryArgs(a.binary), a.profile];
}

type TopRequest = Omit<TopArgs, "compare_baseline" | "baseline_key" | "baseline_path" | "service" | "env">;

/**
 * The top payload (command, limited text, the rows the text shows) of an
 * already loaded profile, and every row of the table.
 */
export function topPayload(profile: Profile, a: TopRequest, limits: TruncateOptions = limitsOf(a)): {
  payload: TopPayload;
  all: TextRow[];
} {
  const top = topReport(reportOf(profile, "top", topOptions.config(a)));
  const raw = rawPayload(renderTop(top), top.warnings, limits, "narrow the table with nodecount, focus or ignore");
  const { rows: all, summary } = textRows(top);
  let rows = all;
  if (raw.truncated) {
    const shown = wholeLines(raw.raw, raw.raw_meta);
    rows = all.filter((_, i) => shown.has(topLine(top.rows[i])));
  }
  return {
    payload: { command: pprofCommand(topArgs(a)), ...raw, rows, total_rows: all.length, summary },
    all,
  };
}

/** Percentages by function of top rows, as baselines keep them. */
export function baselineRows(rows: TextRow[]): Map<string, { flat: number; cum: number }> {
  return new Map(rows.map((r) => [r.name, { flat: parsePercent(r.flat_pct), cum: parsePercent(r.cum_pct) }]));
}

/** The baseline key, kind and file of a call. */
export function baselineTarget(
  a: z.input<z.ZodObject<typeof baselineArgs>> & { profile: string; sample_index?: string },
  profile: Profile,
  ctx?: Pick<ToolContext, "sandbox">,
): { path: string; key: string; kind: string } {
  const kind = detectKind(profile, a.profile);
  const path = a.baseline_path || join(ctx?.sandbox.base ?? Deno.cwd(), BASELINE_FILE);
  const key = baselineKey({
    baselineKey: a.baseline_key,
    service: a.service,
    env: a.env,
    kind,
    sampleIndex: a.sample_index,
  });
  return { path, key, kind };
}

const noTools = () => undefined;

/** pprof.top's handler: the top payload, hints, and the baseline comparison when asked. */
export async function pprofTop(
  a: TopArgs,
  ctx?: Pick<ToolContext, "signal" | "sandbox"> & Partial<Pick<ToolContext, "toolName">>,
): Promise<TopPayload> {
  const profile = await loadForTool(a.profile, ctx);
  const { payload: out, all } = topPayload(profile, a);
  const hints = topHints(profile, all.map((r) => r.name), a.sample_index ?? "", ctx?.toolName ?? noTools);
  if (hints.length > 0) out.hints = hints;
  if (a.compare_baseline) {
    const { path, key, kind } = baselineTarget(a, profile, ctx);
    const update = ctx?.toolName?.("pprof.baseline_update");
    const missing = `no baseline under ${key} yet` + (update ? `; ${update} records one` : "");
    out.baseline = capDeviations(await compareBaseline(path, key, kind, a.sample_index, baselineRows(all), missing));
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
    "The text is limited by max_lines/max_bytes (raw_meta says what was cut; rows are the rows shown). " +
    "With compare_baseline, also reports functions that moved away from their rolling average; it only reads " +
    "the baseline, which pprof.baseline_update records.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.rows.length === o.total_rows ? o.rows.length : `${o.rows.length} of ${o.total_rows}`} functions; ${
      o.summary.header_lines.find((l) => l.startsWith("Showing nodes")) ?? ""
    }`,
  text: (o) => {
    const parts = [rawText(o)];
    if (o.hints?.length) parts.push("Hints:\n" + o.hints.map((h) => "- " + h).join("\n"));
    if (o.baseline) parts.push(baselineText(o.baseline));
    return parts.join("\n");
  },
  run: (a, ctx) => pprofTop(a, ctx),
};

/** The text of a baseline comparison: the ten largest deviations. */
export function baselineText(b: z.infer<typeof baselineOutput>): string {
  const lines = b.deviations.slice(0, 10).map((d) =>
    `- ${d.function} ${d.metric}: ${d.current}% vs ${d.baseline}% (${d.delta > 0 ? "+" : ""}${d.delta}, ${d.severity})`
  );
  const warnings = (b.warnings ?? []).map((w) => `- ${w}`);
  const count = b.total_deviations ?? b.deviations.length;
  return [`Baseline ${b.key} (${b.baseline_samples} samples): ${count} deviations`, ...lines, ...warnings].join("\n");
}
