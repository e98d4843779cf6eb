/**
 * A function's share of a profile, measured on the native engine: the functions whose name matches a Go regexp
 * (or, when the text is no valid regexp, contains it), their flat weight, and the weight of every sample whose
 * stack passes through one of them (pprof's `-focus`).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { parsePercent } from "../report/top.ts";
import { percentage, scale as scaleUnit, scaledLabel } from "../format/units.ts";
import { quoteMeta } from "../regex/quote.ts";
import { compileRE2, type GoRegexp } from "../regex/re2.ts";
import type { Profile } from "../profile/model.ts";
import { defaultConfig } from "../report/config.ts";
import { newReport } from "../report/report.ts";

/** A pattern as a Go regexp, or, when it is not valid RE2, as the literal text. */
export function functionPattern(pattern: string): { focus: string; re: GoRegexp; literal: boolean } {
  try {
    return { focus: pattern, re: compileRE2(pattern, "function"), literal: false };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const quoted = quoteMeta(pattern);
    return { focus: quoted, re: compileRE2(quoted, "function"), literal: true };
  }
}

/** A function's share of one profile. */
export interface FunctionShare {
  found: boolean;
  /** The matching functions, the heaviest first (at most 10 names). */
  functions: string[];
  flat: number;
  cum: number;
  total: number;
  flat_value: string;
  cum_value: string;
  flat_percent: number;
  cum_percent: number;
}

/**
 * The share of the functions matching `pattern` in `profile` (default sample type): flat = the samples whose leaf
 * frame is one of them, cum = the samples whose stack contains one of them (what `go tool pprof -focus` keeps), both
 * of the whole profile's total. Computed in one pass over the focused samples' frames (no call graph: a history
 * measures dozens of profiles). Values are printed as pprof prints them, in the unit its top picks from the smallest sample. `scale`
 * multiplies values (e.g. to one average profile of a merge); percentages are unchanged by it.
 */
export function functionShare(profile: Profile, pattern: string, scale = 1): FunctionShare {
  const { focus, re } = functionPattern(pattern);
  const r = newReport(profile, "top", { ...defaultConfig(), focus });
  const v = r.view, p = v.profile;
  const stride = p.sampleTypes.length;
  // Per function: 0 not yet tested, 1 matches, 2 does not.
  const verdict = new Uint8Array(p.functionCount);
  const matches = (fn: number) => {
    if (verdict[fn] === 0) verdict[fn] = re.test(p.strings[p.functionName[fn]]) ? 1 : 2;
    return verdict[fn] === 1;
  };
  const flatByName = new Map<string, number>();
  let cum = 0, flat = 0, smallest = 0;
  for (let i = 0; i < v.samples.length; i++) {
    const w = Math.abs(p.values[v.samples[i] * stride + r.sampleIndex]);
    cum += w;
    if (w > 0 && (smallest === 0 || w < smallest)) smallest = w;
    let leaf = true;
    for (let j = v.stackFrom[i]; j < v.stackTo[i]; j++) {
      const l = p.stackLocs[j];
      if (v.removed[l]) continue;
      for (let k = v.lineFrom[l]; k < v.lineTo[l]; k++) {
        const fn = p.lineFunction[v.lines[k]];
        if (!matches(fn)) {
          leaf = false;
          continue;
        }
        const name = p.strings[p.functionName[fn]];
        if (leaf) {
          flat += w;
          flatByName.set(name, (flatByName.get(name) ?? 0) + w);
        } else if (!flatByName.has(name)) flatByName.set(name, 0);
        leaf = false;
      }
      leaf = false;
    }
  }
  const unit = outputUnit(r.sampleUnit, smallest, r.total);
  const label = (x: number) => (x === 0 ? "0" : scaledLabel(Math.round(x * scale), r.sampleUnit, unit));
  const functions = [...flatByName.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  return {
    found: v.samples.length > 0 && cum > 0,
    functions: functions.map(([name]) => name),
    flat: flat * scale,
    cum: cum * scale,
    total: r.total * scale,
    flat_value: label(flat),
    cum_value: label(cum),
    flat_percent: parsePercent(percentage(flat, r.total).trim()),
    cum_percent: parsePercent(percentage(cum, r.total).trim()),
  };
}

/**
 * pprof's choice of the "minimum" output unit, from the smallest value shown and the total; here the smallest is
 * that of one sample, as the smallest node of a top usually is (one CPU sample: 10ms, printed in s).
 */
function outputUnit(sampleUnit: string, smallest: number, total: number): string {
  const min = smallest > 0 ? smallest : total;
  const [, minUnit] = scaleUnit(min, sampleUnit, "minimum");
  const [, maxUnit] = scaleUnit(total, sampleUnit, "minimum");
  let unit = minUnit;
  if (minUnit !== maxUnit && min * 100 < total) [, unit] = scaleUnit(100 * min, sampleUnit, "minimum");
  return unit !== "" ? unit : sampleUnit;
}
