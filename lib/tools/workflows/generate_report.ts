/**
 * `pprof.generate_report`: a Markdown report from the structured results of pprof.discover and the analysis
 * tools, returned (within the text limits) and optionally written whole to a file inside the sandbox.
 *
 * @module
 */
import { z } from "zod";
import { markdownReport } from "../../analysis/report_markdown.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { truncateText, utf8Length } from "../truncate.ts";
import { limitArgs, limitsOf, textMeta } from "../pprof/args.ts";
import { outputPathArg } from "../paths.ts";
import type { ResourceLink, ToolDef } from "../registry.ts";
import { fileLink } from "../viz/output.ts";

const input = z.object({
  title: z.string().describe('The report\'s title (default "Profiling Report")').optional(),
  inputs: z.array(
    z.object({
      kind: z.string().describe(
        "Which tool made data: discover, top, alloc_paths, memory_sanity, overhead_report or goroutine_analysis " +
          "(a pprof. prefix is fine); any other kind becomes a section with the data as JSON",
      ),
      data: z.record(z.string(), z.unknown()).describe("The tool's structured result (its whole output or result)"),
    }).strict(),
  ).min(1).describe("The results to report on, in the order their sections appear"),
  output_path: outputPathArg("Also write the whole report to this Markdown file (replaced atomically)").optional(),
  ...limitArgs,
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    markdown: z.string().describe("The report (cut to max_lines/max_bytes; the file holds all of it)"),
    markdown_meta: textMeta,
    sections: z.number().int().describe("How many ## sections the report has"),
    output_path: z.string().optional(),
    bytes: z.number().int().describe("Size of the whole report in bytes"),
  }),
});

/** The pprof.generate_report tool. */
export const generateReportTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.generate_report",
  title: "Markdown report",
  description: "Turns the structured results of pprof.discover and of the analyses (pprof.top, pprof.alloc_paths, " +
    "pprof.memory_sanity, pprof.overhead_report, pprof.goroutine_analysis) into a Markdown report for people: " +
    "an executive summary, the top culprits first as a table, a line per finding with its evidence (function, " +
    "share, value), recommendations by priority, and tables of the hot functions, allocation sites, contention " +
    "and goroutine wait reasons. The same input gives the same bytes. Pass each result as {kind, data}; with " +
    "output_path the whole report is also written to that file. Reads no profile.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  summary: (o) =>
    `report with ${o.result.sections} sections` + (o.result.output_path ? ` written to ${o.result.output_path}` : ""),
  text: (o) => o.result.markdown,
  links: (o): ResourceLink[] =>
    o.result.output_path ? [fileLink(o.result.output_path, "text/markdown", "the report", o.result.bytes)] : [],
  async run(a, ctx) {
    ctx.signal.throwIfAborted();
    const r = markdownReport(a.title ?? "Profiling Report", a.inputs);
    if (a.output_path) await writeFileAtomic(a.output_path, r.markdown);
    const { text, meta } = truncateText(r.markdown, limitsOf(a, { max_lines: 400, max_bytes: 32_000 }));
    return {
      command: "pprof generate_report",
      result: {
        markdown: text,
        markdown_meta: meta,
        sections: r.sections,
        ...(a.output_path ? { output_path: a.output_path } : {}),
        bytes: utf8Length(r.markdown),
      },
    };
  },
};
