/**
 * The one table of pprof's report options: each option's pprof flag, its tool
 * argument name, type and help, and how it lands in a {@link ReportConfig}. The
 * CLI flags, the tools' argument schemas and the `go tool pprof` command lines
 * tools echo are all built from it (as pprof's own driver builds its flags and
 * its interactive settings from one config table).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import type { Granularity } from "../graph/nodes.ts";
import { defaultConfig, type ReportConfig } from "./config.ts";

/** The value types options take. */
export type OptionType = "string" | "regexp" | "integer" | "number" | "boolean";

/** One report option. */
export interface ReportOption {
  /** pprof's flag name, also the CLI flag: `sample_index`, `tagfocus`. */
  flag: string;
  /** The tool argument name, where the original tool named it differently (`tag_focus`). */
  arg?: string;
  type: OptionType;
  help: string;
  /** The placeholder in CLI help, e.g. `RE`. */
  placeholder?: string;
  /** The value pprof assumes when the flag is absent, for flags whose absence is not "off". */
  default?: boolean;
  /** A lower bound for numbers. */
  min?: number;
  /** Stores a value in the configuration. Options without it are resolved by {@link reportConfig} as a group. */
  set?: (cfg: ReportConfig, value: never) => void;
}

const GRANULARITIES: Granularity[] = ["functions", "filefunctions", "files", "lines", "addresses"];

/** pprof's shortcut flags for picking a sample type, and the type each picks. */
const SAMPLE_SHORTCUTS: [string, string][] = [
  ["total_delay", "delay"],
  ["mean_delay", "delay"],
  ["contentions", "contentions"],
  ["inuse_space", "inuse_space"],
  ["inuse_objects", "inuse_objects"],
  ["alloc_space", "alloc_space"],
  ["alloc_objects", "alloc_objects"],
];

const str = (key: keyof ReportConfig) => (cfg: ReportConfig, v: string) => ((cfg[key] as string) = v);

const TABLE = [
  {
    flag: "sample_index",
    type: "string",
    placeholder: "NAME|N",
    help: "Sample type to report, by name (cpu, alloc_space, delay…) or index (default: the profile's default)",
    set: str("sampleIndex"),
  },
  {
    flag: "focus",
    type: "regexp",
    help: "Only samples with a frame (function, file or binary name) matching this",
    set: str("focus"),
  },
  { flag: "ignore", type: "regexp", help: "Drop samples with a frame matching this", set: str("ignore") },
  { flag: "hide", type: "regexp", help: "Remove frames matching this from the stacks", set: str("hide") },
  { flag: "show", type: "regexp", help: "Keep only frames matching this in the stacks", set: str("show") },
  {
    flag: "show_from",
    type: "regexp",
    help: "Drop frames above the outermost one matching this",
    set: str("showFrom"),
  },
  {
    flag: "prune_from",
    type: "regexp",
    help: "Drop frames below the first one matching this",
    set: str("pruneFrom"),
  },
  {
    flag: "tagfocus",
    arg: "tag_focus",
    type: "string",
    placeholder: "[KEY=]RE|RANGE",
    help: "Only samples whose labels match: key=regexp, regexp, or a range such as bytes=1kb:64kb",
    set: str("tagFocus"),
  },
  {
    flag: "tagignore",
    arg: "tag_ignore",
    type: "string",
    placeholder: "[KEY=]RE|RANGE",
    help: "Drop samples whose labels match (same forms as the label focus)",
    set: str("tagIgnore"),
  },
  {
    flag: "tagshow",
    arg: "tag_show",
    type: "regexp",
    help: "Only show label keys matching this",
    set: str("tagShow"),
  },
  { flag: "taghide", arg: "tag_hide", type: "regexp", help: "Hide label keys matching this", set: str("tagHide") },
  {
    flag: "tagroot",
    arg: "tag_root",
    type: "string",
    placeholder: "KEYS",
    help: "Add label values as root frames (comma-separated keys)",
    set: str("tagRoot"),
  },
  {
    flag: "tagleaf",
    arg: "tag_leaf",
    type: "string",
    placeholder: "KEYS",
    help: "Add label values as leaf frames (comma-separated keys)",
    set: str("tagLeaf"),
  },
  {
    flag: "nodecount",
    type: "integer",
    min: 0,
    help: "Show at most this many nodes",
    set: (c, v: number) => (c.nodeCount = v),
  },
  {
    flag: "nodefraction",
    arg: "node_frac",
    type: "number",
    min: 0,
    placeholder: "F",
    help: "Drop nodes with cum below this fraction of the total (default 0.005)",
    set: (c, v: number) => (c.nodeFraction = v),
  },
  {
    flag: "edgefraction",
    arg: "edge_frac",
    type: "number",
    min: 0,
    placeholder: "F",
    help: "Drop edges below this fraction of the total (default 0.001)",
    set: (c, v: number) => (c.edgeFraction = v),
  },
  {
    flag: "trim",
    type: "boolean",
    default: true,
    help: "Apply nodecount/nodefraction/edgefraction (false shows everything)",
    set: (c, v: boolean) => (c.trim = v),
  },
  { flag: "cum", type: "boolean", help: "Sort by cumulative weight instead of flat" },
  { flag: "flat", type: "boolean", help: "Sort by flat weight (the default)" },
  { flag: "functions", type: "boolean", help: "Aggregate at the function level (default)" },
  { flag: "filefunctions", type: "boolean", help: "Aggregate at the function level, per source file" },
  { flag: "files", type: "boolean", help: "Aggregate at the source file level" },
  { flag: "lines", type: "boolean", help: "Aggregate at the source line level" },
  { flag: "addresses", type: "boolean", help: "Aggregate at the instruction address level" },
  {
    flag: "noinlines",
    type: "boolean",
    help: "Attribute inlined frames to their caller",
    set: (c, v: boolean) => (c.noInlines = v),
  },
  { flag: "mean", type: "boolean", help: "Average values over the first sample type (e.g. mean delay)" },
  {
    flag: "unit",
    type: "string",
    placeholder: "UNIT",
    help: "Print values in this unit (e.g. ms, MB; default: minimum)",
    set: str("unit"),
  },
  {
    flag: "divide_by",
    type: "number",
    placeholder: "X",
    help: "Divide all values by X",
    set: (c, v: number) => (c.divideBy = v),
  },
  {
    flag: "relative_percentages",
    type: "boolean",
    help: "Percentages relative to the focused samples, not the whole profile",
    set: (c, v: boolean) => (c.relativePercentages = v),
  },
  {
    flag: "drop_negative",
    type: "boolean",
    help: "Drop nodes with negative values (diffs)",
    set: (c, v: boolean) => (c.dropNegative = v),
  },
  {
    flag: "source_path",
    type: "string",
    placeholder: "DIRS",
    help: "Where to look for source files (':'-separated)",
    set: str("sourcePath"),
  },
  {
    flag: "trim_path",
    type: "string",
    placeholder: "PREFIXES",
    help: "Path prefixes to strip from source file names",
    set: str("trimPath"),
  },
] as const satisfies readonly ReportOption[];

