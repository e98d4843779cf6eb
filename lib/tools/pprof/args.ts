/**
 * Schema pieces shared by the pprof tools: their common arguments and the
 * shapes of their results.
 *
 * @module
 */
import { z } from "zod";

/** A profile argument: a path, or a handle from a download or merge. */
export const profileArg = z.string().describe(
  "Profile file: a path (gzip, zstd or plain profile.proto) or a handle such as handle:0123456789abcdef",
);

/** Accepted for compatibility with the original tool; profiles are read as symbolized. */
export const binaryArg = z.string().describe("Binary the profile came from (accepted, not needed: no symbolization)")
  .optional();

/** The optional sample type argument of the pprof tools. */
export const sampleIndexArg = z.string().describe("Sample type (name or index)").optional();

/** The optional output limits of text results. */
export const limitArgs = {
  max_lines: z.number().int().min(0).describe("Keep at most this many lines of text (0 = all)").optional(),
  max_bytes: z.number().int().min(0).describe("Keep at most this many bytes of text (0 = all)").optional(),
  truncate_strategy: z.enum(["head", "tail", "head_tail"]).describe("Which part to keep when text is cut")
    .optional(),
};

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
