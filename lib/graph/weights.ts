/**
 * The flat and cumulative weight of every node of a view, without its edges:
 * what the first step of a graph's trimming reads (the total, and which nodes
 * pass the cum cutoff), at a fraction of the cost of building the graph.
 *
 * @module
 */
import type { ProfileView } from "../profile/view.ts";
import type { ValueOptions } from "./graph.ts";
import type { FrameNodes } from "./nodes.ts";

/** Node weights as {@link buildGraph} computes them, and the nodes it would keep. */
export interface NodeWeights {
  flat: Float64Array;
  cum: Float64Array;
  /** The nodes of the graph: any weight, and not negative when `dropNegative`. */
  nodes: number[];
}

/** The raw (undivided) flat and cum weights of every node of `v`, counted as the graph counts them. */
export function nodeWeights(v: ProfileView, frames: FrameNodes, o: ValueOptions, dropNegative = false): NodeWeights {
  const p = v.profile;
  const size = frames.table.size;
  const flat = new Float64Array(size);
  const cum = new Float64Array(size);
  const seen = new Uint32Array(size);
  const stride = p.sampleTypes.length;
  const mi = o.meanIndex ?? -1;
  const { start, nodes: fNodes } = frames;
  for (let i = 0; i < v.samples.length; i++) {
    const base = v.samples[i] * stride;
    const w = p.values[base + o.sampleIndex];
    if (w === 0 && (mi < 0 || p.values[base + mi] === 0)) continue;
    const stamp = i + 1;
    let leaf = -1;
    let residual = false;
    for (let k = v.stackTo[i] - 1; k >= v.stackFrom[i]; k--) {
      const loc = p.stackLocs[k];
      if (v.removed[loc] !== 0) continue;
      for (let j = start[loc + 1] - 1; j >= start[loc]; j--) {
        const n = fNodes[j];
        if (n < 0) {
          residual = true;
          continue;
        }
        if (seen[n] !== stamp) {
          seen[n] = stamp;
          cum[n] += w;
        }
        leaf = n;
        residual = false;
      }
    }
    if (leaf >= 0 && !residual) flat[leaf] += w;
  }
  const nodes: number[] = [];
  for (let n = 0; n < size; n++) {
    if (cum[n] === 0 && flat[n] === 0) continue;
    if (dropNegative && (flat[n] < 0 || (flat[n] === 0 && cum[n] < 0))) continue;
    nodes.push(n);
  }
  return { flat, cum, nodes };
}
