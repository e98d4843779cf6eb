/**
 * `pprof.regression_check`: pass/fail checks for CI gates. One profile (or
 * several, merged) against absolute flat%/cum% thresholds, or a candidate set
 * of profiles against a baseline set with relative checks and a run-to-run
 * noise band (`lib/analysis/regression.ts`).
 *
 * @module
 */
import { z } from "zod";
import { gateText } from "../../analysis/gate_output.ts";
import {
  type CompareOptions,
  compareRuns,
  GATE_METRICS,
  type GateCheck,
  isRelative,
  type RunSummary,
  summarizeRun,
  validateCheck,
} from "../../analysis/regression.ts";
import { UserError } from "../../errors.ts";
import { loadProfile } from "../../profile/load.ts";
import type { Profile } from "../../profile/model.ts";
import { compileRE2 } from "../../regex/re2.ts";
import { parsePercent } from "../../report/top.ts";
import { pathListArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg, reportArgs } from "./args.ts";
import { loadForTool } from "./run.ts";
import { topPayload } from "./top.ts";

/** A check's metric, as the schemas describe it. */
const metricSchema = z.enum(GATE_METRICS).describe(
  "flat_pct, cum_pct: percent of the profile's total (absolute, of the candidate alone); " +
    "flat_pct_delta, cum_pct_delta: candidate% - baseline%, in percentage points; " +
    "flat_ratio, cum_ratio, total_ratio: candidate / baseline; " +
    "flat_delta, cum_delta, total_delta: candidate - baseline in the profiles' unit (see unit). " +
    "flat is the samples whose leaf is a matching function, cum the samples with one on the stack",
);

/** One check: the function regexp, the metric, the highest acceptable value and its options. */
export const checkSchema = z.object({
  function: z.string().describe("Functions to check (Go RE2 regexp); not for total_ratio and total_delta")
    .optional(),
  metric: metricSchema,
  max: z.number().min(0).describe(
    "Highest acceptable value (inclusive): percent for *_pct, points for *_pct_delta, a ratio for *_ratio, " +
      "the profiles' unit (or `unit`) for *_delta",
  ),
  unit: z.string().describe('Unit of max for *_delta, e.g. "ms", "s", "MB" (default: the profiles\' unit)')
    .optional(),
  norm: z.enum(["total", "duration", "none"]).describe(
    "How each side is normalised before comparing: total (share of the profile's total; default for *_ratio " +
      "and *_pct_delta), duration (per second of the profiles' duration), none (mean per profile; default for " +
      "*_delta and total_ratio)",
  ).optional(),
  allow_missing: z.boolean().describe(
    "Pass when the regexp matches no function (default false: a check that matches nothing fails, so a typo " +
      "cannot pass a CI gate)",
  ).optional(),
}).strict();

/** One check, as the CLI builds it from --check or a checks file. */
export type Check = z.infer<typeof checkSchema>;

const input = z.object({
  profile: profileArg("Profile to check against absolute thresholds (the one-profile form)").optional(),
  baseline: pathListArg(
    "Baseline profiles (paths or handles): one, or several runs of the same benchmark; with candidate",
    1,
  ).optional(),
  candidate: pathListArg("Candidate profiles, compared with baseline: one or several runs", 1).optional(),
  ...reportArgs(["sample_index"]).shape,
  checks: z.array(checkSchema).min(1).describe("The checks to run, in order"),
  confidence: z.number().gt(0).lt(1).describe(
    "Confidence of the noise band, with two or more profiles a side (default 0.95)",
  ).optional(),
  movers: z.number().int().min(0).max(200).describe("How many of the largest movers to list (default 10)")
    .optional(),
  cum: z.boolean().describe("Rank the movers by cum instead of flat").optional(),
}).strict();

