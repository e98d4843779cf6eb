/**
 * What a code change did to each kind of profile: the before and after captures compared with the regression
 * gate's comparison (per function, mean per capture, with the run-to-run noise band when there are two or more
 * captures a side) and pprof's `-diff_base` view of the merged sides, plus findings.
 *
 * @module
 */
import type { Finding } from "../analysis/findings.ts";
import { compareRuns, type Mover, type NoiseInfo, type RunSummary, summarizeRun } from "../analysis/regression.ts";
import { autoLabel } from "../format/units.ts";
import { loadProfile } from "../profile/load.ts";
import { loadSources } from "../profile/sources.ts";
import { defaultConfig } from "../report/config.ts";
import { newReport } from "../report/report.ts";
import { renderTop, topReport } from "../report/top.ts";
import { shellJoin } from "../util/shell.ts";

/** A profile file of one side, with its handle. */
export interface SideFile {
  path: string;
  handle: string;
}

/** How one of a function's values (flat or cum) changed. */
export interface ValueChange {
  /** Mean per capture, in the profile's unit. */
  before: number;
  after: number;
  delta: number;
  /** The change relative to before, in percent (null for a function new in after). */
  delta_pct: number | null;
  /** Share of the profile's total, in percent, and its change in points. */
  before_share: number;
  after_share: number;
  share_delta: number;
  /** Half-width of the noise band of share_delta, in points (two or more captures a side). */
  noise_band?: number;
  /** beyond_noise / within_noise: the change against the band; no_noise_band with one capture on a side. */
  verdict: "beyond_noise" | "within_noise" | "no_noise_band";
  before_text: string;
  after_text: string;
  delta_text: string;
}

/** One function's change: its own samples (flat) and with its callees (cum; absent when it did not move). */
export interface FunctionChange {
  function: string;
  flat?: ValueChange;
  cum?: ValueChange;
}

/** The comparison of one kind of profile. */
export interface KindComparison {
  type: string;
  sample_type: string;
  unit: string;
  captures: { before: number; after: number };
  /** Mean total per capture. */
  before_total: number;
  after_total: number;
  total_delta_text: string;
  noise: NoiseInfo;
  /** Functions whose share moved most (by |share_delta| of `by`), with both of their values. */
  by: "flat" | "cum";
  functions: FunctionChange[];
  /** The `-diff_base` top of the merged sides, as pprof prints it (its first rows), and how to see all of it. */
  diff_top: string[];
  diff_command: string;
  /** The handles of each side's captures. */
  handles: { before: string[]; after: string[] };
}

/** How to compare. */
export interface CompareSidesOptions {
  /** Functions per kind (default 10). */
  movers?: number;
  /** Rank by cum instead of flat. */
  cum?: boolean;
  signal?: AbortSignal;
}

/** Rows of pprof's `-diff_base` top kept per kind. */
const DIFF_ROWS = 12;

function change(m: Mover, unit: string, banded: boolean): ValueChange {
  const delta = m.head_value - m.base_value;
  const pct = m.base_value === 0 ? null : (delta / Math.abs(m.base_value)) * 100;
  const c: ValueChange = {
    before: m.base_value,
    after: m.head_value,
    delta,
    delta_pct: pct,
    before_share: m.base_pct,
    after_share: m.head_pct,
    share_delta: m.delta_pct,
    verdict: !banded ? "no_noise_band" : m.beyond_noise ? "beyond_noise" : "within_noise",
    before_text: autoLabel(m.base_value, unit),
    after_text: autoLabel(m.head_value, unit),
    delta_text: `${delta > 0 ? "+" : ""}${autoLabel(delta, unit)}` +
      (pct === null ? " (new)" : ` (${pct > 0 ? "+" : ""}${pct.toFixed(1)}%)`),
  };
  if (banded && m.noise_band_pct !== undefined) c.noise_band = m.noise_band_pct;
  return c;
}

/** The value a function is ranked by. */
export function rankedValue(f: FunctionChange, by: "flat" | "cum"): ValueChange {
  return (by === "cum" ? f.cum : f.flat)!;
}

/**
 * Compares the captures of each kind present on both sides (in the order of `kinds`).
 *
 * @throws {UserError} for files that cannot be read (they were just written, so only a removed file does that).
 */
