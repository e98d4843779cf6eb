/**
 * The graph refinements pprof applies only to its visual call graphs (`-dot`,
 * `-svg`): the entropy node order, a node limit that counts nodelets, and the
 * removal of residual edges made redundant by another path.
 *
 * @module
 */
import { compareStrings } from "../format/gofmt.ts";
import type { Graph } from "./graph.ts";
import { nodeInfoString } from "./nodes.ts";
import { adjacency, sortEdges } from "./order.ts";
import { countFlatTags, type NodeTagTable } from "./tags.ts";

const MIN_INT64 = -(2n ** 63n);

/** Go's `int64(x)` of a float64 on amd64: truncation, and the minimum int64 for NaN or out-of-range values. */
function goInt64(x: number): bigint {
  if (Number.isNaN(x) || x >= 2 ** 63 || x < -(2 ** 63)) return MIN_INT64;
  return BigInt(Math.trunc(x));
}

/** Go's `abs64` on int64, which leaves the minimum int64 negative. */
function abs64(x: bigint): bigint {
  return x < 0n ? BigInt.asIntN(64, -x) : x;
}

/** Go's `math.Log2`: exact for powers of two, else log(frac)/ln2 + exponent. */
function goLog2(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log2(x);
  let exp = Math.floor(Math.log2(x)) + 1;
  let frac = x / 2 ** exp;
  // Correct the estimate so that frac is in [0.5, 1), as Go's Frexp gives.
  if (frac >= 1) {
    frac /= 2;
    exp++;
  } else if (frac < 0.5) {
    frac *= 2;
    exp--;
  }
  if (frac === 0.5) return exp - 1;
  // Go folds 1/Ln2 to the float64 nearest the exact value, which is LOG2E.
  return Math.log(frac) * Math.LOG2E + exp;
}

function edgeEntropy(g: Graph, edges: number[], self: number): number {
  const weight = g.edges.weight;
  let total = self;
  for (const e of edges) if (weight[e] > 0) total += Math.abs(weight[e]);
  let score = 0;
  if (total !== 0) {
    for (const e of edges) {
      const frac = Math.abs(weight[e]) / total;
      score += -frac * goLog2(frac);
    }
    if (self > 0) {
      const frac = Math.abs(self) / total;
      score += -frac * goLog2(frac);
    }
  }
  return score;
}

/**
 * Sorts `g.nodes` in pprof's entropy order: nodes whose weight merely falls
 * through from one caller to one callee rank lower than entry points, leaves
 * and nodes where paths split or join. Ties go by name, then flat weight.
 */
export function sortNodesByEntropy(g: Graph): void {
  const adj = adjacency(g);
  const score = new Map<number, bigint>();
  for (const n of g.nodes) {
    let s = 0;
    s += adj.in[n].length === 0 ? 1 : edgeEntropy(g, adj.in[n], 0);
    s += adj.out[n].length === 0 ? 1 : edgeEntropy(g, adj.out[n], g.flat[n]);
    score.set(n, abs64(BigInt.asIntN(64, goInt64(s * g.cum[n]) + BigInt(g.flat[n]))));
  }
  const { names, infos } = g.frames.table;
  g.nodes.sort((l, r) => {
    const a = score.get(l)!, b = score.get(r)!;
    if (a !== b) return a > b ? -1 : 1;
    const byName = compareStrings(names[l], names[r]);
    if (byName !== 0) return byName;
    const c = Math.abs(g.flat[l]), d = Math.abs(g.flat[r]);
    if (c !== d) return d - c;
    return compareStrings(nodeInfoString(infos[l]), nodeInfoString(infos[r]));
  });
}

/**
 * The node-id set of the first nodes of the sorted graph, where each node
 * counts once plus its flat tags (at most `maxNodelets`), until `max` is
 * reached, as pprof selects nodes for a visual graph.
 */
export function topNodesVisual(
  g: Graph,
  max: number,
  tags: NodeTagTable | undefined,
  maxNodelets: number,
): { kept: Uint8Array; count: number } {
  let limit = max;
  let count = 0;
  for (let i = 0; i < g.nodes.length; i++) {
    count += Math.min(countFlatTags(tags?.get(g.nodes[i])), maxNodelets) + 1;
    if (count >= max) {
      limit = i + 1;
      break;
    }
  }
  const kept = new Uint8Array(g.flat.length);
  const n = Math.min(limit, g.nodes.length);
  for (let i = 0; i < n; i++) kept[g.nodes[i]] = 1;
  return { kept, count: n };
}

/**
 * Removes residual edges whose callee the caller still reaches through other
 * edges, lightest first, stopping at each node's first non-residual edge (as
 * pprof's `RemoveRedundantEdges`).
 */
export function removeRedundantEdges(g: Graph): void {
  const e = g.edges;
  const adj = adjacency(g);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const ins = sortEdges(g, adj.in[g.nodes[i]].slice());
    for (let j = ins.length - 1; j >= 0; j--) {
      const edge = ins[j];
      if (!e.residual[edge]) break;
      if (reachableWithout(g, adj.in, edge)) {
        e.alive[edge] = 0;
        const list = adj.in[e.dst[edge]];
        list.splice(list.indexOf(edge), 1);
        const outs = adj.out[e.src[edge]];
        outs.splice(outs.indexOf(edge), 1);
      }
    }
  }
}

/** Whether the caller of `edge` reaches its callee through other live edges. */
function reachableWithout(g: Graph, ins: number[][], edge: number): boolean {
  const e = g.edges;
  const src = e.src[edge];
  const seen = new Set<number>([e.dst[edge]]);
  const queue = [e.dst[edge]];
  for (let q = 0; q < queue.length; q++) {
    for (const ie of ins[queue[q]]) {
      if (ie === edge || seen.has(e.src[ie])) continue;
      if (e.src[ie] === src) return true;
      seen.add(e.src[ie]);
      queue.push(e.src[ie]);
    }
  }
  return false;
}
