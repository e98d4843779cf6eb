/**
 * The `-tree` and `-peek` reports: each node with its callers above and its
 * callees below, as `go tool pprof` prints them.
 *
 * @module
 */
import { NoMatchError } from "../errors.ts";
import type { GoRegexp } from "../regex/re2.ts";
import { padStart } from "../format/gofmt.ts";
import { percentage } from "../format/units.ts";
import { adjacency, sortEdges } from "../graph/order.ts";
import {
  formatValue,
  type NodeRow,
  nodeRows,
  type Report,
  reportLabels,
  selectOutputUnit,
  trimmedGraph,
} from "./report.ts";

const SEPARATOR = "----------------------------------------------------------+-------------";
const LEGEND = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

/** A caller or callee of a tree node. */
export interface TreeEdge {
  name: string;
  weight: number;
  weightText: string;
  /** Share of the node's cum, as printed ("10.67%"). */
  pct: string;
  inline: boolean;
}

/** One node of a tree report with its context. */
export interface TreeNode extends NodeRow {
  callers: TreeEdge[];
  callees: TreeEdge[];
}

/** A tree (or peek) report. */
export interface TreeReport {
  labels: string[];
  nodes: TreeNode[];
  /** Whether the graph had any node (pprof prints a closing separator then). */
  nonEmpty: boolean;
}

/**
 * The tree report; with `symbol`, only the nodes whose name matches (peek).
 *
 * @throws {UserError} "no matches found for regexp" when `symbol` matches no node
 */
export function treeReport(r: Report, symbol?: GoRegexp, symbolText = symbol?.source ?? ""): TreeReport {
  const t = trimmedGraph(r);
  const g = t.graph;
  selectOutputUnit(r, g);
  const names = g.frames.table.names;
  const adj = adjacency(g);
  const edge = (e: number, cum: number, other: number): TreeEdge => {
    const w = g.edges.weight[e];
    return {
      name: names[other],
      weight: w,
      weightText: formatValue(r, w),
      pct: percentage(w, cum),
      inline: !!g.edges.inline[e],
    };
  };
  const nodes = nodeRows(r, g, (name) => !symbol || symbol.test(name)).map((row): TreeNode => ({
    ...row,
    callers: sortEdges(g, adj.in[row.id]).map((e) => edge(e, row.cum, g.edges.src[e])),
    callees: sortEdges(g, adj.out[row.id]).map((e) => edge(e, row.cum, g.edges.dst[e])),
  }));
  if (symbol && nodes.length === 0) throw noMatches(symbolText);
  return { labels: reportLabels(r, t), nodes, nonEmpty: g.nodes.length > 0 };
}

/** The text `go tool pprof -tree` / `-peek` prints. */
export function renderTree(t: TreeReport): string {
  const out = [...t.labels, SEPARATOR, LEGEND];
  const edgeLine = (e: TreeEdge) =>
    `${padStart(e.weightText, 50)} ${e.pct} |   ${e.name}${e.inline ? " (inline)" : ""}`;
  for (const n of t.nodes) {
    out.push(SEPARATOR, ...n.callers.map(edgeLine));
    out.push(
      `${padStart(n.flatText, 10)} ${n.flatPct} ${n.sumPct} ${
        padStart(n.cumText, 10)
      } ${n.cumPct}                | ${n.name}`,
    );
    out.push(...n.callees.map(edgeLine));
  }
  if (t.nonEmpty) out.push(SEPARATOR);
  return out.join("\n") + "\n";
}

/** pprof's error when a report's regexp selects nothing. */
export function noMatches(pattern: string): NoMatchError {
  return new NoMatchError(
    `no matches found for regexp: ${pattern}`,
    "Try a broader, case-insensitive regexp such as (?i)Name, or pprof.top with focus.",
  );
}
