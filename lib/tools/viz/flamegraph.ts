/**
 * `pprof.flamegraph`: a true flame graph of a profile after every pprof
 * option, written as a static SVG or an interactive HTML page, or returned as
 * text for the model itself to read (the hottest paths, or the sandwich of one
 * function).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { compileRE2 } from "../../regex/re2.ts";
import { shellJoin } from "../../util/shell.ts";
import { type FlameFormat, hotFrames, renderFlame } from "../../viz/flamegraph.ts";
import { rawPayload, rawPayloadOfChunks, rawText } from "../common.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, limitsOf, profileArg, reportArgs, textMeta } from "../pprof/args.ts";
import { reportOf } from "../pprof/run.ts";
import { baseArgs, baseFlags, fileLink, formatOfPath, loadWithBase, MIME, requireNew, writeDrawing } from "./output.ts";

const FORMATS = ["svg", "html", "text"] as const;

const options = reportArgs([
  "sample_index",
  "focus",
  "ignore",
  "hide",
  "show",
  "show_from",
  "prune_from",
  "tagfocus",
  "tagignore",
  "functions",
  "filefunctions",
  "files",
  "lines",
  "addresses",
  "noinlines",
  "unit",
  "divide_by",
  "relative_percentages",
], {
  focus: "Only samples through a frame matching this (pprof's -focus); with format text, the sandwich of the " +
    "heaviest matching function: its merged callers and callees",
});

const input = z.object({
  profile: profileArg(),
  output_path: outputPathArg("File to write: .svg or .html (a new file; not needed for format text)").optional(),
  binary: binaryArg,
  format: z.enum(FORMATS).describe(
    "svg (static, tooltips), html (interactive: zoom, search, sandwich view) or text (default: from output_path's " +
      "extension; text when there is no output_path)",
  ).optional(),
  ...baseArgs,
  min_pct: z.number().min(0.001).max(100).describe(
    "Text: leave out call paths under this percentage (default 1, at least 0.001)",
  ).optional(),
  width: z.number().int().min(300).max(20000).describe("SVG: image width in pixels (default 1200)").optional(),
  ...options.shape,
  ...limitArgs,
}).strict();

const hotFrame = z.object({
  name: z.string(),
  self: z.number(),
  self_text: z.string(),
  self_pct: z.number(),
  total: z.number(),
  total_text: z.string(),
  total_pct: z.number(),
});

const output = z.object({
  command: z.string().describe("The equivalent pprof-mcp command line"),
  format: z.enum(FORMATS),
  output_path: z.string().optional().describe("The file written (svg, html)"),
  bytes: z.number().int().optional(),
  message: z.string(),
  sample_type: z.string(),
  total: z.number().describe("The flame graph's root: all samples drawn, in the sample unit (the candidate's)"),
  total_text: z.string(),
  base_total: z.number().optional().describe("Differential graphs: the base's root"),
  base_total_text: z.string().optional(),
  hottest: z.array(hotFrame).describe("The frames with the most self weight, over every call path"),
  heaviest_path: z.array(z.string()).describe("From the root, always the heaviest callee"),
  function: z.string().optional().describe("Text sandwich: the function it is about"),
  raw: z.string().optional().describe("Text format: the tree or the sandwich"),
  raw_meta: textMeta.optional(),
  total_lines: z.number().int().optional(),
  truncated: z.boolean().optional(),
  stderr: z.string().optional(),
  stderr_meta: textMeta.optional(),
});

type Input = z.input<typeof input>;

/** The format of a call: its own, else its output file's extension, else text. */
function formatOf(a: Input): FlameFormat {
  const byPath = formatOfPath(a.output_path, FORMATS);
  if (a.format) return a.format;
  if (a.output_path && !byPath) {
    throw new UserError(`output_path ${a.output_path}: give format (svg, html) or end the name in .svg or .html`);
  }
  return byPath ?? "text";
}

