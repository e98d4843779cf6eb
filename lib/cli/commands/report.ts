/**
 * The report commands (`top`, `peek`, `tree`, `traces`, `tags`, `list`, `raw`):
 * each prints what `go tool pprof -<command>` prints for the same files and
 * flags, or its data with `--json`.
 *
 * @module
 */
import { loadSources } from "../../profile/sources.ts";
import type { Command } from "../../report/config.ts";
import { dotReport, renderDot } from "../../report/dot.ts";
import { listReport, renderList } from "../../report/list.ts";
import { rawReport, renderRaw } from "../../report/raw.ts";
import { formatValue, newReport, profileLabels, type Report } from "../../report/report.ts";
import { renderTags, tagsReport } from "../../report/tags.ts";
import { renderTop, topReport } from "../../report/top.ts";
import { traceChunks } from "../../report/traces.ts";
import { treeChunks, treeReport } from "../../report/tree.ts";
import { compileRE2, type GoRegexp } from "../../regex/re2.ts";
import { type CliCommand, jsonChunks, requirePositionals } from "../command.ts";
import { EXIT, writeChunks } from "../io.ts";
import { reportConfigFromFlags, reportFlags, sourcesFromFlags } from "../report_flags.ts";
import { dotJson, listJson, rawJson, tagsJson, topJson, tracesJson, treeJson } from "./report_json.ts";

/** A computed report: its text, in chunks that end with a newline, or its `--json` data. */
interface Output {
  text(): Iterable<string>;
  json(): object;
}

interface ReportSpec {
  name: Command;
  summary: string;
  /** The command takes a regexp after the files (peek, list). */
  regex?: boolean;
  /** Computes the report; large reports (traces) are produced while they are written. */
  run(r: Report, regex?: GoRegexp, regexText?: string): Output;
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
      const regex = regexText === undefined ? undefined : compileRE2(regexText, spec.name);
      const { cfg, notes } = reportConfigFromFlags(values);
      const err = (m: string) => void io.err(m + "\n");
      const sources = { ...sourcesFromFlags(values, files, err), progress: err };
      const report = newReport(await loadSources(sources), spec.name, cfg);
      const out = spec.run(report, regex, regexText);
      const warnings = [...notes, ...report.warnings];
      if (values.json) await writeChunks(io, jsonChunks({ ...out.json(), warnings }));
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
    run(r) {
      const top = topReport(r);
      return { text: () => [renderTop(top)], json: () => topJson(top) };
    },
  }),
  reportCommand({
    name: "peek",
    summary: "Callers and callees of the functions matching REGEX (`go tool pprof -peek`).",
    regex: true,
    run(r, rx, text) {
      const tree = treeReport(r, rx, text);
      return { text: () => treeChunks(tree), json: () => treeJson(r, tree) };
    },
  }),
  reportCommand({
    name: "tree",
    summary: "Every node with its callers and callees (`go tool pprof -tree`).",
    run(r) {
      const tree = treeReport(r);
      return { text: () => treeChunks(tree), json: () => treeJson(r, tree) };
    },
  }),
  reportCommand({
    name: "traces",
    summary: "Every sampled stack with its labels and value (`go tool pprof -traces`).",
    run(r) {
      return { text: () => traceChunks(r), json: () => tracesJson(r, profileLabels(r)) };
    },
  }),
  reportCommand({
    name: "tags",
    summary: "Weight of every label value, per label key (`go tool pprof -tags`).",
    run(r) {
      const tags = tagsReport(r);
      return { text: () => [renderTags(tags)], json: () => tagsJson(r, tags) };
    },
  }),
  reportCommand({
    name: "list",
    summary: "Source lines of the functions matching REGEX, with their weight (`go tool pprof -list`).",
    regex: true,
    run(r, rx, text) {
      const l = listReport(r, rx!, text);
      return { text: () => [renderList(r, l)], json: () => listJson(r, l, (v) => formatValue(r, v)) };
    },
  }),
  reportCommand({
    name: "dot",
    summary: "The call graph in Graphviz DOT (the text of `go tool pprof -dot`).",
    run(r) {
      const dot = dotReport(r);
      return { text: () => [renderDot(dot)], json: () => dotJson(r, dot) };
    },
  }),
  reportCommand({
    name: "raw",
    summary: "The profile's samples, locations and mappings (`go tool pprof -raw`).",
    run(r) {
      const raw = rawReport(r);
      return { text: () => [renderRaw(raw)], json: () => rawJson(raw) };
    },
  }),
];
