/**
 * pprof's `-list` text of a named function as evidence inside an analysis: the listing reads only the samples
 * that hold the function (its lines get the weights the whole profile gives them). Peeks come from the stack
 * table (`stack_table.ts`).
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { selectSamples } from "../profile/view.ts";
import { compileRE2 } from "../regex/re2.ts";
import { defaultConfig, type ReportConfig } from "../report/config.ts";
import { listReport, renderList } from "../report/list.ts";
import { newReport, type Report } from "../report/report.ts";
import { exactName } from "../regex/quote.ts";

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
