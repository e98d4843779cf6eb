/**
 * `pprof.peek`: callers and callees of the functions matching a regexp.
 *
 * @module
 */
import { z } from "zod";
import { compileRE2 } from "../../regex/re2.ts";
import { treeChunks, treeReport } from "../../report/tree.ts";
import { pprofCommand, rawPayloadOfChunks, rawText } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, limitsOf, profileArg, rawFields, regexArg, reportArgs } from "./args.ts";
import { binaryArgs, reportFor } from "./run.ts";

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
export async function pprofPeek(a: z.input<typeof input>, ctx?: Pick<ToolContext, "signal">) {
  const regex = compileRE2(a.regex, "regex");
  const { report } = await reportFor(a.profile, "peek", options.config(a), ctx);
  const tree = treeReport(report, regex, a.regex);
  const flags = ["-peek", a.regex, ...options.flags(a)];
  const narrow = `use a more specific regex (it matched ${tree.nodes.length} functions)`;
  return {
    command: pprofCommand([...flags, ...binaryArgs(a.binary), a.profile]),
    ...rawPayloadOfChunks(treeChunks(tree), report.warnings, limitsOf(a), narrow),
  };
}

/** The pprof.peek tool. */
export const peekTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.peek",
  title: "Callers and callees",
  description: "Who calls the functions matching a regexp and what they call, with the weight of each edge " +
    "(`go tool pprof -peek`). Use after pprof.top to see where a hot function's time comes from and goes to. " +
    "The text is limited by max_lines/max_bytes; raw_meta says what was cut.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  noMatches: { patternArgs: ["regex"] },
  text: rawText,
  run: (a, ctx) => pprofPeek(a, ctx),
};
