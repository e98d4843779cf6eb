/**
 * `pprof.storylines`' analysis: the few hot paths that explain a profile. It walks the `-top -cum` table and
 * keeps the rows that tell a different story (a wrapper with the weight of its callee, or a library's internals
 * under its entry point, add nothing), then for each one the heaviest stack through it, where its time ends
 * up, the first frame of your code on that stack, recursion and stacks cut at the profiler's depth limit, and
 * peek/list evidence.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { defaultConfig } from "../report/config.ts";
import { newReport, type Report } from "../report/report.ts";
import type { TextRow } from "../report/top.ts";
import { type AppCode, appCode, type AppHints } from "./app_code.ts";
import { goPackage } from "./code_names.ts";
import { type EvidenceConfig, listText, type SourceAccess } from "./evidence.ts";
import { type Finding, sortFindings } from "./findings.ts";
import { nameTable, pprofValue, share, typeIndex } from "./profile_facts.ts";
import { cumTopRows, peekTexts, type StackTable, stackTable } from "./stack_table.ts";
import { exactName } from "../regex/quote.ts";

/** Options of {@link storylines}. */
export interface StorylineOptions {
  /** How many storylines (2..6, default 4). */
  n?: number;
  focus?: string;
  ignore?: string;
  /** Sample type; default alloc_space for heap profiles that have it, else pprof's default. */
  sampleIndex?: string;
  app?: AppHints;
  /** Source access for -list evidence of the first app frame; none: no list evidence. */
  source?: SourceAccess;
  /** The profile argument, for commands and next steps. */
  profilePath?: string;
  /** The repo_root argument, for next steps that list sources. */
  repoRoot?: string;
}

/** A function with a weight and its share of the total. */
export interface Weighted {
  function: string;
  value: number;
  percentage: number;
}

/** One storyline. */
export interface Storyline {
  leaf_hotspot: string;
  cum: string;
  cum_pct: string;
  cum_value: number;
  /** The hot path through the hot spot, root first: its heaviest callers, then its heaviest callees. */
  call_chain: string[] | null;
  /** Where the hot spot's time ends: the leaf functions of its samples, by weight. */
  time_goes_to: Weighted[];
  first_app_frame: string;
  /** The most times the hot spot appears in one stack (more than 1: recursion). */
  recursion_depth: number;
  /** Weight of the hot spot's samples whose stacks were cut at the profiler's depth limit, and its share. */
  truncated_value?: number;
  truncated_pct?: number;
  evidence: {
    top_row: TextRow;
    peek_leaf?: string;
    peek_first_app?: string;
    list_first_app?: string;
  };
  warnings?: string[];
}

/** The result of {@link storylines}. */
export interface StorylinesResult {
  sample_type: string;
  unit: string;
  total: number;
  storylines: Storyline[];
  app_code: Omit<AppCode, "isApp">;
  /** The flags of the equivalent `go tool pprof` top call. */
  command_flags: string[];
  /** The deepest stack in the profile (Go's CPU profiler keeps at most 64 frames). */
  max_stack_depth: number;
  findings: Finding[];
}

/** The default sample type of storylines: alloc_space for heap profiles with both alloc and inuse types. */
export function storylineSampleIndex(p: Profile): string {
  const alloc = typeIndex(p, "alloc_space", "alloc_objects") >= 0;
  const inuse = typeIndex(p, "inuse_space", "inuse_objects") >= 0;
  return alloc && inuse && typeIndex(p, "alloc_space") >= 0 ? "alloc_space" : "";
}