const checkResult = z.object({
  function: z.string().optional(),
  metric: metricSchema,
  threshold: z.number(),
  actual: z.number().nullable().describe("The measured value; null for a ratio over a baseline of 0"),
  passed: z.boolean(),
  matched: z.number().int().describe("How many functions the regexp matched"),
  message: z.string().optional(),
  norm: z.enum(["total", "duration", "none"]).optional(),
  status: z.enum(["pass", "within_noise", "fail", "missing"]).optional()
    .describe("within_noise: over the threshold, but the change is within the noise band, so it passes"),
  threshold_text: z.string().optional(),
  actual_text: z.string().optional(),
  base: z.number().optional().describe("The baseline's value under norm"),
  head: z.number().optional().describe("The candidate's value under norm"),
  base_text: z.string().optional(),
  head_text: z.string().optional(),
  noise_band: z.number().optional().describe("Half-width of the noise band, in the check's unit"),
  noise_band_text: z.string().optional(),
  beyond_noise: z.boolean().optional(),
});

const side = z.object({
  profiles: z.array(z.string()),
  runs: z.number().int(),
  total: z.number().describe("Mean total per profile, in the sample unit"),
  total_text: z.string(),
  duration_seconds: z.number().optional(),
});

const mover = z.object({
  function: z.string(),
  base_value: z.number(),
  head_value: z.number(),
  delta_value: z.number(),
  base_pct: z.number(),
  head_pct: z.number(),
  delta_pct: z.number(),
  noise_band_pct: z.number().optional(),
  beyond_noise: z.boolean().optional(),
  base_text: z.string(),
  head_text: z.string(),
  delta_text: z.string(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    passed: z.boolean(),
    checks: z.array(checkResult),
    profiles: z.array(z.string()).optional().describe("The profiles checked, merged into one, when several"),
    sample_type: z.string().optional(),
    unit: z.string().optional(),
    base: side.optional().describe("The baseline (comparison form)"),
    head: side.optional().describe("The candidate (comparison form)"),
    noise: z.object({
      method: z.enum(["welch_t", "none"]),
      confidence: z.number(),
      runs: z.object({ base: z.number().int(), head: z.number().int() }),
      note: z.string(),
    }).optional(),
    movers_by: z.enum(["flat", "cum"]).optional(),
    movers: z.array(mover).optional().describe("The functions whose share of the total moved most"),
    functions: z.number().int().optional(),
  }),
});

/** The result of pprof.regression_check. */
export type RegressionResult = z.infer<typeof output>;

/** The absolute checks' results of one profile (the one-profile form). */
type AbsoluteResult = RegressionResult["result"]["checks"][number];

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
): AbsoluteResult[] {
  return checks.map((c) => {
    const fn = c.function ?? "";
    if (isRelative(c.metric)) throw relativeWithoutBase(c.metric);
    const rx = compileRE2(fn, "function");
    const { all } = topPayload(profile, { profile: path, focus: fn, sample_index: sampleIndex }, {});
    const matching = all.filter((r) => rx.test(r.name.replace(/ \((partial-)?inline\)$/, "")));
    const actual = Math.max(0, ...matching.map((r) => parsePercent(c.metric === "flat_pct" ? r.flat_pct : r.cum_pct)));
    const base = { function: fn, metric: c.metric, threshold: c.max, actual, matched: matching.length };
    if (matching.length === 0) {
      return c.allow_missing
        ? { ...base, passed: true, message: `${fn} matched no function (allowed by allow_missing)` }
        : { ...base, passed: false, message: `${fn} matched no function` };
    }
    const passed = actual <= c.max;
    return passed ? { ...base, passed } : {
      ...base,
      passed,
      message: `${fn} ${c.metric} (${actual.toFixed(2)}%) exceeds threshold (${c.max.toFixed(2)}%)`,
    };
  });
}

/** The error for a relative check given in the one-profile form. */
export function relativeWithoutBase(metric: string): UserError {
  return new UserError(
    `${metric} compares with a baseline: give the baseline and candidate profiles ` +
      "(pprof-mcp regression-check --base BASE… --head HEAD…; the tool's baseline and candidate arguments)",
  );
}

/** How a comparison reports and stops. */
export interface GateRun {
  signal?: AbortSignal;
  /** Called after each profile is read. */
  loaded?: (done: number, total: number, file: string) => Promise<void> | void;
}

/**
 * Reads the baseline and candidate profiles one at a time (memory holds one
 * profile and the summaries), summarises each for the checks and compares
 * them.
 */
