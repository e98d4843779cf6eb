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
import type { Profile } from "../../profile/model.ts";

/** One check: the function regexp, the metric, and the highest acceptable percentage. */
export const checkSchema = z.object({
  function: z.string().describe("Functions to check (Go RE2 regexp)"),
  metric: pctMetric.describe("flat_pct (own time) or cum_pct (including callees)"),
  max: z.number().min(0).describe("Highest acceptable percentage of the profile's total"),
  allow_missing: z.boolean().describe(
    "Pass when the regexp matches no function (default false: a check that matches nothing fails, so a typo " +
      "cannot pass a CI gate)",
  ).optional(),
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
  matched: z.number().int().describe("How many functions the regexp matched"),
  message: z.string().optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    passed: z.boolean(),
    checks: z.array(checkResult),
    profiles: z.array(z.string()).optional().describe("The profiles checked, merged into one, when several"),
  }),
});

/** The result of pprof.regression_check. */
export type RegressionResult = z.infer<typeof output>;

/**
 * The checks on a loaded profile. `actual` is the largest printed percentage
 * among the functions that match the check's regexp (the original took the
 * largest over every function on the focused stacks, so a cum_pct check
 * usually measured main.main). A check whose regexp matches no function fails,
 * unless it allows that (`allow_missing`).
 */
export function regressionChecks(
  profile: Profile,
  path: string,
  checks: Check[],
  sampleIndex?: string,
): RegressionResult["result"]["checks"] {
  return checks.map((c) => {
    const rx = compileRE2(c.function, "function");
    const { all } = topPayload(profile, { profile: path, focus: c.function, sample_index: sampleIndex }, {});
    const matching = all.filter((r) => rx.test(r.name.replace(/ \((partial-)?inline\)$/, "")));
    const actual = Math.max(0, ...matching.map((r) => parsePercent(c.metric === "flat_pct" ? r.flat_pct : r.cum_pct)));
    const base = { function: c.function, metric: c.metric, threshold: c.max, actual, matched: matching.length };
    if (matching.length === 0) {
      return c.allow_missing
        ? { ...base, passed: true, message: `${c.function} matched no function (allowed by allow_missing)` }
        : { ...base, passed: false, message: `${c.function} matched no function` };
    }
    const passed = actual <= c.max;
    return passed ? { ...base, passed } : {
      ...base,
      passed,
      message: `${c.function} ${c.metric} (${actual.toFixed(2)}%) exceeds threshold (${c.max.toFixed(2)}%)`,
    };
  });
}

/** pprof.regression_check's handler. */
export async function pprofRegressionCheck(
  a: z.infer<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox">,
): Promise<RegressionResult> {
  const profile = await loadForTool(a.profile, ctx);
  const checks = regressionChecks(profile, a.profile, a.checks, a.sample_index);
  return { command: "pprof regression_check", result: { passed: checks.every((c) => c.passed), checks } };
}

/** The pprof.regression_check tool. */
export const regressionCheckTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.regression_check",
  title: "Regression check",
  description: "Pass/fail checks for CI: for each {function regexp, metric flat_pct|cum_pct, max}, whether the " +
    "matching functions stay at or under max percent of the profile. A check whose regexp matches no function " +
    'fails ("… matched no function") unless it sets allow_missing. Use it to guard a hot path after a fix.',
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    o.result.passed
      ? `all ${o.result.checks.length} checks passed`
      : `${o.result.checks.filter((c) => !c.passed).length} of ${o.result.checks.length} checks failed`,
  run: (a, ctx) => pprofRegressionCheck(a, ctx),
};
