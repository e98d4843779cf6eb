/**
 * A flame graph document: the tree of a prepared report with what every
 * rendering (SVG, HTML, text) prints beside it: title, profile header, value
 * format and shares, tooltips, and the hottest frames for summaries.
 *
 * @module
 */
import { percentage } from "../format/units.ts";
import type { GoRegexp } from "../regex/re2.ts";
import { formatValue, profileLabels, type Report } from "../report/report.ts";
import { goBase } from "../util/gopath.ts";
import {
  buildTree,
  childrenOf,
  type FlameTree,
  type FrameNames,
  frameNames,
  nodeName,
  reportStacks,
  type Stacks,
} from "./flame.ts";
import { reportFrames } from "../report/report.ts";
import { UserError } from "../errors.ts";
import { noMatches } from "../report/tree.ts";
import { renderHtml } from "./html.ts";
import { renderSvg } from "./svg.ts";
import { renderTextSandwich, sandwichFrame, textTreeChunks } from "./text.ts";

/** A flame tree with its texts. */
export interface FlameDoc {
  tree: FlameTree;
  /** "connsync: cpu", "connsync: cpu, candidate vs base". */
  title: string;
  /** The profile's header (type, time, duration, filters) on one line. */
  subtitle: string;
  /** The profile's header lines as pprof prints them. */
  header: string[];
  sampleType: string;
  /** The total percentages are of: pprof's (all samples before focusing; the base's for a diff). */
  total: number;
  /** A value in the profile's unit (`1.48s`, `48.2MB`). */
  format(v: number): string;
  /** The line under the drawing: what width means and how many frames are drawn. */
  footer(shown: number, all: number): string;
  /** Self and total value of every frame (by graph node id) over all stacks, before pruning. */
  byFrame: { self: Float64Array; total: Float64Array };
  /** The stacks the tree was made of, and the frames' names. */
  stacks: Stacks;
  frameNames: FrameNames;
}

/**
 * The flame graph document of a prepared report, without paths narrower than
 * `minFraction` of the whole (0 keeps every path).
 */
export function flameDoc(r: Report, minFraction = 0): FlameDoc {
  const frames = reportFrames(r);
  const stacks = reportStacks(r, frames);
  let all = 0;
  for (let i = 0; i < stacks.count; i++) all += stacks.weight[i];
  const names = frameNames(frames.table);
  const tree = buildTree(stacks, names, all * minFraction);
  const p = r.profile;
  const binary = p.mappings.length > 0 && p.mappings[0].file !== "" ? goBase(p.mappings[0].file) + ": " : "";
  const diff = tree.baseTotal !== undefined;
  const header = [...profileLabels(r), ...r.activeFilters.map((f) => "Active filter: " + f)];
  // pprof prints the total on its Duration line; profiles without a duration (heap) get it here.
  if (p.durationNanos === 0 && !diff) header.push(`Total: ${formatValue(r, tree.total[0])}`);
  if (diff) {
    const c = tree.total[0], b = tree.baseTotal![0];
    header.push(
      `Base ${formatValue(r, b)} → candidate ${formatValue(r, c)} (${c >= b ? "+" : ""}${
        b !== 0 ? ((c - b) / b * 100).toFixed(1) : "∞"
      }%)`,
    );
  }
  return {
    tree,
    title: `${binary}${r.sampleType}${diff ? ", candidate vs base" : ""}`,
    subtitle: header.join(" · "),
    header,
    sampleType: r.sampleType,
    total: r.total,
    format: (v) => formatValue(r, v),
    byFrame: frameWeights(stacks, frames.table.size),
    stacks,
    frameNames: names,
    footer: (shown, count) =>
      `Width: ${diff ? "candidate + base " : ""}${r.sampleType} · ${shown} call paths drawn` +
      (shown < count || minFraction > 0 ? ", narrower ones merged into their caller" : "") + " · pprof-mcp",
  };
}

/** A share of the document's total, as pprof prints percentages (`5.92%`). */
export function share(doc: FlameDoc, v: number): string {
  return percentage(v, doc.total).trim();
}

/** A signed value (`+1.2s`, `-300ms`). */
function signed(doc: FlameDoc, v: number): string {
  return (v > 0 ? "+" : v < 0 ? "-" : "±") + doc.format(Math.abs(v));
}

/** The tooltip of node `i`: name, total and self with shares; in a diff both sides and the change. */
export function frameTooltip(doc: FlameDoc, i: number): string {
  const t = doc.tree;
  const name = nodeName(t, i);
  if (!t.baseTotal || !t.baseSelf) {
    return `${name}\ntotal ${doc.format(t.total[i])} (${share(doc, t.total[i])}), self ${doc.format(t.self[i])} (${
      share(doc, t.self[i])
    })`;
  }
  const c = t.total[i], b = t.baseTotal[i];
  const rel = b !== 0 ? ` (${c >= b ? "+" : ""}${((c - b) / b * 100).toFixed(1)}%)` : "";
  const only = b === 0 ? "\nonly in the candidate" : c === 0 ? "\nonly in the base" : "";
  return `${name}\nbase ${doc.format(b)} → candidate ${doc.format(c)}: ${signed(doc, c - b)}${rel}` +
    `\nself: base ${doc.format(t.baseSelf[i])}, candidate ${doc.format(t.self[i])}${only}`;
}

