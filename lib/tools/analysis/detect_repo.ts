/**
 * `pprof.detect_repo`: the modules a profile's code comes from and where a checkout of the program is.
 *
 * @module
 */
import { z } from "zod";
import { detectRepo } from "../../analysis/detect_repo.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { pathListArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import { findingsText } from "./common.ts";
import { allowedPath, sandboxReader } from "./repo_access.ts";

const input = z.object({
  profile: profileArg(),
  search_roots: pathListArg(
    "Directories to look for the checkout in (default: the base dir, else the current directory and its " +
      "parent, plus ~/repos, ~/src, ~/go/src, ~/code, ~/projects; anything outside the base dir is skipped)",
  ).optional(),
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    module_paths: z.array(z.string()).describe("The most frequent non-standard module paths (package segment kept)"),
    main_module: z.string().describe("The program's own module as the profile shows it"),
    detected_root: z.string(),
    detected_by: z.string(),
    detection_notes: z.array(z.string()),
    confidence: z.enum(["high", "medium", "low", "none"]),
  }),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** The default search roots: inside the base dir when there is one. */
function defaultRoots(ctx?: Pick<ToolContext, "sandbox">): string[] {
  const base = ctx?.sandbox.base;
  if (base) return [base];
  const home = Deno.env.get("HOME") ?? "";
  const cwd = Deno.cwd();
  const roots = [cwd, cwd.replace(/\/[^/]+$/, "") || "/"];
  if (home) { for (const d of ["repos", "src", "go/src", "code", "projects"]) roots.push(`${home}/${d}`); }
  return roots;
}

/** pprof.detect_repo's handler. */
export async function pprofDetectRepo(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const given = typeof a.search_roots === "string" ? [a.search_roots] : a.search_roots;
  const roots = (given ?? defaultRoots(ctx)).map((r) => allowedPath(ctx, r)).filter((r): r is string => !!r);
  const r = detectRepo(profile, sandboxReader(ctx), { searchRoots: roots, profilePath: a.profile });
  const { findings, ...result } = r;
  return { command: "pprof detect_repo", result, findings: ctx ? exposeFindings(findings, ctx) : findings };
}

/** The pprof.detect_repo tool. */
export const detectRepoTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.detect_repo",
  title: "Find the program's repository",
  description: "Which modules a profile's functions come from (module paths keep their package segment: " +
    "github.com/acme/shop, not github.com/acme) and where a checkout of the profiled program is: a directory " +
    "among search_roots whose go.mod declares the program's module, or the project (go.mod, package.json) " +
    "above an absolute source file name the profile records. A directory only counts when its manifest says " +
    "so (a folder with cmd/ or main.go is not enough). Everything read stays inside the base dir.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    o.result.detected_root !== ""
      ? `checkout: ${o.result.detected_root} (${o.result.confidence})`
      : `no checkout found; ${o.result.module_paths.length} module paths`,
  text: (o) =>
    [
      `module paths: ${o.result.module_paths.join(", ") || "none"}`,
      `main module: ${o.result.main_module || "unknown"}`,
      ...o.result.detection_notes,
      "",
      findingsText(o.findings),
    ].join("\n"),
  run: (a, ctx) => pprofDetectRepo(a, ctx),
};
