/**
 * `pprof.baseline_update`: records the top of a profile into the rolling
 * baseline that `pprof.top` compares with (the writing half of the original
 * tool's compare_baseline).
 *
 * @module
 */
import { z } from "zod";
import { pprofCommand } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, profileArg } from "./args.ts";
import { updateBaseline } from "./baseline.ts";
import { loadForTool } from "./run.ts";
import {
  baselineArgs,
  baselineOutput,
  baselineRows,
  baselineTarget,
  baselineText,
  capDeviations,
  topArgs,
  topOptions,
  topPayload,
} from "./top.ts";

const input = z.object({
  profile: profileArg(),
  binary: binaryArg,
  ...topOptions.shape,
  ...baselineArgs,
}).strict();

const output = z.object({
  command: z.string().describe("The go tool pprof command line of the top that was recorded"),
  baseline_path: z.string().describe("The baselines file that was written"),
  message: z.string(),
  baseline: baselineOutput.describe("The deviations from the baseline as it was before this update"),
});

/** pprof.baseline_update's handler: compares with the baseline, then folds this profile's top into it. */
export async function pprofBaselineUpdate(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox">,
): Promise<z.infer<typeof output>> {
  const profile = await loadForTool(a.profile, ctx);
  const { all } = topPayload(profile, a, {});
  const { path, key, kind } = baselineTarget(a, profile, ctx);
  const baseline = capDeviations(await updateBaseline(path, key, kind, a.sample_index, baselineRows(all)));
  return {
    command: pprofCommand(topArgs(a)),
    baseline_path: path,
    message: `recorded ${all.length} functions into baseline ${key} (${baseline.baseline_samples} samples) in ${path}`,
    baseline,
  };
}

/** The pprof.baseline_update tool. */
export const baselineUpdateTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.baseline_update",
  title: "Record a profile into the rolling baseline",
  description: "Records the top functions of a profile (flat% and cum% of each) into a rolling baseline kept " +
    "in a JSON file (baseline_path, default .pprof-mcp-baselines.json in the base dir), under a key made of " +
    "baseline_key or service:env, the profile kind and the sample index. It returns the deviations from the " +
    "baseline as it was before. pprof.top with compare_baseline=true compares a profile with it without writing. " +
    "Writes the baselines file; changes nothing else.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  summary: (o) => o.message,
  text: (o) => baselineText(o.baseline),
  run: (a, ctx) => pprofBaselineUpdate(a, ctx),
};
