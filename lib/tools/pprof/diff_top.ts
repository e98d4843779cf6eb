/**
 * `pprof.diff_top`: the top of two profiles and how every function changed,
 * in the profiles' own unit (seconds only when it is a time).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { padStart } from "../../format/gofmt.ts";
import { autoLabel, unitKind } from "../../format/units.ts";
import type { Report } from "../../report/report.ts";
import { type TextRow, textRows, topReport } from "../../report/top.ts";
import { pprofCommand, rawPayload } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { truncateText } from "../truncate.ts";
import { limitsOf, profileArg, textMeta, textRow } from "./args.ts";
import { loadForTool, reportOf } from "./run.ts";
import { topArgs, topInput, topOptions } from "./top.ts";

/** Rows of the change table a default answer shows: the largest movers. */
const DEFAULT_DIFF_ROWS = 30;

const { profile: _profile, max_lines: _lines, ...rest } = topInput;
const input = z.object({
  before: profileArg("Profile before the change"),
  after: profileArg("Profile after the change"),
  ...rest,
  max_lines: z.number().int().min(0)
    .describe(`Functions to show, largest changes first (default ${DEFAULT_DIFF_ROWS}; 0 = all)`).optional(),
}).strict();

const delta = z.object({
  name: z.string(),
  before_flat: z.string(),
  after_flat: z.string(),
  before_cum: z.string(),
  after_cum: z.string(),
  before_flat_seconds: z.number().nullable(),
  after_flat_seconds: z.number().nullable(),
  before_cum_seconds: z.number().nullable(),
  after_cum_seconds: z.number().nullable(),
  before_value: z.number().describe("flat (or cum with cum=true) before, in `unit`"),
  after_value: z.number().describe("flat (or cum with cum=true) after, in `unit`"),
  delta: z.number().describe("after_value - before_value, in `unit`"),
  delta_text: z.string().describe("The delta as pprof prints values, e.g. +1.50MB"),
  unit: z.string().describe("The sample unit: nanoseconds, bytes, count…"),
  delta_seconds: z.number().optional().describe("The delta in seconds, for time units only"),
});

const output = z.object({
  commands: z.object({ before: z.string(), after: z.string() }),
  metric: z.enum(["flat", "cum"]).describe("Which value the deltas compare"),
  sample_type: z.string(),
  unit: z.string(),
  before: z.array(textRow).describe("The first rows of the before top (as many as deltas)"),
  after: z.array(textRow).describe("The first rows of the after top (as many as deltas)"),
  deltas: z.array(delta).describe("The functions that changed most (by |delta|), largest increase first"),
  counts: z.object({
    functions: z.number().int().describe("Functions in either top"),
    changed: z.number().int().describe("Functions whose value changed"),
    grew: z.number().int(),
    shrank: z.number().int(),
    before_rows: z.number().int(),
    after_rows: z.number().int(),
  }),
  largest_increase: z.object({ name: z.string(), delta: z.number(), delta_text: z.string() }).optional()
    .describe("Absent when no function grew"),
  largest_decrease: z.object({ name: z.string(), delta: z.number(), delta_text: z.string() }).optional()
    .describe("Absent when no function shrank"),
  table_meta: textMeta.describe("What the text table holds and whether it was cut"),
  raw: z.string().optional().describe(
    "With max_lines or max_bytes given: the deltas as TSV (the original's raw; the last column is delta_seconds " +
      "for time units, else delta_<unit>)",
  ),
  raw_meta: textMeta.optional(),
  total_lines: z.number().int().optional(),
  truncated: z.boolean().optional(),
});

type Delta = z.infer<typeof delta>;
type DiffArgs = z.input<typeof input>;

/** One side of the comparison: the top report and its rows by name. */
interface Side {
  report: Report;
  rows: TextRow[];
  values: Map<string, { flat: number; cum: number; row: TextRow }>;
}

function side(report: Report): Side {
  const top = topReport(report);
  const { rows } = textRows(top);
  const values = new Map<string, { flat: number; cum: number; row: TextRow }>();
  top.rows.forEach((r, i) => values.set(rows[i].name, { flat: r.flat, cum: r.cum, row: rows[i] }));
  return { report, rows, values };
}

