/**
 * Output limits for text results (`max_lines`, `max_bytes`, `truncate_strategy`)
 * and the `*_meta` record that says what was cut, as the original tool's
 * MCP results carry them.
 *
 * @module
 */

/** How to shorten text that is over a limit. */
export type TruncateStrategy = "head" | "tail" | "head_tail";

/** Limits on a text result; 0 or absent means no limit. */
export interface TruncateOptions {
  max_lines?: number;
  max_bytes?: number;
  truncate_strategy?: string;
}

/** What a text result contained and whether it was cut. */
export interface TextMeta {
  total_lines: number;
  total_bytes: number;
  truncated: boolean;
  truncated_reason?: string;
  strategy: TruncateStrategy;
}

/** The marker put where head_tail removed text. */
export const TRUNCATION_MARKER = "... (truncated) ...";

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** Lines of a text: a final line without newline counts, an empty text has none. */
export function countLines(text: string): number {
  if (text === "") return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return text.endsWith("\n") ? n : n + 1;
}

function strategyOf(s: string | undefined): TruncateStrategy {
  return s === "tail" || s === "head_tail" ? s : "head";
}

function cutLines(text: string, max: number, strategy: TruncateStrategy): string {
  const lines = (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
  if (strategy === "head") return lines.slice(0, max).join("\n");
  if (strategy === "tail") return lines.slice(-max).join("\n");
  if (max <= 1) return lines[0];
  const h = Math.floor(max / 2);
  const t = max - h - 1;
  if (t <= 0) return lines.slice(0, max).join("\n");
  return [...lines.slice(0, h), TRUNCATION_MARKER, ...lines.slice(-t)].join("\n");
}

function cutBytes(text: string, max: number, strategy: TruncateStrategy): string {
  const b = utf8.encode(text);
  const isContinuation = (i: number) => i < b.length && (b[i] & 0xc0) === 0x80;
  const head = (n: number) => {
    while (n > 0 && isContinuation(n)) n--;
    return utf8d.decode(b.subarray(0, n));
  };
  const tail = (n: number) => {
    let start = b.length - n;
    while (isContinuation(start)) start++;
    return utf8d.decode(b.subarray(start));
  };
  if (strategy === "head") return head(max);
  if (strategy === "tail") return tail(max);
  const marker = TRUNCATION_MARKER.length;
  if (max <= marker) return head(max);
  const h = Math.floor((max - marker) / 2);
  return head(h) + TRUNCATION_MARKER + tail(max - marker - h);
}

/**
 * Applies `max_lines`, then `max_bytes`. Untruncated text is returned
 * unchanged. Byte cuts never split a UTF-8 character: a partial one is
 * dropped (the original tool could emit invalid UTF-8).
 */
export function truncateText(text: string, o: TruncateOptions = {}): { text: string; meta: TextMeta } {
  const strategy = strategyOf(o.truncate_strategy);
  const meta: TextMeta = {
    total_lines: countLines(text),
    total_bytes: utf8.encode(text).length,
    truncated: false,
    strategy,
  };
  const reasons: string[] = [];
  let out = text;
  if ((o.max_lines ?? 0) > 0 && meta.total_lines > o.max_lines!) {
    out = cutLines(out, o.max_lines!, strategy);
    reasons.push("max_lines");
  }
  if ((o.max_bytes ?? 0) > 0 && utf8.encode(out).length > o.max_bytes!) {
    out = cutBytes(out, o.max_bytes!, strategy);
    reasons.push("max_bytes");
  }
  if (reasons.length > 0) {
    meta.truncated = true;
    meta.truncated_reason = reasons.join(",");
  }
  return { text: out, meta };
}
