/**
 * A function's share of a profile, measured on the native engine: the functions whose name matches a Go regexp
 * (or, when the text is no valid regexp, contains it), their flat weight, and the weight of every sample whose
 * stack passes through one of them (pprof's `-focus`).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { parsePercent } from "../report/top.ts";
import { percentage } from "../format/units.ts";
import { compileRE2 } from "../regex/re2.ts";
import type { Profile } from "../profile/model.ts";
import { defaultConfig } from "../report/config.ts";
import { formatValue, newReport } from "../report/report.ts";
import { topReport } from "../report/top.ts";

/** A pattern as a Go regexp, or, when it is not valid RE2, as the literal text. */
export function functionPattern(pattern: string): { focus: string; re: RegExp; literal: boolean } {
  try {
    return { focus: pattern, re: compileRE2(pattern, "function"), literal: false };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    const quoted = pattern.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
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
 * is one of them, cum = the samples whose stack contains one of them (what `go tool pprof -focus` keeps), both of
 * the whole profile's total, with values as pprof prints them. `scale` multiplies values (e.g. to one average
 * profile of a merge); percentages are unchanged by it.
 */
export function functionShare(profile: Profile, pattern: string, scale = 1): FunctionShare {
  const { focus, re } = functionPattern(pattern);
  const r = newReport(profile, "top", { ...defaultConfig(), focus, trim: false, nodeFraction: 0, edgeFraction: 0 });
  const p = r.view.profile;
  const stride = p.sampleTypes.length;
  let cum = 0;
  for (const s of r.view.samples) cum += Math.abs(p.values[s * stride + r.sampleIndex]);
  const top = topReport(r);
  const matching = top.rows.filter((row) => re.test(row.name));
  const flat = matching.reduce((sum, row) => sum + row.flat, 0);
  const found = r.view.samples.length > 0 && cum > 0;
  return {
    found,
    functions: matching.slice(0, 10).map((row) => row.name),
    flat: flat * scale,
    cum: cum * scale,
    total: r.total * scale,
    flat_value: formatValue(r, Math.round(flat * scale)),
    cum_value: formatValue(r, Math.round(cum * scale)),
    flat_percent: parsePercent(percentage(flat, r.total).trim()),
    cum_percent: parsePercent(percentage(cum, r.total).trim()),
  };
}
