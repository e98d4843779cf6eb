/**
 * Node ordering and trimming of a built graph: pprof's sort orders, the cum
 * cutoff that drops insignificant nodes, and low-weight edge removal.
 *
 * @module
 */
import { compareStrings } from "../format/gofmt.ts";
import type { Graph } from "./graph.ts";
import { type FrameNodes, nodeInfoString } from "./nodes.ts";

/** The orders pprof sorts nodes by. */
export type NodeOrder = "flat" | "cum";

/** Sorts `g.nodes` in place, by flat or cum weight, then name, as pprof does. */
export function sortNodes(g: Graph, order: NodeOrder): void {
  const { names, infos } = g.frames.table;
  const [first, second] = order === "flat" ? [g.flat, g.cum] : [g.cum, g.flat];
  g.nodes.sort((l, r) => {
    const a = Math.abs(first[l]), b = Math.abs(first[r]);
    if (a !== b) return b - a;
    const byName = compareStrings(names[l], names[r]);
    if (byName !== 0) return byName;
    const c = Math.abs(second[l]), d = Math.abs(second[r]);
    if (c !== d) return d - c;
    return compareStrings(nodeInfoString(infos[l]), nodeInfoString(infos[r]));
  });
}

/** Node-id set (as a byte mask) of the graph's nodes with |cum| ≥ `cutoff`. */
export function nodesAboveCum(g: Graph, cutoff: number): { kept: Uint8Array; count: number } {
  const kept = new Uint8Array(g.flat.length);
  let count = 0;
  for (const n of g.nodes) {
    if (Math.abs(g.cum[n]) >= cutoff) {
      kept[n] = 1;
      count++;
    }
  }
  return { kept, count };
}

/** Node-id set of the first `max` nodes of the (sorted) graph. */
export function topNodes(g: Graph, max: number): { kept: Uint8Array; count: number } {
  const kept = new Uint8Array(g.flat.length);
  const count = Math.min(max, g.nodes.length);
  for (let i = 0; i < count; i++) kept[g.nodes[i]] = 1;
  return { kept, count };
}

/** Removes edges lighter than `cutoff`; returns how many were removed. */
export function trimEdges(g: Graph, cutoff: number): number {
  const e = g.edges;
  let dropped = 0;
  for (let i = 0; i < e.count; i++) {
    if (e.alive[i] && Math.abs(e.weight[i]) < cutoff) {
      e.alive[i] = 0;
      dropped++;
    }
  }
  return dropped;
}

/**
 * pprof's inline marker of a node: "(inline)" when every live incoming edge is
 * an inlined call, "(partial-inline)" when only some are, "" otherwise.
 */
export function inlineLabels(g: Graph): Map<number, string> {
  const e = g.edges;
  const flags = new Uint8Array(g.flat.length); // bit 1: inline in-edge, bit 2: normal in-edge
  for (let i = 0; i < e.count; i++) {
    if (!e.alive[i]) continue;
    flags[e.dst[i]] |= e.inline[i] ? 1 : 2;
  }
  const out = new Map<number, string>();
  for (const n of g.nodes) {
    if (flags[n] === 1) out.set(n, "(inline)");
    else if (flags[n] === 3) out.set(n, "(partial-inline)");
  }
  return out;
}

/**
 * The nodes that can be labelled "(inline)": those of an inlined frame (any
 * frame of a location but its outermost), with bit 1 set, the `edgeNodes` of
 * {@link buildGraph} for reports that read edges only for those labels (a
 * node called only through real calls has no inline in-edge).
 */
export function inlinedNodes(frames: FrameNodes): Uint8Array {
  const mask = new Uint8Array(frames.table.size);
  const { start, nodes } = frames;
  for (let l = 0; l + 1 < start.length; l++) {
    for (let j = start[l]; j < start[l + 1] - 1; j++) if (nodes[j] >= 0) mask[nodes[j]] = 1;
  }
  return mask;
}

/** Sorts edge indices as pprof does: heavier first, then by caller name, then callee name. */
export function sortEdges(g: Graph, edges: number[]): number[] {
  const { weight, src, dst } = g.edges;
  const names = g.frames.table.names;
  return edges.sort((a, b) => {
    if (weight[a] !== weight[b]) return Math.abs(weight[b]) - Math.abs(weight[a]);
    const bySrc = compareStrings(names[src[a]], names[src[b]]);
    return bySrc !== 0 ? bySrc : compareStrings(names[dst[a]], names[dst[b]]);
  });
}

/** Live incoming and outgoing edge indices of every node. */
export function adjacency(g: Graph): { in: number[][]; out: number[][] } {
  const n = g.flat.length;
  const ins: number[][] = Array.from({ length: n }, () => []);
  const outs: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < g.edges.count; e++) {
    if (!g.edges.alive[e]) continue;
    outs[g.edges.src[e]].push(e);
    ins[g.edges.dst[e]].push(e);
  }
  return { in: ins, out: outs };
}
