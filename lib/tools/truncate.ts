/**
 * Output limits for text results (`max_lines`, `max_bytes`, `truncate_strategy`)
 * and the `*_meta` record that says what was cut, as the original tool's
 * MCP results carry them.
 *
 * @module
 */

/** How to shorten text that is over a limit. */
export type TruncateStrategy = "head" | "tail" | "head_tail";

/** Limits on a text result; 0 or absent means no limit (tools put their defaults in the schema). */
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

/**
 * The limits a text tool applies when the call does not give them: a default
 * answer (text content plus structured content) stays far below the 100 KB a
 * client such as Claude Code accepts, whatever the profile. `0` given
 * explicitly still means "no limit".
 */
export const DEFAULT_LIMITS = { max_lines: 200, max_bytes: 16_000 } as const;

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** UTF-8 length of a string without encoding it (lone surrogates count as U+FFFD, as TextEncoder writes them). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

function newlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

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

/** The size of a whole text, when a report can tell it without producing the text. */
export interface TextSize {
  lines: number;
  bytes: number;
}

/**
 * {@link truncateText} of the concatenation of `chunks`, without holding the
 * whole text: it keeps only the head and tail the limits can show, and stops
 * reading as soon as the head is complete when `size` tells the totals (for
 * `head`, the default strategy). Every chunk must end with a newline, so that
 * dropped chunks are whole lines. The result is exactly truncateText's.
 */
export function truncateChunks(
  chunks: Iterable<string>,
  o: TruncateOptions = {},
  size?: () => TextSize,
): { text: string; meta: TextMeta } {
  const strategy = strategyOf(o.truncate_strategy);
  const L = Math.max(0, o.max_lines ?? 0), B = Math.max(0, o.max_bytes ?? 0);
  if (L === 0 && B === 0) return truncateText([...chunks].join(""), o);
  // What the cut can show: enough whole lines, or bytes, of the head and of the tail.
  const headNeed = { lines: 0, bytes: 0 }, tailNeed = { lines: 0, bytes: 0 };
  if (L > 0) {
    const h = Math.floor(L / 2), t = L - h - 1;
    if (strategy === "head" || (strategy === "head_tail" && (L <= 1 || t <= 0))) headNeed.lines = L + 1;
    else if (strategy === "tail") tailNeed.lines = L + 1;
    else {
      headNeed.lines = h + 1;
      tailNeed.lines = t + 1;
    }
    // Bytes alone can end the head only when no tail is kept (the line cut then never reaches past it).
    if (strategy === "head") headNeed.bytes = B > 0 ? B + 2 : 0;
  } else if (strategy === "head" || (strategy === "head_tail" && B <= TRUNCATION_MARKER.length)) {
    headNeed.bytes = B + 2;
  } else if (strategy === "tail") tailNeed.bytes = B + 4;
  else {
    // The tail alone is over the limit, so the kept text is cut as the whole one is.
    headNeed.bytes = Math.floor((B - TRUNCATION_MARKER.length) / 2) + 2;
    tailNeed.bytes = B + 4;
  }
  const enough = (need: { lines: number; bytes: number }, lines: number, bytes: number) =>
    (need.lines === 0 && need.bytes === 0) || (need.lines > 0 && lines >= need.lines) ||
    (need.bytes > 0 && bytes >= need.bytes);

  const head: string[] = [];
  let headLines = 0, headBytes = 0;
  const tail: { text: string; lines: number; bytes: number }[] = [];
  let tailLines = 0, tailBytes = 0;
  let totalLines = 0, totalBytes = 0, dropped = false, stopped = false;
  const wantsTail = tailNeed.lines > 0 || tailNeed.bytes > 0;
  for (const chunk of chunks) {
    const lines = newlines(chunk), bytes = utf8Length(chunk);
    totalLines += lines;
    totalBytes += bytes;
    if (!enough(headNeed, headLines, headBytes)) {
      head.push(chunk);
      headLines += lines;
      headBytes += bytes;
      continue;
    }
    if (!wantsTail) {
      if (size) {
        stopped = true;
        break;
      }
      dropped = true;
      continue;
    }
    tail.push({ text: chunk, lines, bytes });
    tailLines += lines;
    tailBytes += bytes;
    while (tail.length > 1 && enough(tailNeed, tailLines - tail[0].lines, tailBytes - tail[0].bytes)) {
      const first = tail.shift()!;
      tailLines -= first.lines;
      tailBytes -= first.bytes;
      dropped = true;
    }
  }
  const kept = head.join("") + tail.map((c) => c.text).join("");
  const r = truncateText(kept, o);
  if (!stopped && !dropped) return r;
  const total = stopped ? size!() : { lines: totalLines, bytes: totalBytes };
  const reasons = new Set(r.meta.truncated_reason?.split(",") ?? []);
  if (L > 0 && total.lines > L) reasons.add("max_lines");
  const ordered = ["max_lines", "max_bytes"].filter((x) => reasons.has(x));
  return {
    text: r.text,
    meta: {
      total_lines: total.lines,
      total_bytes: total.bytes,
      truncated: true,
      truncated_reason: ordered.join(","),
      strategy,
    },
  };
}
