/**
 * `pprof.vendor_analyze`: hot dependencies and standard library packages, their versions and known issues;
 * optionally the latest version of each Go module (needs `go` and the network).
 *
 * @module
 */
import { z } from "zod";
import { vendorAnalyze } from "../../analysis/vendor.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import { appCodeOutput, findingsText, pct, prefixesOf, repoManifests, repoPrefixArg, repoRootArg } from "./common.ts";
import { sandboxReader } from "./repo_access.ts";

const input = z.object({
  profile: profileArg(),
  repo_root: repoRootArg(
    "Checkout of the profiled program: versions come from its go.mod or package.json " +
      "(default: the base dir, else the current directory)",
  ),
  min_pct: z.number().min(0).describe("Keep functions with at least this flat or cum share (default 1; 0 = 1)")
    .optional(),
  check_updates: z.boolean().describe(
    "Also look up each Go module's latest version with `go list -m -u -json` (needs the go command and " +
      "network access to the module proxy; without them the result says so in warnings)",
  ).optional(),
  sample_index: z.string().describe("Sample type (default: the profile's default)").optional(),
  repo_prefix: repoPrefixArg,
}).strict();

const issue = z.object({
  pattern: z.string(),
  severity: z.enum(["high", "medium", "low"]),
  issue: z.string(),
  recommendation: z.string(),
  functions: z.array(z.string()),
});

const hotspot = z.object({
  package: z.string(),
  kind: z.enum(["vendor", "stdlib"]),
  version: z.string().optional(),
  total_flat_pct: z.number(),
  total_cum_pct: z.number().describe("Samples with any frame of the package, each once"),
  hot_functions: z.array(z.object({ name: z.string(), flat_pct: z.number(), cum_pct: z.number() })),
  repo_url: z.string().optional(),
  latest_version: z.string().optional(),
  known_issues: z.array(issue).optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    sample_type: z.string(),
    vendor_hotspots: z.array(hotspot).describe("Third-party modules and npm packages"),
    stdlib_hotspots: z.array(hotspot).describe("Standard library and runtime packages (Node.js: node)"),
    total_vendor_pct: z.number(),
    total_stdlib_pct: z.number(),
    total_app_pct: z.number(),
    app_code: appCodeOutput,
    warnings: z.array(z.string()).optional(),
  }),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** Asks `go list -m -u -json` for a module's latest version. */
async function latestVersion(go: string, module: string, dir: string, signal?: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(30_000);
  const cmd = new Deno.Command(go, {
    args: ["list", "-m", "-u", "-json", module],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const r = await cmd.output();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr).trim().split("\n")[0] || `exit ${r.code}`);
  const j = JSON.parse(new TextDecoder().decode(r.stdout)) as { Version?: string; Update?: { Version?: string } };
  return j.Update?.Version ?? j.Version ?? "";
}

/**
 * pprof.vendor_analyze's handler. `go` is the command check_updates runs (tests point it at a missing
 * program).
 */
export async function pprofVendorAnalyze(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
  go = "go",
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const root = a.repo_root || ctx?.sandbox.base || Deno.cwd();
  const manifests = repoManifests(root, ctx);
  const r = vendorAnalyze(profile, {
    minPct: a.min_pct,
    sampleIndex: a.sample_index,
    goMod: manifests.goMod,
    packageJson: manifests.packageJson,
    reader: sandboxReader(ctx),
    repoRoot: root,
    repoPrefixes: prefixesOf(a.repo_prefix),
    profilePath: a.profile,
  });
  if (a.check_updates) {
    const modules = r.vendor_hotspots.filter((h) => h.package.includes(".") && !h.package.startsWith("@")).slice(0, 10);
    if (modules.length === 0) r.warnings.push("check_updates: no Go modules among the hot dependencies");
    for (const h of modules) {
      try {
        const v = await latestVersion(go, h.package, root, ctx?.signal);
        if (v) h.latest_version = v;
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          r.warnings.push(
            "check_updates needs the go command on PATH (and network access to the module proxy); " +
              "go was not found, so no latest versions",
          );
          break;
        }
        if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
          r.warnings.push(
            "check_updates needs permission to run go (and network access to the module proxy); " +
              "this process may not run programs, so no latest versions",
          );
          break;
        }
        ctx?.signal.throwIfAborted();
        r.warnings.push(`update check failed for ${h.package}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  const { findings, warnings, ...rest } = r;
  return {
    command: "pprof vendor_analyze",
    result: warnings.length > 0 ? { ...rest, warnings } : rest,
    findings: ctx ? exposeFindings(findings, ctx) : findings,
  };
}

function vendorText(o: Out): string {
  const lines = [findingsText(o.findings), ""];
  const r = o.result;
  lines.push(
    `your code ${pct(r.total_app_pct)}, dependencies ${pct(r.total_vendor_pct)}, standard library ` +
      `${pct(r.total_stdlib_pct)} (flat)`,
  );
  for (const h of [...r.vendor_hotspots, ...r.stdlib_hotspots]) {
    const v = h.version ? ` ${h.version}` : "";
    const latest = h.latest_version && h.latest_version !== h.version ? ` (latest ${h.latest_version})` : "";
    lines.push(`- ${h.package}${v}${latest} [${h.kind}]: flat ${h.total_flat_pct}%, cum ${h.total_cum_pct}%`);
    for (const i of h.known_issues ?? []) {
      lines.push(`    known issue (${i.severity}): ${i.issue}; ${i.recommendation}`);
    }
  }
  return lines.join("\n");
}

/** The pprof.vendor_analyze tool. */
export const vendorAnalyzeTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.vendor_analyze",
  title: "Hot dependencies",
  description: "Hot code grouped by where it comes from: third-party modules or npm packages (vendor_hotspots) " +
    "and the standard library (stdlib_hotspots) apart from your code, each with its flat and cum share (cum " +
    "counts each sample once), its hottest functions, the version repo_root's go.mod or package.json pins, the " +
    "project URL, and known performance issues its hot functions match (protojson, encoding/json, zap, " +
    "Prometheus labels, compression, regexps, pino…). Modules are the longest go.mod require prefix, else a " +
    "module-shaped prefix of the package. check_updates (optional) asks `go list -m -u` for latest versions " +
    "and needs the go command and network access; without them it says so and still answers.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) =>
    `${o.result.vendor_hotspots.length} hot dependencies (${o.result.total_vendor_pct.toFixed(1)}% flat), ` +
    `${o.result.stdlib_hotspots.length} standard library packages, your code ${o.result.total_app_pct.toFixed(1)}%`,
  text: vendorText,
  run: (a, ctx) => pprofVendorAnalyze(a, ctx),
};
