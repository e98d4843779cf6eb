/**
 * The stacks of a filtered view read once into flat typed arrays — each sample's frames as function-node ids,
 * leaf first — with what pprof's function graph would give each node (flat, cum), so that
 * `-top -cum` rows and `-peek` text of a few functions come from one pass instead of a full call graph.
 *
 * @module
 */
import { compareStrings } from "../format/gofmt.ts";
import { percentage } from "../format/units.ts";
import type { Graph } from "../graph/graph.ts";
import { formatValue, type NodeRow, profileLabels, type Report, selectOutputUnit } from "../report/report.ts";
import { parseSeconds, type TextRow } from "../report/top.ts";
import { treeChunks, type TreeEdge, type TreeNode } from "../report/tree.ts";
import { goBase } from "../util/gopath.ts";
import type { NameTable } from "./profile_facts.ts";

/** Stacks and node weights of a report's view. */
export interface StackTable {
  report: Report;
  /** Node names: function names, then pprof's names of locations without lines (`[binary]`, `<unknown>`). */
  names: string[];
  /** Sample i's frames are `frames[start[i] .. start[i + 1])`, leaf first. */
  frames: Int32Array;
  start: Uint32Array;
  /** 1 where a frame is inlined into the next one (the edge from its caller is an inline call). */
  inlined: Uint8Array;
  /** Locations per sample. */
  depth: Uint16Array;
  values: Float64Array;
  flat: Float64Array;
  cum: Float64Array;
}

/** Reads the report's samples into a stack table. */
export function stackTable(r: Report, names: NameTable): StackTable {
  const p = r.profile, v = r.view, stride = p.sampleTypes.length;
  const nn = names.names.length;
  const nodeNames = [
    ...names.names,
    "<unknown>",
    ...p.mappings.map((m) => (m.file ? `[${goBase(m.file)}]` : "<unknown>")),
  ];
  const count = v.samples.length;
  const { stackLocs, lineFunction, values: pv, locationMapping } = p;
  const { samples, stackFrom, stackTo, removed, lines, lineFrom, lineTo } = v;
  const nameOf = names.nameOf;
  // Each location's frames (node ids, innermost first, and whether each is inlined into the next) once, so a
  // sample's frames are copies of its locations' runs.
  const locStart = new Uint32Array(p.locationCount + 1);
  let runs = 0;
  for (let l = 0; l < p.locationCount; l++) {
    locStart[l] = runs;
    if (!removed[l]) runs += Math.max(1, lineTo[l] - lineFrom[l]);
  }
  locStart[p.locationCount] = runs;
  const locNode = new Int32Array(runs);
  const locInl = new Uint8Array(runs);
  for (let l = 0; l < p.locationCount; l++) {
    let j = locStart[l];
    if (j === locStart[l + 1]) continue;
    const from = lineFrom[l], end = lineTo[l];
    if (from === end) locNode[j] = nn + 1 + locationMapping[l];
    for (let li = from; li < end; li++, j++) {
      locNode[j] = nameOf[lineFunction[lines[li]]];
      locInl[j] = li === end - 1 ? 0 : 1;
    }
  }
  let size = 0;
  for (let i = 0; i < count; i++) {
    for (let k = stackFrom[i]; k < stackTo[i]; k++) size += locStart[stackLocs[k] + 1] - locStart[stackLocs[k]];
  }
  const frames = new Int32Array(size);
  const inlined = new Uint8Array(size);
  const start = new Uint32Array(count + 1);
  const depth = new Uint16Array(count);
  const values = new Float64Array(count);
  const flat = new Float64Array(nodeNames.length);
  const cum = new Float64Array(nodeNames.length);
  const stamp = new Int32Array(nodeNames.length).fill(-1);
  const si = r.sampleIndex;
  // One sample at a time, in a function of its own: called per sample, it is optimized after a few hundred
  // calls, where one long loop would run unoptimized until on-stack replacement.
  const fill = (i: number, at: number): number => {
    start[i] = at;
    const w = pv[samples[i] * stride + si];
    values[i] = w;
    let d = 0;
    // pprof's graph: flat on the leaf, cum once per node and sample.
    for (let k = stackFrom[i]; k < stackTo[i]; k++) {
      const loc = stackLocs[k];
      const to = locStart[loc + 1];
      let j = locStart[loc];
      if (j === to) continue;
      d++;
      for (; j < to; j++) {
        const n = locNode[j];
        inlined[at] = locInl[j];
        frames[at++] = n;
        if (stamp[n] !== i) {
          stamp[n] = i;
          cum[n] += w;
        }
      }
    }
    depth[i] = d;
    if (at > start[i]) flat[frames[start[i]]] += w;
    return at;
  };
  let at = 0;
  for (let i = 0; i < count; i++) at = fill(i, at);
  start[count] = at;
  return { report: r, names: nodeNames, frames, start, inlined, depth, values, flat, cum };
}

