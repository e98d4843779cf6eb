/**
 * A report in the making: the profile view after pprof's pipeline (command
 * overrides → total → focus filters), the value format, and the trimmed graph
 * with the header lines every text report starts with.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { formatReportTime } from "../format/gotime.ts";
import { autoLabel, percentage, scale, scaledLabel } from "../format/units.ts";
import { buildGraph, cumValue, type Edges, flatValue, type Graph } from "../graph/graph.ts";
import { type FrameNodes, frameNodes } from "../graph/nodes.ts";
import { nodesAboveCum, sortNodes, topNodes, trimEdges } from "../graph/order.ts";
import { addLabelNodes } from "../profile/labelnodes.ts";
import { compactProfile } from "../profile/merge.ts";
import { DIFF_BASE_LABEL, type Profile } from "../profile/model.ts";
import { goBase } from "../util/gopath.ts";
import { applyCommandOverrides, type Command, type ReportConfig, sampleIndexByName } from "./config.ts";
import { applyFocus, dropFrames } from "./filter.ts";
import { labelUnits } from "./tagfilter.ts";
import { fullView, type ProfileView } from "../profile/view.ts";

/** A prepared report. */
export interface Report {
  cmd: Command;
  cfg: ReportConfig;
  profile: Profile;
  /** Samples and frames left after filtering. */
  view: ProfileView;
  sampleIndex: number;
  meanIndex?: number;
  /** "cpu", or "mean_delay" for -mean. */
  sampleType: string;
  sampleUnit: string;
  /** Unit values are printed in; "minimum" until a graph picks one. */
  outputUnit: string;
  /** Sum of |values| before focus filtering (of the base only, for -diff_base). */
  total: number;
  ratio: number;
  activeFilters: string[];
  /** Units of numeric labels by key. */
  numLabelUnits: Map<string, string>;
  /** pprof's stderr notes (filters that matched nothing, range interpretations). */
  warnings: string[];
}

/**
 * Runs pprof's report pipeline on a profile: drop_frames pruning, command
 * overrides, sample type selection, the total (before focusing unless
 * `relativePercentages`), then the focus-stage filters.
 */
export function newReport(profile: Profile, cmd: Command, config: ReportConfig): Report {
  // The pipeline is a function of the profile, the command and the configuration: a repeat call on a cached
  // profile reuses it (a new Report each time, since reports pick their output unit and add warnings).
  const key = `${cmd}\0${JSON.stringify(config)}`;
  let memo = reportMemo.get(profile);
  if (!memo) reportMemo.set(profile, memo = new Map());
  let r = memo.get(key);
  if (!r) {
    r = prepareReport(profile, cmd, config);
    memo.set(key, r);
    if (memo.size > GRAPHS_PER_PROFILE) memo.delete(memo.keys().next().value!);
  }
  return { ...r, warnings: [...r.warnings] };
}

const reportMemo = new WeakMap<Profile, Map<string, Report>>();

function prepareReport(profile: Profile, cmd: Command, config: ReportConfig): Report {
  const cfg = applyCommandOverrides(cmd, config);
  // pprof merges every input, even a single one; only these reports show the
  // difference (sample order and duplicates, location numbering).
  if (cmd === "raw" || cmd === "traces") profile = compactProfile(profile);
  const units = labelUnits(profile);
  const warnings = [...units.conflicts];
  const rootKeys = cfg.tagRoot.split(",").filter((k) => k !== "");
  const leafKeys = cfg.tagLeaf.split(",").filter((k) => k !== "");
  if (rootKeys.length > 0 || leafKeys.length > 0) {
    const added = addLabelNodes(profile, rootKeys, leafKeys, cfg.unit);
    profile = added.profile;
    if (cfg.tagRoot !== "" && !added.rootMatched) warnings.push("TagRoot expression matched no samples");
    if (cfg.tagLeaf !== "" && !added.leafMatched) warnings.push("TagLeaf expression matched no samples");
  }
  let view = dropFrames(fullView(profile));
  if (cfg.relativePercentages) {
    const r = applyFocus(view, cfg);
    view = r.view;
    warnings.push(...r.warnings);
  }
  const sampleIndex = sampleIndexByName(profile, cfg.sampleIndex);
  const meanIndex = cfg.mean ? 0 : undefined;
  if (cfg.divideBy === 0) throw new UserError("divide_by must not be zero", "INVALID_ARGUMENT", { field: "divide_by" });
  const st = profile.sampleTypes[sampleIndex];
  const total = computeTotal(view, sampleIndex, meanIndex);
  if (!cfg.relativePercentages) {
    const r = applyFocus(view, cfg);
    view = r.view;
    warnings.push(...r.warnings);
  }
  const filters: [string, string][] = [
    ["focus", cfg.focus],
    ["ignore", cfg.ignore],
    ["hide", cfg.hide],
    ["show", cfg.show],
    ["show_from", cfg.showFrom],
    ["tagfocus", cfg.tagFocus],
    ["tagignore", cfg.tagIgnore],
    ["tagshow", cfg.tagShow],
    ["taghide", cfg.tagHide],
  ];
  return {
    cmd,
    cfg,
    profile,
    view,
    sampleIndex,
    meanIndex,
    sampleType: cfg.mean ? "mean_" + st.type : st.type,
    sampleUnit: st.unit,
    outputUnit: cfg.unit,
    total,
    ratio: 1 / cfg.divideBy,
    activeFilters: filters.filter(([, v]) => v !== "").map(([k, v]) => `${k}=${v}`),
    numLabelUnits: units.units,
    warnings,
  };
}