/** Builds the hot paths of `p`. */
export function storylines(p: Profile, o: StorylineOptions = {}): StorylinesResult {
  const n = Math.min(6, Math.max(2, o.n || 4));
  const cfg: EvidenceConfig = {
    focus: o.focus ?? "",
    ignore: o.ignore ?? "",
    sampleIndex: o.sampleIndex || storylineSampleIndex(p),
  };
  const report = newReport(p, "top", { ...defaultConfig(), ...cfg, sort: "cum", nodeCount: 40 });
  const names = nameTable(p);
  const table = stackTable(report, names);
  const top = cumTopRows(table, 40);
  const app = appCode(p, o.app);
  const appName = new Uint8Array(table.names.length);
  for (let f = 0; f < p.functionCount; f++) if (app.isApp[f]) appName[names.nameOf[f]] = 1;
  const idOf = new Map(table.names.map((x, i) => [x, i]));
  const isAppRow = (row: string) => appName[idOf.get(row) ?? -1] === 1;
  const rowNames = top.map((r) => r.name);
  const rowIds = top.map((r) => r.node);
  const pass = scan(table, rowIds);
  const chosen = choose(pass, top.map((r) => r.cum), rowNames, rowIds, n, isAppRow);

  const chosenSpots = spots(pass, chosen.map((ri) => rowIds[ri]), table.names.length);
  const lines: Storyline[] = chosen.map((ri, k) => {
    const name = rowNames[ri];
    const { chain, count, appCaller } = hotPath(pass, chosenSpots[k], table.names, appName, name);
    const appFrame = [...chain].reverse().find((fn) => appName[idOf.get(fn) ?? -1]) ?? appCaller;
    const warnings: string[] = [];
    if (chain.length === 0) warnings.push("no call chain inferred; leaf not found in samples");
    if (appFrame === "") warnings.push("no app-owned frame found");
    let truncatedValue = 0;
    const inRow = pass.member[ri], cut = pass.truncated, vals = pass.values;
    for (let i = 0; i < vals.length; i++) if (inRow[i] && cut[i]) truncatedValue += vals[i];
    const line: Storyline = {
      leaf_hotspot: name,
      cum: top[ri].row.cum,
      cum_pct: top[ri].row.cum_pct,
      cum_value: top[ri].cum,
      call_chain: chain.length > 0 ? chain : null,
      time_goes_to: leaves(pass, ri, table.names, report.total),
      first_app_frame: appFrame,
      recursion_depth: count,
      evidence: { top_row: top[ri].row },
    };
    if (share(truncatedValue, top[ri].cum) >= 1) {
      line.truncated_value = truncatedValue;
      line.truncated_pct = share(truncatedValue, top[ri].cum);
      warnings.push(
        `${line.truncated_pct.toFixed(0)}% of its weight is in stacks cut at the profiler's ${pass.maxDepth}-frame ` +
          "limit: their callers are unknown",
      );
    }
    if (count > 1) warnings.push(`recursive: ${name} appears up to ${count} times in one stack`);
    if (warnings.length > 0) line.warnings = warnings;
    return line;
  });

  const peeks = peekTexts(
    table,
    [...new Set(lines.flatMap((l) => [l.leaf_hotspot, l.first_app_frame]))]
      .map((x) => idOf.get(x) ?? -1),
  );
  for (const l of lines) {
    l.evidence.peek_leaf = peeks.get(idOf.get(l.leaf_hotspot) ?? -1);
    if (l.first_app_frame !== "") {
      l.evidence.peek_first_app = peeks.get(idOf.get(l.first_app_frame) ?? -1);
      if (o.source) l.evidence.list_first_app = listText(p, cfg, l.first_app_frame, o.source);
    }
  }
  const { isApp: _, ...appInfo } = app;
  return {
    command_flags: ["-top", "-cum", "-nodecount", "40", ...filterFlags(cfg)],
    sample_type: report.sampleType,
    unit: report.sampleUnit,
    total: report.total,
    storylines: lines,
    app_code: appInfo,
    max_stack_depth: pass.maxDepth,
    findings: storyFindings(lines, report, o, cfg.sampleIndex),
  };
}

/** Frames that start every stack of a thread; a stack that does not end in one may have been cut. */
const ROOTS = /^(?:runtime\.(?:goexit|main|mstart|mstart0|mstart1|rt0_go|systemstack|mcall|morestack|sigtramp)|main)$/;

/** The flags of the `go tool pprof -top` call the storylines start from. */
function filterFlags(cfg: EvidenceConfig): string[] {
  const out: string[] = [];
  if (cfg.focus) out.push("-focus", cfg.focus);
  if (cfg.ignore) out.push("-ignore", cfg.ignore);
  if (cfg.sampleIndex) out.push("-sample_index", cfg.sampleIndex);
  return out;
}

/** The stack table with which rows each sample holds and which stacks were cut. */
interface Pass {
  /** member[row][i]: sample i holds the row's function. */
  member: Uint8Array[];
  values: Float64Array;
  /** Node ids of every sample's frames, leaf first: sample i's are `frames[start[i] .. start[i + 1])`. */
  frames: Int32Array;
  start: Uint32Array;
  truncated: Uint8Array;
  maxDepth: number;
}

/** Go profilers' stack depth limits (64 frames for CPU up to Go 1.22, 32 for memory, 128 from Go 1.23). */
const DEPTH_LIMITS = new Set([32, 64, 128]);

