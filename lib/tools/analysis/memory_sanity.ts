/**
 * `pprof.memory_sanity`: why RSS can exceed the Go heap, from a heap profile
 * and what else is given (earlier heap, goroutines, CPU, RSS, repository).
 *
 * @module
 */
import { z } from "zod";
import { type CodeFinding, scanRepository } from "../../analysis/code_scan.ts";
import { CODE_CATEGORY_OF } from "../../analysis/memory_patterns.ts";
import { memorySanity } from "../../analysis/memory_sanity.ts";
import { UserError } from "../../errors.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { pathArg } from "../paths.ts";
import { binaryArg, profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolDef } from "../registry.ts";
import { appCodeOf, appPrefixArg, findingsText } from "./common.ts";

const input = z.object({
  heap_profile: profileArg("Heap profile (inuse_space, and alloc_space for churn)"),
  base_heap_profile: profileArg("An earlier heap profile of the same process, for the growth since").optional(),
  goroutine_profile: profileArg("Goroutine profile, for goroutine stacks").optional(),
  cpu_profile: profileArg("CPU profile, to confirm C allocators or compressors at work").optional(),
  repo_root: pathArg(
    "Repository to scan for the code behind the suspicions (.go files; vendor/ and node_modules/ skipped)",
  ).optional(),
  include_vendor: z.boolean().describe("Also scan vendor/ and node_modules/ under repo_root (default false)")
    .optional(),
  container_rss_mb: z.number().int().min(0).describe("The container's or process's RSS in MB, to compare with the heap")
    .optional(),
  app_prefix: appPrefixArg,
  binary: binaryArg,
}).strict();

const suspicion = z.object({
  category: z.string(),
  description: z.string(),
  severity: z.enum(["high", "medium", "low", "info"]),
  confidence: z.enum(["confirmed", "likely", "suspected", "possible"]),
  evidence: z.string().optional(),
});

const site = z.object({ function: z.string(), value: z.number(), value_text: z.string(), share: z.number() });

const output = z.object({
  command: z.string(),
  result: z.object({
    summary: z.string(),
    heap_inuse_mb: z.number(),
    heap_alloc_mb: z.number(),
    heap_growth_mb: z.number().optional(),
    goroutine_count: z.number().optional(),
    warnings: z.array(z.string()),
    suspicions: z.array(suspicion),
    groups: z.array(z.object({
      group: z.string(),
      measure: z.string().describe("inuse_space, alloc_space or cpu"),
      value: z.number(),
      value_text: z.string(),
      share: z.number().describe("Percent of the measure's total; each sample counted once"),
      top_function: z.string().optional(),
      app_caller: z.string().optional(),
    })).describe("Function groups that explain memory outside or churning the heap (SQLite, libc, compression, cgo)"),
    top_inuse: z.array(site).describe("The allocation sites holding the most in-use bytes"),
    heap_growth: z.array(site).optional().describe("The allocation sites that grew most since the base profile"),
    code_findings: z.array(z.object({
      category: z.string(),
      file: z.string(),
      line: z.number(),
      pattern: z.string(),
      snippet: z.string(),
      explanation: z.string(),
      is_vendor: z.boolean(),
    })).optional(),
    recommendations: z.array(z.string()),
    findings: findingsField,
  }),
});

/** pprof.memory_sanity's handler. */
async function run(a: z.infer<typeof input>, ctx: Parameters<ToolDef["run"]>[1]): Promise<z.infer<typeof output>> {
  const heap = await loadForTool(a.heap_profile, ctx);
  const base = a.base_heap_profile ? await loadForTool(a.base_heap_profile, ctx) : undefined;
  const goroutine = a.goroutine_profile ? await loadForTool(a.goroutine_profile, ctx) : undefined;
  const cpu = a.cpu_profile ? await loadForTool(a.cpu_profile, ctx) : undefined;
  const app = appCodeOf(a.app_prefix);
  const given = {
    heap,
    heapArg: a.heap_profile,
    base,
    baseArg: a.base_heap_profile,
    goroutine,
    goroutineArg: a.goroutine_profile,
    cpu,
    cpuArg: a.cpu_profile,
    containerRssMb: a.container_rss_mb,
    repoGiven: !!a.repo_root,
    app,
  };
  const first = memorySanity(given);
  if (!a.repo_root) return { command: "pprof memory_sanity", result: expose(first, ctx) };
  const categories = new Set(first.suspicions.map((s) => CODE_CATEGORY_OF[s.category]).filter(Boolean));
  let code: CodeFinding[] = [];
  const notes: string[] = [];
  if (categories.size > 0) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(a.repo_root);
    } catch {
      throw new UserError(`repo_root "${a.repo_root}" does not exist`);
    }
    if (!info.isDirectory) throw new UserError(`repo_root "${a.repo_root}" is not a directory`);
    const scan = await scanRepository(a.repo_root, { categories, includeVendor: a.include_vendor, signal: ctx.signal });
    code = scan.findings;
    if (scan.stopped_by) {
      notes.push(`repository scan stopped early (${scan.stopped_by}) after ${scan.files_scanned} files`);
    }
    if (scan.files_skipped > 0) notes.push(`repository scan skipped ${scan.files_skipped} .go files over 1 MiB`);
  }
  const second = memorySanity({ ...given, code });
  second.warnings.push(...notes);
  return { command: "pprof memory_sanity", result: expose(second, ctx) };
}

function expose<T extends { findings: Parameters<typeof exposeFindings>[0] }>(
  r: T,
  ctx: Parameters<typeof exposeFindings>[1],
): T {
  return { ...r, findings: exposeFindings(r.findings, ctx) };
}

/** The pprof.memory_sanity tool. */
export const memorySanityTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.memory_sanity",
  title: "Memory sanity (RSS vs heap)",
  description: "Why a Go process's RSS exceeds its heap, from a heap profile plus what you have: an earlier heap " +
    "profile (growth by allocation site), a goroutine profile (stack memory and where goroutines are parked), " +
    "a CPU profile (C allocators, compressors at work), the container's RSS, and a repository to scan " +
    "(temp_store=MEMORY, encoders made per use). Suspicions (SQLite/libc off-heap memory, compression buffers, " +
    "cgo, goroutine stacks, RSS/heap mismatch, heap growth) name the functions behind them with their share of " +
    "the heap, each sample counted once; sizes are exact (kB as well as MB profiles). Every profile argument " +
    "takes paths or handles, and the repository is read directly, inside the sandbox.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  text: (o) => {
    const r = o.result;
    const lines = [r.summary, "", findingsText(r.findings)];
    if (r.recommendations.length > 0) lines.push("", "Recommendations:", ...r.recommendations.map((x) => `  - ${x}`));
    if (r.warnings.length > 0) lines.push("", ...r.warnings.map((w) => `warning: ${w}`));
    return lines.join("\n");
  },
  run,
};