/** Sum of |value| (divided for -mean); only base samples count when a diff base is present. */
function computeTotal(v: ProfileView, si: number, mi: number | undefined): number {
  const p = v.profile;
  const stride = p.sampleTypes.length;
  const baseKey = p.strings.indexOf(DIFF_BASE_LABEL);
  const trueStr = baseKey > 0 ? p.strings.indexOf("true") : -1;
  let total = 0, div = 0, diffTotal = 0, diffDiv = 0;
  for (const s of v.samples) {
    const w = Math.abs(p.values[s * stride + si]);
    const d = mi === undefined ? 0 : p.values[s * stride + mi];
    total += w;
    div += d;
    if (trueStr > 0) {
      for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
        if (p.labelKey[j] === baseKey && p.labelStr[j] === trueStr) {
          diffTotal += w;
          diffDiv += d;
          break;
        }
      }
    }
  }
  if (diffTotal > 0) {
    total = diffTotal;
    div = diffDiv;
  }
  return div !== 0 ? Math.trunc(total / div) : total;
}

/** A value in the report's output unit, scaled by `-divide_by`. */
export function formatValue(r: Report, v: number): string {
  if (r.ratio > 0 && r.ratio !== 1) v = Math.trunc(v * r.ratio);
  return scaledLabel(v, r.sampleUnit, r.outputUnit);
}

/** The nodes of the report's view at its granularity. */
export function reportFrames(r: Report, objNames = false): FrameNodes {
  return frameNodes(r.view, {
    granularity: r.cfg.granularity,
    noInlines: r.cfg.noInlines,
    objNames,
    trimPath: r.cfg.trimPath,
    sourcePath: r.cfg.sourcePath,
  });
}

/**
 * A graph of the report's view, restricted to `kept` nodes when given, with
 * only the edges `edgeNodes` selects when given (see {@link buildGraph}).
 */
export function reportGraph(r: Report, frames: FrameNodes, kept?: Uint8Array, edgeNodes?: Uint8Array): Graph {
  const vo = { sampleIndex: r.sampleIndex, meanIndex: r.meanIndex };
  return buildGraph(r.view, frames, vo, kept, r.cfg.dropNegative, edgeNodes);
}

/** The graph after pprof's trimming, with what was trimmed. */
export interface TrimmedGraph {
  graph: Graph;
  origCount: number;
  droppedNodes: number;
  /** Light edges dropped, among the edges built. */
  droppedEdges: number;
}

/**
 * Builds the graph and trims it as pprof does: drop nodes under the cum cutoff,
 * keep the top `nodeCount`, drop light edges. The graph ends sorted.
 *
 * Flat and cum do not depend on which nodes are kept (a node weighs the same
 * in the full graph and in any trimmed one), so one pass gives the weights the
 * trimming reads. Its edges are those of the trimmed graph too, unless an edge
 * the report reads joins a kept node to a dropped one (then the kept node's
 * edges go over the dropped frames, and a second pass builds them). `edges`
 * picks the edges the report reads (bits as in {@link buildGraph}'s
 * `edgeNodes`; default all): top reads few, so it usually takes one pass.
 */
