/**
 * The pprof report flags shared by the report commands (top, peek, traces…),
 * and their translation into a {@link ReportConfig}.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import type { Granularity } from "../graph/nodes.ts";
import { defaultConfig, type ReportConfig } from "../report/config.ts";
import type { Sources } from "../profile/sources.ts";
import type { FlagSpecs, FlagValues } from "./flags.ts";

const granularities: Granularity[] = ["functions", "filefunctions", "files", "lines", "addresses"];

// pprof's shortcut flags for picking a sample type.
const sampleShortcuts: [string, string][] = [
  ["total_delay", "delay"],
  ["mean_delay", "delay"],
  ["contentions", "contentions"],
  ["inuse_space", "inuse_space"],
  ["inuse_objects", "inuse_objects"],
  ["alloc_space", "alloc_space"],
  ["alloc_objects", "alloc_objects"],
];

/** Flags that select samples and shape every graph-based report. */
export const reportFlags: FlagSpecs = {
  sample_index: {
    type: "string",
    arg: "NAME|N",
    help: "Sample type to report (name or index; default: the profile's default)",
  },
  focus: { type: "string", arg: "RE", help: "Only samples with a frame matching RE (Go RE2 syntax)" },
  ignore: { type: "string", arg: "RE", help: "Drop samples with a frame matching RE" },
  hide: { type: "string", arg: "RE", help: "Remove frames matching RE from the stacks" },
  show: { type: "string", arg: "RE", help: "Keep only frames matching RE in the stacks" },
  show_from: { type: "string", arg: "RE", help: "Drop frames above the outermost one matching RE" },
  prune_from: { type: "string", arg: "RE", help: "Drop frames below the first one matching RE" },
  tagfocus: {
    type: "string",
    arg: "[KEY=]RE|RANGE",
    help: "Only samples whose labels match (e.g. tenant=acme, bytes=1kb:64kb)",
  },
  tagignore: { type: "string", arg: "[KEY=]RE|RANGE", help: "Drop samples whose labels match" },
  tagshow: { type: "string", arg: "RE", help: "Only show label keys matching RE" },
  taghide: { type: "string", arg: "RE", help: "Hide label keys matching RE" },
  tagroot: { type: "string", arg: "KEYS", help: "Add label values as root frames (comma-separated keys)" },
  tagleaf: { type: "string", arg: "KEYS", help: "Add label values as leaf frames (comma-separated keys)" },
  nodecount: { type: "integer", help: "Show at most N nodes" },
  nodefraction: {
    type: "number",
    arg: "F",
    help: "Drop nodes with cum below this fraction of the total (default 0.005)",
  },
  edgefraction: { type: "number", arg: "F", help: "Drop edges below this fraction of the total (default 0.001)" },
  trim: {
    type: "boolean",
    default: true,
    help: "Apply nodecount/nodefraction/edgefraction (--trim=false shows everything)",
  },
  cum: { type: "boolean", help: "Sort by cumulative weight" },
  flat: { type: "boolean", help: "Sort by flat weight (the default)" },
  functions: { type: "boolean", help: "Aggregate at the function level (default)" },
  filefunctions: { type: "boolean", help: "Aggregate at the function level, per source file" },
  files: { type: "boolean", help: "Aggregate at the source file level" },
  lines: { type: "boolean", help: "Aggregate at the source line level" },
  addresses: { type: "boolean", help: "Aggregate at the instruction address level" },
  noinlines: { type: "boolean", help: "Attribute inlined frames to their caller" },
  mean: { type: "boolean", help: "Average values over the first sample type (e.g. mean delay)" },
  unit: { type: "string", arg: "UNIT", help: "Print values in this unit (e.g. ms, MB; default: minimum)" },
  divide_by: { type: "number", arg: "X", help: "Divide all values by X" },
  relative_percentages: { type: "boolean", help: "Percentages relative to the focused samples, not the whole profile" },
  drop_negative: { type: "boolean", help: "Drop nodes with negative values (diffs)" },
  diff_base: {
    type: "string",
    multiple: true,
    arg: "FILE",
    help: "Compare against FILE: show the difference, % of FILE",
  },
  base: { type: "string", multiple: true, arg: "FILE", help: "Subtract FILE from the profile" },
  normalize: { type: "boolean", help: "Scale the profile to the base's totals before comparing" },
  source_path: { type: "string", arg: "DIRS", help: "Where to look for source files (':'-separated)" },
  trim_path: { type: "string", arg: "PREFIXES", help: "Path prefixes to strip from source file names" },
  symbolize: { type: "string", arg: "MODE", help: "pprof's symbolization mode (accepted; e.g. -symbolize=none)" },
  ...Object.fromEntries(
    sampleShortcuts.map(([flag, type]) => [flag, { type: "boolean" as const, help: `Same as --sample_index=${type}` }]),
  ),
};

