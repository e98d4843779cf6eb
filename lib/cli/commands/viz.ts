/**
 * `pprof-mcp flamegraph` and `pprof-mcp callgraph`: the drawings of a profile
 * (after every report flag) written to a file, or the flame graph as text on
 * stdout.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import type { FlameFormat } from "../../viz/flamegraph.ts";
import { type CliCommand, requirePositionals } from "../command.ts";
import { EXIT, writeChunks } from "../io.ts";
import { reportConfigFromFlags, reportFlags, sourcesFromFlags } from "../report_flags.ts";
import type { FlagValues } from "../flags.ts";

function formatOf<F extends string>(v: FlagValues, out: string | undefined, formats: readonly F[], fallback: F): F {
  const given = v.format as string | undefined;
  if (given !== undefined) {
    if (!formats.includes(given as F)) throw new UserError(`--format must be one of ${formats.join(", ")}`);
    return given as F;
  }
  const ext = out?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const byExt = formats.find((f) => f === (ext === "htm" ? "html" : ext));
  if (out && !byExt) throw new UserError(`${out}: give --format (${formats.join(", ")}) or a matching extension`);
  return byExt ?? fallback;
}

async function write(out: string, data: string | Uint8Array): Promise<number> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const { writeFileAtomic } = await import("../../util/atomic.ts");
  try {
    await writeFileAtomic(out, bytes);
  } catch (e) {
    throw new UserError(`cannot write ${out}: ${e instanceof Error ? e.message : e}`);
  }
  return bytes.length;
}

const FLAME_FORMATS: readonly FlameFormat[] = ["svg", "html", "text"];

/** `pprof-mcp flamegraph`. */
export const flamegraphCommand: CliCommand = {
  name: "flamegraph",
  summary: "A flame graph: static SVG, interactive HTML, or text (the hottest paths, or a function's sandwich).",
  usage: "flamegraph FILE... [-o OUT.svg|OUT.html] [flags]",
  description: "Frames are stacked by call path from the root, as wide as their value, heaviest first.\n" +
    "Without -o (or with --format text) prints the hottest call paths as an indented tree; with --focus, the\n" +
    "sandwich of the heaviest matching function (its merged callers and callees).\n" +
    "--diff_base=FILE (or --base=FILE, with --normalize) draws the difference: red grew, blue shrank.",
  flags: {
    output: { type: "string", short: "o", arg: "OUT", help: "File to write (.svg or .html)" },
    format: { type: "string", arg: "svg|html|text", help: "Output format (default: from -o's extension, else text)" },
    min_pct: { type: "number", arg: "PCT", help: "Text: leave out call paths under PCT% (default 1)" },
    width: { type: "integer", help: "SVG: image width in pixels (default 1200)" },
    ...reportFlags,
  },
  async run(v, files, io) {
    requirePositionals(this, files, 1, "profile FILE");
    const out = v.output as string | undefined;
    const format = formatOf(v, out, FLAME_FORMATS, "text");
    if (format !== "text" && !out) throw new UserError(`flamegraph: --format ${format} needs -o OUT`);
    const { cfg, notes } = reportConfigFromFlags(v);
    const err = (m: string) => void io.err(m + "\n");
    const sources = sourcesFromFlags(v, files, err);
    const [{ loadSources }, { newReport }, { compileRE2 }, { renderFlame }] = await Promise.all([
      import("../../profile/sources.ts"),
      import("../../report/report.ts"),
      import("../../regex/re2.ts"),
      import("../../viz/flamegraph.ts"),
    ]);
    // A flame graph tells the base's samples from the profile's, with -base too.
    const profile = await loadSources({ ...sources, diffBase: (sources.base ?? []).length > 0, progress: err });
    const r = newReport(profile, "top", cfg);
    const sandwich = format === "text" && cfg.focus !== "" ? compileRE2(cfg.focus, "focus") : undefined;
    const o = renderFlame(r, {
      format,
      minPct: v.min_pct as number | undefined,
      width: v.width as number | undefined,
      sandwich,
    });
    for (const w of [...notes, ...r.warnings]) await io.err(w + "\n");
    if (!out) {
      await writeChunks(io, o.chunks());
      return EXIT.OK;
    }
    const bytes = await write(out, o.text);
    await io.err(`wrote the ${format} flame graph of ${o.doc.title} to ${out} (${bytes} bytes)\n`);
    return EXIT.OK;
  },
};

const CALLGRAPH_FORMATS = ["dot", "svg", "png"] as const;

/** `pprof-mcp callgraph`. */
export const callgraphCommand: CliCommand = {
  name: "callgraph",
  summary: "pprof's call graph as DOT (go tool pprof -dot), SVG or PNG, drawn in-process (no Graphviz).",
  usage: "callgraph FILE... -o OUT.dot|OUT.svg|OUT.png [flags]",
  description: "The graph is the one `pprof-mcp dot` prints; SVG and PNG are drawn by Graphviz and resvg compiled " +
    "to WebAssembly.",
  flags: {
    output: { type: "string", short: "o", arg: "OUT", help: "File to write (required)" },
    format: { type: "string", arg: "dot|svg|png", help: "Output format (default: from -o's extension)" },
    ...reportFlags,
  },
  async run(v, files, io) {
    requirePositionals(this, files, 1, "profile FILE");
    const out = v.output as string | undefined;
    if (!out) throw new UserError("callgraph: -o OUT is required");
    const format = formatOf(v, out, CALLGRAPH_FORMATS, "dot");
    const { cfg, notes } = reportConfigFromFlags(v);
    const err = (m: string) => void io.err(m + "\n");
    const [{ loadSources }, { newReport }, { dotReport, renderDot }, { dotToSvg, svgToPng }] = await Promise.all([
      import("../../profile/sources.ts"),
      import("../../report/report.ts"),
      import("../../report/dot.ts"),
      import("../../viz/render.ts"),
    ]);
    const profile = await loadSources({ ...sourcesFromFlags(v, files, err), progress: err });
    const r = newReport(profile, "dot", cfg);
    const d = dotReport(r);
    let data: string | Uint8Array = renderDot(d);
    if (format !== "dot") data = await dotToSvg(data);
    if (format === "png") data = await svgToPng(data as string, { fontScale: 0.88 });
    for (const w of [...notes, ...r.warnings]) await io.err(w + "\n");
    const bytes = await write(out, data);
    await io.err(`wrote the call graph (${d.graph.nodes.length} nodes, ${format}) to ${out} (${bytes} bytes)\n`);
    return EXIT.OK;
  },
};
