/**
 * `pprof.alloc_paths`: allocation sites of a heap profile with their callers, share, rate, and how much of
 * it is still in use.
 *
 * @module
 */
import { z } from "zod";
import { allocPaths } from "../../analysis/alloc_paths.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import {
  appCodeOutput,
  appHints,
  findingsText,
  pct,
  prefixesOf,
  repoManifests,
  repoPrefixArg,
  repoRootArg,
} from "./common.ts";

const input = z.object({
  profile: profileArg("Heap profile"),
  min_percent: z.number().min(0).max(100).describe("Keep paths with at least this share (default 1; 0 = 1)").optional(),
  max_paths: z.number().int().min(1).max(30).describe("At most this many paths (default 20, at most 30)")
    .optional(),
  repo_prefix: repoPrefixArg,
  repo_root: repoRootArg("Checkout of the profiled program; its go.mod or package.json tells your code apart"),
  group_by_source: z.boolean().describe("Group by the first frame of your code instead of the allocation site")
    .optional(),
  sample_index: z.string().describe("Sample type to rank by (default alloc_space, else the profile's default)")
    .optional(),
}).strict();

const path = z.object({
  alloc_site: z.string(),
  caller_chain: z.array(z.string()).describe("Heaviest chain from the site toward the root, leaf first (8 at most)"),
  alloc_bytes: z.number(),
  alloc_bytes_str: z.string(),
  alloc_pct: z.number(),
  alloc_rate: z.string().optional(),
  callers: z.array(z.object({ function: z.string(), bytes: z.number(), pct: z.number() }))
    .describe("Direct callers of the site; pct is their share of the site's bytes"),
  growth: z.object({ steps: z.number().int(), largest: z.number() }).optional()
    .describe("Allocation sizes that double: a slice or map that keeps growing"),
  inuse_bytes: z.number().optional(),
  inuse_pct: z.number().optional(),
  retained_pct: z.number().optional().describe("Share of what the site allocated that is still in use"),
  first_app_frame: z.string().optional(),
  source_location: z.string().optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    profile_kind: z.enum(["cpu", "heap", "goroutine", "mutex", "unknown"]),
    sample_type: z.string(),
    total_alloc: z.number(),
    total_alloc_str: z.string(),
    total_inuse: z.number().optional(),
    duration_secs: z.number().optional(),
    paths: z.array(path),
    app_code: appCodeOutput,
    warnings: z.array(z.string()).optional(),
  }),
  warnings: z.array(z.string()).optional(),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

/** pprof.alloc_paths' handler. */
export async function pprofAllocPaths(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const r = allocPaths(profile, {
    minPercent: a.min_percent,
    maxPaths: a.max_paths,
    groupBySource: a.group_by_source,
    sampleIndex: a.sample_index,
    app: appHints(prefixesOf(a.repo_prefix), a.repo_root, repoManifests(a.repo_root, ctx)),
    profilePath: a.profile,
  });
  const { findings, warnings, ...rest } = r;
  const out: Out = {
    command: "pprof alloc_paths",
    result: warnings.length > 0 ? { ...rest, warnings } : rest,
    findings: ctx ? exposeFindings(findings, ctx) : findings,
  };
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}

/** The text of an alloc_paths result. */
export function allocPathsText(o: Out): string {
  const lines = [findingsText(o.findings), ""];
  for (const p of o.result.paths) {
    const inuse = p.inuse_pct !== undefined ? `, in use ${pct(p.inuse_pct)} (${pct(p.retained_pct ?? 0)} kept)` : "";
    lines.push(
      `- ${p.alloc_site}: ${pct(p.alloc_pct)} ${p.alloc_bytes_str}${inuse}${p.alloc_rate ? ", " + p.alloc_rate : ""}`,
    );
    const via = p.callers.filter((c) => c.function !== p.alloc_site);
    if (via.length > 0) lines.push(`    from: ${via.map((c) => `${c.function} ${pct(c.pct)}`).join(", ")}`);
    if (p.source_location) lines.push(`    your code: ${p.first_app_frame} at ${p.source_location}`);
  }
  return lines.join("\n");
}

/** The pprof.alloc_paths tool. */
export const allocPathsTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.alloc_paths",
  title: "Allocation paths",
  description: "Where a heap profile's memory is allocated: each allocation site (the first frame above the " +
    "runtime's allocator) with its share of alloc_space, its direct callers and their share of it, the " +
    "heaviest caller chain, the first frame of your code with file:line, and, for Go heap profiles, how much " +
    "is still in use and whether allocation sizes double (a growing slice or map). Findings separate churn " +
    "from memory that is kept (a cache that only grows). repo_prefix no longer filters: every site is " +
    "reported, and your code is found from repo_prefix, repo_root's go.mod/package.json, or the profile. Go " +
    "and Node.js heap profiles (Node.js: inuse_space).",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) => `total ${o.result.total_alloc_str} ${o.result.sample_type}, ${o.result.paths.length} paths`,
  text: allocPathsText,
  run: (a, ctx) => pprofAllocPaths(a, ctx),
};