export async function compareSides(
  before: Record<string, SideFile[]>,
  after: Record<string, SideFile[]>,
  kinds: string[],
  o: CompareSidesOptions = {},
): Promise<KindComparison[]> {
  const out: KindComparison[] = [];
  for (const type of kinds) {
    const b = before[type] ?? [], a = after[type] ?? [];
    if (b.length === 0 || a.length === 0) continue;
    const runs = async (files: SideFile[]) => {
      const rs: RunSummary[] = [];
      for (const f of files) {
        o.signal?.throwIfAborted();
        rs.push(summarizeRun(await loadProfile(f.path), f.path, []));
      }
      return rs;
    };
    const br = await runs(b), ar = await runs(a);
    const gate = compareRuns(br, ar, [], { movers: o.movers ?? 10, cum: o.cum });
    // The other value of every function that moved, to put beside the ranked one.
    const other = compareRuns(br, ar, [], { movers: Number.MAX_SAFE_INTEGER, cum: !o.cum });
    const otherBy = new Map(other.movers.map((m) => [m.function, m]));
    const banded = gate.noise.method === "welch_t";
    const functions = gate.movers.map((m): FunctionChange => {
      const ranked = change(m, gate.unit, banded);
      const o2 = otherBy.get(m.function);
      const second = o2 && change(o2, gate.unit, banded);
      return gate.movers_by === "cum"
        ? { function: m.function, ...(second ? { flat: second } : {}), cum: ranked }
        : { function: m.function, flat: ranked, ...(second ? { cum: second } : {}) };
    });
    const diff = await loadSources({ files: a.map((f) => f.path), base: b.map((f) => f.path), diffBase: true });
    const top = renderTop(topReport(newReport(diff, "top", defaultConfig()))).split("\n");
    const header = top.findIndex((l) => /^\s+flat\s+flat%/.test(l));
    const diffTop = top.slice(0, header + 1 + DIFF_ROWS).filter((l) => l !== "");
    const totalDelta = gate.head.total - gate.base.total;
    const totalPct = gate.base.total === 0
      ? ""
      : ` (${totalDelta > 0 ? "+" : ""}${((totalDelta / gate.base.total) * 100).toFixed(1)}%)`;
    out.push({
      type,
      sample_type: gate.sample_type,
      unit: gate.unit,
      captures: { before: b.length, after: a.length },
      before_total: gate.base.total,
      after_total: gate.head.total,
      total_delta_text: `${totalDelta > 0 ? "+" : ""}${autoLabel(totalDelta, gate.unit)}${totalPct}`,
      noise: gate.noise,
      by: gate.movers_by,
      functions,
      diff_top: diffTop,
      diff_command: shellJoin(["pprof-mcp", "top", ...b.map((f) => `--diff_base=${f.path}`), ...a.map((f) => f.path)]),
      handles: { before: b.map((f) => f.handle), after: a.map((f) => f.handle) },
    });
  }
  return out;
}

/**
 * Findings of the comparisons: per kind, the largest changes beyond the noise band (or, with one capture a side,
 * the largest changes at all, as low severity since they may be noise), each with a pprof.diff_top call to look
 * (canonical name: the tool layer exposes it).
 */
export function comparisonFindings(cs: KindComparison[], perKind = 3): Finding[] {
  const findings: Finding[] = [];
  for (const c of cs) {
    const picked = c.functions.map((fn) => ({ name: fn.function, v: rankedValue(fn, c.by) }))
      .filter(({ v }) => v.verdict !== "within_noise" && Math.abs(v.share_delta) >= 0.5)
      .slice(0, perKind);
    for (const { name, v: f } of picked) {
      const grew = f.share_delta > 0;
      const big = Math.abs(f.share_delta) >= 5;
      const severity = f.verdict === "no_noise_band" ? "low" : grew ? (big ? "high" : "medium") : "info";
      const band = f.noise_band !== undefined ? `, beyond the noise band ±${f.noise_band.toFixed(2)}pp` : "";
      const unbanded = f.verdict === "no_noise_band" ? " (one capture a side: it may be noise)" : "";
      findings.push({
        severity,
        title: `${c.type}: ${name} (${c.by}) ${grew ? "grew" : "shrank"} ${f.share_delta > 0 ? "+" : ""}` +
          `${f.share_delta.toFixed(2)}pp (${f.before_text} → ${f.after_text} per capture, ${f.delta_text})${band}` +
          unbanded,
        evidence: {
          function: name,
          share: f.after_share,
          value: f.delta,
          value_text: f.delta_text,
          unit: c.unit,
        },
        next_step: {
          tool: "pprof.diff_top",
          arguments: { before: c.handles.before[0], after: c.handles.after[0] },
          why: `the ${c.type} profiles before and after, function by function`,
        },
      });
    }
  }
  return findings;
}