/** A frame's weight for summaries. */
export interface HotFrame {
  name: string;
  self: number;
  self_text: string;
  self_pct: number;
  total: number;
  total_text: string;
  total_pct: number;
}

/**
 * The hottest frames by self value over every stack (a function reached from
 * many callers counts once, and a recursive one once per stack), and the
 * heaviest path from the root. In a diff, values are the candidate's.
 */
export function hotFrames(doc: FlameDoc, n = 5): { frames: HotFrame[]; path: string[] } {
  const { self, total } = doc.byFrame;
  const order = Array.from(self.keys()).sort((a, b) => self[b] - self[a] || total[b] - total[a]).slice(0, n);
  const all = Math.abs(doc.tree.total[0]) || 1;
  const frames = order.filter((f) => self[f] !== 0).map((f) => ({
    name: doc.tree.names[f],
    self: self[f],
    self_text: doc.format(self[f]),
    self_pct: self[f] / all * 100,
    total: total[f],
    total_text: doc.format(total[f]),
    total_pct: total[f] / all * 100,
  }));
  const t = doc.tree;
  const path: string[] = [];
  for (let i = 0;;) {
    const kids = childrenOf(t, i);
    if (kids.length === 0) break;
    i = kids[0];
    path.push(t.names[t.frame[i]]);
  }
  return { frames, path };
}

/** Self and total value of every frame (graph node id) over the candidate's stacks. */
function frameWeights(st: Stacks, size: number): { self: Float64Array; total: Float64Array } {
  const self = new Float64Array(size);
  const total = new Float64Array(size);
  const seen = new Uint32Array(size);
  for (let i = 0; i < st.count; i++) {
    if (st.base[i]) continue;
    const w = st.weight[i];
    const from = st.start[i], to = st.start[i + 1];
    if (to > from) self[st.frames[to - 1]] += w;
    for (let k = from; k < to; k++) {
      const f = st.frames[k];
      if (seen[f] === i + 1) continue;
      seen[f] = i + 1;
      total[f] += w;
    }
  }
  return { self, total };
}

/** The formats a flame graph is written in. */
export type FlameFormat = "svg" | "html" | "text";

/** How to render a flame graph. */
export interface FlameOptions {
  format: FlameFormat;
  /** Text: leave out call paths under this percentage (default 1). */
  minPct?: number;
  /** Text: the sandwich of the heaviest function matching this, instead of the whole tree. */
  sandwich?: GoRegexp;
  /** SVG: the image width in pixels (default 1200). */
  width?: number;
}

/** A rendered flame graph: its text (SVG, HTML or plain) and the document it was made from. */
export interface FlameOutput {
  /** The whole text. */
  readonly text: string;
  /** The text in chunks of whole lines, produced as they are read (a text tree can be long). */
  chunks(): Iterable<string>;
  doc: FlameDoc;
  /** For a sandwich: the function it is about. */
  function?: string;
}

/**
 * Renders the flame graph of a prepared report. Each format drops what it
 * cannot show: the SVG paths under a pixel, the HTML paths under a tenth of
 * one (at 1200 px), the text paths under `minPct`.
 *
 * @throws {NoMatchError} when `sandwich` matches no frame
 */
export function renderFlame(r: Report, o: FlameOptions): FlameOutput {
  if (r.meanIndex !== undefined) {
    throw new UserError("--mean has no flame graph: a frame's width is a sum, not an average", "INVALID_ARGUMENT", {
      field: "mean",
    });
  }
  const width = o.width ?? 1200;
  const whole = (text: string, doc: FlameDoc, fn?: string): FlameOutput => ({
    text,
    chunks: () => [text],
    doc,
    ...(fn ? { function: fn } : {}),
  });
  if (o.format === "svg") {
    const doc = flameDoc(r, 1 / (width - 20));
    return whole(renderSvg(doc, { width }), doc);
  }
  if (o.format === "html") {
    const doc = flameDoc(r, 1 / 12000);
    return whole(renderHtml(doc, r.sampleUnit, r.ratio), doc);
  }
  const minPct = o.minPct ?? 1;
  const doc = flameDoc(r, minPct / 100);
  if (!o.sandwich) {
    return {
      get text() {
        return [...textTreeChunks(doc, { minPct })].join("");
      },
      chunks: () => textTreeChunks(doc, { minPct }),
      doc,
    };
  }
  const pick = sandwichFrame(doc, o.sandwich);
  if (!pick) throw noMatches(o.sandwich.source);
  const text = renderTextSandwich(doc, doc.stacks, doc.frameNames, pick.frame, pick.others, { minPct });
  return whole(text, doc, doc.frameNames.names[pick.frame]);
}
