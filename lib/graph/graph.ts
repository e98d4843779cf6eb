/**
 * The call graph: flat and cumulative weight per node, and weighted edges
 * between callers and callees, built from the samples of a view exactly as
 * pprof's `graph.New` does (a node that appears twice in one stack counts once
 * toward its cum; frames whose node is not kept make the next edge residual).
 *
 * @module
 */
import type { ProfileView } from "../profile/view.ts";
import type { FrameNodes } from "./nodes.ts";

/** Which sample values feed the graph. */
export interface ValueOptions {
  /** Sample type index whose values are the weights. */
  sampleIndex: number;
  /** Sample type index of the divisor for `-mean` reports (pprof uses 0). */
  meanIndex?: number;
}

/** The edges of a graph, as parallel columns. */
export interface Edges {
  count: number;
  src: Int32Array;
  dst: Int32Array;
  weight: Float64Array;
  weightDiv: Float64Array;
  residual: Uint8Array;
  inline: Uint8Array;
  /** Cleared when an edge is trimmed away. */
  alive: Uint8Array;
}

/** A call graph over the node table of `frames`. Per-node columns are indexed by node id. */
export interface Graph {
  frames: FrameNodes;
  /** Ids of the nodes in the graph; sorted in report order once sorted. */
  nodes: number[];
  flat: Float64Array;
  flatDiv: Float64Array;
  cum: Float64Array;
  cumDiv: Float64Array;
  edges: Edges;
}

/** Flat value of a node, divided for mean reports. */
export function flatValue(g: Graph, n: number): number {
  return g.flatDiv[n] === 0 ? g.flat[n] : Math.trunc(g.flat[n] / g.flatDiv[n]);
}

/** Cumulative value of a node, divided for mean reports. */
export function cumValue(g: Graph, n: number): number {
  return g.cumDiv[n] === 0 ? g.cum[n] : Math.trunc(g.cum[n] / g.cumDiv[n]);
}

// Edges are looked up once per frame of every sample, so they live in an
// open-addressing hash table over typed arrays rather than a Map, with a
// one-entry cache per callee (a node is usually reached from the same caller).
class EdgeBuilder {
  count = 0;
  src = new Int32Array(1024);
  dst = new Int32Array(1024);
  weight = new Float64Array(1024);
  weightDiv = new Float64Array(1024);
  residual = new Uint8Array(1024);
  inline = new Uint8Array(1024);
  #seen = new Uint32Array(1024);
  #slots = new Int32Array(4096); // edge index + 1, 0 = empty
  #mask = 4095;
  #lastSrc: Int32Array;
  #lastEdge: Int32Array;

  constructor(nodeCount: number) {
    this.#lastSrc = new Int32Array(nodeCount).fill(-1);
    this.#lastEdge = new Int32Array(nodeCount);
  }

