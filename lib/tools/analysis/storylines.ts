/**
 * `pprof.storylines`: the few hot paths that explain a profile, each with its call chain, where its time
 * goes, the first frame of your code and peek/list evidence.
 *
 * @module
 */
import { z } from "zod";
import { exactName } from "../../regex/quote.ts";
import { storylines } from "../../analysis/storylines.ts";
import { pprofCommand, rawPayload } from "../common.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { limitArgs, profileArg, reportArgs, textMeta, textRow } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { TruncateOptions } from "../truncate.ts";
import {
  appCodeOutput,
  appHints,
  findingsText,
  prefixesOf,
  repoManifests,
  repoPrefixArg,
  repoRootArg,
} from "./common.ts";
import { sourceAccess } from "./repo_access.ts";

const options = reportArgs(["focus", "ignore", "sample_index"], {
  sample_index: "Sample type (default: alloc_space for heap profiles that have it, else the profile's default)",
});

/** Evidence limits when the call gives none: a few KB per piece keeps six storylines under 100 KB. */
const EVIDENCE_LIMITS = { max_lines: 60, max_bytes: 2000 };

const input = z.object({
  profile: profileArg(),
  n: z.number().int().min(0).describe("How many storylines, 2 to 6 (0 or absent: 4)").optional(),
  ...options.shape,
  repo_prefix: repoPrefixArg,
  repo_root: repoRootArg(
    "Checkout of the profiled program: -list evidence of your code is read from it, and its go.mod or " +
      "package.json tells your code apart (absent: no list evidence)",
  ),
  trim_path: z.string().describe("Prefix to strip from the profile's source file names before looking in repo_root")
    .optional(),
  max_lines: limitArgs.max_lines.describe(`Lines per evidence text (default ${EVIDENCE_LIMITS.max_lines}; 0 = all)`),
  max_bytes: limitArgs.max_bytes.describe(`Bytes per evidence text (default ${EVIDENCE_LIMITS.max_bytes}; 0 = all)`),
  truncate_strategy: limitArgs.truncate_strategy,
}).strict();

const evidenceText = z.object({
  command: z.string(),
  raw: z.string(),
  truncated: z.boolean(),
  raw_meta: textMeta,
});

const weighted = z.object({ function: z.string(), value: z.number(), percentage: z.number() });

const storyline = z.object({
  leaf_hotspot: z.string().describe("The hot function this storyline is about"),
  cum: z.string(),
  cum_pct: z.string(),
  cum_value: z.number().describe("In the profile's unit"),
  call_chain: z.array(z.string()).nullable().describe("The hot path through it, root first (12 frames at most)"),
  time_goes_to: z.array(weighted).describe("Leaf functions of its samples, by weight"),
  first_app_frame: z.string().describe('Your code on this path ("" if none)'),
  recursion_depth: z.number().int().describe("Most times it appears in one stack"),
  truncated_value: z.number().optional(),
  truncated_pct: z.number().optional().describe("Share of its weight in stacks cut at the profiler's depth limit"),
  evidence: z.object({
    top_row: textRow,
    peek_leaf: evidenceText.optional(),
    peek_first_app: evidenceText.optional(),
    list_first_app: evidenceText.optional(),
  }),
  warnings: z.array(z.string()).optional(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    command: z.string(),
    sample_type: z.string(),
    unit: z.string(),
    storylines: z.array(storyline),
    app_code: appCodeOutput,
    max_stack_depth: z.number().int(),
  }),
  findings: findingsField,
});

type Out = z.infer<typeof output>;

function evidence(command: string[], text: string | undefined, limits: TruncateOptions) {
  if (text === undefined) return undefined;
  const p = rawPayload(text, [], limits);
  return { command: pprofCommand(command), raw: p.raw, truncated: p.truncated, raw_meta: p.raw_meta };
}

