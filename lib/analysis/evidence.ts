/**
 * pprof's `-peek` and `-list` text of named functions, as evidence inside an analysis: one peek graph serves
 * every function, and a listing reads only the samples that hold its function (its lines get the weights the
 * whole profile gives them).
 *
 * @module
 */
import { percentage } from "../format/units.ts";
import { flatValue, type Graph } from "../graph/graph.ts";
import { adjacency, sortEdges, sortNodes } from "../graph/order.ts";
import type { Profile } from "../profile/model.ts";
import { selectSamples } from "../profile/view.ts";
import { compileRE2 } from "../regex/re2.ts";
import { defaultConfig, type ReportConfig } from "../report/config.ts";
import { listReport, renderList } from "../report/list.ts";
import {
  formatValue,
  newReport,
  nodeRows,
  profileLabels,
  type Report,
  reportFrames,
  reportGraph,
  selectOutputUnit,
} from "../report/report.ts";
import { treeChunks, type TreeEdge, type TreeNode } from "../report/tree.ts";
import { exactName } from "./quote_meta.ts";

/** Where -list looks for sources, and which files it may read. */
export interface SourceAccess {
  /** Directories searched for source files, `:`-separated (pprof's -source_path). */
  sourcePath: string;
  /** Prefixes removed from the profile's file names first (pprof's -trim_path); "" for none. */
  trimPath: string;
  /** Whether a derived source file may be read (the sandbox says). */
  allowed(path: string): boolean;
}

/** The report options evidence shares with the analysis (filters and the sample type). */
export type EvidenceConfig = Pick<ReportConfig, "focus" | "ignore" | "sampleIndex">;

/** The view of `r` reduced to the samples holding at least one of `names` (by function name). */
function reducedReport(r: Report, names: Set<string>): Report {
  const p = r.profile, v = r.view;
  const keepFn = new Uint8Array(p.functionCount);
  for (let f = 0; f < p.functionCount; f++) if (names.has(p.strings[p.functionName[f]])) keepFn[f] = 1;
  const keep: number[] = [];
  for (let i = 0; i < v.samples.length; i++) {
    search: for (let k = v.stackFrom[i]; k < v.stackTo[i]; k++) {
      const loc = p.stackLocs[k];
      if (v.removed[loc]) continue;
      for (let li = v.lineFrom[loc]; li < v.lineTo[loc]; li++) {
        if (keepFn[p.lineFunction[v.lines[li]]]) {
          keep.push(i);
          break search;
        }
      }
    }
  }
  return { ...r, view: selectSamples(v, Uint32Array.from(keep)) };
}

/** The graph `go tool pprof -peek` reports from (untrimmed, by function), with its header and unit. */
export interface PeekGraph {
  report: Report;
  graph: Graph;
  labels: string[];
  adjacency?: { in: number[][]; out: number[][] };
  /** Node id by function name. */
  byName: Map<string, number>;
}

/** Builds the peek graph of a profile once; {@link peekText} then renders any of its functions. */
export function peekGraph(profile: Profile, cfg: EvidenceConfig): PeekGraph {
  const base = newReport(profile, "peek", { ...defaultConfig(), ...cfg });
  const report = { ...base };
  const graph = reportGraph(report, reportFrames(report));
  sortNodes(graph, "flat");
  selectOutputUnit(report, graph);
  let flatSum = 0;
  for (const n of graph.nodes) flatSum += flatValue(graph, n);
  const labels = profileLabels(report);
  if (report.activeFilters.length > 0) labels.push("Active filters:", ...report.activeFilters.map((f) => "   " + f));
  labels.push(
    `Showing nodes accounting for ${formatValue(report, flatSum)}, ${percentage(flatSum, report.total).trim()} of ${
      formatValue(report, report.total)
    } total`,
  );
  const names = graph.frames.table.names;
  const byName = new Map<string, number>();
  for (const n of graph.nodes) if (!byName.has(names[n])) byName.set(names[n], n);
  return { report, graph, labels, byName };
}

/** The `go tool pprof -peek '^name$'` text of one function, or undefined when it is not in the graph. */
export function peekText(pg: PeekGraph, name: string): string | undefined {
  const { graph: g, report: r } = pg;
  const names = g.frames.table.names;
  const matching = g.nodes.filter((n) => names[n] === name);
  if (matching.length === 0) return undefined;
  pg.adjacency ??= adjacency(g);
  const adj = pg.adjacency;
  const rows = nodeRows(r, g, (x) => x === name);
  const edge = (e: number, cum: number, other: number): TreeEdge => ({
    name: names[other],
    weight: g.edges.weight[e],
    weightText: formatValue(r, g.edges.weight[e]),
    pct: percentage(g.edges.weight[e], cum),
    inline: !!g.edges.inline[e],
  });
  const nodes: TreeNode[] = rows.map((row) => ({
    ...row,
    callers: sortEdges(g, [...adj.in[row.id]]).map((e) => edge(e, row.cum, g.edges.src[e])),
    callees: sortEdges(g, [...adj.out[row.id]]).map((e) => edge(e, row.cum, g.edges.dst[e])),
  }));
  return [...treeChunks({ labels: pg.labels, nodes, nonEmpty: true })].join("");
}

/** The `go tool pprof -list '^name$'` text of one function, or undefined when it is not in the profile. */
export function listText(profile: Profile, cfg: EvidenceConfig, name: string, src: SourceAccess): string | undefined {
  const full = newReport(profile, "list", {
    ...defaultConfig(),
    ...cfg,
    sourcePath: src.sourcePath,
    trimPath: src.trimPath,
  });
  const r = reducedReport(full, new Set([name]));
  if (r.view.samples.length === 0) return undefined;
  try {
    return renderList(r, listReport(r, compileRE2(exactName(name)), exactName(name), src.allowed));
  } catch {
    return undefined;
  }
}
