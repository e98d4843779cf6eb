/**
 * Schema pieces shared by the pprof tools: their common arguments and the
 * shapes of their results.
 *
 * @module
 */
import { z } from "zod";
import {
  type OptionArg,
  type OptionFlag,
  type OptionTypeOf,
  type OptionValues,
  pprofFlagArgs,
  reportConfig,
  reportOption,
} from "../../report/options.ts";
import type { ReportConfig } from "../../report/config.ts";
import { pathArg } from "../paths.ts";
import { DEFAULT_LIMITS, type TruncateOptions } from "../truncate.ts";

/** A profile argument: a path, or a handle from a download or merge. */
export const profileArg = (
  what = "Profile file",
) => pathArg(`${what}: a path (gzip, zstd or plain profile.proto) or a handle such as handle:0123456789abcdef`);

/** Accepted for compatibility with the original tool; profiles are read as symbolized. */
export const binaryArg = pathArg("Binary the profile came from (accepted, not needed: no symbolization)").optional();

function optionSchema(flag: string, help?: string): z.ZodOptional {
  const o = reportOption(flag);
  const text = help ?? o.help;
  switch (o.type) {
    case "boolean":
      return z.boolean().describe(text).optional();
    case "integer": {
      const n = z.number().int();
      return (o.min !== undefined ? n.min(o.min) : n).describe(text).optional();
    }
    case "number": {
      const n = z.number();
      return (o.min !== undefined ? n.min(o.min) : n).describe(text).optional();
    }
    case "regexp":
      return z.string().describe(`${text} (Go RE2 regexp, e.g. (?i)name)`).optional();
    default:
      return z.string().describe(text).optional();
  }
}

/** The zod schema of an option's tool argument. */
type OptionSchema<F extends OptionFlag> = z.ZodOptional<
  OptionTypeOf<F> extends "boolean" ? z.ZodBoolean : OptionTypeOf<F> extends "integer" | "number" ? z.ZodNumber
  : z.ZodString
>;

/** pprof report options picked for a tool: their argument schemas, configuration and pprof flags. */
export interface ReportArgs<F extends OptionFlag> {
  /** zod fields, keyed by tool argument name, in the order picked. */
  shape: { [K in F as OptionArg<K>]: OptionSchema<K> };
  /** The option values of a call's arguments, by pprof flag name ("not set" values left out). */
  values(a: Record<string, unknown>): OptionValues;
  /** The report configuration of a call's arguments. */
  config(a: Record<string, unknown>): Partial<ReportConfig>;
  /** The `go tool pprof` flags of a call's arguments, in the order picked. */
  flags(a: Record<string, unknown>): string[];
}

/**
 * Picks report options from the one table (`lib/report/options.ts`) for a
 * tool: `reportArgs(["cum", "nodecount", "focus"])`. `help` overrides the
 * table's help text for this tool. Tools treat false, 0 and "" as "not set",
 * as the original tool passed no flag for them.
 */
export function reportArgs<const F extends OptionFlag>(
  flags: readonly F[],
  help: Partial<Record<F, string>> = {},
): ReportArgs<F> {
  const options = flags.map(reportOption);
  const shape = Object.fromEntries(
    options.map((o) => [o.arg ?? o.flag, optionSchema(o.flag, (help as Record<string, string>)[o.flag])]),
  );
  const values = (a: Record<string, unknown>): OptionValues => {
    const v: OptionValues = {};
    for (const o of options) {
      const x = a[o.arg ?? o.flag];
      if (x === undefined || x === "" || x === 0 || (x === false && !o.default)) continue;
      v[o.flag] = x as string | number | boolean;
    }
    return v;
  };
  return {
    shape: shape as ReportArgs<F>["shape"],
    values,
    config: (a) => reportConfig(values(a)).cfg,
    flags: (a) => pprofFlagArgs(values(a), flags),
  };
}

/**
 * The output limits of text results. Absent, they take defaults
 * ({@link limitsOf}), so that an answer fits a model's context whatever the
 * profile; 0 (given explicitly) means no limit. A cut result says so in
 * `raw_meta` (`truncated`, `hint`).
 */
export const limitArgs = {
  max_lines: z.number().int().min(0)
    .describe(`Keep at most this many lines of text (default ${DEFAULT_LIMITS.max_lines}; 0 = no limit)`).optional(),
  max_bytes: z.number().int().min(0)
    .describe(`Keep at most this many bytes of text (default ${DEFAULT_LIMITS.max_bytes}; 0 = no limit)`).optional(),
  truncate_strategy: z.enum(["head", "tail", "head_tail"]).describe("Which part to keep when text is cut")
    .optional(),
};

/** The limits of a call: its own, or the defaults for those it does not give. */
export function limitsOf(a: TruncateOptions, defaults: Required<Omit<TruncateOptions, "truncate_strategy">> = {
  ...DEFAULT_LIMITS,
}): TruncateOptions {
  return {
    max_lines: a.max_lines ?? defaults.max_lines,
    max_bytes: a.max_bytes ?? defaults.max_bytes,
    truncate_strategy: a.truncate_strategy,
  };
}

/** Limits that cut nothing: the CLI's profctl commands print whole reports, as the original did. */
export const NO_LIMITS = { max_lines: 0, max_bytes: 0 } as const;

/** Which percentage a check or baseline deviation is about: own weight, or with callees. */
export const pctMetric = z.enum(["flat_pct", "cum_pct"]);

/** Optional Go RE2 regexp argument. */
export const regexArg = (what: string) => z.string().describe(`${what} (Go RE2 regexp, e.g. (?i)name)`);

/** What a text result contained and whether it was cut. */
export const textMeta = z.object({
  total_lines: z.number().int(),
  total_bytes: z.number().int(),
  truncated: z.boolean(),
  truncated_reason: z.string().optional(),
  strategy: z.enum(["head", "tail", "head_tail"]),
  hint: z.string().optional().describe("When cut: which limit cut it and how to get more"),
});

/** The raw-text part of a result. */
export const rawFields = {
  command: z.string().describe("The equivalent go tool pprof command line"),
  raw: z.string().describe("The report text, as go tool pprof prints it"),
  raw_meta: textMeta,
  total_lines: z.number().int(),
  truncated: z.boolean(),
  stderr: z.string().optional().describe("pprof's notes, e.g. a focus that matched no samples"),
  stderr_meta: textMeta.optional(),
};

/** One row of a top table. */
export const textRow = z.object({
  flat: z.string(),
  flat_pct: z.string(),
  sum_pct: z.string(),
  cum: z.string(),
  cum_pct: z.string(),
  name: z.string(),
  flat_seconds: z.number().optional(),
  cum_seconds: z.number().optional(),
});

/** The header of a top table. */
export const topSummary = z.object({ header_lines: z.array(z.string()), table_header: z.string() });