export function trimmedGraph(r: Report, frames = reportFrames(r), edges?: Uint8Array): TrimmedGraph {
  const o = r.cfg;
  const order = o.sort === "cum" ? "cum" : "flat";
  const full = reportGraph(r, frames, undefined, edges);
  let totalValue = 0;
  for (const n of full.nodes) totalValue += full.flat[n];
  const nodeCutoff = Math.abs(Math.trunc(totalValue * o.nodeFraction));
  const edgeCutoff = Math.abs(Math.trunc(totalValue * o.edgeFraction));
  let droppedNodes = 0;
  let kept: Uint8Array | undefined;
  let nodes = full.nodes;
  if (nodeCutoff > 0) {
    const above = nodesAboveCum(full, nodeCutoff);
    if (above.count !== nodes.length) {
      droppedNodes = nodes.length - above.count;
      kept = above.kept;
      nodes = nodes.filter((n) => above.kept[n] === 1);
    }
  }
  const origCount = nodes.length;
  const sorted = { ...full, nodes };
  sortNodes(sorted, order);
  // pprof trims light edges before it keeps the top nodes and again after; when
  // that keeps every node, the second pass finds nothing left to drop.
  let trimmedTwice = false;
  if (o.nodeCount > 0) {
    const top = topNodes(sorted, o.nodeCount);
    if (top.count !== sorted.nodes.length) {
      kept = top.kept;
      sorted.nodes = sorted.nodes.slice(0, top.count);
    } else trimmedTwice = true;
  }
  let g = full;
  if (kept) {
    const e = keptEdges(full.edges, kept, edges);
    g = e ? { ...full, edges: e } : reportGraph(r, frames, kept, edges);
  }
  g.nodes = sorted.nodes;
  const dropped = trimEdges(g, edgeCutoff);
  return { graph: g, origCount, droppedNodes, droppedEdges: trimmedTwice ? 0 : dropped };
}

// Trimmed graphs of a decoded profile by report configuration: a repeat call
// on a profile from the profile cache (lib/profile/cache.ts) skips the graph
// passes. The view is a function of the profile and the configuration, and a
// trimmed graph is never changed once made. A few per profile; they go with it.
const graphMemo = new WeakMap<Profile, Map<string, TrimmedGraph>>();
const GRAPHS_PER_PROFILE = 8;

/**
 * {@link trimmedGraph} of the report's own frames, remembered per profile and
 * configuration; `kind` names what `edges` selects (e.g. "top", "peek:REGEX"),
 * and `edges` is only called when the graph is made.
 */
export function memoTrimmedGraph(r: Report, kind: string, edges: (frames: FrameNodes) => Uint8Array | undefined) {
  const key = `${kind}\0${r.cmd}\0${r.sampleIndex}\0${r.meanIndex}\0${JSON.stringify(r.cfg)}`;
  let memo = graphMemo.get(r.profile);
  if (!memo) graphMemo.set(r.profile, memo = new Map());
  let t = memo.get(key);
  if (!t) {
    const frames = reportFrames(r);
    t = trimmedGraph(r, frames, edges(frames));
    memo.set(key, t);
    if (memo.size > GRAPHS_PER_PROFILE) memo.delete(memo.keys().next().value!);
  }
  return t;
}

/**
 * The edges of the graph restricted to `kept`, taken from the full graph's:
 * its edges between kept nodes, when no edge the report reads (by `mask`, as in
 * {@link buildGraph}) joins a kept node to a dropped one; else undefined.
 */
function keptEdges(e: Edges, kept: Uint8Array, mask?: Uint8Array): Edges | undefined {
  let count = 0;
  for (let i = 0; i < e.count; i++) {
    const s = e.src[i], d = e.dst[i];
    const ks = kept[s], kd = kept[d];
    if (ks && kd) count++;
    else if ((kd && (mask ? mask[d] & 1 : 1)) || (ks && (mask ? mask[s] & 2 : 1))) return undefined;
  }
  const out: Edges = {
    count,
    src: new Int32Array(count),
    dst: new Int32Array(count),
    weight: new Float64Array(count),
    weightDiv: new Float64Array(count),
    residual: new Uint8Array(count),
    inline: new Uint8Array(count),
    alive: new Uint8Array(count).fill(1),
  };
  for (let i = 0, k = 0; i < e.count; i++) {
    if (!kept[e.src[i]] || !kept[e.dst[i]]) continue;
    out.src[k] = e.src[i];
    out.dst[k] = e.dst[i];
    out.weight[k] = e.weight[i];
    out.weightDiv[k] = e.weightDiv[i];
    out.residual[k] = e.residual[i];
    out.inline[k] = e.inline[i];
    k++;
  }
  return out;
}

/** A graph node as the text reports print it: values, their text, and percentages of the total. */
export interface NodeRow {
  /** The node's id in the graph. */
  id: number;
  name: string;
  flat: number;
  cum: number;
  /** Values in the report's unit, as printed ("1.48s", "0"). */
  flatText: string;
  cumText: string;
  /** Percentages as printed ("5.92%", "0.087%", "  100%"). */
  flatPct: string;
  sumPct: string;
  cumPct: string;
}

/**
 * Rows for the graph's nodes in order (only those `keep` accepts), with the
 * running flat sum pprof prints as sum%.
 */
