/**
 * The `top` report: functions (or files, lines…) by flat or cum weight, with
 * the exact text of `go tool pprof -top`, and the same data as rows.
 *
 * @module
 */
import { padStart } from "../format/gofmt.ts";
import { inlinedNodes, inlineLabels } from "../graph/order.ts";
import {
  formatValue,
  memoTrimmedGraph,
  type NodeRow,
  nodeRows,
  type Report,
  reportLabels,
  selectOutputUnit,
} from "./report.ts";

/** One row of a top report. */
export interface TopRow extends NodeRow {
  /** "(inline)", "(partial-inline)" or "". */
  inline: string;
}

/** A top report: header lines and rows. */
export interface TopReport {
  labels: string[];
  rows: TopRow[];
  total: number;
  totalText: string;
  unit: string;
  sampleType: string;
  /** pprof's stderr notes. */
  warnings: string[];
}

/** Computes the top report of a prepared {@link Report}. */
export function topReport(r: Report): TopReport {
  // Top reads edges only for the inline labels.
  const t = memoTrimmedGraph(r, "top", inlinedNodes);
  const g = t.graph;
  selectOutputUnit(r, g);
  const inl = inlineLabels(g);
  return {
    labels: reportLabels(r, t),
    rows: nodeRows(r, g).map((row) => ({ ...row, inline: inl.get(row.id) ?? "" })),
    total: r.total,
    totalText: formatValue(r, r.total),
    unit: r.outputUnit,
    sampleType: r.sampleType,
    warnings: r.warnings,
  };
}

/** The line of a row in the text of `go tool pprof -top`. */
export function topLine(row: TopRow): string {
  const inl = row.inline === "" ? "" : " " + row.inline;
  return `${padStart(row.flatText, 10)} ${row.flatPct} ${row.sumPct} ${
    padStart(row.cumText, 10)
  } ${row.cumPct}  ${row.name}${inl}`;
}

/** The text `go tool pprof -top` prints. */
export function renderTop(t: TopReport): string {
  const out = [...t.labels];
  out.push(
    `${padStart("flat", 10)} ${padStart("flat", 5)}% ${padStart("sum", 5)}% ${padStart("cum", 10)} ${
      padStart("cum", 5)
    }%`,
  );
  for (const row of t.rows) out.push(topLine(row));
  return out.join("\n") + "\n";
}

/** A top row as the original tool's JSON carries it: printed strings plus seconds. */
export interface TextRow {
  flat: string;
  flat_pct: string;
  sum_pct: string;
  cum: string;
  cum_pct: string;
  /** Includes " (inline)" when pprof prints it. */
  name: string;
  flat_seconds?: number;
  cum_seconds?: number;
}

/**
 * Seconds in a printed value: `0` → 0, `1.5ms` → 0.0015, a bare count → the
 * count; undefined for non-time units such as `12.5MB`.
 */
export function parseSeconds(text: string): number | undefined {
  if (text === "0") return 0;
  const units: [string, number][] = [["hrs", 3600], ["ns", 1e-9], ["us", 1e-6], ["ms", 1e-3], ["s", 1]];
  for (const [suffix, factor] of units) {
    if (text.endsWith(suffix)) {
      const n = Number(text.slice(0, -suffix.length));
      return Number.isFinite(n) && text.length > suffix.length ? n * factor : undefined;
    }
  }
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : undefined;
}

/** The number in a printed percentage (`"5.92%"` → 5.92); 0 when it is not one. */
export function parsePercent(text: string): number {
  const n = Number(text.replace(/%$/, ""));
  return Number.isFinite(n) ? n : 0;
}

/** The rows and summary of the original tool's `pprof top` JSON. */
export function textRows(t: TopReport): { rows: TextRow[]; summary: { header_lines: string[]; table_header: string } } {
  const rows = t.rows.map((r): TextRow => {
    const row: TextRow = {
      flat: r.flatText,
      flat_pct: r.flatPct.trim(),
      sum_pct: r.sumPct.trim(),
      cum: r.cumText,
      cum_pct: r.cumPct.trim(),
      name: r.inline === "" ? r.name : `${r.name} ${r.inline}`,
    };
    const fs = parseSeconds(r.flatText);
    const cs = parseSeconds(r.cumText);
    if (fs !== undefined) row.flat_seconds = fs;
    if (cs !== undefined) row.cum_seconds = cs;
    return row;
  });
  return { rows, summary: { header_lines: t.labels, table_header: "flat  flat%   sum%        cum   cum%" } };
}
