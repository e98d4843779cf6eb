/**
 * The `-traces` report: every sample's stack with its labels and value,
 * produced one trace at a time (a large profile prints hundreds of MB), and
 * its size computed without producing the text.
 *
 * @module
 */
import { padStart, runeCount } from "../format/gofmt.ts";
import { autoLabel } from "../format/units.ts";
import { formatValue, profileLabels, type Report, reportFrames } from "./report.ts";
import { labelVisible } from "../profile/view.ts";

const SEPARATOR = "-----------+-------------------------------------------------------";
const INLINE = " (inline)";

/** The labels of a sample under one key; numeric values are printed with their unit. */
export interface TraceLabel {
  key: string;
  /** As printed: string values, or numbers with their unit ("1kB"). */
  values: string[];
  /** The raw numbers of a numeric label. */
  numbers?: number[];
  /** The unit of a numeric label's numbers. */
  unit?: string;
  numeric: boolean;
}

/** One sample of a traces report. */
export interface Trace {
  value: number;
  valueText: string;
  labels: TraceLabel[];
  /** Leaf first. */
  frames: { name: string; inline: boolean }[];
}

/**
 * Walks the report's samples: the stack of one sample lands in reused typed
 * arrays (no object per frame), its labels and value are computed on demand.
 */
class TraceWalker {
  readonly r: Report;
  readonly names: string[];
  #frames: ReturnType<typeof reportFrames>;
  #stride: number;
  /** Node of each frame of the current stack, leaf first. */
  node = new Int32Array(256);
  /** 1 when the frame is inlined into the next one. */
  inline = new Uint8Array(256);
  depth = 0;

  constructor(r: Report) {
    this.r = r;
    this.#frames = reportFrames(r);
    this.names = this.#frames.table.names;
    this.#stride = r.profile.sampleTypes.length;
  }

  get count(): number {
    return this.r.view.samples.length;
  }

  /** Loads the stack of the i-th sample of the view; false when no frame is left (pprof skips it). */
  load(i: number): boolean {
    const v = this.r.view;
    const p = v.profile;
    const f = this.#frames;
    this.depth = 0;
    for (let k = v.stackFrom[i]; k < v.stackTo[i]; k++) {
      const loc = p.stackLocs[k];
      if (v.removed[loc]) continue;
      const last = f.start[loc + 1] - 1;
      for (let j = f.start[loc]; j <= last; j++) {
        if (this.depth === this.node.length) this.#grow();
        this.node[this.depth] = f.nodes[j];
        this.inline[this.depth] = j !== last ? 1 : 0;
        this.depth++;
      }
    }
    return this.depth > 0;
  }

  #grow(): void {
    const node = new Int32Array(this.node.length * 2), inline = new Uint8Array(this.node.length * 2);
    node.set(this.node);
    inline.set(this.inline);
    this.node = node;
    this.inline = inline;
  }

  /** The value of the i-th sample (divided for -mean). */
  value(i: number): number {
    const p = this.r.profile;
    const s = this.r.view.samples[i];
    let value = p.values[s * this.#stride + this.r.sampleIndex];
    const div = this.r.meanIndex === undefined ? 0 : p.values[s * this.#stride + this.r.meanIndex];
    if (div !== 0) value = Math.trunc(value / div);
    return value;
  }

  /** The visible labels of the i-th sample, by key. */
  labels(i: number): TraceLabel[] {
    const r = this.r;
    const p = r.profile;
    const s = r.view.samples[i];
    const byKey = new Map<string, TraceLabel>();
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (!labelVisible(r.view, j)) continue;
      const key = p.strings[p.labelKey[j]];
      const numeric = p.labelStr[j] === 0;
      const unit = r.numLabelUnits.get(key) ?? key;
      const value = numeric ? autoLabel(p.labelNum[j], unit) : p.strings[p.labelStr[j]];
      const id = (numeric ? "n" : "s") + key;
      let l = byKey.get(id);
      if (!l) {
        byKey.set(id, l = numeric ? { key, values: [], numbers: [], unit, numeric } : { key, values: [], numeric });
      }
      l.values.push(value);
      if (numeric) l.numbers!.push(p.labelNum[j]);
    }
    return [...byKey.values()];
  }
}