/** Which rows each sample holds, and whether its stack was cut at the profiler's depth limit. */
function scan(t: StackTable, rowIds: number[]): Pass {
  const { frames, start, depth, values } = t;
  const count = values.length;
  const rowOf = new Int32Array(t.names.length).fill(-1);
  rowIds.forEach((id, row) => {
    if (id >= 0 && rowOf[id] < 0) rowOf[id] = row;
  });
  const member = rowIds.map(() => new Uint8Array(count));
  let maxLocs = 0, maxFrames = 0;
  for (let i = 0; i < count; i++) {
    for (let q = start[i]; q < start[i + 1]; q++) {
      const row = rowOf[frames[q]];
      if (row >= 0) member[row][i] = 1;
    }
    if (depth[i] > maxLocs) maxLocs = depth[i];
    if (start[i + 1] - start[i] > maxFrames) maxFrames = start[i + 1] - start[i];
  }
  // A profiler's depth limit counts frames (inline frames included) or locations; stacks that reach it without
  // a thread root at the top were cut. Whether a top frame starts a thread is tested once per name.
  const limit = DEPTH_LIMITS.has(maxFrames) ? maxFrames : DEPTH_LIMITS.has(maxLocs) ? maxLocs : 0;
  const truncated = new Uint8Array(count);
  if (limit > 0) {
    const rootName = new Int8Array(t.names.length).fill(-1);
    for (let i = 0; i < count; i++) {
      if (depth[i] < limit && start[i + 1] - start[i] < limit) continue;
      const topFrame = frames[start[i + 1] - 1];
      if (rootName[topFrame] < 0) rootName[topFrame] = ROOTS.test(t.names[topFrame]) ? 1 : 0;
      if (!rootName[topFrame]) truncated[i] = 1;
    }
  }
  return { member, values, frames, start, truncated, maxDepth: Math.max(maxFrames, maxLocs) };
}

/** Weight of the samples holding both rows. */
function together(pass: Pass, a: number, b: number): number {
  const ma = pass.member[a], mb = pass.member[b], values = pass.values;
  let w = 0;
  for (let i = 0; i < ma.length; i++) if (ma[i] && mb[i]) w += values[i];
  return w;
}

/** Whether row a sits below (closer to the leaf than) row b in the heaviest sample holding both. */
function deeper(pass: Pass, rowIds: number[], a: number, b: number): boolean {
  const ma = pass.member[a], mb = pass.member[b], values = pass.values;
  let best = -1;
  for (let i = 0; i < ma.length; i++) {
    if (ma[i] && mb[i] && (best < 0 || values[i] > values[best])) best = i;
  }
  if (best < 0) return false;
  for (let k = pass.start[best]; k < pass.start[best + 1]; k++) {
    if (pass.frames[k] === rowIds[a]) return true;
    if (pass.frames[k] === rowIds[b]) return false;
  }
  return false;
}

/**
 * What a function belongs to for telling stories apart: a library's package, or in your code (where one
 * package such as `main` holds many stories) the receiver type or the function itself.
 */
function owner(name: string, app: boolean): string {
  if (!app) return goPackage(name) || name;
  const m = /^(.*?\.\(\*?[^)]+\))\./.exec(name);
  return m ? m[1] : name.replace(/\.func\d+(?:\.\d+)*$/, "");
}

/**
 * The rows that tell different stories, in cum order: a row whose weight lies (95 %) within a chosen one is
 * the same story when it has the same owner (a library's internals under its entry point: the entry is kept)
 * or nearly the same weight (a wrapper chain: the deeper one is kept).
 */
function choose(
  pass: Pass,
  cums: number[],
  rowNames: string[],
  rowIds: number[],
  n: number,
  isApp: (name: string) => boolean,
): number[] {
  const own = rowNames.map((x) => owner(x, isApp(x)));
  const chosen: number[] = [];
  for (let ri = 0; ri < rowNames.length && chosen.length < n; ri++) {
    const cum = Math.abs(cums[ri]);
    if (cum === 0) continue;
    let redundant = false;
    for (let ci = 0; ci < chosen.length; ci++) {
      const c = chosen[ci];
      const both = together(pass, ri, c);
      const small = Math.min(cum, Math.abs(cums[c]));
      if (both < 0.95 * small) continue;
      if (own[ri] === own[c]) {
        redundant = true;
        break;
      }
      if (small / Math.max(cum, Math.abs(cums[c])) >= 0.9) {
        if (deeper(pass, rowIds, ri, c)) chosen[ci] = ri;
        redundant = true;
        break;
      }
    }
    if (!redundant) chosen.push(ri);
  }
  return [...new Set(chosen)];
}

