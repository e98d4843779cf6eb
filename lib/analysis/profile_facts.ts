/**
 * Facts about a decoded profile that the analyses share: its kind by sample type, the sample type to read, the
 * language of its code, function names interned once, and values as the original tool and as pprof print them.
 *
 * @module
 */
import { autoLabel } from "../format/units.ts";
import type { Profile } from "../profile/model.ts";
import { sampleIndexByName } from "../report/config.ts";

/** A profile's kind by its sample types (the original tool's "K-sample": block profiles count as mutex). */
export type SampleKind = "cpu" | "heap" | "goroutine" | "mutex" | "unknown";

/** The kind of the first sample type that says one. */
export function sampleKind(p: Profile): SampleKind {
  for (const { type } of p.sampleTypes) {
    if (["alloc_space", "alloc_objects", "inuse_space", "inuse_objects"].includes(type)) return "heap";
    if (type === "samples" || type === "cpu") return "cpu";
    if (type === "goroutines" || type === "goroutine") return "goroutine";
    if (type === "delay" || type === "contentions") return "mutex";
  }
  return "unknown";
}

/**
 * The sample type an analysis reads: `name` when given (an unknown name is an error that lists the types), else
 * the one pprof reports by default (default_sample_type, else the last type: `cpu`, not the sample count).
 */
export function valueIndex(p: Profile, name = ""): number {
  return sampleIndexByName(p, name);
}

/** The index of the first sample type named one of `names`, or -1. */
export function typeIndex(p: Profile, ...names: string[]): number {
  for (const n of names) {
    const i = p.sampleTypes.findIndex((t) => t.type === n);
    if (i >= 0) return i;
  }
  return -1;
}

/** The language whose conventions a profile's names follow. */
export type Language = "go" | "node" | "other";

/** Go when the Go runtime or a `main.` function is there, Node.js when files are JavaScript or `node:` modules. */
export function profileLanguage(p: Profile): Language {
  let js = 0;
  for (let f = 0; f < p.functionCount; f++) {
    const name = p.strings[p.functionName[f]];
    if (name.startsWith("runtime.") || name === "main.main") return "go";
    const file = p.strings[p.functionFilename[f]];
    if (file.startsWith("node:") || /\.[cm]?[jt]s$/.test(file)) js++;
  }
  return js > 0 ? "node" : "other";
}

/**
 * Function names interned once: `nameOf[f]` is the name id of function `f`, `names[id]` its text. Profiles may
 * hold several functions of one name (different files or start lines); analyses that speak of "a function"
 * mean the name, as pprof's reports do.
 */
export interface NameTable {
  names: string[];
  nameOf: Int32Array;
  /** A file name of each name id (the first function with that name that has one). */
  fileOf: string[];
}

/** Interns the function names of `p`. */
export function nameTable(p: Profile): NameTable {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const fileOf: string[] = [];
  const nameOf = new Int32Array(p.functionCount);
  for (let f = 0; f < p.functionCount; f++) {
    const name = p.strings[p.functionName[f]];
    let id = ids.get(name);
    if (id === undefined) {
      id = names.length;
      ids.set(name, id);
      names.push(name);
      fileOf.push("");
    }
    nameOf[f] = id;
    if (fileOf[id] === "") fileOf[id] = p.strings[p.functionFilename[f]];
  }
  return { names, nameOf, fileOf };
}

/**
 * The original tool's value format: bytes in B/KB/MB/GB (powers of 1024, two decimals), nanoseconds in
 * ns/us/ms/s, anything else as `<n> <unit>`.
 */
export function formatAmount(v: number, unit: string): string {
  if (unit === "bytes") {
    if (v >= 2 ** 30) return `${(v / 2 ** 30).toFixed(2)}GB`;
    if (v >= 2 ** 20) return `${(v / 2 ** 20).toFixed(2)}MB`;
    if (v >= 2 ** 10) return `${(v / 2 ** 10).toFixed(2)}KB`;
    return `${Math.trunc(v)}B`;
  }
  if (unit === "nanoseconds") {
    if (v >= 1e9) return `${(v / 1e9).toFixed(2)}s`;
    if (v >= 1e6) return `${(v / 1e6).toFixed(2)}ms`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(2)}us`;
    return `${Math.trunc(v)}ns`;
  }
  return `${Math.trunc(v)} ${unit}`;
}

/** A value as pprof prints it in reports (`1.48s`, `47.81MB`, `688`). */
export function pprofValue(v: number, unit: string): string {
  return autoLabel(v, unit);
}

/** `part` as a percentage of `total` (0 when the total is 0), unrounded. */
export function share(part: number, total: number): number {
  return total !== 0 ? (part / total) * 100 : 0;
}

/** The original tool's rounding to two decimals. */
export function round2(x: number): number {
  return Math.floor(x * 100 + 0.5) / 100;
}