/** A graph-shaped view of the table's nodes, for pprof's output-unit choice. */
function unitGraph(t: StackTable, nodes: number[]): Graph {
  const zero = new Float64Array(t.names.length);
  return { nodes, flat: t.flat, cum: t.cum, flatDiv: zero, cumDiv: zero } as unknown as Graph;
}

/** Nodes with weight, in pprof's cum order (|cum|, then name, then |flat|). */
function cumOrder(t: StackTable): number[] {
  const nodes: number[] = [];
  for (let n = 0; n < t.names.length; n++) if (t.cum[n] !== 0 || t.flat[n] !== 0) nodes.push(n);
  return nodes.sort((a, b) =>
    Math.abs(t.cum[b]) - Math.abs(t.cum[a]) || compareStrings(t.names[a], t.names[b]) ||
    Math.abs(t.flat[b]) - Math.abs(t.flat[a])
  );
}

/**
 * pprof's inline marker of each kept node (bit 1: an inlined call into it, bit 2: a normal one) in the graph
 * trimmed to `kept`: calls between kept nodes, through dropped frames, each once per sample, and only those
 * of at least `cutoff` weight.
 */
function inlineMarks(t: StackTable, kept: number[], cutoff: number): Uint8Array {
  const k = kept.length;
  const slot = new Int32Array(t.names.length).fill(-1);
  kept.forEach((n, i) => (slot[n] = i));
  // Calls by parent * k + child; the first call seen decides the inline flag, as pprof's edge builder does.
  const size = k * k;
  const small = size <= 1 << 16;
  const weight = small ? new Float64Array(size) : undefined;
  const inline = small ? new Int8Array(size).fill(-1) : undefined;
  const stamp = small ? new Int32Array(size).fill(-1) : undefined;
  const calls = new Map<number, { w: number; inline: number; stamp: number }>();
  const { start, values, frames, inlined } = t;
  for (let i = 0; i + 1 < start.length; i++) {
    const w = values[i];
    if (w === 0) continue;
    let parent = -1;
    for (let q = start[i + 1] - 1; q >= start[i]; q--) {
      const n = slot[frames[q]];
      if (n < 0) continue;
      if (parent >= 0 && n !== parent) {
        const key = parent * k + n;
        if (small) {
          if (inline![key] < 0) inline![key] = inlined[q];
          if (stamp![key] !== i) {
            stamp![key] = i;
            weight![key] += w;
          }
        } else {
          let e = calls.get(key);
          if (!e) calls.set(key, e = { w: 0, inline: inlined[q], stamp: -1 });
          if (e.stamp !== i) {
            e.stamp = i;
            e.w += w;
          }
        }
      }
      parent = n;
    }
  }
  if (small) {
    for (let key = 0; key < size; key++) {
      if (inline![key] >= 0) calls.set(key, { w: weight![key], inline: inline![key], stamp: 0 });
    }
  }
  const marks = new Uint8Array(k);
  for (const [key, e] of calls) if (Math.abs(e.w) >= cutoff) marks[key % k] |= e.inline ? 1 : 2;
  return marks;
}

/** A row of `go tool pprof -top -cum -nodecount=N`. */
export interface CumRow {
  node: number;
  name: string;
  cum: number;
  row: TextRow;
}

/**
 * The rows of `go tool pprof -top -cum -nodecount=<max>`: the nodes above pprof's node fraction (0.5 % of the
 * flat total), in cum order, the first `max`, in the unit pprof picks for them.
 */