/** The flag names of the options in the table (the sample type shortcuts are CLI-only and not among them). */
export type OptionFlag = typeof TABLE[number]["flag"];

/** The tool argument name of an option. */
export type OptionArg<F extends OptionFlag> = Extract<typeof TABLE[number], { flag: F }> extends
  { arg: infer A extends string } ? A
  : F;

/** The value type of an option. */
export type OptionTypeOf<F extends OptionFlag> = Extract<typeof TABLE[number], { flag: F }>["type"];

const SHORTCUT_OPTIONS: ReportOption[] = SAMPLE_SHORTCUTS.map(([flag, type]) => ({
  flag,
  type: "boolean",
  help: `Same as sample_index=${type}`,
}));

/** Every report option by pprof flag name, in the order help lists them. */
export const REPORT_OPTIONS: ReadonlyMap<string, ReportOption> = new Map(
  [...(TABLE as readonly ReportOption[]), ...SHORTCUT_OPTIONS].map((o) => [o.flag, o]),
);

/** The option of a pprof flag name. */
export function reportOption(flag: string): ReportOption {
  const o = REPORT_OPTIONS.get(flag);
  if (!o) throw new Error(`unknown report option ${flag}`);
  return o;
}

/** Option values by pprof flag name, as the CLI parses them or a tool's arguments name them. */
export type OptionValues = Record<string, string | number | boolean | undefined>;

/**
 * The report configuration for option values (by pprof flag name): pprof's
 * defaults plus every value given, with pprof's checks of conflicting options.
 * Returns pprof's notes on shortcuts that lost to an explicit sample type.
 *
 * @throws {UserError} for conflicting sort orders or granularities
 */
export function reportConfig(v: OptionValues): { cfg: ReportConfig; notes: string[] } {
  const cfg = defaultConfig();
  const notes: string[] = [];
  for (const [flag, value] of Object.entries(v)) {
    if (value === undefined) continue;
    const o = reportOption(flag);
    o.set?.(cfg, value as never);
  }
  if (v.cum && v.flat) throw new UserError("conflicting options set: cum and flat");
  if (v.cum) cfg.sort = "cum";
  const grans = GRANULARITIES.filter((g) => v[g]);
  if (grans.length > 1) throw new UserError(`conflicting options set: ${grans.join(", ")}`);
  if (grans.length === 1) cfg.granularity = grans[0];
  cfg.mean = !!v.mean || !!v.mean_delay;
  for (const [flag, type] of SAMPLE_SHORTCUTS) {
    if (!v[flag]) continue;
    if (cfg.sampleIndex === "") cfg.sampleIndex = type;
    else notes.push(`Multiple value selections, ignoring -${flag}`);
  }
  return { cfg, notes };
}

/**
 * pprof's flags for option values (by pprof flag name), in the given order:
 * `["-cum", "-nodecount", "20"]`. Values that mean "not set" (absent, empty,
 * zero, or a boolean at pprof's default) are left out.
 */
export function pprofFlagArgs(v: OptionValues, order: readonly string[] = Object.keys(v)): string[] {
  const out: string[] = [];
  for (const flag of order) {
    const value = v[flag];
    const o = reportOption(flag);
    if (value === undefined || value === "" || value === 0) continue;
    if (typeof value === "boolean") {
      if (value === (o.default ?? false)) continue;
      out.push(value ? `-${flag}` : `-${flag}=false`);
      continue;
    }
    out.push(`-${flag}`, String(value));
  }
  return out;
}
