/**
 * Graphviz DOT text of a call graph, as pprof writes it: the legend box, one
 * box per node (font size by flat weight, colour by cum), tag nodelets, and
 * weighted, coloured edges.
 *
 * @module
 */
import { autoLabel, percentage, scale } from "../format/units.ts";
import { cumValue, flatValue, type Graph } from "./graph.ts";
import type { NodeInfo } from "./nodes.ts";
import { sortEdges } from "./order.ts";
import { type NodeTags, type NodeTagTable, sortTags, type Tag, tagCum, tagFlat } from "./tags.ts";
import { goBase } from "../util/gopath.ts";
import { nameComponents, shortenFunctionName } from "./names.ts";

/** Tag nodelets drawn per node (label sets, and numeric buckets per label set). */
export const MAX_NODELETS = 4;

/** What {@link composeDot} draws. */
export interface DotInput {
  title: string;
  labels: string[];
  graph: Graph;
  tags: NodeTagTable | undefined;
  total: number;
  format: (v: number) => string;
}

/** Escapes `"` and `\` for a DOT string, and turns newlines into left-justified line breaks. */
export function escapeForDot(s: string): string {
  return s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\l");
}

/** A node's label text: its name split at package and type separators, one part a line. */
function multilineName(i: NodeInfo): string {
  const name = escapeForDot(shortenFunctionName(i.name))
    .replaceAll("::", "\\n")
    .replaceAll("[...]", "[…]")
    .replaceAll(".", "\\n");
  return nameComponents({ ...i, name, file: i.file === "" ? "" : goBase(i.file) }).join("\\n") + "\\n";
}

function hex2(x: number): string {
  return Math.trunc(x).toString(16).padStart(2, "0");
}

/**
 * The colour for a score in [-1, 1]: green for negative, grey near 0, red
 * for positive; a light tint for backgrounds, a dark one for lines and borders.
 */
export function dotColor(score: number, background: boolean): string {
  const shift = 0.7;
  let saturation = background ? 0.1 : 1.0;
  const value = background ? 0.93 : 0.7;
  score = Math.max(-1, Math.min(1, score));
  if (Math.abs(score) < 0.2) saturation *= Math.abs(score) / 0.2;
  if (score > 0) score = Math.pow(score, 1 - shift);
  if (score < 0) score = -Math.pow(-score, 1 - shift);
  let r: number, g: number;
  if (score < 0) {
    g = value;
    r = value * (1 + saturation * score);
  } else {
    r = value;
    g = value * (1 - saturation * score);
  }
  const b = value * (1 - saturation);
  return `#${hex2(r * 255)}${hex2(g * 255)}${hex2(b * 255)}`;
}

