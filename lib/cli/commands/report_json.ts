/**
 * The `--json` form of every report command, in one convention: snake_case
 * keys, numbers as numbers (raw values in the sample unit, unrounded
 * percentages), and the strings pprof prints beside them under `*_text` keys.
 * Label keys and other names from the profile are values, never keys.
 *
 * @module
 */
import { cumValue, flatValue } from "../../graph/graph.ts";
import type { DotReport } from "../../report/dot.ts";
import type { ListReport } from "../../report/list.ts";
import type { RawReport } from "../../report/raw.ts";
import type { NodeRow, Report } from "../../report/report.ts";
import type { TagKey } from "../../report/tags.ts";
import type { TopReport } from "../../report/top.ts";
import { type Trace, traceItems } from "../../report/traces.ts";
import type { TreeEdge, TreeReport } from "../../report/tree.ts";

/** |value| as a percentage of `total`, unrounded (pprof's printed percentages round this). */
const pct = (value: number, total: number) => (total === 0 ? 0 : Math.abs(value / total) * 100);

/** The number behind a printed number that may exceed 2^53 (an address), when it is exact. */
function safeNumber(text: string): number | undefined {
  const n = BigInt(text);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

/** `top --json`. */
export function topJson(top: TopReport) {
  let sum = 0;
  return {
    sample_type: top.sampleType,
    unit: top.unit,
    total: top.total,
    total_text: top.totalText,
    header: top.labels,
    rows: top.rows.map((r) => {
      sum += r.flat;
      const { name, ...values } = nodeJson(r, top.total, sum);
      return { name, inline: r.inline || undefined, ...values };
    }),
  };
}

/** A node's values, printed strings and percentages of `total`; `sum` is the running flat sum. */
function nodeJson(n: NodeRow, total: number, sum: number) {
  return {
    name: n.name,
    flat: n.flat,
    flat_text: n.flatText,
    flat_pct: pct(n.flat, total),
    flat_pct_text: n.flatPct.trim(),
    sum_pct: pct(sum, total),
    sum_pct_text: n.sumPct.trim(),
    cum: n.cum,
    cum_text: n.cumText,
    cum_pct: pct(n.cum, total),
    cum_pct_text: n.cumPct.trim(),
  };
}

function edgeJson(e: TreeEdge, cum: number) {
  return {
    name: e.name,
    inline: e.inline,
    weight: e.weight,
    weight_text: e.weightText,
    pct: pct(e.weight, cum),
    pct_text: e.pct.trim(),
  };
}

/** `tree --json` and `peek --json`: every node with its callers and callees (percentages of the node's cum). */
export function treeJson(r: Report, t: TreeReport) {
  let sum = 0;
  return {
    sample_type: r.sampleType,
    unit: r.outputUnit,
    total: r.total,
    header: t.labels,
    nodes: t.nodes.map((n) => {
      sum += n.flat;
      return {
        ...nodeJson(n, r.total, sum),
        callers: n.callers.map((e) => edgeJson(e, n.cum)),
        callees: n.callees.map((e) => edgeJson(e, n.cum)),
      };
    }),
  };
}

function traceJson(t: Trace) {
  return {
    value: t.value,
    value_text: t.valueText,
    labels: t.labels.map((l) =>
      l.numeric
        ? { key: l.key, numeric: true, unit: l.unit, values: l.numbers, values_text: l.values }
        : { key: l.key, numeric: false, values: l.values }
    ),
    frames: t.frames,
  };
}

/** `traces --json`: the traces are produced while they are written. */
export function tracesJson(r: Report, header: string[]) {
  return {
    sample_type: r.sampleType,
    unit: r.sampleUnit,
    header,
    traces: (function* () {
      for (const t of traceItems(r)) yield traceJson(t);
    })(),
  };
}

/** `tags --json`: numeric label values are buckets named by their printed value. */
export function tagsJson(r: Report, tags: TagKey[]) {
  return {
    sample_type: r.sampleType,
    unit: r.outputUnit,
    tags: tags.map((k) => {
      const numeric = k.numeric;
      return {
        key: k.key,
        numeric,
        total: k.total,
        total_text: k.totalText,
        values: k.values.map((v) => ({
          ...(numeric ? { value_text: v.value } : { value: v.value }),
          weight: v.weight,
          weight_text: v.weightText,
          pct: pct(v.weight, k.total),
          pct_text: v.pct.trim(),
        })),
      };
    }),
  };
}

/** `list --json`. */
export function listJson(r: Report, l: ListReport, format: (v: number) => string) {
  return {
    sample_type: r.sampleType,
    unit: r.outputUnit,
    total: l.total,
    total_text: format(l.total),
    routines: l.routines.map((rt) => ({
      function: rt.function,
      file: rt.file,
      flat: rt.flat,
      flat_text: format(rt.flat),
      cum: rt.cum,
      cum_text: format(rt.cum),
      cum_pct: pct(rt.cum, l.total),
      ...(rt.error !== undefined ? { error: rt.error } : {}),
      lines: rt.lines.map((ln) => ({
        line: ln.line,
        flat: ln.flat,
        flat_text: ln.flat === 0 ? "." : format(ln.flat),
        cum: ln.cum,
        cum_text: ln.cum === 0 ? "." : format(ln.cum),
        source: ln.text,
      })),
    })),
  };
}

/** `raw --json`: 64-bit addresses and the nanosecond time are exact in their `*_text` strings. */
export function rawJson(d: RawReport) {
  const hex = (text: string) => ({ number: safeNumber(text), text });
  const addr = (key: string, text: string) => {
    const h = hex(text);
    return { ...(h.number !== undefined ? { [key]: h.number } : {}), [`${key}_text`]: h.text };
  };
  return {
    comments: d.comments,
    period_type: d.periodType,
    period: d.period,
    time_nanos: Number(d.timeNanos),
    time_nanos_text: d.timeNanos,
    duration_nanos: d.durationNanos,
    sample_types: d.sampleTypes,
    samples: d.samples.map((s) => ({
      values: s.values,
      locations: s.locations,
      labels: Object.entries(s.labels).map(([key, values]) => ({ key, values })),
      num_labels: Object.entries(s.numLabels).map(([key, values]) => ({
        key,
        values: values.map((x) => x.value),
        units: values.map((x) => x.unit),
      })),
    })),
    locations: d.locations.map((l) => ({
      id: l.id,
      ...addr("address", l.address),
      mapping: l.mapping,
      folded: l.folded,
      lines: l.lines.map((ln) => ({
        function: ln.function,
        system_name: ln.systemName,
        file: ln.file,
        line: ln.line,
        start_line: ln.startLine,
      })),
    })),
    mappings: d.mappings.map((m) => ({
      id: m.id,
      ...addr("start", m.start),
      ...addr("limit", m.limit),
      ...addr("offset", m.offset),
      file: m.file,
      build_id: m.buildId,
      flags: m.flags,
    })),
  };
}

/** `dot --json`: the drawn call graph as data (nodes numbered as the DOT's N1, N2…). */
export function dotJson(r: Report, d: DotReport) {
  const g = d.graph;
  const names = g.frames.table.names;
  const ids = new Map(g.nodes.map((n, i) => [n, i + 1]));
  const edges = [];
  for (let e = 0; e < g.edges.count; e++) {
    if (!g.edges.alive[e] || !ids.has(g.edges.src[e])) continue;
    const w = g.edges.weight[e];
    edges.push({
      from: ids.get(g.edges.src[e]) ?? 0,
      to: ids.get(g.edges.dst[e]) ?? 0,
      weight: w,
      weight_text: d.format(w),
      residual: g.edges.residual[e] === 1,
      inline: g.edges.inline[e] === 1,
    });
  }
  return {
    sample_type: r.sampleType,
    unit: r.outputUnit,
    total: r.total,
    total_text: d.format(r.total),
    header: d.labels,
    nodes: g.nodes.map((n, i) => ({
      id: i + 1,
      name: names[n],
      flat: flatValue(g, n),
      flat_text: d.format(flatValue(g, n)),
      flat_pct: pct(flatValue(g, n), r.total),
      cum: cumValue(g, n),
      cum_text: d.format(cumValue(g, n)),
      cum_pct: pct(cumValue(g, n), r.total),
    })),
    edges,
  };
}
