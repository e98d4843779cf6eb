/**
 * The flame graph's tree: every sampled stack of a report's view merged by
 * call path from the root, with the total and self value of each path (and the
 * base profile's values for a differential graph), children heaviest first.
 *
 * @module
 */
import { DIFF_BASE_LABEL } from "../profile/model.ts";
import { compareStrings } from "../format/gofmt.ts";
import type { Report } from "../report/report.ts";
import { reportFrames } from "../report/report.ts";
import type { NodeTable } from "../graph/nodes.ts";
import { packageOf, shortLabel } from "./names.ts";

/**
 * A call tree in columns. Node 0 is the root (all samples); node `i > 0` is a
 * call path whose last frame is graph node `frame[i]` (a name of `names`).
 */
export interface FlameTree {
  /** Frame names at the report's granularity, by graph node id. */
  names: string[];
  /** Short frame names for labels (package paths cut), by graph node id. */
  labels: string[];
  /** The package or module of each frame, by graph node id: what colours it. */
  packages: string[];
  count: number;
  frame: Int32Array;
  parent: Int32Array;
  depth: Uint16Array;
  /** Total (self and callees) and self value of each path; in a diff, the candidate's. */
  total: Float64Array;
  self: Float64Array;
  /** The base profile's values, in a differential tree. */
  baseTotal?: Float64Array;
  baseSelf?: Float64Array;
  /** Children of node i: `children[childStart[i] .. childStart[i + 1])`, heaviest first. */
  childStart: Uint32Array;
  children: Int32Array;
}

/** Width of a node: its value, or in a diff the candidate's and the base's together. */
export function widthOf(t: FlameTree, i: number): number {
  return t.baseTotal ? t.total[i] + t.baseTotal[i] : t.total[i];
}

/**
 * Stacks as frame sequences from the root: stack `i` is
 * `frames[start[i] .. start[i + 1])`, outermost frame first, weighing
 * `weight[i]` on the candidate side, or on the base side when `base[i]` is 1.
 */
export interface Stacks {
  count: number;
  start: Uint32Array;
  frames: Int32Array;
  weight: Float64Array;
  base: Uint8Array;
}

/**
 * The stacks of a prepared report's view (after every filter), as frame
 * sequences at its granularity, weighted by its sample type. Samples of a
 * `-diff_base` base (labelled `pprof::base`, values negated) go to the base
 * side as positive values.
 */
export function reportStacks(r: Report, frames = reportFrames(r)): Stacks {
  const v = r.view;
  const p = v.profile;
  const stride = p.sampleTypes.length;
  const si = r.sampleIndex;
  const baseKey = p.strings.indexOf(DIFF_BASE_LABEL);
  const trueStr = baseKey > 0 ? p.strings.indexOf("true") : -1;
  const n = v.samples.length;
  const start = new Uint32Array(n + 1);
  // One pass with a growing buffer: inline frames make the size unknown up front.
  let seq = new Int32Array(Math.max(1024, p.stackLocs.length));
  const weight = new Float64Array(n);
  const base = new Uint8Array(n);
  const fStart = frames.start, fNodes = frames.nodes, removed = v.removed, stackLocs = p.stackLocs;
  let at = 0, count = 0;
  for (let i = 0; i < n; i++) {
    const s = v.samples[i];
    let w = p.values[s * stride + si];
    if (w === 0) continue;
    if (trueStr > 0) {
      for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
        if (p.labelKey[j] === baseKey && p.labelStr[j] === trueStr) {
          base[count] = 1;
          w = -w;
          break;
        }
      }
    }
    weight[count] = w;
    for (let k = v.stackTo[i] - 1; k >= v.stackFrom[i]; k--) {
      const loc = stackLocs[k];
      if (removed[loc] !== 0) continue;
      const first = fStart[loc];
      if (at + fStart[loc + 1] - first > seq.length) {
        const bigger = new Int32Array(seq.length * 2);
        bigger.set(seq);
        seq = bigger;
      }
      for (let j = fStart[loc + 1] - 1; j >= first; j--) {
        const f = fNodes[j];
        if (f >= 0) seq[at++] = f;
      }
    }
    start[++count] = at;
  }
  return {
    count,
    start: start.slice(0, count + 1),
    frames: seq.subarray(0, at),
    weight: weight.slice(0, count),
    base: base.slice(0, count),
  };
}