/** The label lines of a trace as pprof prints them: string labels, then numeric ones, each group sorted. */
function labelLines(ls: TraceLabel[]): string[] {
  const lines = (group: TraceLabel[]) => group.map((l) => `${padStart(l.key, 10)}:  ${l.values.join(" ")}`).sort();
  return [...lines(ls.filter((l) => !l.numeric)), ...lines(ls.filter((l) => l.numeric))];
}

/**
 * The text `go tool pprof -traces` prints, in chunks: the header, then one
 * chunk per trace, then the closing separator. Each chunk ends with a newline;
 * joined they are the whole report.
 */
export function* traceChunks(r: Report): Generator<string> {
  const w = new TraceWalker(r);
  const header = profileLabels(r);
  if (header.length > 0) yield header.join("\n") + "\n";
  const names = w.names;
  const blank = padStart("", 10);
  // The end of a frame line, per node and inline flag, made once: most lines are the blank prefix and one of these.
  const tails: (string | undefined)[] = new Array(names.length * 2);
  const tail = (node: number, inline: number) =>
    tails[node * 2 + inline] ??= `   ${names[node]}${inline ? INLINE : ""}\n`;
  for (let i = 0; i < w.count; i++) {
    if (!w.load(i)) continue;
    let chunk = SEPARATOR + "\n";
    for (const l of labelLines(w.labels(i))) chunk += l + "\n";
    for (let n = 0; n < w.depth; n++) {
      chunk += (n === 0 ? padStart(formatValue(r, w.value(i)), 10) : blank) + tail(w.node[n], w.inline[n]);
    }
    yield chunk;
  }
  yield SEPARATOR + "\n";
}

/** The text `go tool pprof -traces` prints. */
export function renderTraces(r: Report): string {
  let out = "";
  for (const chunk of traceChunks(r)) out += chunk;
  return out;
}

const utf8 = new TextEncoder();

/** Lines and bytes of {@link renderTraces}'s text, computed without producing it (no string per frame). */
export function tracesSize(r: Report): { lines: number; bytes: number } {
  const w = new TraceWalker(r);
  const header = profileLabels(r);
  let lines = header.length, bytes = header.reduce((n, l) => n + utf8.encode(l).length + 1, 0);
  const nameBytes = new Int32Array(w.names.length).fill(-1);
  const sep = SEPARATOR.length + 1;
  for (let i = 0; i < w.count; i++) {
    if (!w.load(i)) continue;
    const ls = labelLines(w.labels(i));
    lines += 1 + ls.length + w.depth;
    bytes += sep;
    for (const l of ls) bytes += utf8.encode(l).length + 1;
    const valueText = formatValue(r, w.value(i));
    // A frame line: the value (first frame) or blanks padded to 10 runes, 3 spaces, the name, " (inline)".
    bytes += Math.max(0, 10 - runeCount(valueText)) + utf8.encode(valueText).length - 10;
    for (let n = 0; n < w.depth; n++) {
      const node = w.node[n];
      if (nameBytes[node] < 0) nameBytes[node] = utf8.encode(w.names[node]).length;
      bytes += 10 + 3 + nameBytes[node] + (w.inline[n] ? INLINE.length : 0) + 1;
    }
  }
  return { lines: lines + 1, bytes: bytes + sep };
}

/** The traces one at a time, as data (for JSON). */
export function* traceItems(r: Report): Generator<Trace> {
  const w = new TraceWalker(r);
  for (let i = 0; i < w.count; i++) {
    if (!w.load(i)) continue;
    const frames: Trace["frames"] = [];
    for (let n = 0; n < w.depth; n++) frames.push({ name: w.names[w.node[n]], inline: w.inline[n] === 1 });
    const value = w.value(i);
    yield { value, valueText: formatValue(r, value), labels: w.labels(i), frames };
  }
}
