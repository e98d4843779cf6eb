/**
 * `pprof.traces_head` and `pprof.focus_paths`: sampled stacks, all or those
 * through a function.
 *
 * @module
 */
import { z } from "zod";
import { renderTraces, tracesReport } from "../../report/traces.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, profileArg, rawFields, regexArg, reportArgs } from "./args.ts";
import { rawResult, reportFor } from "./run.ts";

const headInput = z.object({
  profile: profileArg(),
  binary: binaryArg,
  lines: z.number().int().min(0).max(500).describe("Lines to return (default 200, at most 500)").optional(),
  max_lines: z.number().int().min(0).max(500).describe("Same as lines").optional(),
  max_bytes: limitArgs.max_bytes,
  truncate_strategy: limitArgs.truncate_strategy,
}).strict();

const output = z.object(rawFields);

/** pprof.traces_head's handler: the first lines of the traces report. */
export async function pprofTracesHead(a: z.infer<typeof headInput>, ctx?: Pick<ToolContext, "signal">) {
  const { report } = await reportFor(a.profile, "traces", {}, ctx);
  const n = Math.min(a.lines || a.max_lines || 200, 500);
  const limits = { max_lines: n, max_bytes: a.max_bytes, truncate_strategy: "head" };
  return rawResult(["-traces"], a, renderTraces(tracesReport(report)), report.warnings, limits);
}

/** The pprof.traces_head tool. */
export const tracesHeadTool: ToolDef<typeof headInput, typeof output> = {
  name: "pprof.traces_head",
  title: "Sampled stacks (head)",
  description: "The first lines of every sampled stack with its labels and value (`go tool pprof -traces`). " +
    "Use it to read whole call stacks, e.g. where goroutines are parked; for the stacks through one function use " +
    "pprof.focus_paths.",
  input: headInput,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  text: (o) => o.raw,
  run: (a, ctx) => pprofTracesHead(a, ctx),
};

const focusOptions = reportArgs(["sample_index"]);

const focusInput = z.object({
  profile: profileArg(),
  function: regexArg("Only stacks with a frame matching this"),
  binary: binaryArg,
  cum: z.boolean().describe("Accepted for compatibility (traces have no order to change)").optional(),
  nodecount: z.number().int().min(0).describe("Accepted for compatibility").optional(),
  ...focusOptions.shape,
  ...limitArgs,
}).strict();

/** pprof.focus_paths's handler: the traces of the samples through `function`. */
export async function pprofFocusPaths(a: z.infer<typeof focusInput>, ctx?: Pick<ToolContext, "signal">) {
  const { report } = await reportFor(a.profile, "traces", { ...focusOptions.config(a), focus: a.function }, ctx);
  const text = renderTraces(tracesReport(report));
  const flags = ["-traces", "-focus", a.function, ...focusOptions.flags(a)];
  return rawResult(flags, a, text, report.warnings);
}

/** The pprof.focus_paths tool. */
export const focusPathsTool: ToolDef<typeof focusInput, typeof output> = {
  name: "pprof.focus_paths",
  title: "Stacks through a function",
  description: "Every sampled stack that passes through the functions matching a regexp, with labels and values " +
    "(`go tool pprof -traces -focus`). Use it to see all the ways a hot function is reached.",
  input: focusInput,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  text: (o) => o.raw,
  run: (a, ctx) => pprofFocusPaths(a, ctx),
};
