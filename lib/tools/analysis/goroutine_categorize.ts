/**
 * `pprof.goroutine_categorize`: goroutines counted per category (presets or
 * custom regexps over the joined stack), each goroutine in one category.
 *
 * @module
 */
import { z } from "zod";
import { goroutineCategorize } from "../../analysis/goroutine_categorize.ts";
import { GOROUTINE_PRESETS } from "../../analysis/goroutine_presets.ts";
import { exposeFindings, findingsField } from "../findings.ts";
import { profileArg } from "../pprof/args.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolDef } from "../registry.ts";
import { appCodeOf, appPrefixArg, findingsText, pct } from "./common.ts";

const PRESETS = Object.keys(GOROUTINE_PRESETS);

const input = z.object({
  profile: profileArg("Goroutine profile"),
  presets: z.array(z.string()).describe(
    `Category presets to use: ${PRESETS.join(", ")} (default: all, when no categories are given)`,
  ).optional(),
  categories: z.record(z.string(), z.string()).describe(
    'Custom categories, name → Go RE2 regexp matched against the goroutine\'s frames joined with " | " ' +
      "(leaf first); tried before the presets, in the order given, and replacing a preset category of the same name",
  ).optional(),
  app_prefix: appPrefixArg,
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    total_goroutines: z.number(),
    categories: z.array(z.object({
      name: z.string(),
      pattern: z.string(),
      count: z.number(),
      percent: z.number(),
      sample_stack: z.string().optional(),
      top_functions: z.array(z.object({ function: z.string(), count: z.number() })).optional()
        .describe("The application functions holding most goroutines of the category"),
    })),
    uncategorized: z.number(),
    top_uncategorized: z.array(z.object({ signature: z.string(), count: z.number() })).optional(),
    presets_used: z.array(z.string()).optional(),
    findings: findingsField,
    warnings: z.array(z.string()).optional(),
  }),
});

/** The pprof.goroutine_categorize tool. */
export const goroutineCategorizeTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.goroutine_categorize",
  title: "Goroutine categories",
  description: `Goroutine profile: goroutines counted per category, from presets (${PRESETS.join(", ")}) or ` +
    "custom regexps over the joined stack. Each goroutine counts in exactly one category (custom categories " +
    "first, then presets in order), so percentages add up to at most 100; each category names the application " +
    "functions holding most of its goroutines. Fast on large profiles. For where goroutines are parked and why, " +
    "use pprof.goroutine_analysis.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.total_goroutines} goroutines, ${o.result.categories.length} categories, ` +
    `${o.result.uncategorized} uncategorized`,
  text: (o) => {
    const r = o.result;
    const lines = [findingsText(r.findings), "", "Categories:"];
    for (const c of r.categories) {
      const top = c.top_functions?.[0];
      lines.push(
        `  ${String(c.count).padStart(7)} ${pct(c.percent).padStart(6)}  ${c.name}` +
          (top ? `  (${top.function}: ${top.count})` : ""),
      );
    }
    if (r.uncategorized > 0) lines.push(`  ${String(r.uncategorized).padStart(7)}         uncategorized`);
    if (r.warnings) lines.push("", ...r.warnings.map((w) => `warning: ${w}`));
    return lines.join("\n");
  },
  async run(a, ctx) {
    const p = await loadForTool(a.profile, ctx);
    const r = goroutineCategorize(p, {
      presets: a.presets,
      categories: a.categories,
      app: appCodeOf(a.app_prefix),
      profileArg: a.profile,
    });
    return { command: "pprof goroutine_categorize", result: { ...r, findings: exposeFindings(r.findings, ctx) } };
  },
};
