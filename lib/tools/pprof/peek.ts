/**
 * `pprof.peek`: callers and callees of the functions matching a regexp.
 *
 * @module
 */
import { z } from "zod";
import { compileRE2 } from "../../regex/re2.ts";
import { renderTree, treeReport } from "../../report/tree.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, profileArg, rawFields, regexArg, reportArgs } from "./args.ts";
import { rawResult, reportFor } from "./run.ts";

const options = reportArgs(["sample_index"]);

const input = z.object({
  profile: profileArg(),
  binary: binaryArg,
  regex: regexArg("Functions to show, matched against their names"),
  ...options.shape,
  ...limitArgs,
}).strict();

const output = z.object(rawFields);

/** pprof.peek's handler. */
export async function pprofPeek(a: z.infer<typeof input>, ctx?: Pick<ToolContext, "signal">) {
  const regex = compileRE2(a.regex, "regex");
  const { report } = await reportFor(a.profile, "peek", options.config(a), ctx);
  const text = renderTree(treeReport(report, regex, a.regex));
  const flags = ["-peek", a.regex, ...options.flags(a)];
  return rawResult(flags, a, text, report.warnings);
}

/** The pprof.peek tool. */
export const peekTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.peek",
  title: "Callers and callees",
  description: "Who calls the functions matching a regexp and what they call, with the weight of each edge " +
    "(`go tool pprof -peek`). Use after pprof.top to see where a hot function's time comes from and goes to.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  noMatches: { patternArgs: ["regex"] },
  text: (o) => o.raw,
  run: (a, ctx) => pprofPeek(a, ctx),
};
