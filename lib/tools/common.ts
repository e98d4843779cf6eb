/**
 * Pieces shared by the tool handlers: the equivalent `go tool pprof` command
 * line, and the raw-text payload with its truncation metadata.
 *
 * @module
 */
import { shellJoin } from "../util/shell.ts";
import { type TextMeta, type TruncateOptions, truncateText } from "./truncate.ts";

/** `go tool pprof ARGS…` shell-quoted, the "command" of pprof-based results. */
export function pprofCommand(args: string[]): string {
  return shellJoin(["go", "tool", "pprof", ...args]);
}

/** A text result as the raw-text tools return it. */
export interface RawPayload {
  raw: string;
  raw_meta: TextMeta;
  total_lines: number;
  truncated: boolean;
  stderr?: string;
  stderr_meta?: TextMeta;
}

/** Builds the raw-text part of a result: limited text, its meta, and pprof's notes as stderr. */
export function rawPayload(text: string, notes: string[], limits: TruncateOptions = {}): RawPayload {
  const { text: raw, meta } = truncateText(text, limits);
  const out: RawPayload = { raw, raw_meta: meta, total_lines: meta.total_lines, truncated: meta.truncated };
  if (notes.length > 0) {
    const stderr = notes.join("\n") + "\n";
    out.stderr = stderr;
    out.stderr_meta = truncateText(stderr).meta;
  }
  return out;
}