  /** Adds one stack's weight to the edge src→dst, once per stack (`stamp`). */
  add(src: number, dst: number, w: number, dw: number, residual: boolean, inline: boolean, stamp: number): void {
    let e: number;
    if (this.#lastSrc[dst] === src) e = this.#lastEdge[dst];
    else {
      e = this.#lookup(src, dst, inline);
      this.#lastSrc[dst] = src;
      this.#lastEdge[dst] = e;
    }
    if (this.#seen[e] === stamp) return;
    this.#seen[e] = stamp;
    this.weight[e] += w;
    this.weightDiv[e] += dw;
    if (residual) this.residual[e] = 1;
    if (!inline) this.inline[e] = 0;
  }

  finish(): Edges {
    const n = this.count;
    return {
      count: n,
      src: this.src.slice(0, n),
      dst: this.dst.slice(0, n),
      weight: this.weight.slice(0, n),
      weightDiv: this.weightDiv.slice(0, n),
      residual: this.residual.slice(0, n),
      inline: this.inline.slice(0, n),
      alive: new Uint8Array(n).fill(1),
    };
  }

  #slot(src: number, dst: number): number {
    let h = Math.imul(src, 0x9e3779b1) ^ Math.imul(dst + 1, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & this.#mask;
    for (;;) {
      const e = this.#slots[i] - 1;
      if (e < 0 || (this.src[e] === src && this.dst[e] === dst)) return i;
      i = (i + 1) & this.#mask;
    }
  }

  /** The index of edge src→dst, created (with its first inline flag) when new. */
  #lookup(src: number, dst: number, inline: boolean): number {
    const slot = this.#slot(src, dst);
    if (this.#slots[slot] !== 0) return this.#slots[slot] - 1;
    const e = this.count++;
    if (e === this.src.length) this.#grow();
    this.src[e] = src;
    this.dst[e] = dst;
    this.inline[e] = inline ? 1 : 0;
    this.#slots[slot] = e + 1;
    if (this.count * 2 > this.#slots.length) {
      this.#slots = new Int32Array(this.#slots.length * 2);
      this.#mask = this.#slots.length - 1;
      for (let k = 0; k < this.count; k++) this.#slots[this.#slot(this.src[k], this.dst[k])] = k + 1;
    }
    return e;
  }

  #grow(): void {
    const cap = this.src.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(a: T, C: { new (n: number): T }) => {
      const b = new C(cap);
      b.set(a as never);
      return b;
    };
    this.src = grow(this.src, Int32Array);
    this.dst = grow(this.dst, Int32Array);
    this.weight = grow(this.weight, Float64Array);
    this.weightDiv = grow(this.weightDiv, Float64Array);
    this.residual = grow(this.residual, Uint8Array);
    this.inline = grow(this.inline, Uint8Array);
    this.#seen = grow(this.#seen, Uint32Array);
  }
}

// Markers of `single` in buildGraph: a location without frames (removed), one whose single node is not kept
// (a dropped frame: -1, as in the kept node column), one with several frames.
const SKIP = -3, DROPPED = -1, MULTI = -2;

/**
 * Builds the graph of `v`.
 *
 * @param kept when given, only nodes with `kept[id] === 1` take part; frames of
 *   other nodes are skipped and make the edge over them residual.
 * @param dropNegative drop nodes whose overall value is negative (diffs).
 * @param edgeNodes when given, only the edges a report reads are built: those
 *   into a node with bit 1 set and those out of a node with bit 2 set (all
 *   zero: no edges, the node weights alone). Edges are most of the cost of a
 *   graph, and flat and cum do not depend on them.
 */
export function buildGraph(
  v: ProfileView,
  frames: FrameNodes,
  o: ValueOptions,
  kept?: Uint8Array,
  dropNegative = false,
  edgeNodes?: Uint8Array,
): Graph {
  const p = v.profile;
  const size = frames.table.size;
  const flat = new Float64Array(size);
  const flatDiv = new Float64Array(size);
  const cum = new Float64Array(size);
  const cumDiv = new Float64Array(size);
  const seenNode = new Uint32Array(size);
  const edges = new EdgeBuilder(size);
  const stride = p.sampleTypes.length;
  const values = p.values;
  const fStart = frames.start;
  // Nodes left out by `kept` become -1, so the hot loop has a single test.
  const fNodes = kept ? frames.nodes.map((n) => (n >= 0 && kept[n] ? n : -1)) : frames.nodes;
  const stackLocs = p.stackLocs;
  const removed = v.removed;
  const samples = v.samples;
  const stackFrom = v.stackFrom;
  const stackTo = v.stackTo;
  const si = o.sampleIndex;
  const mi = o.meanIndex ?? -1;
  const mask = edgeNodes ?? new Uint8Array(size).fill(3);
  // Most locations hold one frame: their node (or SKIP, DROPPED) in one read,
  // instead of the removed flag and the frame range; MULTI sends the others
  // through the frame loop.
  const nLoc = fStart.length - 1;
  const single = new Int32Array(nLoc);
  for (let l = 0; l < nLoc; l++) {
    single[l] = removed[l] !== 0 ? SKIP : fStart[l + 1] - fStart[l] === 1 ? fNodes[fStart[l]] : MULTI;
  }

  for (let i = 0; i < samples.length; i++) {
    const base = samples[i] * stride;
    const w = values[base + si];
    const dw = mi < 0 ? 0 : values[base + mi];
    if (w === 0 && dw === 0) continue;
    const stamp = i + 1;
    let parent = -1;
    let residual = false;
    const first = stackFrom[i];
    for (let k = stackTo[i] - 1; k >= first; k--) {
      const loc = stackLocs[k];
      const one = single[loc];
      if (one >= 0) {
        if (seenNode[one] !== stamp) {
          seenNode[one] = stamp;
          cum[one] += w;
          cumDiv[one] += dw;
        }
        if (parent >= 0 && one !== parent && ((mask[one] & 1) | (mask[parent] & 2)) !== 0) {
          edges.add(parent, one, w, dw, residual, false, stamp);
        }
        parent = one;
        residual = false;
        continue;
      }
      if (one === DROPPED) {
        residual = true;
        continue;
      }
      if (one === SKIP) continue;
      const from = fStart[loc];
      const last = fStart[loc + 1] - 1;
      for (let j = last; j >= from; j--) {
        const n = fNodes[j];
        if (n < 0) {
          residual = true;
          continue;
        }
        if (seenNode[n] !== stamp) {
          seenNode[n] = stamp;
          cum[n] += w;
          cumDiv[n] += dw;
        }
        if (parent >= 0 && n !== parent && ((mask[n] & 1) | (mask[parent] & 2)) !== 0) {
          edges.add(parent, n, w, dw, residual, j !== last, stamp);
        }
        parent = n;
        residual = false;
      }
    }
    if (parent >= 0 && !residual) {
      flat[parent] += w;
      flatDiv[parent] += dw;
    }
  }

  const nodes: number[] = [];
  for (let n = 0; n < size; n++) {
    if (cum[n] === 0 && flat[n] === 0) continue;
    if (dropNegative && (flat[n] < 0 || (flat[n] === 0 && cum[n] < 0))) continue;
    nodes.push(n);
  }
  return { frames, nodes, flat, flatDiv, cum, cumDiv, edges: edges.finish() };
}
