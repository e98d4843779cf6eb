/**
 * The pprof report flags shared by the report commands (top, peek, traces…),
 * and their translation into a {@link ReportConfig}.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { type OptionValues, REPORT_OPTIONS, reportConfig, type ReportOption } from "../report/options.ts";
import type { ReportConfig } from "../report/config.ts";
import type { Sources } from "../profile/sources.ts";
import { parseSampleType } from "../profile/formats/folded.ts";
import type { FormatOptions } from "../profile/load.ts";
import { parseSymbolizeMode } from "../profile/symbolize.ts";
import type { FlagSpec, FlagSpecs, FlagValues } from "./flags.ts";

/** The CLI flag of a report option. */
export function optionFlag(o: ReportOption): FlagSpec {
  const type = o.type === "regexp" ? "string" : o.type;
  const placeholder = o.placeholder ?? (o.type === "regexp" ? "RE" : undefined);
  return {
    type,
    help: o.type === "regexp" ? `${o.help} (Go RE2 syntax)` : o.help,
    ...(placeholder ? { arg: placeholder } : {}),
    ...(o.default !== undefined ? { default: o.default } : {}),
  };
}

/** CLI flags for some report options, by pprof flag name. */
export function optionFlags(flags: Iterable<string>): FlagSpecs {
  return Object.fromEntries([...flags].map((f) => [f, optionFlag(REPORT_OPTIONS.get(f)!)]));
}

/** Help of `--symbolize`, shared with `merge`. */
export const SYMBOLIZE_HELP =
  "Function names as pprof shows them: demangled C++/Rust without parameters and template arguments (default), " +
  "demangle=templates, demangle=full, demangle=none (system names, not demangled: Go 1.19's pprof demangles fully " +
  "there), none (names as stored); local, fastlocal, remote, force are accepted (addresses are not symbolized)";

/** Flags that say what folded stacks' counts mean; every command that reads profiles takes them. */
export const formatFlags: FlagSpecs = {
  sample_type: {
    type: "string",
    arg: "TYPE/UNIT",
    help: "Folded stacks only: what the counts are, e.g. cpu/nanoseconds (default: samples/count)",
  },
  period: {
    type: "number",
    arg: "N",
    help: "Folded stacks only: each count is N of --sample_type (the profile gets samples/count and TYPE/UNIT)",
  },
};

/** The format options of parsed {@link formatFlags}. */
export function formatOptionsFromFlags(v: FlagValues): FormatOptions {
  const type = v.sample_type as string | undefined, period = v.period as number | undefined;
  if (type === undefined && period === undefined) return {};
  if (type === undefined) throw new UserError("--period needs --sample_type (e.g. --sample_type=cpu/nanoseconds)");
  if (period !== undefined && !(period > 0)) throw new UserError(`--period must be a positive number, not ${period}`);
  return { folded: { sampleType: parseSampleType(type), ...(period !== undefined ? { period } : {}) } };
}

/** Flags that select samples and shape every graph-based report: every report option, the base profiles, names. */
export const reportFlags: FlagSpecs = {
  ...optionFlags(REPORT_OPTIONS.keys()),
  diff_base: {
    type: "string",
    multiple: true,
    arg: "FILE",
    help: "Compare against FILE: show the difference, % of FILE",
  },
  base: { type: "string", multiple: true, arg: "FILE", help: "Subtract FILE from the profile" },
  normalize: { type: "boolean", help: "Scale the profile to the base's totals before comparing" },
  symbolize: { type: "string", arg: "MODE", help: SYMBOLIZE_HELP },
  ...formatFlags,
};

/** The report option values among parsed flags. */
export function optionValues(v: FlagValues): OptionValues {
  const out: OptionValues = {};
  for (const flag of REPORT_OPTIONS.keys()) out[flag] = v[flag] as OptionValues[string];
  return out;
}

/** Builds the report configuration from parsed flags; returns pprof's notes on conflicting shortcuts. */
export function reportConfigFromFlags(v: FlagValues): { cfg: ReportConfig; notes: string[] } {
  return reportConfig(optionValues(v));
}

/** The profiles named by positional arguments and the base flags; `note` gets pprof's notes on `--symbolize`. */
export function sourcesFromFlags(v: FlagValues, files: string[], note?: (line: string) => void): Sources {
  const base = (v.base as string[] | undefined) ?? [];
  const diffBase = (v.diff_base as string[] | undefined) ?? [];
  if (base.length > 0 && diffBase.length > 0) throw new UserError("--base and --diff_base cannot both be given");
  return {
    files,
    base: diffBase.length > 0 ? diffBase : base,
    diffBase: diffBase.length > 0,
    normalize: !!v.normalize,
    symbolize: parseSymbolizeMode((v.symbolize as string | undefined) ?? "", note),
    formats: formatOptionsFromFlags(v),
  };
}
