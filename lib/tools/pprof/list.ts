/**
 * `pprof.list`: annotated source of the functions matching a regexp.
 *
 * @module
 */
import { z } from "zod";
import { compileRE2 } from "../../regex/re2.ts";
import { listReport, renderList } from "../../report/list.ts";
import { pprofFlagArgs } from "../../report/options.ts";
import { pathArg, pathListArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { rawText } from "../common.ts";
import { binaryArg, limitArgs, limitsOf, profileArg, rawFields, regexArg } from "./args.ts";
import { rawResult, reportFor } from "./run.ts";

const input = z.object({
  profile: profileArg(),
  binary: binaryArg,
  function: regexArg("Functions to list, matched against their names"),
  repo_root: pathArg("Directory the sources are in (default: the base dir, else the current one)").optional(),
  trim_path: z.string().describe("Path prefix to strip from the profile's file names before looking them up")
    .optional(),
  source_paths: pathListArg("More directories to search for sources").optional(),
  ...limitArgs,
}).strict();

const output = z.object(rawFields);

/** pprof.list's handler. Sources are searched in repo_root, then every source path. */
export async function pprofList(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox">,
) {
  const regex = compileRE2(a.function, "function");
  const extra = typeof a.source_paths === "string" ? [a.source_paths] : a.source_paths ?? [];
  const root = a.repo_root || ctx?.sandbox.base || ".";
  const searchPath = [root, ...extra.filter((s) => s !== "")].join(":");
  const { report } = await reportFor(a.profile, "list", { sourcePath: searchPath, trimPath: a.trim_path ?? "" }, ctx);
  // Source files named by the profile are paths too: inside the base dir only.
  const sandbox = ctx?.sandbox;
  const allowed = (path: string) => {
    if (!sandbox?.base) return true;
    try {
      sandbox.resolve("source_paths", path);
      return true;
    } catch {
      return false;
    }
  };
  const listing = listReport(report, regex, a.function, allowed);
  const text = renderList(report, listing);
  const flags = ["-list", a.function, ...pprofFlagArgs({ trim_path: a.trim_path, source_path: searchPath })];
  const narrow = `use a more specific function regexp (it matched ${listing.routines.length} routines)`;
  return rawResult(flags, a, text, report.warnings, limitsOf(a), narrow);
}

/** The pprof.list tool. */
export const listTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.list",
  title: "Annotated source",
  description: "Source lines of the functions matching a regexp, each with its flat and cumulative weight " +
    "(`go tool pprof -list`). Use it to find the exact line that is hot. Needs the source files: point repo_root " +
    "(and source_paths) at a checkout. The text is limited by max_lines/max_bytes; raw_meta says what was cut.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  noMatches: { patternArgs: ["function"] },
  text: rawText,
  run: (a, ctx) => pprofList(a, ctx),
};
