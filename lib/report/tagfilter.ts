/**
 * Tag (label) filters: `-tagfocus`/`-tagignore` values such as `tenant=acme`,
 * `acme,globex`, or numeric ranges with units such as `bytes=32kb:` or
 * `1kb:10kb`, with pprof's exact parsing and matching rules.
 *
 * @module
 */
import { scale } from "../format/units.ts";
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { labelVisible, type ProfileView } from "../profile/view.ts";

/** Decides whether a sample (profile index) passes. */
export type TagFilter = (v: ProfileView, s: number) => boolean;

/** Units of numeric labels by key, and keys seen with more than one unit. */
export interface LabelUnits {
  units: Map<string, string>;
  conflicts: string[];
}

/**
 * The unit of each numeric label key (the first non-empty unit seen; else
 * "bytes" for `alignment`/`request`, else the key itself), as pprof decides.
 */
export function labelUnits(p: Profile): LabelUnits {
  const units = new Map<string, string>();
  const ignored = new Map<string, Set<string>>();
  const keys = new Set<string>();
  for (let j = 0; j < p.labelKey.length; j++) {
    if (p.labelStr[j] !== 0) continue;
    const k = p.strings[p.labelKey[j]];
    keys.add(k);
    const u = p.strings[p.labelUnit[j]];
    if (u === "") continue;
    const want = units.get(k);
    if (want === undefined) units.set(k, u);
    else if (want !== u) {
      if (!ignored.has(k)) ignored.set(k, new Set());
      ignored.get(k)!.add(u);
    }
  }
  for (const k of keys) {
    if (!units.has(k)) units.set(k, k === "alignment" || k === "request" ? "bytes" : k);
  }
  const conflicts = [...ignored].map(([k, us]) =>
    `For tag ${k} used unit ${units.get(k)}, also encountered unit(s) ${[...us].sort().join(", ")}`
  );
  return { units, conflicts };
}

type RangeTest = (value: number, unit: string) => boolean;

/**
 * Parses a numeric tag range: `32kb` (equal), `:64kb` (at most), `4mb:` (at
 * least), `12kb:64mb` (between, inclusive). Returns undefined when the text is
 * not a range, in which case it is a regexp.
 */
export function parseTagRange(filter: string): RangeTest | undefined {
  const rx = /([+-]?[0-9]+)([A-Za-z]+)?/g;
  const ranges: RegExpExecArray[] = [];
  for (let m = rx.exec(filter); m && ranges.length < 2; m = rx.exec(filter)) ranges.push(m);
  if (ranges.length === 0) return undefined;
  const [v1, unit] = scale(Number(ranges[0][1]), ranges[0][2] ?? "", ranges[0][2] ?? "");
  const scaled = (v: number, u: string) => {
    const [sv, su] = scale(v, u, unit);
    return su === unit ? sv : undefined;
  };
  if (ranges.length === 1) {
    const match = ranges[0][0];
    if (filter === match) return (v, u) => scaled(v, u) === v1;
    if (filter === match + ":") return (v, u) => (scaled(v, u) ?? -Infinity) >= v1;
    if (filter === ":" + match) return (v, u) => (scaled(v, u) ?? Infinity) <= v1;
    return undefined;
  }
  if (filter !== `${ranges[0][0]}:${ranges[1][0]}`) return undefined;
  const [v2, unit2] = scale(Number(ranges[1][1]), ranges[1][2] ?? "", unit);
  if (unit2 !== unit) return undefined;
  return (v, u) => {
    const sv = scaled(v, u);
    return sv !== undefined && sv >= v1 && sv <= v2;
  };
}

/**
 * Compiles a `-tagfocus`/`-tagignore` value. Numeric ranges push pprof's
 * "Interpreted ... as range" note onto `notes`.
 */
export function compileTagFilter(name: string, value: string, units: LabelUnits, notes: string[]): TagFilter {
  let wantKey = "";
  const eq = value.indexOf("=");
  if (eq >= 0) {
    wantKey = value.slice(0, eq);
    value = value.slice(eq + 1);
  }
  const range = parseTagRange(value);
  if (range) {
    notes.push(`${name}:Interpreted '${value}' as range, not regexp`);
    return (v, s) => {
      const p = v.profile;
      for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
        if (p.labelStr[j] !== 0 || !labelVisible(v, j)) continue;
        const key = p.strings[p.labelKey[j]];
        if (wantKey !== "" && key !== wantKey) continue;
        if (range(p.labelNum[j], units.units.get(key) ?? key)) return true;
      }
      return false;
    };
  }
  const regexes = value.split(",").map((r) => compileRE2(r, name));
  if (wantKey === "") {
    return (v, s) => {
      const p = v.profile;
      return regexes.every((rx) => {
        for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
          if (p.labelStr[j] === 0 || !labelVisible(v, j)) continue;
          if (rx.test(`${p.strings[p.labelKey[j]]}:${p.strings[p.labelStr[j]]}`)) return true;
        }
        return false;
      });
    };
  }
  return (v, s) => {
    const p = v.profile;
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (p.labelStr[j] === 0 || !labelVisible(v, j) || p.strings[p.labelKey[j]] !== wantKey) continue;
      const val = p.strings[p.labelStr[j]];
      if (regexes.some((rx) => rx.test(val))) return true;
    }
    return false;
  };
}