/** pprof.storylines' handler. */
export async function pprofStorylines(
  a: z.input<typeof input>,
  ctx?: Pick<ToolContext, "signal" | "sandbox" | "toolName">,
): Promise<Out> {
  const profile = await loadForTool(a.profile, ctx);
  const manifests = repoManifests(a.repo_root, ctx);
  const r = storylines(profile, {
    n: a.n,
    focus: a.focus,
    ignore: a.ignore,
    sampleIndex: a.sample_index,
    app: appHints(prefixesOf(a.repo_prefix), a.repo_root, manifests),
    source: a.repo_root ? sourceAccess(ctx, a.repo_root, a.trim_path ?? "") : undefined,
    profilePath: a.profile,
    repoRoot: a.repo_root,
  });
  const limits = {
    max_lines: a.max_lines ?? EVIDENCE_LIMITS.max_lines,
    max_bytes: a.max_bytes ?? EVIDENCE_LIMITS.max_bytes,
    truncate_strategy: a.truncate_strategy,
  };
  const command = pprofCommand([...r.command_flags, a.profile]);
  // The sample type storylines used (alloc_space is picked for heap profiles when none is given).
  const at = r.command_flags.indexOf("-sample_index");
  const si = at >= 0 ? ["-sample_index", r.command_flags[at + 1]] : [];
  const peek = (fn: string) => ["-peek", exactName(fn), ...si, a.profile];
  return {
    command,
    result: {
      command,
      sample_type: r.sample_type,
      unit: r.unit,
      storylines: r.storylines.map((l) => ({
        ...l,
        evidence: {
          top_row: l.evidence.top_row,
          peek_leaf: evidence(peek(l.leaf_hotspot), l.evidence.peek_leaf, limits),
          peek_first_app: evidence(peek(l.first_app_frame), l.evidence.peek_first_app, limits),
          list_first_app: evidence(
            [
              "-list",
              peek(l.first_app_frame)[1],
              ...(a.trim_path ? ["-trim_path", a.trim_path] : []),
              "-source_path",
              a.repo_root ?? "",
              a.profile,
            ],
            l.evidence.list_first_app,
            limits,
          ),
        },
      })),
      app_code: r.app_code,
      max_stack_depth: r.max_stack_depth,
    },
    findings: ctx ? exposeFindings(r.findings, ctx) : r.findings,
  };
}

/** The text of a storylines result: the findings, then each storyline's chain. */
export function storylinesText(o: Out): string {
  const lines = [findingsText(o.findings), ""];
  for (const s of o.result.storylines) {
    lines.push(`- ${s.leaf_hotspot} (cum=${s.cum}, ${s.cum_pct})`);
    if (s.call_chain) lines.push(`    path: ${s.call_chain.join(" > ")}`);
    if (s.time_goes_to.length > 0) {
      lines.push(
        `    time goes to: ${s.time_goes_to.map((x) => `${x.function} ${x.percentage.toFixed(1)}%`).join(", ")}`,
      );
    }
    if (s.first_app_frame) lines.push(`    your code: ${s.first_app_frame}`);
    for (const w of s.warnings ?? []) lines.push(`    note: ${w}`);
  }
  lines.push("", `your code: ${o.result.app_code.note}`);
  return lines.join("\n");
}

/** The pprof.storylines tool. */
export const storylinesTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.storylines",
  title: "Hot paths (storylines)",
  description: "The 2-6 hot paths that explain a profile, from its -top -cum table: rows that only repeat " +
    "another story (a wrapper with its callee's weight, a library's internals under its entry point) are " +
    "skipped. Each storyline gives the hot path through the function, where its time ends up, the first frame " +
    "of your code, recursion and stacks cut at the profiler's 64-frame limit, and pprof -peek evidence (-list of " +
    "your code when repo_root is given), plus findings with the next call to make. Your code comes from " +
    "repo_prefix, else repo_root's go.mod/package.json, else the profile (no company prefix is assumed), and " +
    "evidence regexps are the escaped, anchored function names (no ' (inline)' suffix). Works for Go and " +
    "Node.js CPU and heap profiles (heap: alloc_space by default).",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.storylines.length} storylines of ${o.result.sample_type}: ` +
    o.result.storylines.map((s) => `${s.leaf_hotspot} ${s.cum_pct}`).join("; "),
  text: storylinesText,
  run: (a, ctx) => pprofStorylines(a, ctx),
};
