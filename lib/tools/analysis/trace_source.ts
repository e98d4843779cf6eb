/**
 * `pprof.trace_source`: the heaviest stack through a function, with source lines and dependency versions.
 *
 * @module
 */
import { z } from "zod";
import { traceSource } from "../../analysis/trace_source.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg, regexArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import { appHints, findingsText, prefixesOf, repoManifests, repoPrefixArg, repoRootArg } from "./common.ts";
import { sandboxReader } from "./repo_access.ts";

const input = z.object({
  profile: profileArg(),
  function: regexArg("The function to trace, matched against function names"),
  repo_root: repoRootArg("Checkout of the profiled program (default: the base dir, else the current directory)"),
  max_depth: z.number().int().min(0).max(40).describe("Frames to show around the function (default 10, at most 40)")
    .optional(),
  show_vendor: z.boolean().describe("Include third-party frames (default true)").optional(),
  context_lines: z.number().int().min(0).max(20)
    .describe("Source lines before and after each frame's line (default 5, at most 20)").optional(),
  sample_index: z.string().describe("Sample type (default: the profile's default)").optional(),
  trim_path: z.string().describe("Prefix to strip from the profile's file names first").optional(),
  repo_prefix: repoPrefixArg,
}).strict();

const frame = z.object({
  function: z.string(),
  file: z.string(),
  line: z.number(),
  flat_pct: z.number(),
  cum_pct: z.number(),
  kind: z.enum(["app", "vendor", "stdlib"]),
  is_vendor: z.boolean(),
  vendor_package: z.string().optional(),
  vendor_version: z.string().optional(),
  source_path: z.string().optional(),
  source_snippet: z.string(),
  source_error: z.string().optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    matched_function: z.string(),
    sample_type: z.string(),
    stack_value: z.number(),
    stack_pct: z.number(),
    call_chain: z.array(frame).describe("Root first"),
    total_functions_traced: z.number().int(),
    app_functions: z.number().int(),
    vendor_functions: z.number().int(),
    stdlib_functions: z.number().int(),
    warnings: z.array(z.string()).optional(),
  }),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** The module cache: GOMODCACHE, else $GOPATH/pkg/mod, else ~/go/pkg/mod. */
function moduleCache(): string | undefined {
  const env = (k: string) => {
    try {
      return Deno.env.get(k);
    } catch {
      return undefined;
    }
  };
  const gomod = env("GOMODCACHE");
  if (gomod) return gomod;
  const gopath = env("GOPATH")?.split(":")[0] || (env("HOME") ? `${env("HOME")}/go` : "");
  return gopath ? `${gopath}/pkg/mod` : undefined;
}

/** pprof.trace_source's handler. */
export async function pprofTraceSource(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const root = a.repo_root || ctx?.sandbox.base || Deno.cwd();
  const manifests = repoManifests(root, ctx);
  const r = traceSource(profile, sandboxReader(ctx), {
    function: a.function,
    maxDepth: a.max_depth,
    showVendor: a.show_vendor,
    contextLines: a.context_lines,
    sampleIndex: a.sample_index,
    roots: { repoRoot: root, goMod: manifests.goMod, moduleCache: moduleCache(), trimPath: a.trim_path },
    app: appHints(prefixesOf(a.repo_prefix), root, manifests),
    profilePath: a.profile,
  });
  const { findings, warnings, ...rest } = r;
  return {
    command: "pprof trace_source",
    result: warnings.length > 0 ? { ...rest, warnings } : rest,
    findings: ctx ? exposeFindings(findings, ctx) : findings,
  };
}

/** The text of a trace: each frame with its snippet. */
function traceText(o: Out): string {
  const lines = [findingsText(o.findings), ""];
  for (const f of o.result.call_chain) {
    const v = f.vendor_package ? ` [${f.vendor_package}${f.vendor_version ? " " + f.vendor_version : ""}]` : "";
    lines.push(`${f.function} (${f.kind}${v}) flat ${f.flat_pct}% cum ${f.cum_pct}% — ${f.file}:${f.line}`);
    if (f.source_snippet) lines.push(f.source_snippet.split("\n").map((l) => "    " + l).join("\n"));
  }
  return lines.join("\n");
}

/** The pprof.trace_source tool. */
export const traceSourceTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.trace_source",
  title: "Trace a function to its source",
  description: "The heaviest stack through the functions matching a regexp (samples with the same stack added " +
    "up), root first, each frame with its flat/cum share, its source lines (>>> marks the sampled line) and " +
    "whether it is your code, a dependency (module and version from go.mod or the file name) or the standard " +
    "library. Sources are found in repo_root: absolute paths, -trimpath names (<module>/<dir>/<file>, " +
    "<module>@<version>/<file> in vendor/, replace directories or the module cache), Node.js files recorded " +
    "under another root, and an optional trim_path (no default). Files are read only inside the base dir.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  noMatches: { patternArgs: ["function"] },
  summary: (o) =>
    `${o.result.matched_function}: ${o.result.total_functions_traced} frames (${o.result.app_functions} yours, ` +
    `${o.result.vendor_functions} dependencies, ${o.result.stdlib_functions} standard library)`,
  text: traceText,
  run: (a, ctx) => pprofTraceSource(a, ctx),
};
