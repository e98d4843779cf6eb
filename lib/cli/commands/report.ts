/**
 * The report commands (`top`, `peek`, `tree`, `traces`, `tags`, `list`, `raw`):
 * each prints what `go tool pprof -<command>` prints for the same files and
 * flags, or its data with `--json`.
 *
 * @module
 */
import { loadSources } from "../../profile/sources.ts";
import type { Command } from "../../report/config.ts";
import { listReport, renderList } from "../../report/list.ts";
import { rawReport, renderRaw } from "../../report/raw.ts";
import { newReport, type Report } from "../../report/report.ts";
import { renderTags, tagsReport } from "../../report/tags.ts";
import { renderTop, type TopReport, topReport } from "../../report/top.ts";
import { renderTraces, tracesReport } from "../../report/traces.ts";
import { renderTree, treeReport } from "../../report/tree.ts";
import { compileRE2, type GoRegexp } from "../../regex/re2.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { reportConfigFromFlags, reportFlags, sourcesFromFlags } from "../report_flags.ts";

interface ReportSpec {
  name: Command;
  summary: string;
  /** The command takes a regexp after the files (peek, list). */
  regex?: boolean;
  /** Computes the report: text for humans, data for `--json`. */
  run(r: Report, regex?: GoRegexp, regexText?: string): { text: string; data: unknown };
}

function reportCommand(spec: ReportSpec): CliCommand {
  const args = spec.regex ? "FILE... REGEX" : "FILE...";
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `${spec.name} ${args} [flags]`,
    description: "FILE is a pprof profile (gzip, zstd or uncompressed profile.proto); several are merged first." +
      (spec.regex ? "\nREGEX is a Go RE2 regular expression matched against function names." : ""),
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
      const sources = { ...sourcesFromFlags(values, files), progress: (m: string) => void io.err(m + "\n") };
      const report = newReport(await loadSources(sources), spec.name, cfg);
      const { text, data } = spec.run(report, regex, regexText);
      const warnings = [...notes, ...report.warnings];
      if (values.json) await io.out(jsonText({ ...(data as object), warnings }));
      else {
        for (const w of warnings) await io.err(w + "\n");
        await io.out(text);
      }
      return EXIT.OK;
    },
  };
}

/** Rows with raw values (in the sample unit) and unrounded percentages. */
function topJson(top: TopReport) {
  const pct = (v: number) => (top.total === 0 ? 0 : (Math.abs(v) / top.total) * 100);
  let sum = 0;
  return {
    sample_type: top.sampleType,
    unit: top.unit,
    total: top.total,
    total_text: top.totalText,
    header: top.labels,
    rows: top.rows.map((r) => {
      sum += r.flat;
      return {
        name: r.name,
        inline: r.inline || undefined,
        flat: r.flat,
        flat_text: r.flatText,
        flat_pct: pct(r.flat),
        sum_pct: pct(sum),
        cum: r.cum,
        cum_text: r.cumText,
        cum_pct: pct(r.cum),
      };
    }),
  };
}

/** Every report command. */
export const reportCommands: CliCommand[] = [
  reportCommand({
    name: "top",
    summary: "Top functions by flat or cumulative weight (the text of `go tool pprof -top`).",
    run(r) {
      const top = topReport(r);
      return { text: renderTop(top), data: topJson(top) };
    },
  }),
  reportCommand({
    name: "peek",
    summary: "Callers and callees of the functions matching REGEX (`go tool pprof -peek`).",
    regex: true,
    run(r, rx, text) {
      const tree = treeReport(r, rx, text);
      return { text: renderTree(tree), data: tree };
    },
  }),
  reportCommand({
    name: "tree",
    summary: "Every node with its callers and callees (`go tool pprof -tree`).",
    run(r) {
      const tree = treeReport(r);
      return { text: renderTree(tree), data: tree };
    },
  }),
  reportCommand({
    name: "traces",
    summary: "Every sampled stack with its labels and value (`go tool pprof -traces`).",
    run(r) {
      const t = tracesReport(r);
      return { text: renderTraces(t), data: t };
    },
  }),
  reportCommand({
    name: "tags",
    summary: "Weight of every label value, per label key (`go tool pprof -tags`).",
    run(r) {
      const tags = tagsReport(r);
      return { text: renderTags(tags), data: { tags } };
    },
  }),
  reportCommand({
    name: "list",
    summary: "Source lines of the functions matching REGEX, with their weight (`go tool pprof -list`).",
    regex: true,
    run(r, rx, text) {
      const l = listReport(r, rx!, text);
      return { text: renderList(r, l), data: l };
    },
  }),
  reportCommand({
    name: "raw",
    summary: "The profile's samples, locations and mappings (`go tool pprof -raw`).",
    run(r) {
      const raw = rawReport(r);
      return { text: renderRaw(raw), data: raw };
    },
  }),
];
