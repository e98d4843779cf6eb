/**
 * Comparing a "before" and an "after" profile on the native engine: the difference profile (after minus before,
 * the before side optionally scaled to the after side's duration), its top text, and the largest changes taken
 * from the report's rows, with both sides' values.
 *
 * @module
 */
import { combineProfiles, scaleProfile } from "../profile/merge.ts";
import type { Profile } from "../profile/model.ts";
import { loadSources } from "../profile/sources.ts";
import { DEFAULT_SYMBOLIZE, symbolizeProfile } from "../profile/symbolize.ts";
import { defaultConfig } from "../report/config.ts";
import { formatValue, newReport, type Report } from "../report/report.ts";
import { renderTop, topReport } from "../report/top.ts";

/** One of the largest changes. */
export interface TopChange {
  function: string;
  before_flat: string;
  after_flat: string;
  /** after − before, signed, as pprof prints values (`+1.20s`). */
  change: string;
  severity: "increase" | "decrease" | "neutral";
  /** The same in the sample unit. */
  before_value: number;
  after_value: number;
  delta: number;
  unit: string;
}

/** The difference of two profiles. */
export interface Diff {
  /** `go tool pprof -top -nodecount=20 -base=BEFORE AFTER`'s text. */
  text: string;
  changes: TopChange[];
}

/** Rows of the diff's text, as the original's `-nodecount=20`. */
const DIFF_ROWS = 20;
/** Changes listed. */
const MAX_CHANGES = 10;

/** The difference profile of files, as `go tool pprof -base=BEFORE AFTER` builds it. */
export async function diffFiles(before: string, after: string): Promise<Profile> {
  return await loadSources({ files: [after], base: [before] });
}

/**
 * The difference profile of two merged profiles (names as stored), the before side multiplied by `scale` first
 * (after's duration / before's, so that a side holding more profiles does not look heavier).
 */
export function diffProfiles(before: Profile, after: Profile, scale = 1): Profile {
  const n = before.sampleTypes.length;
  const b = scaleProfile(before, new Array(n).fill(-scale));
  return symbolizeProfile(combineProfiles([after, b], ["after", "before"]), DEFAULT_SYMBOLIZE);
}

function flats(r: Report): Map<string, number> {
  const m = new Map<string, number>();
  for (const row of topReport(r).rows) m.set(row.name, row.flat);
  return m;
}

const everything = () => ({ ...defaultConfig(), trim: false, nodeFraction: 0, edgeFraction: 0 });

/**
 * The diff's top text (20 rows) and its largest changes (up to 10 rows whose flat value changed, in the top's
 * order: largest |change| first), with the flat values of both sides in the diff's unit.
 */
export function diffReport(diff: Profile, before: Profile, after: Profile, scale = 1): Diff {
  const r = newReport(diff, "top", { ...defaultConfig(), nodeCount: DIFF_ROWS });
  const top = topReport(r);
  const text = renderTop(top);
  const b = flats(
    newReport(scale === 1 ? before : scaleProfile(before, before.sampleTypes.map(() => scale)), "top", everything()),
  );
  const a = flats(newReport(after, "top", everything()));
  const changes: TopChange[] = [];
  for (const row of top.rows) {
    if (changes.length >= MAX_CHANGES) break;
    if (row.flat === 0) continue;
    const bv = b.get(row.name) ?? 0, av = a.get(row.name) ?? 0;
    changes.push({
      function: row.name,
      before_flat: formatValue(r, bv),
      after_flat: formatValue(r, av),
      change: (row.flat > 0 ? "+" : "") + row.flatText,
      severity: row.flat > 0 ? "increase" : "decrease",
      before_value: bv,
      after_value: av,
      delta: row.flat,
      unit: r.sampleUnit,
    });
  }
  return { text, changes };
}
