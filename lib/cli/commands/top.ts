/**
 * `pprof-mcp top FILE…`: the same text as `go tool pprof -top`, or rows as JSON.
 *
 * @module
 */
import { loadProfile } from "../../profile/load.ts";
import { newReport } from "../../report/report.ts";
import { renderTop, type TopReport, topReport } from "../../report/top.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { reportConfigFromFlags, reportFlags } from "../report_flags.ts";

/** The `top` command. */
export const topCommand: CliCommand = {
  name: "top",
  summary: "Top functions by flat or cumulative weight (the text of `go tool pprof -top`).",
  usage: "top FILE [flags]",
  description: "FILE is a pprof profile (gzip, zstd or uncompressed profile.proto).",
  flags: {
    ...reportFlags,
    json: { type: "boolean", help: "Print rows and summary as JSON instead of text" },
  },
  async run(values, positionals, io) {
    requirePositionals(this, positionals, 1, "profile FILE");
    const { cfg, notes } = reportConfigFromFlags(values);
    const profile = await loadProfile(positionals[0]);
    const top = topReport(newReport(profile, "top", cfg));
    const notesAll = [...notes, ...top.warnings];
    if (values.json) {
      await io.out(jsonText({
        file: positionals[0],
        sample_type: top.sampleType,
        unit: top.unit,
        total: top.total,
        total_text: top.totalText,
        header: top.labels,
        rows: jsonRows(top),
        warnings: notesAll,
      }));
    } else {
      for (const n of notesAll) await io.err(n + "\n");
      await io.out(renderTop(top));
    }
    return EXIT.OK;
  },
};

/** Rows with raw values (in the sample unit) and unrounded percentages. */
function jsonRows(top: TopReport) {
  const pct = (v: number) => (top.total === 0 ? 0 : (Math.abs(v) / top.total) * 100);
  let sum = 0;
  return top.rows.map((r) => {
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
  });
}