export function nodeRows(r: Report, g: Graph, keep: (name: string) => boolean = () => true): NodeRow[] {
  const names = g.frames.table.names;
  let flatSum = 0;
  const rows: NodeRow[] = [];
  for (const n of g.nodes) {
    if (!keep(names[n])) continue;
    const flat = flatValue(g, n);
    const cum = cumValue(g, n);
    flatSum += flat;
    rows.push({
      id: n,
      name: names[n],
      flat,
      cum,
      flatText: formatValue(r, flat),
      cumText: formatValue(r, cum),
      flatPct: percentage(flat, r.total),
      sumPct: percentage(flatSum, r.total),
      cumPct: percentage(cum, r.total),
    });
  }
  return rows;
}

/** Picks the output unit from the graph's values when it is "minimum", as pprof does. */
export function selectOutputUnit(r: Report, g: Graph): void {
  if (r.outputUnit !== "minimum" || g.nodes.length === 0) return;
  let minValue = 0;
  for (const n of g.nodes) {
    let nodeMin = Math.abs(flatValue(g, n));
    if (nodeMin === 0) nodeMin = Math.abs(cumValue(g, n));
    if (nodeMin > 0 && (minValue === 0 || nodeMin < minValue)) minValue = nodeMin;
  }
  let maxValue = r.total;
  if (minValue === 0) minValue = maxValue;
  if (r.ratio > 0 && r.ratio !== 1) {
    minValue = Math.trunc(minValue * r.ratio);
    maxValue = Math.trunc(maxValue * r.ratio);
  }
  const [, minUnit] = scale(minValue, r.sampleUnit, "minimum");
  const [, maxUnit] = scale(maxValue, r.sampleUnit, "minimum");
  let unit = minUnit;
  if (minUnit !== maxUnit && minValue * 100 < maxValue) {
    [, unit] = scale(100 * minValue, r.sampleUnit, "minimum");
  }
  r.outputUnit = unit !== "" ? unit : r.sampleUnit;
}

/** The profile header lines: File, Build ID, comments, Type, Time, Duration. */
export function profileLabels(r: Report): string[] {
  const p = r.profile;
  const out: string[] = [];
  if (p.mappings.length > 0) {
    if (p.mappings[0].file !== "") out.push("File: " + goBase(p.mappings[0].file));
    if (p.mappings[0].buildId !== "") out.push("Build ID: " + p.mappings[0].buildId);
  }
  for (const c of p.comments) if (!c.startsWith("#")) out.push(c);
  if (r.sampleType !== "") out.push("Type: " + r.sampleType);
  if (p.timeNanos !== 0n) out.push("Time: " + formatReportTime(p.timeNanos));
  if (p.durationNanos !== 0) {
    const duration = autoLabel(p.durationNanos, "nanoseconds");
    const [totalNanos, totalUnit] = scale(r.total, r.sampleUnit, "nanoseconds");
    const ratio = totalUnit === "ns" && totalNanos !== 0
      ? "(" + percentage(Math.trunc(totalNanos), p.durationNanos) + ")"
      : "";
    out.push(`Duration: ${duration}, Total samples = ${formatValue(r, r.total)} ${ratio}`);
  }
  return out;
}

/** Header lines of a graph-based report: profile labels, filters, what is shown and dropped. */
export function reportLabels(r: Report, t: TrimmedGraph, fullHeaders = false): string[] {
  const g = t.graph;
  const out = profileLabels(r);
  let flatSum = 0;
  for (const n of g.nodes) flatSum += flatValue(g, n);
  if (r.activeFilters.length > 0) {
    out.push("Active filters:");
    for (const f of r.activeFilters) out.push("   " + truncateBytes(f, 80));
  }
  out.push(
    `Showing nodes accounting for ${formatValue(r, flatSum)}, ${percentage(flatSum, r.total).trim()} of ${
      formatValue(r, r.total)
    } total`,
  );
  if (r.total !== 0) {
    if (t.droppedNodes > 0) {
      out.push(
        dropped(t.droppedNodes, "node", "cum", formatValue(r, Math.abs(Math.trunc(r.total * r.cfg.nodeFraction)))),
      );
    }
    if (fullHeaders && t.droppedEdges > 0) {
      out.push(
        dropped(t.droppedEdges, "edge", "freq", formatValue(r, Math.abs(Math.trunc(r.total * r.cfg.edgeFraction)))),
      );
    }
    if (g.nodes.length > 0 && g.nodes.length < t.origCount) {
      out.push(`Showing top ${g.nodes.length} nodes out of ${t.origCount}`);
    }
  }
  if (fullHeaders) out.push("\nSee https://git.io/JfYMW for how to read the graph");
  return out;
}

function dropped(n: number, what: string, key: string, value: string): string {
  return `Dropped ${n} ${n > 1 ? what + "s" : what} (${key} <= ${value})`;
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

function truncateBytes(s: string, max: number): string {
  const b = utf8.encode(s);
  return b.length <= max ? s : utf8d.decode(b.subarray(0, max)) + "…";
}
