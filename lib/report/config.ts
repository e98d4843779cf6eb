/**
 * Report configuration with pprof's defaults and per-command overrides, and
 * sample-type selection (`-sample_index`, `-mean`).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import type { Granularity } from "../graph/nodes.ts";
import type { Profile } from "../profile/model.ts";

/** Every option that shapes a report, named as pprof's flags are. */
export interface ReportConfig {
  sampleIndex: string;
  mean: boolean;
  divideBy: number;
  sort: "flat" | "cum";
  /** -1 means "the command's default" (all nodes for top, 80 for graphs). */
  nodeCount: number;
  nodeFraction: number;
  edgeFraction: number;
  trim: boolean;
  focus: string;
  ignore: string;
  hide: string;
  show: string;
  showFrom: string;
  pruneFrom: string;
  tagFocus: string;
  tagIgnore: string;
  tagShow: string;
  tagHide: string;
  tagRoot: string;
  tagLeaf: string;
  granularity: Granularity;
  noInlines: boolean;
  unit: string;
  relativePercentages: boolean;
  dropNegative: boolean;
  callTree: boolean;
  sourcePath: string;
  trimPath: string;
}

/** pprof's defaults. */
export function defaultConfig(): ReportConfig {
  return {
    sampleIndex: "",
    mean: false,
    divideBy: 1,
    sort: "flat",
    nodeCount: -1,
    nodeFraction: 0.005,
    edgeFraction: 0.001,
    trim: true,
    focus: "",
    ignore: "",
    hide: "",
    show: "",
    showFrom: "",
    pruneFrom: "",
    tagFocus: "",
    tagIgnore: "",
    tagShow: "",
    tagHide: "",
    tagRoot: "",
    tagLeaf: "",
    granularity: "functions",
    noInlines: false,
    unit: "minimum",
    relativePercentages: false,
    dropNegative: false,
    callTree: false,
    sourcePath: "",
    trimPath: "",
  };
}

/** The report kinds, which differ in trimming and granularity defaults. */
export type Command = "top" | "peek" | "list" | "traces" | "tags" | "raw" | "tree" | "dot";

/** Applies the adjustments pprof makes for a given command. */
export function applyCommandOverrides(cmd: Command, cfg: ReportConfig): ReportConfig {
  const c = { ...cfg };
  let trim = c.trim;
  switch (cmd) {
    case "peek":
      trim = false;
      break;
    case "list":
      trim = false;
      c.granularity = "lines";
      break;
    case "top":
      if (c.nodeCount === -1) c.nodeCount = 0;
      break;
    default:
      if (c.nodeCount === -1) c.nodeCount = 80;
  }
  if (cmd === "raw") {
    trim = false;
    c.granularity = "addresses";
    c.noInlines = false;
  }
  if (!trim) {
    c.nodeCount = 0;
    c.nodeFraction = 0;
    c.edgeFraction = 0;
  }
  return c;
}

/**
 * Resolves `-sample_index` (a type name, an index, or "" for the profile's
 * default type, else the last type), as pprof does.
 */
export function sampleIndexByName(p: Profile, name: string): number {
  const types = p.sampleTypes.map((t) => t.type);
  if (types.length === 0) throw new UserError("profile has no samples");
  if (name === "") {
    const d = p.defaultSampleType;
    if (d !== "") {
      const i = types.indexOf(d);
      if (i >= 0) return i;
    }
    return types.length - 1;
  }
  if (/^[+-]?\d+$/.test(name)) {
    const i = Number(name);
    if (i < 0 || i >= types.length) {
      throw new UserError(`sample_index ${name} is outside the range [0..${types.length - 1}]`, "INVALID_ARGUMENT", {
        field: "sample_index",
        expected: `0..${types.length - 1} or one of: ${types.join(", ")}`,
        received: name,
      });
    }
    return i;
  }
  const noInuse = name.startsWith("inuse_") ? name.slice(6) : name;
  const i = types.findIndex((t) => t === name || t === noInuse);
  if (i >= 0) return i;
  throw new UserError(`sample_index "${name}" must be one of: ${types.join(", ")}`, "INVALID_ARGUMENT", {
    field: "sample_index",
    expected: `one of: ${types.join(", ")}`,
    received: name,
  });
}