const SECONDS: Record<string, number> = {
  nanoseconds: 1e-9,
  nanosecond: 1e-9,
  ns: 1e-9,
  microseconds: 1e-6,
  microsecond: 1e-6,
  us: 1e-6,
  milliseconds: 1e-3,
  millisecond: 1e-3,
  ms: 1e-3,
  seconds: 1,
  second: 1,
  s: 1,
};

/**
 * Per-function deltas of two tops (flat, or cum), computed from the values in
 * the sample unit; sorted by delta, largest increase first.
 */
export function topDeltas(before: Side, after: Side, cum: boolean, unit: string): Delta[] {
  const toSeconds = unitKind(unit) === "time" ? SECONDS[unit.toLowerCase()] : undefined;
  const names = [...new Set([...before.values.keys(), ...after.values.keys()])];
  return names.map((name): Delta => {
    const x = before.values.get(name), y = after.values.get(name);
    const b = x ? (cum ? x.cum : x.flat) : 0, a = y ? (cum ? y.cum : y.flat) : 0;
    const d = a - b;
    return {
      name,
      before_flat: x?.row.flat ?? "",
      after_flat: y?.row.flat ?? "",
      before_cum: x?.row.cum ?? "",
      after_cum: y?.row.cum ?? "",
      before_flat_seconds: x ? x.row.flat_seconds ?? null : null,
      after_flat_seconds: y ? y.row.flat_seconds ?? null : null,
      before_cum_seconds: x ? x.row.cum_seconds ?? null : null,
      after_cum_seconds: y ? y.row.cum_seconds ?? null : null,
      before_value: b,
      after_value: a,
      delta: d,
      delta_text: (d > 0 ? "+" : "") + autoLabel(d, unit),
      unit,
      ...(toSeconds !== undefined ? { delta_seconds: d * toSeconds } : {}),
    };
  }).sort((p, q) => q.delta - p.delta || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
}

/** The change table: the largest movers first (by |delta|), one line each. */
function changeTable(movers: Delta[], unit: string, cum: boolean): string {
  // Values are printed in pprof's automatic unit for the sample unit (ns → ms, s…; bytes → kB, MB…).
  const what = cum ? "cum" : "flat";
  const head = `${padStart("delta", 12)} ${padStart("before", 12)} ${padStart("after", 12)}  function (${what}, ` +
    `largest changes first)`;
  const lines = movers.map((d) =>
    `${padStart(d.delta_text, 12)} ${padStart(autoLabel(d.before_value, unit), 12)} ${
      padStart(autoLabel(d.after_value, unit), 12)
    }  ${d.name}`
  );
  return [head, ...lines].join("\n") + "\n";
}

/** pprof.diff_top's handler. */
export async function pprofDiffTop(a: DiffArgs, ctx?: Pick<ToolContext, "signal" | "sandbox">) {
  const { before: b, after: af, max_lines: _l, max_bytes: _b, truncate_strategy: _t, ...flags } = a;
  const cfg = topOptions.config(flags);
  const before = side(reportOf(await loadForTool(b, ctx), "top", cfg));
  const after = side(reportOf(await loadForTool(af, ctx), "top", cfg));
  const unit = before.report.sampleUnit;
  if (after.report.sampleUnit !== unit || after.report.sampleType !== before.report.sampleType) {
    throw new UserError(
      `${b} reports ${before.report.sampleType} (${unit}) but ${af} reports ${after.report.sampleType} ` +
        `(${after.report.sampleUnit}); compare profiles of the same type, or pick one with sample_index`,
    );
  }
  const all = topDeltas(before, after, !!a.cum, unit);
  const changed = all.filter((d) => d.delta !== 0);
  const movers = [...changed].sort(byMove);
  // The table is limited like any text (its header line aside); the arrays hold what the table shows.
  const maxRows = a.max_lines ?? DEFAULT_DIFF_ROWS;
  const limits = limitsOf({ max_lines: maxRows === 0 ? 0 : maxRows + 1, max_bytes: a.max_bytes });
  const table = truncateText(changeTable(movers, unit, !!a.cum), { ...limits, truncate_strategy: "head" });
  const cutInLine = table.meta.truncated_reason?.includes("max_bytes") ? 1 : 0;
  const shownCount = Math.min(movers.length, Math.max(0, table.text.split("\n").length - 1 - cutInLine));
  const shown = new Set(movers.slice(0, shownCount).map((d) => d.name));
  // With no limit at all, every function is listed, unchanged ones too (the original's deltas).
  const unlimited = limits.max_lines === 0 && limits.max_bytes === 0;
  const deltas = unlimited ? all : all.filter((d) => shown.has(d.name));
  const hint = shownCount < movers.length
    ? `Showing the ${shownCount} largest of ${movers.length} changes (max_lines=${maxRows}` +
      `${cutInLine ? `, max_bytes=${limits.max_bytes}` : ""}): pass a larger max_lines` +
      `${cutInLine ? " and max_bytes" : ""} (0 = no limit) for more, or narrow both tops with focus.`
    : undefined;
  const out: z.infer<typeof output> = {
    commands: {
      before: pprofCommand(topArgs({ ...flags, profile: b })),
      after: pprofCommand(topArgs({ ...flags, profile: af })),
    },
    metric: a.cum ? "cum" : "flat",
    sample_type: before.report.sampleType,
    unit,
    before: unlimited ? before.rows : before.rows.slice(0, deltas.length),
    after: unlimited ? after.rows : after.rows.slice(0, deltas.length),
    deltas,
    counts: {
      functions: all.length,
      changed: changed.length,
      grew: changed.filter((d) => d.delta > 0).length,
      shrank: changed.filter((d) => d.delta < 0).length,
      before_rows: before.rows.length,
      after_rows: after.rows.length,
    },
    table_meta: hint ? { ...table.meta, hint } : table.meta,
  };
  const mover = (d: Delta | undefined) => d && { name: d.name, delta: d.delta, delta_text: d.delta_text };
  const up = mover(movers.find((d) => d.delta > 0)), down = mover(movers.find((d) => d.delta < 0));
  if (up) out.largest_increase = up;
  if (down) out.largest_decrease = down;
  if (explicit(a.max_lines) || explicit(a.max_bytes)) {
    // The original's columns; the last is the delta in seconds for time units, else in the sample unit.
    const time = deltas.length === 0 || deltas[0].delta_seconds !== undefined;
    const last = time ? "delta_seconds" : `delta_${unit.replace(/\W+/g, "_")}`;
    const tsv = [`name\tbefore_flat\tafter_flat\tbefore_cum\tafter_cum\t${last}`].concat(
      deltas.map((d) =>
        [d.name, d.before_flat, d.after_flat, d.before_cum, d.after_cum, (d.delta_seconds ?? d.delta).toFixed(6)]
          .join("\t")
      ),
    ).join("\n");
    const { raw, raw_meta, total_lines, truncated } = rawPayload(tsv, [], a);
    Object.assign(out, { raw, raw_meta, total_lines, truncated });
  }
  return out;
}

const explicit = (n: number | undefined) => n !== undefined && n > 0;

const byMove = (p: Delta, q: Delta) => Math.abs(q.delta) - Math.abs(p.delta) || p.name.localeCompare(q.name);

function summary(o: z.infer<typeof output>): string {
  const { functions, changed, grew, shrank } = o.counts;
  if (changed === 0) return `no function changed (${functions} functions)`;
  const up = o.largest_increase, down = o.largest_decrease;
  return `${changed} of ${functions} functions changed (${o.metric} ${o.sample_type}): ` +
    (up ? `${grew} grew, the most ${up.name} (${up.delta_text})` : "no function grew") + "; " +
    (down ? `${shrank} shrank, the most ${down.name} (${down.delta_text})` : "no function shrank");
}

/** The pprof.diff_top tool. */
export const diffTopTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.diff_top",
  title: "Compare two profiles",
  description: "Top of a profile before and after a change, and the change of every function (flat, or cum " +
    "with cum=true) in the profiles' unit: `delta` in `unit` (nanoseconds, bytes, count…), `delta_text` as " +
    "pprof prints values, and `delta_seconds` for time units. The text is a table of the largest changes " +
    "first, limited by max_lines (default 30 functions) and max_bytes; `deltas`, `before` and `after` hold what " +
    "the table shows and `counts` how many there are. Use it to check a fix or find a regression (CPU, heap with " +
    "sample_index=alloc_space…). With max_lines or max_bytes given, also returns the deltas as TSV in raw.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary,
  text: (o) => {
    const shown = o.deltas.filter((d) => d.delta !== 0).sort(byMove);
    const hint = o.table_meta.hint ? `\n[${o.table_meta.hint}]` : "";
    return changeTable(shown, o.unit, o.metric === "cum") + hint;
  },
  run: (a, ctx) => pprofDiffTop(a, ctx),
};
