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
  memoTrimmedGraph,
  type NodeRow,
  nodeRows,
  type Report,
  reportLabels,
  selectOutputUnit,
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
  // Peek reads the edges into and out of the nodes it shows; tree, all.
  const t = memoTrimmedGraph(r, symbol ? `peek:${symbol.source}` : "tree", (frames) => {
    if (!symbol) return undefined;
    const peek = new Uint8Array(frames.table.size);
    frames.table.names.forEach((name, n) => peek[n] = symbol.test(name) ? 3 : 0);
    return peek;
  });
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

/**
 * The text `go tool pprof -tree` / `-peek` prints, in chunks: the header, one
 * chunk per node with its callers and callees, the closing separator. Each
 * chunk ends with a newline; joined they are the whole report.
 */
export function* treeChunks(t: TreeReport): Generator<string> {
  yield [...t.labels, SEPARATOR, LEGEND].join("\n") + "\n";
  const edgeLine = (e: TreeEdge) =>
    `${padStart(e.weightText, 50)} ${e.pct} |   ${e.name}${e.inline ? " (inline)" : ""}\n`;
  for (const n of t.nodes) {
    let chunk = SEPARATOR + "\n";
    for (const e of n.callers) chunk += edgeLine(e);
    chunk += `${padStart(n.flatText, 10)} ${n.flatPct} ${n.sumPct} ${
      padStart(n.cumText, 10)
    } ${n.cumPct}                | ${n.name}\n`;
    for (const e of n.callees) chunk += edgeLine(e);
    yield chunk;
  }
  if (t.nonEmpty) yield SEPARATOR + "\n";
}

/** The text `go tool pprof -tree` / `-peek` prints. */
export function renderTree(t: TreeReport): string {
  let out = "";
  for (const chunk of treeChunks(t)) out += chunk;
  return out;
}

/** pprof's error when a report's regexp selects nothing. */
export function noMatches(pattern: string): NoMatchError {
  return new NoMatchError(
    `no matches found for regexp: ${pattern}`,
    "Try a broader, case-insensitive regexp such as (?i)Name.",
  );
}