/** A growable column store of tree nodes in depth-first order. */
class Arena {
  count = 0;
  frame = new Int32Array(1024);
  parent = new Int32Array(1024);
  depth = new Uint16Array(1024);
  total = new Float64Array(1024);
  self = new Float64Array(1024);
  baseTotal = new Float64Array(1024);
  baseSelf = new Float64Array(1024);

  push(frame: number, parent: number, depth: number): number {
    const i = this.count++;
    if (i === this.frame.length) this.#grow();
    this.frame[i] = frame;
    this.parent[i] = parent;
    this.depth[i] = Math.min(depth, 65535);
    this.total[i] =
      this.self[i] =
      this.baseTotal[i] =
      this.baseSelf[i] =
        0;
    return i;
  }

  #grow(): void {
    const cap = this.frame.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint16Array>(a: T, C: { new (n: number): T }) => {
      const b = new C(cap);
      b.set(a as never);
      return b;
    };
    this.frame = g(this.frame, Int32Array);
    this.parent = g(this.parent, Int32Array);
    this.depth = g(this.depth, Uint16Array);
    this.total = g(this.total, Float64Array);
    this.self = g(this.self, Float64Array);
    this.baseTotal = g(this.baseTotal, Float64Array);
    this.baseSelf = g(this.baseSelf, Float64Array);
  }
}

/**
 * Merges stacks into a call tree, dropping every path narrower than
 * `minWidth` (it stays counted in its parent's total). The tree is built top
 * down: the stacks of a path are a range of one index array, split by their
 * next frame into the ranges of its children, and a child too narrow is never
 * looked into, so the work follows the kept nodes rather than every frame
 * (bigcpu has 5.5M distinct paths, of which 1200 pixels show 800).
 */
export function buildTree(st: Stacks, frames: FrameNames, minWidth = 0): FlameTree {
  const a = new Arena();
  const order = new Uint32Array(st.count);
  for (let i = 0; i < st.count; i++) order[i] = i;
  const keys = new Float64Array(st.count);
  const SHIFT = 2 ** 26;
  if (st.count >= SHIFT) throw new Error("too many stacks for a flame graph");
  let diff = false;
  for (let i = 0; i < st.count; i++) if (st.base[i]) diff = true;
  // Pending paths, deepest last: [lo, hi, depth, parent node, frame].
  const tasks: number[][] = [[0, st.count, 0, -1, -1]];
  while (tasks.length > 0) {
    const [lo, hi, d, parent, frame] = tasks.pop()!;
    const node = a.push(frame, parent, d);
    // Sort the path's stacks by their frame at depth d (-1: the stack ends here).
    for (let j = lo; j < hi; j++) {
      const s = order[j];
      const len = st.start[s + 1] - st.start[s];
      keys[j] = (len > d ? st.frames[st.start[s] + d] + 1 : 0) * SHIFT + s;
    }
    const range = keys.subarray(lo, hi);
    range.sort();
    const children: number[][] = [];
    let j = lo;
    while (j < hi) {
      const key = Math.floor(keys[j] / SHIFT);
      let total = 0, baseTotal = 0;
      let k = j;
      for (; k < hi && Math.floor(keys[k] / SHIFT) === key; k++) {
        const s = keys[k] - key * SHIFT;
        order[k] = s;
        if (st.base[s]) baseTotal += st.weight[s];
        else total += st.weight[s];
      }
      a.total[node] += total;
      a.baseTotal[node] += baseTotal;
      if (key === 0) {
        a.self[node] += total;
        a.baseSelf[node] += baseTotal;
      } else if (total + baseTotal >= minWidth) children.push([j, k, d + 1, node, key - 1]);
      j = k;
    }
    for (let c = children.length - 1; c >= 0; c--) tasks.push(children[c]);
  }
  const n = a.count;
  const tree: FlameTree = {
    ...frames,
    count: n,
    frame: a.frame.slice(0, n),
    parent: a.parent.slice(0, n),
    depth: a.depth.slice(0, n),
    total: a.total.slice(0, n),
    self: a.self.slice(0, n),
    ...(diff ? { baseTotal: a.baseTotal.slice(0, n), baseSelf: a.baseSelf.slice(0, n) } : {}),
    childStart: new Uint32Array(n + 1),
    children: new Int32Array(Math.max(0, n - 1)),
  };
  linkChildren(tree);
  return tree;
}

