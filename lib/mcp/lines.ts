/**
 * Splits the bytes of a stdio stream into lines of at most a fixed size. A
 * longer line is not kept: only its first and last bytes are, so that the
 * JSON-RPC id of an oversized request can still be answered.
 *
 * @module
 */

/** A complete line (without its `\n` and a trailing `\r`). */
export interface TextLine {
  kind: "line";
  text: string;
}

/** A line longer than the limit: its size and whatever id its head or tail shows. */
export interface OversizedLine {
  kind: "oversized";
  bytes: number;
  id: string | number | null;
}

/** How many bytes of an oversized line's start and end are kept to find its id. */
const KEEP = 4096;

const decoder = new TextDecoder();

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Buffers chunks into lines; lines over `maxBytes` come out as {@link OversizedLine}. */
export class LineBuffer {
  readonly maxBytes: number;
  #parts: Uint8Array[] = [];
  #size = 0;
  /** Set while the current line is over the limit. */
  #over: { head: Uint8Array; tail: Uint8Array; bytes: number } | undefined;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Adds a chunk; returns the lines it completed, in order. */
  push(chunk: Uint8Array): (TextLine | OversizedLine)[] {
    const out: (TextLine | OversizedLine)[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (end > start) this.#append(chunk.subarray(start, end));
      if (nl < 0) break;
      out.push(this.#take());
      start = nl + 1;
    }
    return out;
  }

  #append(seg: Uint8Array): void {
    if (this.#over) {
      this.#over.bytes += seg.length;
      this.#over.tail = lastBytes([this.#over.tail, seg]);
      return;
    }
    if (this.#size + seg.length <= this.maxBytes) {
      // Chunks are reused by some readers: keep a copy.
      this.#parts.push(seg.slice());
      this.#size += seg.length;
      return;
    }
    const all = [...this.#parts, seg];
    this.#over = { head: firstBytes(all), tail: lastBytes(all), bytes: this.#size + seg.length };
    this.#parts = [];
    this.#size = 0;
  }

  #take(): TextLine | OversizedLine {
    if (this.#over) {
      const { head, tail, bytes } = this.#over;
      this.#over = undefined;
      return { kind: "oversized", bytes, id: recoverId(decoder.decode(head), decoder.decode(tail)) };
    }
    const text = decoder.decode(concat(this.#parts, this.#size)).replace(/\r$/, "");
    this.#parts = [];
    this.#size = 0;
    return { kind: "line", text };
  }
}

function firstBytes(parts: Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  let n = 0;
  for (const p of parts) {
    if (n >= KEEP) break;
    const take = p.subarray(0, KEEP - n);
    out.push(take);
    n += take.length;
  }
  return concat(out, n).slice();
}

function lastBytes(parts: Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  let n = 0;
  for (let i = parts.length - 1; i >= 0 && n < KEEP; i--) {
    const p = parts[i];
    const take = p.subarray(Math.max(0, p.length - (KEEP - n)));
    out.unshift(take);
    n += take.length;
  }
  return concat(out, n).slice();
}

const ID_VALUE = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** `"id": V` as the last member of the object (the SDK's clients write the id last). */
const TAIL_ID = new RegExp(String.raw`[{,]\s*"id"\s*:\s*${ID_VALUE}\s*\}\s*$`);

/**
 * The id of a request from the start and end of its line: a top-level `"id"`
 * member found by scanning the head's top-level members, or the last member
 * of the line. null when neither shows one.
 */
export function recoverId(head: string, tail: string): string | number | null {
  const fromHead = topLevelId(head);
  if (fromHead !== undefined) return fromHead;
  const m = TAIL_ID.exec(tail);
  return m ? idValue(m[1]) : null;
}

function idValue(text: string): string | number | null {
  try {
    const v = JSON.parse(text);
    return typeof v === "string" || (typeof v === "number" && Number.isSafeInteger(v)) ? v : null;
  } catch {
    return null;
  }
}

/** Scans the top-level members of a JSON object's beginning for `"id"`; undefined if not found in `s`. */
function topLevelId(s: string): string | number | null | undefined {
  let i = s.search(/\S/);
  if (i < 0 || s[i] !== "{") return undefined;
  i++;
  for (;;) {
    const key = /^\s*("(?:[^"\\]|\\.)*")\s*:\s*/.exec(s.slice(i));
    if (!key) return undefined;
    i += key[0].length;
    const end = skipValue(s, i);
    if (end < 0) return undefined;
    if (JSON.parse(key[1]) === "id") return idValue(s.slice(i, end).trim());
    const sep = /^\s*,/.exec(s.slice(end));
    if (!sep) return undefined;
    i = end + sep[0].length;
  }
}

/** The index after the JSON value starting at `i` (strings and brackets balanced), or -1 if `s` ends first. */
function skipValue(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === "\\" ? 2 : 1;
      if (i >= s.length) return -1;
      if (depth === 0) return i + 1;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth === 0 && (c === "," || /\s/.test(c))) return i;
  }
  return -1;
}
