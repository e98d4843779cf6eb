/**
 * Reading `go tool pprof -top` reference outputs for the analysis tests: the
 * rows of a view and its totals, with pprof's printed values turned back into
 * the profile's units, and a comparison that allows for pprof's rounding.
 */
import assert from "node:assert/strict";
import { FIXTURES } from "./golden.ts";

/** One row of a -top table, values in base units (ns, bytes, counts). */
export interface RefRow {
  flat: number;
  cum: number;
  flatText: string;
  cumText: string;
}

/** A -top reference: its rows by function name, and the total of the profile (or of the focus). */
export interface RefTop {
  rows: Map<string, RefRow>;
  total: number;
  /** The total as pprof printed it. */
  totalText: string;
  /** "Showing nodes accounting for X": the sum of the shown nodes' flat values. */
  shown: number;
  shownText: string;
}

const SCALE: Record<string, number> = {
  ns: 1,
  us: 1e3,
  ms: 1e6,
  s: 1e9,
  mins: 60e9,
  hrs: 3600e9,
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

/** A value as pprof prints it (`28.79s`, `30520.25kB`, `1200`) in base units. */
export function parseValue(text: string): number {
  const m = /^(-?[\d.]+)([a-zA-Z]*)$/.exec(text.trim());
  if (!m) throw new Error(`not a pprof value: ${text}`);
  const unit = m[2];
  if (unit !== "" && !(unit in SCALE)) throw new Error(`unknown unit in ${text}`);
  return Number(m[1]) * (unit === "" ? 1 : SCALE[unit]);
}

/** The -top view `view` of `profile` in reference set `set` (default ref_analysis). */
export function refTop(profile: string, view: string, set = "ref_analysis"): RefTop {
  const text = Deno.readTextFileSync(`${FIXTURES}${set}/${profile}/${view}/stdout.txt`);
  const rows = new Map<string, RefRow>();
  let total = NaN, shown = NaN, totalText = "", shownText = "", table = false;
  for (const line of text.split("\n")) {
    const showing = /^Showing nodes accounting for (\S+), .* of (\S+) total/.exec(line);
    if (showing) {
      shown = parseValue(showing[1]);
      shownText = showing[1];
      total = parseValue(showing[2]);
      totalText = showing[2];
      continue;
    }
    if (/^\s*flat\s+flat%/.test(line)) {
      table = true;
      continue;
    }
    if (!table || line.trim() === "") continue;
    const f = line.trim().split(/\s+/);
    const name = f.slice(5).join(" ").replace(/ \((partial-)?inline\)$/, "");
    rows.set(name, { flat: parseValue(f[0]), cum: parseValue(f[3]), flatText: f[0], cumText: f[3] });
  }
  return { rows, total, totalText, shown, shownText };
}

/** The row of `name`, failing the test when pprof did not print it. */
export function refRow(t: RefTop, name: string): RefRow {
  const r = t.rows.get(name);
  assert.ok(r, `pprof's reference has no row ${name}`);
  return r;
}

/**
 * Asserts that `ours` (base units) is the value pprof printed as `text`, up to
 * pprof's rounding to two decimals in the unit it printed.
 */
export function assertPrinted(ours: number, text: string, what: string): void {
  const ref = parseValue(text);
  const m = /^-?\d+(?:\.(\d+))?([a-zA-Z]*)$/.exec(text)!;
  const decimals = m[1]?.length ?? 0;
  const unit = m[2] === "" ? 1 : SCALE[m[2]];
  const tolerance = 0.5 * 10 ** -decimals * unit * 1.0001;
  assert.ok(Math.abs(ours - ref) <= tolerance, `${what}: ours ${ours}, pprof ${text} (±${tolerance})`);
}

/** Asserts two percentages agree to pprof's two printed decimals. */
export function assertShare(ours: number, ref: number, what: string): void {
  assert.ok(Math.abs(ours - ref) <= 0.006, `${what}: ours ${ours.toFixed(4)}%, expected ${ref.toFixed(4)}%`);
}