/** The names of frames by graph node id: full, short, and their package. */
export interface FrameNames {
  names: string[];
  labels: string[];
  packages: string[];
}

/** The names of the frames of a node table. */
export function frameNames(table: NodeTable): FrameNames {
  return {
    names: table.names,
    labels: table.infos.map(shortLabel),
    packages: table.infos.map((i) => packageOf(i.name, i.file)),
  };
}

/** The flame tree of a prepared report, without paths narrower than `minWidth`. */
export function flameTree(
  r: Report,
  minWidth = 0,
  frames = reportFrames(r),
  stacks = reportStacks(r, frames),
): FlameTree {
  return buildTree(stacks, frameNames(frames.table), minWidth);
}

/** Fills the children columns: grouped by parent, heaviest first, ties by name. */
function linkChildren(t: FlameTree): void {
  const counts = new Uint32Array(t.count + 1);
  for (let c = 1; c < t.count; c++) counts[t.parent[c] + 1]++;
  for (let i = 0; i < t.count; i++) counts[i + 1] += counts[i];
  t.childStart.set(counts);
  const fill = counts.slice(0, t.count);
  for (let c = 1; c < t.count; c++) t.children[fill[t.parent[c]]++] = c;
  for (let i = 0; i < t.count; i++) {
    const from = t.childStart[i], to = t.childStart[i + 1];
    if (to - from < 2) continue;
    const kids = Array.from(t.children.subarray(from, to));
    kids.sort((a, b) => widthOf(t, b) - widthOf(t, a) || compareStrings(t.names[t.frame[a]], t.names[t.frame[b]]));
    t.children.set(kids, from);
  }
}

/** Children of node `i`, heaviest first. */
export function childrenOf(t: FlameTree, i: number): Int32Array {
  return t.children.subarray(t.childStart[i], t.childStart[i + 1]);
}

/** The name of a node (the root is "root"). */
export function nodeName(t: FlameTree, i: number): string {
  return i === 0 ? "root" : t.names[t.frame[i]];
}

/**
 * Nodes to draw in depth-first order (each parent before its children,
 * children heaviest first), leaving out every node narrower than `minWidth`
 * and its subtree, and stopping after `maxNodes` nodes (keeping the widest:
 * a node is drawn only if it is at least as wide as the narrowest one kept).
 */
export function visibleNodes(t: FlameTree, minWidth: number, maxNodes = Infinity): Int32Array {
  let cutoff = minWidth;
  if (maxNodes < t.count) {
    // The width of the maxNodes-th widest node is the cutoff: widths only
    // shrink from parent to child, so the kept set stays a tree.
    const widths = new Float64Array(t.count);
    for (let i = 0; i < t.count; i++) widths[i] = widthOf(t, i);
    widths.sort();
    cutoff = Math.max(cutoff, widths[t.count - maxNodes]);
  }
  const out: number[] = [];
  const stack = [0];
  while (stack.length > 0 && out.length < maxNodes) {
    const i = stack.pop()!;
    out.push(i);
    const kids = childrenOf(t, i);
    for (let k = kids.length - 1; k >= 0; k--) if (widthOf(t, kids[k]) >= cutoff) stack.push(kids[k]);
  }
  return Int32Array.from(out);
}