/** Builds the report configuration from parsed flags; returns pprof's notes on conflicting shortcuts. */
export function reportConfigFromFlags(v: FlagValues): { cfg: ReportConfig; notes: string[] } {
  const cfg = defaultConfig();
  const notes: string[] = [];
  const str = (k: string) => (v[k] as string | undefined) ?? "";
  cfg.sampleIndex = str("sample_index");
  cfg.focus = str("focus");
  cfg.ignore = str("ignore");
  cfg.hide = str("hide");
  cfg.show = str("show");
  cfg.showFrom = str("show_from");
  cfg.pruneFrom = str("prune_from");
  cfg.tagFocus = str("tagfocus");
  cfg.tagIgnore = str("tagignore");
  cfg.tagShow = str("tagshow");
  cfg.tagHide = str("taghide");
  cfg.tagRoot = str("tagroot");
  cfg.tagLeaf = str("tagleaf");
  if (v.nodecount !== undefined) cfg.nodeCount = v.nodecount as number;
  if (v.nodefraction !== undefined) cfg.nodeFraction = v.nodefraction as number;
  if (v.edgefraction !== undefined) cfg.edgeFraction = v.edgefraction as number;
  cfg.trim = v.trim !== false;
  if (v.cum && v.flat) throw new UserError("conflicting options set: --cum and --flat");
  if (v.cum) cfg.sort = "cum";
  const grans = granularities.filter((g) => v[g]);
  if (grans.length > 1) throw new UserError(`conflicting options set: ${grans.map((g) => "--" + g).join(", ")}`);
  if (grans.length === 1) cfg.granularity = grans[0];
  cfg.noInlines = !!v.noinlines;
  cfg.mean = !!v.mean || !!v.mean_delay;
  if (v.unit !== undefined) cfg.unit = v.unit as string;
  if (v.divide_by !== undefined) cfg.divideBy = v.divide_by as number;
  cfg.relativePercentages = !!v.relative_percentages;
  cfg.dropNegative = !!v.drop_negative;
  cfg.sourcePath = str("source_path");
  cfg.trimPath = str("trim_path");
  for (const [flag, type] of sampleShortcuts) {
    if (!v[flag]) continue;
    if (cfg.sampleIndex === "") cfg.sampleIndex = type;
    else notes.push(`Multiple value selections, ignoring -${flag}`);
  }
  return { cfg, notes };
}

/** The profiles named by positional arguments and the base flags. */
export function sourcesFromFlags(v: FlagValues, files: string[]): Sources {
  const base = (v.base as string[] | undefined) ?? [];
  const diffBase = (v.diff_base as string[] | undefined) ?? [];
  if (base.length > 0 && diffBase.length > 0) throw new UserError("--base and --diff_base cannot both be given");
  return {
    files,
    base: diffBase.length > 0 ? diffBase : base,
    diffBase: diffBase.length > 0,
    normalize: !!v.normalize,
  };
}