export async function gateFiles(
  baseline: string[],
  candidate: string[],
  checks: Check[],
  sampleIndex: string | undefined,
  o: CompareOptions & GateRun = {},
) {
  if (baseline.length === 0 || candidate.length === 0) {
    throw new UserError("a comparison needs at least one baseline and one candidate profile");
  }
  checks.forEach((c, i) => validateCheck(c as GateCheck, `check ${i + 1}`));
  const files = [...baseline, ...candidate];
  const runs: RunSummary[] = [];
  for (const [i, f] of files.entries()) {
    o.signal?.throwIfAborted();
    runs.push(summarizeRun(await loadProfile(f), f, checks as GateCheck[], sampleIndex ?? ""));
    await o.loaded?.(i + 1, files.length, f);
  }
  o.signal?.throwIfAborted();
  return compareRuns(runs.slice(0, baseline.length), runs.slice(baseline.length), checks as GateCheck[], o);
}

const list = (v: string | string[] | undefined) => (v === undefined ? undefined : typeof v === "string" ? [v] : v);

/** pprof.regression_check's handler. */
export async function pprofRegressionCheck(
  a: z.infer<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox"> & Partial<Pick<ToolContext, "progress">>,
): Promise<RegressionResult> {
  const baseline = list(a.baseline), candidate = list(a.candidate);
  if (baseline || candidate) {
    if (a.profile !== undefined) {
      throw new UserError(
        "give either profile (absolute checks) or baseline and candidate (a comparison), not both",
        "INVALID_ARGUMENT",
        { field: "profile" },
      );
    }
    if (!baseline || !candidate) {
      throw new UserError("a comparison needs both baseline and candidate", "INVALID_ARGUMENT", {
        field: baseline ? "candidate" : "baseline",
      });
    }
    const result = await gateFiles(baseline, candidate, a.checks, a.sample_index, {
      confidence: a.confidence,
      movers: a.movers,
      cum: a.cum,
      signal: ctx?.signal,
      loaded: (done, total, file) => ctx?.progress?.(done, total, `read ${file}`),
    });
    return { command: "pprof regression_check", result };
  }
  if (a.profile === undefined) {
    throw new UserError(
      "give profile (absolute checks), or baseline and candidate (a comparison)",
      "INVALID_ARGUMENT",
      {
        field: "profile",
        received: "<missing>",
      },
    );
  }
  for (const c of a.checks) if (isRelative(c.metric)) throw relativeWithoutBase(c.metric);
  a.checks.forEach((c, i) => validateCheck(c as GateCheck, `check ${i + 1}`));
  const profile = await loadForTool(a.profile, ctx);
  const checks = regressionChecks(profile, a.profile, a.checks, a.sample_index);
  return { command: "pprof regression_check", result: { passed: checks.every((c) => c.passed), checks } };
}

/** The pprof.regression_check tool. */
export const regressionCheckTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.regression_check",
  title: "Regression check",
  description: "Pass/fail checks for CI. With profile: for each {function regexp, metric flat_pct|cum_pct, max}, " +
    "whether the matching functions stay at or under max percent of the profile. With baseline and candidate " +
    "(each one profile or several runs of the same benchmark): relative checks such as cum_pct_delta (points), " +
    "flat_ratio/cum_ratio (candidate / baseline, normalised by total, duration or none), total_ratio, and " +
    "flat_delta/cum_delta/total_delta in the profiles' unit (seconds, bytes, objects; sample_index picks the " +
    "type); with two or more profiles a side, a check fails only when the change exceeds both its threshold and " +
    "the run-to-run noise band (status within_noise otherwise), and the largest movers are listed. A check whose " +
    'regexp matches no function fails ("… matched no function") unless it sets allow_missing.',
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    o.result.passed
      ? `all ${o.result.checks.length} checks passed`
      : `${o.result.checks.filter((c) => !c.passed).length} of ${o.result.checks.length} checks failed`,
  text: (o) => gateText(o.result),
  run: (a, ctx) => pprofRegressionCheck(a, ctx),
};