/** pprof.flamegraph's handler. */
export async function pprofFlamegraph(a: Input, ctx: Pick<ToolContext, "signal">) {
  const format = formatOf(a);
  if (format !== "text" && !a.output_path) {
    throw new UserError(`format ${format} needs output_path (the file to write)`, "INVALID_ARGUMENT", {
      field: "output_path",
    });
  }
  if (a.output_path) await requireNew(a.output_path);
  const sandwich = format === "text" && a.focus ? compileRE2(a.focus, "focus") : undefined;
  const profile = await loadWithBase(a.profile, a, ctx, true);
  const report = reportOf(profile, "top", options.config(a));
  const out = renderFlame(report, { format, minPct: a.min_pct, width: a.width, sandwich });
  ctx.signal.throwIfAborted();
  const doc = out.doc;
  const hot = hotFrames(doc);
  const t = doc.tree;
  const command = shellJoin([
    "pprof-mcp",
    "flamegraph",
    ...options.flags(a),
    ...baseFlags(a),
    ...(a.format ? ["-format", a.format] : []),
    ...(a.output_path ? ["-o", a.output_path] : []),
    a.profile,
  ]);
  const common = {
    command,
    format,
    sample_type: doc.sampleType,
    total: t.total[0],
    total_text: doc.format(t.total[0]),
    ...(t.baseTotal ? { base_total: t.baseTotal[0], base_total_text: doc.format(t.baseTotal[0]) } : {}),
    hottest: hot.frames,
    heaviest_path: hot.path.slice(0, 16),
    ...(out.function ? { function: out.function } : {}),
  };
  const top = hot.frames.slice(0, 3).map((f) => `${f.name} ${f.self_pct.toFixed(1)}%`).join(", ");
  if (format === "text") {
    const limits = limitsOf(a);
    const written = a.output_path ? await writeDrawing(a.output_path, out.text) : undefined;
    const narrow = "raise min_pct, or give focus for one function's sandwich";
    const what = out.function ? `sandwich of ${out.function}` : `flame graph of ${doc.title}`;
    return {
      ...common,
      ...(a.output_path ? { output_path: a.output_path, bytes: written } : {}),
      message: `${what} as text; hottest self: ${top}`,
      ...rawPayloadOfChunks(out.chunks(), report.warnings, limits, narrow),
    };
  }
  const bytes = await writeDrawing(a.output_path!, out.text);
  return {
    ...common,
    output_path: a.output_path!,
    bytes,
    message: `wrote the ${
      format === "svg" ? "SVG" : "interactive HTML"
    } flame graph of ${doc.title} to ${a.output_path} (${bytes} bytes); hottest self: ${top}`,
    ...(report.warnings.length > 0 ? rawPayload("", report.warnings) : {}),
  };
}

/** The text body of a drawn result: what it shows, not the file. */
function summaryText(o: z.infer<typeof output>): string {
  if (o.raw !== undefined && o.raw !== "") return rawText({ raw: o.raw, raw_meta: o.raw_meta! });
  const lines = [
    `total ${o.total_text}${o.base_total_text ? ` (base ${o.base_total_text})` : ""} of ${o.sample_type}`,
    "hottest frames (self, total):",
    ...o.hottest.map((f) =>
      `  ${f.self_pct.toFixed(2)}% ${f.self_text}, ${f.total_pct.toFixed(2)}% ${f.total_text}  ${f.name}`
    ),
    `heaviest path: ${o.heaviest_path.join(" → ")}`,
  ];
  if (o.stderr) lines.push(o.stderr.trimEnd());
  return lines.join("\n");
}

/** The pprof.flamegraph tool. */
export const flamegraphTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.flamegraph",
  title: "Flame graph",
  description: "A real flame graph of a profile (frames stacked by call path from the root, as wide as their " +
    "value, heaviest first), after every pprof option: sample_index, focus/ignore/hide/show, tag filters, " +
    "granularity. format svg writes a static SVG with tooltips, html an interactive page (zoom, search, sandwich " +
    "view) for a person to open; diff_base (or base, with normalize) makes it differential: red where the profile " +
    "grew, blue where it shrank. You, the model, should read format text instead of a picture: the hottest call " +
    "paths as an indented tree (paths under min_pct left out), or with focus the sandwich of one function (its " +
    "merged callers and callees); it stays within max_lines/max_bytes. The drawing tools write new files only " +
    "and return the path, a link and a summary, never the drawing itself.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  noMatches: { patternArgs: ["focus"] },
  summary: (o) => o.message,
  text: summaryText,
  links: (o) =>
    o.output_path && o.bytes !== undefined
      ? [fileLink(o.output_path, MIME[o.format], `flame graph (${o.format}) of ${o.sample_type}`, o.bytes)]
      : [],
  run: (a, ctx) => pprofFlamegraph(a, ctx),
};
