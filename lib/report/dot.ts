/**
 * The `-dot` report: the call graph trimmed for drawing (entropy order, a node
 * limit that counts nodelets, node tags, no redundant residual edges), with
 * the legend lines, ready for {@link composeDot} to print as Graphviz DOT.
 *
 * @module
 */
import { scaledLabel } from "../format/units.ts";
import type { Graph } from "../graph/graph.ts";
import { trimEdges } from "../graph/order.ts";
import { nodeWeights } from "../graph/weights.ts";
import { buildNodeTags, type NodeTagTable, sampleKeys } from "../graph/tags.ts";
import { removeRedundantEdges, sortNodesByEntropy, topNodesVisual } from "../graph/visual.ts";
import { goBase } from "../util/gopath.ts";
import { composeDot, MAX_NODELETS } from "../graph/dotgraph.ts";
import { formatValue, type Report, reportFrames, reportGraph, reportLabels, selectOutputUnit } from "./report.ts";

/** A call graph ready to draw. */
export interface DotReport {
  /** The graph's title: the main binary's base name, or "". */
  title: string;
  /** Legend lines: profile labels, filters, what is shown and dropped. */
  labels: string[];
  graph: Graph;
  tags: NodeTagTable | undefined;
  total: number;
  format: (v: number) => string;
}

/** Computes the visual call graph of a prepared report, as pprof's `GetDOT`. */
export function dotReport(r: Report): DotReport {
  const o = r.cfg;
  const frames = reportFrames(r);
  const bytesUnit = r.numLabelUnits.get("bytes") ?? "bytes";
  // Numeric tags are named in the unit asked for, before the graph picks one.
  const unit = r.outputUnit;
  const vo = { sampleIndex: r.sampleIndex, meanIndex: r.meanIndex };
  const keys = sampleKeys(r.view, (v, u) => scaledLabel(v, u, unit), bytesUnit);
  // Tags are computed only for the nodes whose tags are read: those the node
  // limit considers, then those drawn.
  const tagsOf = (g: Graph, count: number, kept?: Uint8Array) => {
    const only = new Uint8Array(frames.table.size);
    for (const n of g.nodes.slice(0, count)) only[n] = 1;
    return buildNodeTags(r.view, frames, vo, keys, kept, only);
  };

  // The first step reads only node weights: the total, and which nodes pass the cum cutoff.
  const w = nodeWeights(r.view, frames, vo, o.dropNegative);
  let totalValue = 0;
  for (const n of w.nodes) totalValue += w.flat[n];
  const nodeCutoff = Math.abs(Math.trunc(totalValue * o.nodeFraction));
  const edgeCutoff = Math.abs(Math.trunc(totalValue * o.edgeFraction));
  let droppedNodes = 0;
  let kept: Uint8Array | undefined;
  if (nodeCutoff > 0) {
    const above = new Uint8Array(frames.table.size);
    let count = 0;
    for (const n of w.nodes) {
      if (Math.abs(w.cum[n]) >= nodeCutoff) {
        above[n] = 1;
        count++;
      }
    }
    if (count !== w.nodes.length) {
      droppedNodes = w.nodes.length - count;
      kept = above;
    }
  }
  let g = reportGraph(r, frames, kept);
  const origCount = g.nodes.length;
  sortNodesByEntropy(g);
  let tags: NodeTagTable | undefined;
  if (o.nodeCount > 0) {
    tags = tagsOf(g, o.nodeCount, kept);
    tags?.trim(nodeCutoff);
    trimEdges(g, edgeCutoff);
    const top = topNodesVisual(g, o.nodeCount, tags, MAX_NODELETS);
    if (top.count !== g.nodes.length) {
      kept = top.kept;
      g = reportGraph(r, frames, kept);
      sortNodesByEntropy(g);
      tags = undefined;
    }
  }
  tags ??= tagsOf(g, g.nodes.length, kept);
  tags?.trim(nodeCutoff);
  const droppedEdges = trimEdges(g, edgeCutoff);
  removeRedundantEdges(g);

  selectOutputUnit(r, g);
  const p = r.profile;
  return {
    title: p.mappings.length > 0 && p.mappings[0].file !== "" ? goBase(p.mappings[0].file) : "",
    labels: reportLabels(r, { graph: g, origCount, droppedNodes, droppedEdges }, true),
    graph: g,
    tags,
    total: r.total,
    format: (v) => formatValue(r, v),
  };
}

/** The text `go tool pprof -dot` prints. */
export function renderDot(d: DotReport): string {
  return composeDot(d);
}
