/**
 * `pprof.traces_head` and `pprof.focus_paths`: sampled stacks, all or those
 * through a function. The traces report is read only as far as the answer
 * needs (its size is computed without producing it), so the head of a
 * profile of millions of frames costs little more than loading it.
 *
 * @module
 */
import { z } from "zod";
import { NoMatchError } from "../../errors.ts";
import { traceChunks, tracesSize } from "../../report/traces.ts";
import { pprofCommand, rawPayloadOfChunks, rawText } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { DEFAULT_LIMITS, type TruncateOptions } from "../truncate.ts";
import { binaryArg, limitArgs, limitsOf, profileArg, rawFields, regexArg, reportArgs } from "./args.ts";
import { binaryArgs, reportFor } from "./run.ts";
import type { Report } from "../../report/report.ts";

const headInput = z.object({
  profile: profileArg(),
  binary: binaryArg,
  lines: z.number().int().min(0).max(500).describe("Lines to return (default 200, at most 500)").optional(),
  max_lines: z.number().int().min(0).max(500).describe("Same as lines").optional(),
  max_bytes: limitArgs.max_bytes,
  truncate_strategy: limitArgs.truncate_strategy,
}).strict();

const output = z.object(rawFields);

/** The limited traces text of a report: read up to the limits, its size computed apart. */
function tracesPayload(report: Report, limits: TruncateOptions, narrow?: string) {
  return rawPayloadOfChunks(traceChunks(report), report.warnings, limits, narrow, () => tracesSize(report));
}

/** pprof.traces_head's handler: the first lines of the traces report. */
export async function pprofTracesHead(
  a: z.input<typeof headInput>,
  ctx?: Pick<ToolContext, "signal"> & Partial<Pick<ToolContext, "toolName">>,
) {
  const { report } = await reportFor(a.profile, "traces", {}, ctx);
  const n = Math.min(a.lines || a.max_lines || 200, 500);
  const limits = { max_lines: n, max_bytes: a.max_bytes ?? DEFAULT_LIMITS.max_bytes, truncate_strategy: "head" };
  const focusPaths = ctx?.toolName?.("pprof.focus_paths");
  const narrow = focusPaths ? `use ${focusPaths} for the stacks through one function` : undefined;
  return {
    command: pprofCommand(["-traces", ...binaryArgs(a.binary), a.profile]),
    ...tracesPayload(report, limits, narrow),
  };
}

/** The pprof.traces_head tool. */
export const tracesHeadTool: ToolDef<typeof headInput, typeof output> = {
  name: "pprof.traces_head",
  title: "Sampled stacks (head)",
  description: "The first lines of every sampled stack with its labels and value (`go tool pprof -traces`). " +
    "Use it to read whole call stacks, e.g. where goroutines are parked; for the stacks through one function use " +
    "pprof.focus_paths. total_lines and raw_meta tell the size of the whole report.",
  input: headInput,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  text: rawText,
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

/**
 * pprof.focus_paths's handler: the traces of the samples through `function`.
 *
 * @throws {NoMatchError} when no sample has a frame matching `function`
 */
export async function pprofFocusPaths(a: z.input<typeof focusInput>, ctx?: Pick<ToolContext, "signal">) {
  const { report } = await reportFor(a.profile, "traces", { ...focusOptions.config(a), focus: a.function }, ctx);
  if (report.view.samples.length === 0 && report.profile.sampleCount > 0) {
    throw new NoMatchError(
      `no stack has a frame matching ${a.function}`,
      "Try a broader, case-insensitive regexp such as (?i)Name.",
    );
  }
  const flags = ["-traces", "-focus", a.function, ...focusOptions.flags(a)];
  const narrow = "use a more specific function regexp";
  return {
    command: pprofCommand([...flags, ...binaryArgs(a.binary), a.profile]),
    ...tracesPayload(report, limitsOf(a), narrow),
  };
}

/** The pprof.focus_paths tool. */
export const focusPathsTool: ToolDef<typeof focusInput, typeof output> = {
  name: "pprof.focus_paths",
  title: "Stacks through a function",
  description: "Every sampled stack that passes through the functions matching a regexp, with labels and values " +
    "(`go tool pprof -traces -focus`). Use it to see all the ways a hot function is reached. The text is " +
    "limited by max_lines/max_bytes (raw_meta says what was cut); a regexp that matches no frame is a " +
    '"no matches" result.',
  input: focusInput,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  noMatches: { patternArgs: ["function"] },
  text: rawText,
  run: (a, ctx) => pprofFocusPaths(a, ctx),
};