/** Where a storyline's function sits in each sample: the outermost frame of it (-1: absent), and its most
 * occurrences in one stack. */
interface Spot {
  pos: Int32Array;
  count: number;
}

/** The spots of several functions, in one pass over the frames. */
function spots(pass: Pass, ids: number[], nodes: number): Spot[] {
  // Locals only in the loop: property loads there cost more than the loop itself on large profiles.
  const { frames, start, values } = pass;
  const slot = new Int32Array(nodes).fill(-1);
  ids.forEach((id, k) => {
    if (id >= 0) slot[id] = k;
  });
  const n = values.length, m = ids.length;
  const pos = ids.map(() => new Int32Array(n).fill(-1));
  const counts = new Int32Array(m);
  const seen = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    seen.fill(0);
    const end = start[i + 1];
    for (let q = start[i]; q < end; q++) {
      const k = slot[frames[q]];
      if (k < 0) continue;
      pos[k][i] = q; // leaf first: the last one seen is the outermost
      seen[k]++;
    }
    for (let k = 0; k < m; k++) if (seen[k] > counts[k]) counts[k] = seen[k];
  }
  return pos.map((p, k) => ({ pos: p, count: counts[k] }));
}

/**
 * The hot path through row `ri`'s function: from its outermost frame, up to 3 heaviest callers above it and
 * then, while a callee carries more weight than the function's own time, the heaviest callee (as following
 * pprof -peek down), 12 frames at most, root first; the most times the function appears in one stack; and the
 * heaviest frame of your code at or above it.
 */
function hotPath(pass: Pass, spot: Spot, names: string[], appName: Uint8Array, name: string) {
  const { values, frames, start } = pass;
  const { pos, count } = spot;
  let total = 0;
  for (let i = 0; i < pos.length; i++) if (pos[i] >= 0 && values[i] !== 0) total++;
  if (total === 0) return { chain: [] as string[], count: 0, appCaller: "" };
  const all = new Int32Array(total);
  for (let i = 0, j = 0; i < pos.length; i++) if (pos[i] >= 0 && values[i] !== 0) all[j++] = i;
  // Weights by name id in a typed array, with the ids touched, so each step costs its samples only.
  const acc = new Float64Array(names.length);
  const touched: number[] = [];
  /** The heaviest frame `step` levels toward the root (step > 0) or the leaf (step < 0), and the rest. */
  const heaviest = (sel: Int32Array, n: number, step: number) => {
    let rest = 0;
    for (let j = 0; j < n; j++) {
      const i = sel[j], k = pos[i] + step;
      const w = Math.abs(values[i]);
      if (k < start[i] || k >= start[i + 1]) {
        rest += w;
        continue;
      }
      const f = frames[k];
      if (acc[f] === 0) touched.push(f);
      acc[f] += w;
    }
    let id = -1, w = 0;
    for (const k of touched) {
      if (acc[k] > w || (acc[k] === w && k < id)) [id, w] = [k, acc[k]];
      acc[k] = 0;
    }
    touched.length = 0;
    return { id, w, rest };
  };
  /** Keeps the samples whose frame `step` levels away is `id`; returns how many are left. */
  const keep = (sel: Int32Array, n: number, step: number, id: number) => {
    let m = 0;
    for (let j = 0; j < n; j++) {
      const i = sel[j], k = pos[i] + step;
      if (k >= start[i] && k < start[i + 1] && frames[k] === id) sel[m++] = i;
    }
    return m;
  };
  const above: string[] = [];
  let sel = all.slice(), n = total;
  for (let up = 1; up <= 3; up++) {
    const h = heaviest(sel, n, up);
    if (h.id < 0) break;
    above.unshift(names[h.id]);
    n = keep(sel, n, up, h.id);
  }
  const below: string[] = [];
  sel = all.slice();
  n = total;
  for (let down = 1; above.length + 1 + below.length < 12; down++) {
    const h = heaviest(sel, n, -down);
    if (h.id < 0 || h.w <= h.rest) break;
    below.push(names[h.id]);
    n = keep(sel, n, -down, h.id);
  }
  // Your code nearest at or above the function, by weight: where its path is entered from.
  const callers = new Map<number, number>();
  for (let j = 0; j < total; j++) {
    const i = all[j];
    for (let k = pos[i]; k < start[i + 1]; k++) {
      if (appName[frames[k]]) {
        callers.set(frames[k], (callers.get(frames[k]) ?? 0) + Math.abs(values[i]));
        break;
      }
    }
  }
  let appCaller = -1, best = 0;
  for (const [k, w] of callers) if (w > best || (w === best && k < appCaller)) [appCaller, best] = [k, w];
  return { chain: [...above, name, ...below], count, appCaller: appCaller >= 0 ? names[appCaller] : "" };
}

