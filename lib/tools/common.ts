/**
 * Pieces shared by the tool handlers: the equivalent `go tool pprof` command
 * line, and the raw-text payload with its truncation metadata and the hint
 * that says how to get what was cut.
 *
 * @module
 */
import { shellJoin } from "../util/shell.ts";
import {
  type TextMeta,
  type TextSize,
  truncateChunks,
  type TruncateOptions,
  truncateText,
  TRUNCATION_MARKER,
} from "./truncate.ts";

/** `go tool pprof ARGS…` shell-quoted, the "command" of pprof-based results. */
export function pprofCommand(args: string[]): string {
  return shellJoin(["go", "tool", "pprof", ...args]);
}

/** What a text result contained, whether it was cut, and how to get the rest. */
export type RawMeta = TextMeta & { hint?: string };

/** A text result as the raw-text tools return it. */
export interface RawPayload {
  raw: string;
  raw_meta: RawMeta;
  total_lines: number;
  truncated: boolean;
  stderr?: string;
  stderr_meta?: TextMeta;
}

/**
 * The hint of a cut text: which limit cut it, out of how much, which argument
 * to raise, and (`narrow`) how to ask for less instead.
 */
export function truncationHint(meta: TextMeta, limits: TruncateOptions, narrow?: string): string | undefined {
  if (!meta.truncated) return undefined;
  const cuts: string[] = [];
  const reasons = meta.truncated_reason?.split(",") ?? [];
  if (reasons.includes("max_lines")) cuts.push(`max_lines=${limits.max_lines} of ${meta.total_lines} lines`);
  if (reasons.includes("max_bytes")) cuts.push(`max_bytes=${limits.max_bytes} of ${meta.total_bytes} bytes`);
  const raise = reasons.join(" and ");
  const where = meta.strategy === "head" ? "the first part" : meta.strategy === "tail" ? "the last part" : "both ends";
  return `Cut to ${where} by ${cuts.join(" and ")}: pass a larger ${raise} (0 = no limit) for more` +
    (narrow ? `, or ${narrow}.` : ".");
}

function payload(text: string, meta: TextMeta, notes: string[], limits: TruncateOptions, narrow?: string) {
  const hint = truncationHint(meta, limits, narrow);
  const out: RawPayload = {
    raw: text,
    raw_meta: hint ? { ...meta, hint } : meta,
    total_lines: meta.total_lines,
    truncated: meta.truncated,
  };
  if (notes.length > 0) {
    const stderr = notes.join("\n") + "\n";
    out.stderr = stderr;
    out.stderr_meta = truncateText(stderr).meta;
  }
  return out;
}

/** Builds the raw-text part of a result: limited text, its meta and hint, and pprof's notes as stderr. */
export function rawPayload(text: string, notes: string[], limits: TruncateOptions = {}, narrow?: string): RawPayload {
  const { text: raw, meta } = truncateText(text, limits);
  return payload(raw, meta, notes, limits, narrow);
}

/**
 * {@link rawPayload} of a report produced in chunks; with `size`, reading
 * stops as soon as the kept head is complete.
 */
export function rawPayloadOfChunks(
  chunks: Iterable<string>,
  notes: string[],
  limits: TruncateOptions,
  narrow?: string,
  size?: () => TextSize,
): RawPayload {
  const { text, meta } = truncateChunks(chunks, limits, size);
  return payload(text, meta, notes, limits, narrow);
}

/** The text content of a raw-text result: the report text, then what was cut and how to get more. */
export function rawText(o: { raw: string; raw_meta: RawMeta }): string {
  return o.raw_meta.hint ? `${o.raw}\n\n[${o.raw_meta.hint}]` : o.raw;
}

/**
 * The lines of a cut text that are whole (a line cut in the middle by
 * max_bytes is not), for keeping the parsed rows that the text shows.
 */
export function wholeLines(raw: string, meta: TextMeta): Set<string> {
  const lines = raw.split("\n");
  if (meta.truncated && meta.truncated_reason?.includes("max_bytes")) {
    if (meta.strategy === "head") lines.pop();
    else if (meta.strategy === "tail") lines.shift();
  }
  return new Set(lines.filter((l) => !l.includes(TRUNCATION_MARKER)));
}
