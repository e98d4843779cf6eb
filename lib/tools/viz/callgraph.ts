/**
 * `pprof.callgraph`: pprof's call graph (`-dot`, exactly as go tool pprof
 * writes it), or that graph drawn as SVG or PNG in-process (Graphviz and resvg
 * compiled to WebAssembly: no Graphviz installed).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { dotReport, renderDot } from "../../report/dot.ts";
import { dotToSvg, svgToPng } from "../../viz/render.ts";
import { pprofCommand } from "../common.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, profileArg, reportArgs } from "../pprof/args.ts";
import { binaryArgs, reportOf } from "../pprof/run.ts";
import { baseArgs, baseFlags, fileLink, formatOfPath, loadWithBase, MIME, requireNew, writeDrawing } from "./output.ts";

const FORMATS = ["dot", "svg", "png"] as const;

const options = reportArgs([
  "sample_index",
  "focus",
  "ignore",
  "hide",
  "show",
  "show_from",
  "tagfocus",
  "tagignore",
  "nodecount",
  "nodefraction",
  "edgefraction",
  "trim",
  "functions",
  "filefunctions",
  "files",
  "lines",
  "addresses",
  "noinlines",
  "unit",
  "divide_by",
]);

const input = z.object({
  profile: profileArg(),
  output_path: outputPathArg("File to write: .dot, .svg or .png (a new file)"),
  binary: binaryArg,
  format: z.enum(FORMATS).describe("dot (Graphviz text), svg or png (default: from output_path's extension, else dot)")
    .optional(),
  ...baseArgs,
  ...options.shape,
}).strict();

const output = z.object({
  command: z.string().describe("The equivalent go tool pprof command line"),
  output_path: z.string(),
  format: z.enum(FORMATS),
  message: z.string(),
  bytes: z.number().int(),
  nodes: z.number().int().describe("Nodes drawn"),
  edges: z.number().int().describe("Edges drawn"),
  legend: z.array(z.string()).describe("The graph's legend: profile, filters, what was dropped"),
  hottest: z.array(z.object({ name: z.string(), flat_text: z.string(), cum_text: z.string() }))
    .describe("The first nodes of the graph (pprof's drawing order puts entry points, leaves and splits first)"),
});

/** pprof.callgraph's handler. */
export async function pprofCallgraph(a: z.input<typeof input>, ctx: Pick<ToolContext, "signal" | "progress">) {
  const format = a.format ?? formatOfPath(a.output_path, FORMATS) ?? "dot";
  await requireNew(a.output_path);
  const profile = await loadWithBase(a.profile, a, ctx);
  const report = reportOf(profile, "dot", options.config(a));
  const d = dotReport(report);
  const dot = renderDot(d);
  ctx.signal.throwIfAborted();
  let data: string | Uint8Array = dot;
  if (format !== "dot") {
    await ctx.progress(1, 3, "drawing the graph");
    const svg = await dotToSvg(dot);
    data = svg;
    if (format === "png") {
      await ctx.progress(2, 3, "rasterizing");
      data = await svgToPng(svg, { fontScale: 0.88 });
    }
  }
  ctx.signal.throwIfAborted();
  const bytes = await writeDrawing(a.output_path, data);
  const g = d.graph;
  let edges = 0;
  for (let e = 0; e < g.edges.count; e++) if (g.edges.alive[e]) edges++;
  const names = g.frames.table.names;
  return {
    command: pprofCommand([
      `-${format}`,
      "-output",
      a.output_path,
      ...options.flags(a),
      ...baseFlags(a),
      ...binaryArgs(a.binary),
      a.profile,
    ]),
    output_path: a.output_path,
    format,
    message: `wrote the call graph (${g.nodes.length} nodes, ${format}) to ${a.output_path} (${bytes} bytes)`,
    bytes,
    nodes: g.nodes.length,
    edges,
    legend: d.labels,
    hottest: g.nodes.slice(0, 5).map((n) => ({
      name: names[n],
      flat_text: d.format(g.flat[n]),
      cum_text: d.format(g.cum[n]),
    })),
  };
}

/** The pprof.callgraph tool. */
export const callgraphTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.callgraph",
  title: "Call graph",
  description: "pprof's call graph of a profile: nodes as boxes sized by their own weight, edges by the weight " +
    "passed along them, trimmed to nodecount nodes. format dot writes exactly what go tool pprof -dot prints; svg " +
    "and png are drawn in-process (no Graphviz needed). For a person to look at; to read the weights yourself, " +
    "use pprof.peek or pprof.flamegraph with format text. Writes a new file only and returns its path and a link.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  summary: (o) => o.message,
  text: (o) =>
    [...o.legend, "first nodes:", ...o.hottest.map((h) => `  ${h.name} (flat ${h.flat_text}, cum ${h.cum_text})`)]
      .join("\n"),
  links: (o) => [fileLink(o.output_path, MIME[o.format], `call graph (${o.format})`, o.bytes)],
  run: (a, ctx) => {
    if (a.diff_base && a.base) throw new UserError("give diff_base or base, not both");
    return pprofCallgraph(a, ctx);
  },
};