export function cumTopRows(t: StackTable, max: number): CumRow[] {
  let totalValue = 0;
  for (let n = 0; n < t.names.length; n++) totalValue += t.flat[n];
  const cutoff = Math.abs(Math.trunc(totalValue * t.report.cfg.nodeFraction));
  const nodes = cumOrder(t).filter((n) => Math.abs(t.cum[n]) >= cutoff).slice(0, max);
  const r: Report = { ...t.report, outputUnit: t.report.cfg.unit };
  selectOutputUnit(r, unitGraph(t, nodes));
  const marks = inlineMarks(t, nodes, Math.abs(Math.trunc(totalValue * t.report.cfg.edgeFraction)));
  let flatSum = 0;
  return nodes.map((n, k) => {
    flatSum += t.flat[n];
    const inl = marks[k] === 1 ? " (inline)" : marks[k] === 3 ? " (partial-inline)" : "";
    const row: TextRow = {
      flat: formatValue(r, t.flat[n]),
      flat_pct: percentage(t.flat[n], r.total).trim(),
      sum_pct: percentage(flatSum, r.total).trim(),
      cum: formatValue(r, t.cum[n]),
      cum_pct: percentage(t.cum[n], r.total).trim(),
      name: t.names[n] + inl,
    };
    const fs = parseSeconds(row.flat), cs = parseSeconds(row.cum);
    if (fs !== undefined) row.flat_seconds = fs;
    if (cs !== undefined) row.cum_seconds = cs;
    return { node: n, name: t.names[n], cum: t.cum[n], row };
  });
}

/**
 * `go tool pprof -peek '^name$'` text of each node of `targets`: its callers and callees with the weight of each
 * call (once per sample), as pprof's untrimmed peek graph has them.
 */
export function peekTexts(t: StackTable, targets: number[]): Map<number, string> {
  const out = new Map<number, string>();
  const want = new Uint8Array(t.names.length);
  for (const n of targets) if (n >= 0) want[n] = 1;
  if (targets.length === 0) return out;
  // Calls into and out of each target: weight (once per sample) and the inline flag of the first one seen.
  const calls = new Map<number, { src: number; dst: number; w: number; inline: boolean; stamp: number }>();
  const nn = t.names.length;
  const { start, values, frames, inlined } = t;
  for (let i = 0; i + 1 < start.length; i++) {
    const w = values[i];
    if (w === 0) continue;
    const from = start[i], to = start[i + 1];
    for (let q = from; q + 1 < to; q++) {
      const callee = frames[q], caller = frames[q + 1];
      if (callee === caller || !(want[callee] || want[caller])) continue;
      const key = caller * nn + callee;
      let e = calls.get(key);
      if (!e) calls.set(key, e = { src: caller, dst: callee, w: 0, inline: inlined[q] === 1, stamp: -1 });
      if (e.stamp !== i) {
        e.stamp = i;
        e.w += w;
      }
    }
  }
  const all = cumOrder(t);
  const r: Report = { ...t.report, outputUnit: t.report.cfg.unit };
  selectOutputUnit(r, unitGraph(t, all));
  const p = r.profile, stride = p.sampleTypes.length;
  let viewTotal = 0;
  for (const s of r.view.samples) viewTotal += p.values[s * stride + r.sampleIndex];
  const labels = profileLabels(r);
  if (r.activeFilters.length > 0) labels.push("Active filters:", ...r.activeFilters.map((f) => "   " + f));
  labels.push(
    `Showing nodes accounting for ${formatValue(r, viewTotal)}, ${percentage(viewTotal, r.total).trim()} of ${
      formatValue(r, r.total)
    } total`,
  );
  const byEdge = (a: { w: number; src: number; dst: number }, b: { w: number; src: number; dst: number }) =>
    Math.abs(b.w) - Math.abs(a.w) || compareStrings(t.names[a.src], t.names[b.src]) ||
    compareStrings(t.names[a.dst], t.names[b.dst]);
  const edges = [...calls.values()];
  for (const n of targets) {
    if (n < 0 || (t.cum[n] === 0 && t.flat[n] === 0)) continue;
    const cum = t.cum[n];
    const edge = (e: { w: number; inline: boolean }, other: number): TreeEdge => ({
      name: t.names[other],
      weight: e.w,
      weightText: formatValue(r, e.w),
      pct: percentage(e.w, cum),
      inline: e.inline,
    });
    const row: NodeRow = {
      id: n,
      name: t.names[n],
      flat: t.flat[n],
      cum,
      flatText: formatValue(r, t.flat[n]),
      cumText: formatValue(r, cum),
      flatPct: percentage(t.flat[n], r.total),
      sumPct: percentage(t.flat[n], r.total),
      cumPct: percentage(cum, r.total),
    };
    const node: TreeNode = {
      ...row,
      callers: edges.filter((e) => e.dst === n).sort(byEdge).map((e) => edge(e, e.src)),
      callees: edges.filter((e) => e.src === n).sort(byEdge).map((e) => edge(e, e.dst)),
    };
    out.set(n, [...treeChunks({ labels, nodes: [node], nonEmpty: true })].join(""));
  }
  return out;
}