/** Go's integer division of int64 values (truncated toward zero). */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** The DOT text of a call graph, exactly as `go tool pprof -dot` prints it. */
export function composeDot(d: DotInput): string {
  const out: string[] = [];
  out.push(`digraph "${d.title === "" ? "unnamed" : d.title}" {`);
  out.push(`node [style=filled fillcolor="#f8f8f8"]`);
  if (d.labels.length > 0) {
    let legend = `subgraph cluster_L { "${escapeForDot(d.labels[0])}" [shape=box fontsize=16`;
    legend += ` label="${d.labels.map(escapeForDot).join("\\l")}\\l"`;
    if (d.title !== "") legend += ` tooltip="${d.title}"`;
    out.push(legend + "] }");
  }
  const g = d.graph;
  if (g.nodes.length > 0) {
    const ids = new Map<number, number>();
    let maxFlat = Math.abs(flatValue(g, g.nodes[0]));
    g.nodes.forEach((n, i) => {
      ids.set(n, i + 1);
      maxFlat = Math.max(maxFlat, Math.abs(flatValue(g, n)));
    });
    const hasNodelets = new Set<number>();
    const outEdges: number[][] = g.nodes.map(() => []);
    const edges: number[] = [];
    for (let e = 0; e < g.edges.count; e++) {
      if (!g.edges.alive[e]) continue;
      const src = ids.get(g.edges.src[e]);
      if (src === undefined) continue;
      outEdges[src - 1].push(e);
      edges.push(e);
    }
    g.nodes.forEach((n, i) => {
      out.push(nodeLine(d, n, i + 1, maxFlat));
      const nodelets = nodeletLines(d, d.tags?.get(n), i + 1, outEdges[i].length > 0);
      if (nodelets !== "") {
        out.push(nodelets.slice(0, -1));
        hasNodelets.add(n);
      }
    });
    for (const e of sortEdges(g, edges)) {
      out.push(edgeLine(d, e, ids, hasNodelets.has(g.edges.src[e])));
    }
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function nodeLine(d: DotInput, n: number, id: number, maxFlat: number): string {
  const g = d.graph;
  const info = g.frames.table.infos[n];
  const flat = flatValue(g, n), cum = cumValue(g, n);
  let label = multilineName(info);
  const flatText = d.format(flat);
  label += flat !== 0 ? `${flatText} (${percentage(flat, d.total).trim()})` : "0";
  let cumText = flatText;
  if (cum !== flat) {
    label += flat !== 0 ? "\\n" : " ";
    cumText = d.format(cum);
    label += `of ${cumText} (${percentage(cum, d.total).trim()})`;
  }
  let fontSize = 8;
  if (maxFlat !== 0 && flat !== 0 && Math.abs(flat) <= maxFlat) {
    fontSize += Math.ceil(16 * Math.sqrt(Math.abs(flat) / maxFlat));
  }
  const score = cum / Math.abs(d.total);
  return `N${id} [label="${label}" id="node${id}" fontsize=${fontSize} shape=box tooltip="${
    escapeForDot(g.frames.table.names[n])
  } (${cumText})" color="${dotColor(score, false)}" fillcolor="${dotColor(score, true)}"]`;
}

function nodeletLines(d: DotInput, nt: NodeTags | undefined, id: number, flatTags: boolean): string {
  if (!nt) return "";
  let out = "";
  const numeric = new Map<string, Tag[]>();
  for (const [labels, m] of nt.numeric) if (m.size > 0) numeric.set(labels, [...m.values()]);
  const ts = sortTags([...nt.labels.values()], flatTags).slice(0, MAX_NODELETS);
  ts.forEach((t, i) => {
    const w = flatTags ? tagFlat(t) : tagCum(t);
    if (w === 0) return;
    const weight = d.format(w);
    out += `N${id}_${i} [label = "${t.name}" id="N${id}_${i}" fontsize=8 shape=box3d tooltip="${weight}"]\n`;
    out += `N${id} -> N${id}_${i} [label=" ${weight}" weight=100 tooltip="${weight}" labeltooltip="${weight}"]\n`;
    const nts = numeric.get(t.name);
    if (nts) out += numericNodelets(d, nts, flatTags, `N${id}_${i}`);
  });
  const unlabelled = numeric.get("");
  if (unlabelled) out += numericNodelets(d, unlabelled, flatTags, `N${id}`);
  return out;
}

function numericNodelets(d: DotInput, nts: Tag[], flatTags: boolean, source: string): string {
  let out = "";
  collapsedTags(nts, MAX_NODELETS, flatTags).forEach((t, j) => {
    let w = tagCum(t), attr = ` style="dotted"`;
    if (flatTags || tagFlat(t) === tagCum(t)) {
      w = tagFlat(t);
      attr = "";
    }
    if (w === 0) return;
    const weight = d.format(w);
    out += `N${source}_${j} [label = "${t.name}" id="N${source}_${j}" fontsize=8 shape=box3d tooltip="${weight}"]\n`;
    out +=
      `${source} -> N${source}_${j} [label=" ${weight}" weight=100 tooltip="${weight}" labeltooltip="${weight}"${attr}]\n`;
  });
  return out;
}

/** Numeric tags grouped into at most `count` ranges around the heaviest values. */
function collapsedTags(ts: Tag[], count: number, flatTags: boolean): Tag[] {
  ts = sortTags(ts, flatTags);
  if (ts.length <= count) return ts;
  const groups: Tag[][] = ts.slice(0, count).map((t) => [t]);
  for (const t of ts.slice(count)) {
    let best = 0, dist = tagDistance(t, groups[0][0]);
    for (let i = 1; i < count; i++) {
      const nd = tagDistance(t, groups[i][0]);
      if (nd < dist) {
        best = i;
        dist = nd;
      }
    }
    groups[best].push(t);
  }
  return sortTags(groups.map(groupTag), flatTags);
}

function tagDistance(t: Tag, u: Tag): number {
  const [v] = scale(u.value, u.unit, t.unit);
  return v < t.value ? t.value - v : v - t.value;
}

function groupTag(g: Tag[]): Tag {
  if (g.length === 1) {
    const t = g[0];
    return {
      name: autoLabel(t.value, t.unit),
      unit: "",
      value: 0,
      flat: tagFlat(t),
      flatDiv: 0,
      cum: tagCum(t),
      cumDiv: 0,
    };
  }
  let min = g[0], max = g[0];
  let f = min.flat, df = min.flatDiv, c = min.cum, dc = min.cumDiv;
  for (const t of g.slice(1)) {
    if (Math.trunc(scale(t.value, t.unit, min.unit)[0]) < min.value) min = t;
    if (Math.trunc(scale(t.value, t.unit, max.unit)[0]) > max.value) max = t;
    f += t.flat;
    df += t.flatDiv;
    c += t.cum;
    dc += t.cumDiv;
  }
  if (df !== 0) f = idiv(f, df);
  if (dc !== 0) c = idiv(c, dc);
  return {
    name: autoLabel(min.value, min.unit) + ".." + autoLabel(max.value, max.unit),
    unit: "",
    value: 0,
    flat: f,
    flatDiv: 0,
    cum: c,
    cumDiv: 0,
  };
}

function edgeLine(d: DotInput, e: number, ids: Map<number, number>, hasNodelets: boolean): string {
  const g = d.graph;
  const E = g.edges;
  const wv = E.weightDiv[e] === 0 ? E.weight[e] : Math.trunc(E.weight[e] / E.weightDiv[e]);
  const w = d.format(wv);
  let attr = `label=" ${w}${E.inline[e] ? "\\n (inline)" : ""}"`;
  if (d.total !== 0) {
    const weight = 1 + Math.min(Math.abs(idiv(wv * 100, d.total)), 100);
    if (weight > 1) attr += ` weight=${weight}`;
    const width = 1 + Math.min(Math.abs(idiv(wv * 5, d.total)), 5);
    if (width > 1) attr += ` penwidth=${width}`;
    attr += ` color="${dotColor(wv / Math.abs(d.total), false)}"`;
  }
  const residual = E.residual[e] !== 0;
  const names = g.frames.table.names;
  const tooltip = `"${escapeForDot(names[E.src[e]])} ${residual ? "..." : "->"} ${
    escapeForDot(names[E.dst[e]])
  } (${w})"`;
  attr += ` tooltip=${tooltip} labeltooltip=${tooltip}`;
  if (residual) attr += ` style="dotted"`;
  if (hasNodelets) attr += " minlen=2";
  return `N${ids.get(E.src[e]) ?? 0} -> N${ids.get(E.dst[e]) ?? 0} [${attr}]`;
}
