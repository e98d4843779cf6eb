/**
 * The report commands (`top`, `peek`, `tree`, `traces`, `tags`, `list`, `raw`):
 * each prints what `go tool pprof -<command>` prints for the same files and
 * flags, or its data with `--json`.
 *
 * @module
 */
import type { Command } from "../../report/config.ts";
import type { Report } from "../../report/report.ts";
import type { GoRegexp } from "../../regex/re2.ts";
import { type CliCommand, jsonChunks, requirePositionals } from "../command.ts";
import { EXIT, writeChunks } from "../io.ts";
import { reportConfigFromFlags, reportFlags, sourcesFromFlags } from "../report_flags.ts";

// Each command loads the modules of its own report when it runs (and the JSON
// writers only with --json), so `top` does not pay for list, dot or traces.
const json = () => import("./report_json.ts");

/** A computed report: its text, in chunks that end with a newline, or its `--json` data. */
interface Output {
  text(): Iterable<string>;
  json(): Promise<object>;
}

interface ReportSpec {
  name: Command;
  summary: string;
  /** The command takes a regexp after the files (peek, list). */
  regex?: boolean;
  /** Computes the report; large reports (traces) are produced while they are written. */
  run(r: Report, regex?: GoRegexp, regexText?: string): Promise<Output>;
}

function reportCommand(spec: ReportSpec): CliCommand {
  const args = spec.regex ? "FILE... REGEX" : "FILE...";
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `${spec.name} ${args} [flags]`,
    description: "FILE is a pprof profile (gzip, zstd or uncompressed profile.proto); several are merged first." +
      (spec.regex ? "\nREGEX is a Go RE2 regular expression matched against function names." : "") +
      "\n--json prints the same report as data: snake_case keys, values as numbers in the sample unit, " +
      "percentages unrounded,\nand the strings pprof prints beside them under *_text keys.",
    flags: {
      ...reportFlags,
      json: { type: "boolean", help: "Print the report as JSON data instead of text" },
    },
    async run(values, positionals, io) {
      requirePositionals(this, positionals, spec.regex ? 2 : 1, spec.regex ? "profile FILE and REGEX" : "profile FILE");
      const files = spec.regex ? positionals.slice(0, -1) : positionals;
      const regexText = spec.regex ? positionals[positionals.length - 1] : undefined;
      const [{ loadSources }, { newReport }, { compileRE2 }] = await Promise.all([
        import("../../profile/sources.ts"),
        import("../../report/report.ts"),
        import("../../regex/re2.ts"),
      ]);
      const regex = regexText === undefined ? undefined : compileRE2(regexText, spec.name);
      const { cfg, notes } = reportConfigFromFlags(values);
      const err = (m: string) => void io.err(m + "\n");
      const sources = { ...sourcesFromFlags(values, files, err), progress: err };
      const report = newReport(await loadSources(sources), spec.name, cfg);
      const out = await spec.run(report, regex, regexText);
      const warnings = [...notes, ...report.warnings];
      if (values.json) await writeChunks(io, jsonChunks({ ...(await out.json()), warnings }));
      else {
        for (const w of warnings) await io.err(w + "\n");
        await writeChunks(io, out.text());
      }
      return EXIT.OK;
    },
  };
}

/** Every report command. */
export const reportCommands: CliCommand[] = [
  reportCommand({
    name: "top",
    summary: "Top functions by flat or cumulative weight (the text of `go tool pprof -top`).",
    async run(r) {
      const { renderTop, topReport } = await import("../../report/top.ts");
      const top = topReport(r);
      return { text: () => [renderTop(top)], json: async () => (await json()).topJson(top) };
    },
  }),
  reportCommand({
    name: "peek",
    summary: "Callers and callees of the functions matching REGEX (`go tool pprof -peek`).",
    regex: true,
    async run(r, rx, text) {
      const { treeChunks, treeReport } = await import("../../report/tree.ts");
      const tree = treeReport(r, rx, text);
      return { text: () => treeChunks(tree), json: async () => (await json()).treeJson(r, tree) };
    },
  }),
  reportCommand({
    name: "tree",
    summary: "Every node with its callers and callees (`go tool pprof -tree`).",
    async run(r) {
      const { treeChunks, treeReport } = await import("../../report/tree.ts");
      const tree = treeReport(r);
      return { text: () => treeChunks(tree), json: async () => (await json()).treeJson(r, tree) };
    },
  }),
  reportCommand({
    name: "traces",
    summary: "Every sampled stack with its labels and value (`go tool pprof -traces`).",
    async run(r) {
      const [{ traceChunks }, { profileLabels }] = await Promise.all([
        import("../../report/traces.ts"),
        import("../../report/report.ts"),
      ]);
      return { text: () => traceChunks(r), json: async () => (await json()).tracesJson(r, profileLabels(r)) };
    },
  }),
  reportCommand({
    name: "tags",
    summary: "Weight of every label value, per label key (`go tool pprof -tags`).",
    async run(r) {
      const { renderTags, tagsReport } = await import("../../report/tags.ts");
      const tags = tagsReport(r);
      return { text: () => [renderTags(tags)], json: async () => (await json()).tagsJson(r, tags) };
    },
  }),
  reportCommand({
    name: "list",
    summary: "Source lines of the functions matching REGEX, with their weight (`go tool pprof -list`).",
    regex: true,
    async run(r, rx, text) {
      const [{ listReport, renderList }, { formatValue }] = await Promise.all([
        import("../../report/list.ts"),
        import("../../report/report.ts"),
      ]);
      const l = listReport(r, rx!, text);
      return {
        text: () => [renderList(r, l)],
        json: async () => (await json()).listJson(r, l, (v) => formatValue(r, v)),
      };
    },
  }),
  reportCommand({
    name: "dot",
    summary: "The call graph in Graphviz DOT (the text of `go tool pprof -dot`).",
    async run(r) {
      const { dotReport, renderDot } = await import("../../report/dot.ts");
      const dot = dotReport(r);
      return { text: () => [renderDot(dot)], json: async () => (await json()).dotJson(r, dot) };
    },
  }),
  reportCommand({
    name: "raw",
    summary: "The profile's samples, locations and mappings (`go tool pprof -raw`).",
    async run(r) {
      const { rawChunks, rawReport } = await import("../../report/raw.ts");
      return { text: () => rawChunks(r), json: async () => (await json()).rawJson(rawReport(r)) };
    },
  }),
];
