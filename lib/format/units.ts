/**
 * Measurement units as pprof understands them: unit sniffing, scaling between
 * units, automatic unit selection, value labels and percentages.
 *
 * @module
 */
import { formatFixed, formatG, padStart } from "./gofmt.ts";

interface Unit {
  name: string;
  aliases: string[];
  factor: number;
}

interface UnitType {
  units: Unit[];
  defaultUnit: Unit;
}

const unitTypes: UnitType[] = [
  {
    units: [
      { name: "B", aliases: ["b", "byte"], factor: 1 },
      { name: "kB", aliases: ["kb", "kbyte", "kilobyte"], factor: 2 ** 10 },
      { name: "MB", aliases: ["mb", "mbyte", "megabyte"], factor: 2 ** 20 },
      { name: "GB", aliases: ["gb", "gbyte", "gigabyte"], factor: 2 ** 30 },
      { name: "TB", aliases: ["tb", "tbyte", "terabyte"], factor: 2 ** 40 },
      { name: "PB", aliases: ["pb", "pbyte", "petabyte"], factor: 2 ** 50 },
    ],
    defaultUnit: { name: "B", aliases: ["b", "byte"], factor: 1 },
  },
  {
    units: [
      { name: "ns", aliases: ["ns", "nanosecond"], factor: 1 },
      { name: "us", aliases: ["μs", "us", "microsecond"], factor: 1e3 },
      { name: "ms", aliases: ["ms", "millisecond"], factor: 1e6 },
      { name: "s", aliases: ["s", "sec", "second"], factor: 1e9 },
      { name: "hrs", aliases: ["hour", "hr"], factor: 3600e9 },
    ],
    defaultUnit: { name: "s", aliases: [], factor: 1e9 },
  },
  {
    units: [
      { name: "n*GCU", aliases: ["nanogcu"], factor: 1e-9 },
      { name: "u*GCU", aliases: ["microgcu"], factor: 1e-6 },
      { name: "m*GCU", aliases: ["milligcu"], factor: 1e-3 },
      { name: "GCU", aliases: ["gcu"], factor: 1 },
      { name: "k*GCU", aliases: ["kilogcu"], factor: 1e3 },
      { name: "M*GCU", aliases: ["megagcu"], factor: 1e6 },
      { name: "G*GCU", aliases: ["gigagcu"], factor: 1e9 },
      { name: "T*GCU", aliases: ["teragcu"], factor: 1e12 },
      { name: "P*GCU", aliases: ["petagcu"], factor: 1e15 },
    ],
    defaultUnit: { name: "GCU", aliases: [], factor: 1 },
  },
];

const utf8 = new TextEncoder();

function sniffUnit(ut: UnitType, unit: string): Unit | undefined {
  unit = unit.toLowerCase();
  // pprof drops a plural "s" from units longer than two bytes (so "μs", three
  // bytes in UTF-8, becomes "μ" and is not recognised, exactly as in pprof).
  if (utf8.encode(unit).length > 2 && unit.endsWith("s")) unit = unit.slice(0, -1);
  return ut.units.find((u) => u.aliases.includes(unit));
}

/** The unit family a unit name belongs to ("memory", "time", "gcu"), if any. */
export function unitKind(unit: string): "memory" | "time" | "gcu" | undefined {
  const kinds = ["memory", "time", "gcu"] as const;
  const i = unitTypes.findIndex((ut) => sniffUnit(ut, unit) !== undefined);
  return i < 0 ? undefined : kinds[i];
}

function autoScale(ut: UnitType, value: number): [number, string] | undefined {
  let f = 0;
  let name = "";
  for (const u of ut.units) {
    if (u.factor >= f && value / u.factor >= 1) {
      f = u.factor;
      name = u.name;
    }
  }
  return f === 0 ? undefined : [value / f, name];
}

function convertUnit(ut: UnitType, value: number, from: string, to: string): [number, string] | undefined {
  const fromUnit = sniffUnit(ut, from);
  if (!fromUnit) return undefined;
  const v = value * fromUnit.factor;
  if (to === "minimum" || to === "auto") {
    return autoScale(ut, v) ?? [v / ut.defaultUnit.factor, ut.defaultUnit.name];
  }
  const toUnit = sniffUnit(ut, to);
  if (!toUnit) return [v / ut.defaultUnit.factor, ut.defaultUnit.name];
  return [v / toUnit.factor, toUnit.name];
}

/**
 * Converts `value` from `fromUnit` to `toUnit` ("minimum"/"auto" pick a unit).
 * Returns the scaled value and the unit name, "" when the unit is uninteresting
 * (counts).
 */
export function scale(value: number, fromUnit: string, toUnit: string): [number, string] {
  if (value < 0) {
    const [v, u] = scale(-value, fromUnit, toUnit);
    return [-v, u];
  }
  for (const ut of unitTypes) {
    const r = convertUnit(ut, value, fromUnit, toUnit);
    if (r) return r;
  }
  switch (toUnit) {
    case "count":
    case "sample":
    case "unit":
    case "minimum":
    case "auto":
      return [value, ""];
    default:
      return [value, toUnit];
  }
}

/** A value with its unit, e.g. `1.25s`, `512kB`, `0`. */
export function scaledLabel(value: number, fromUnit: string, toUnit: string): string {
  const [v, u] = scale(value, fromUnit, toUnit);
  let sv = formatFixed(v, 2);
  if (sv.endsWith(".00")) sv = sv.slice(0, -3);
  if (sv === "0" || sv === "-0") return "0";
  return sv + u;
}

/** A value in the automatically chosen unit, e.g. `13.43s`. */
export function autoLabel(value: number, unit: string): string {
  return scaledLabel(value, unit, "auto");
}

/**
 * `value` as a percentage of `total`, right-aligned in 5 characters plus `%`
 * (`  100%`, `12.34%`, `0.087%`), as pprof prints it.
 */
export function percentage(value: number, total: number): string {
  const ratio = total !== 0 ? Math.abs(value / total) * 100 : 0;
  if (ratio >= 99.95 && ratio <= 100.05) return "  100%";
  if (ratio >= 1.0) return padStart(formatFixed(ratio, 2), 5) + "%";
  return padStart(formatG(ratio, 2), 5) + "%";
}