/** The leaf functions of the samples holding row `ri`, by weight (top 3). */
function leaves(pass: Pass, ri: number, names: string[], total: number): Weighted[] {
  const by = new Map<number, number>();
  const m = pass.member[ri], { start, frames, values } = pass;
  for (let i = 0; i < m.length; i++) {
    if (!m[i] || start[i] === start[i + 1]) continue;
    const id = frames[start[i]];
    by.set(id, (by.get(id) ?? 0) + values[i]);
  }
  return [...by].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3).map(([id, value]) => ({
    function: names[id],
    value,
    percentage: share(value, total),
  }));
}

function storyFindings(lines: Storyline[], r: Report, o: StorylineOptions, sampleIndex: string): Finding[] {
  const profile = o.profilePath ?? "";
  // pprof.list reports the profile's default sample type; when storylines read another one, peek (which can be
  // told the type) is the next step instead.
  const si = sampleIndex !== "" ? { sample_index: sampleIndex } : {};
  const listable = sampleIndex === "";
  const out: Finding[] = [];
  for (const l of lines) {
    const pct = share(l.cum_value, r.total);
    const goes = l.time_goes_to.filter((x) => x.function !== l.leaf_hotspot)
      .map((x) => `${x.function} (${x.percentage.toFixed(1)}%)`);
    const step = o.source && l.first_app_frame !== "" && listable
      ? {
        tool: "pprof.list",
        arguments: { profile, function: exactName(l.first_app_frame), repo_root: o.repoRoot ?? "" },
        why: `the hot lines of ${l.first_app_frame}, your code on this path`,
      }
      : {
        tool: "pprof.peek",
        arguments: { profile, regex: exactName(l.leaf_hotspot), ...si },
        why: `who calls ${l.leaf_hotspot} and what it calls`,
      };
    out.push({
      severity: pct >= 30 ? "high" : pct >= 10 ? "medium" : "low",
      title: `${l.leaf_hotspot} is on ${pct.toFixed(1)}% of ${r.sampleType}` +
        (goes.length > 0 ? `; its time goes to ${goes.join(", ")}` : "") +
        (l.first_app_frame !== "" && l.first_app_frame !== l.leaf_hotspot ? ` (your code: ${l.first_app_frame})` : ""),
      evidence: {
        function: l.leaf_hotspot,
        share: pct,
        value: l.cum_value,
        value_text: pprofValue(l.cum_value, r.sampleUnit),
        unit: r.sampleUnit,
      },
      next_step: step,
    });
    if (l.recursion_depth > 1 || (l.truncated_pct ?? 0) >= 10) {
      const cut = l.truncated_pct ? `; ${l.truncated_pct.toFixed(0)}% of it is in stacks cut at the depth limit` : "";
      out.push({
        severity: (l.truncated_pct ?? 0) >= 25 || pct >= 30 ? "high" : "medium",
        title: `Deep recursion in ${l.leaf_hotspot}: ${l.truncated_pct ? "at least " : ""}${l.recursion_depth} ` +
          `frames of it in one stack${cut}`,
        evidence: {
          function: l.leaf_hotspot,
          share: pct,
          value: l.cum_value,
          value_text: pprofValue(l.cum_value, r.sampleUnit),
          unit: r.sampleUnit,
        },
        next_step: listable
          ? {
            tool: "pprof.list",
            arguments: {
              profile,
              function: exactName(l.leaf_hotspot),
              ...(o.repoRoot ? { repo_root: o.repoRoot } : {}),
            },
            why: "the recursive call and what bounds its depth",
          }
          : {
            tool: "pprof.peek",
            arguments: { profile, regex: exactName(l.leaf_hotspot), ...si },
            why: "the recursive call and its callers",
          },
      });
    }
  }
  return sortFindings(out);
}
