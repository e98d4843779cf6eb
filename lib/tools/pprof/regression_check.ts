/**
 * `pprof.regression_check`: pass/fail checks of functions' flat% or cum%
 * against thresholds, for CI gates.
 *
 * @module
 */
import { z } from "zod";
import { compileRE2 } from "../../regex/re2.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { pctMetric, profileArg, reportArgs } from "./args.ts";
import { parsePercent } from "../../report/top.ts";
import { loadForTool } from "./run.ts";
import { topPayload } from "./top.ts";

/** One check: the function regexp, the metric, and the highest acceptable percentage. */
export const checkSchema = z.object({
  function: z.string().describe("Functions to check (Go RE2 regexp)"),
  metric: pctMetric.describe("flat_pct (own time) or cum_pct (including callees)"),
  max: z.number().min(0).describe("Highest acceptable percentage of the profile's total"),
}).strict();

/** One check, as the CLI builds it from --check or a checks file. */
export type Check = z.infer<typeof checkSchema>;

const input = z.object({
  profile: profileArg(),
  ...reportArgs(["sample_index"]).shape,
  checks: z.array(checkSchema).min(1).describe("The checks to run, in order"),
}).strict();

const checkResult = z.object({
  function: z.string(),
  metric: pctMetric,
  threshold: z.number(),
  actual: z.number(),
  passed: z.boolean(),
  message: z.string().optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({ passed: z.boolean(), checks: z.array(checkResult) }),
});

/** The result of pprof.regression_check. */
export type RegressionResult = z.infer<typeof output>;

/**
 * pprof.regression_check's handler. `actual` is the largest printed percentage
 * among the functions that match the check's regexp (the original took the
 * largest over every function on the focused stacks, so a cum_pct check
 * usually measured main.main).
 */
export async function pprofRegressionCheck(
  a: z.infer<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox">,
): Promise<RegressionResult> {
  const checks = [];
  const profile = await loadForTool(a.profile, ctx);
  for (const c of a.checks) {
    const rx = compileRE2(c.function, "function");
    const top = topPayload(profile, { profile: a.profile, focus: c.function, sample_index: a.sample_index });
    const matching = top.rows.filter((r) => rx.test(r.name.replace(/ \((partial-)?inline\)$/, "")));
    const actual = Math.max(0, ...matching.map((r) => parsePercent(c.metric === "flat_pct" ? r.flat_pct : r.cum_pct)));
    const passed = actual <= c.max;
    checks.push({
      function: c.function,
      metric: c.metric,
      threshold: c.max,
      actual,
      passed,
      ...(passed
        ? {}
        : { message: `${c.function} ${c.metric} (${actual.toFixed(2)}%) exceeds threshold (${c.max.toFixed(2)}%)` }),
    });
  }
  return { command: "pprof regression_check", result: { passed: checks.every((c) => c.passed), checks } };
}

/** The pprof.regression_check tool. */
export const regressionCheckTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.regression_check",
  title: "Regression check",
  description: "Pass/fail checks for CI: for each {function regexp, metric flat_pct|cum_pct, max}, whether the " +
    "matching functions stay at or under max percent of the profile. Use it to guard a hot path after a fix.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    o.result.passed
      ? `all ${o.result.checks.length} checks passed`
      : `${o.result.checks.filter((c) => !c.passed).length} of ${o.result.checks.length} checks failed`,
  run: (a, ctx) => pprofRegressionCheck(a, ctx),
};
