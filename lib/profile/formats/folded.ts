/**
 * Folded stacks: one `frame;frame;frame COUNT` line per stack, root first,
 * as FlameGraph's stackcollapse scripts (`perf script | stackcollapse-perf.pl`),
 * async-profiler's `collapsed` output and py-spy's `--format raw` write them.
 * Each line becomes one sample.
 *
 * The counts say nothing of their unit: by default they are `samples/count`;
 * {@link FoldedOptions} says otherwise (`--sample_type=cpu/nanoseconds` when
 * they are nanoseconds already, as stackcollapse-perf.pl sums perf's sample
 * periods; with `--period=N`, samples of N each).
 *
 * Frames keep their text, except for two conventions of the writers: the
 * `_[k]`, `_[j]`, `_[i]`, `_[w]`, `_[0]`… type suffixes that stackcollapse
 * and async-profiler add are dropped from names, and a frame marked `_[i]`
 * (inlined) joins the location of the frame before it, its caller, as an
 * inline frame; py-spy's `function (file.py:line)` gives the function, its file
 * and the line.
 *
 * @module
 */
import { ProfileError } from "../../errors.ts";
import { ProfileBuilder } from "../builder.ts";
import type { Profile, ValueType } from "../model.ts";
import { FrameTable } from "./frames.ts";

/** What the counts of a folded file mean. */
export interface FoldedOptions {
  /** The type and unit of the counts; with {@link period}, of each sample. */
  sampleType?: ValueType;
  /** Each count is this many of `sampleType` (e.g. nanoseconds per sample). */
  period?: number;
}

const FORMAT = "folded stacks";

/** How many bytes of the start are looked at to tell folded stacks from other text. */
const SNIFF = 4096;

/**
 * Whether `b` starts like folded stacks: text whose first line is frames, a
 * space and a whole number.
 */
export function looksLikeFolded(b: Uint8Array): boolean {
  const head = b.subarray(0, SNIFF);
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  const text = new TextDecoder().decode(head);
  const from = text.search(/\S/);
  if (from < 0) return false;
  const end = text.indexOf("\n", from);
  if (end < 0 && head.length < b.length) return text.includes(";"); // a first line longer than the window
  const line = text.slice(from, end < 0 ? text.length : end).replace(/\r$/, "");
  return /\s\d+$/.test(line) && !/^\d+$/.test(line.trim());
}

/** Parses `--sample_type`'s value: `TYPE/UNIT`, or `TYPE` for a count. */
export function parseSampleType(s: string): ValueType {
  const m = /^([^/\s]+)(?:\/([^/\s]+))?$/.exec(s);
  if (!m) throw new ProfileError(`sample type "${s}" is not TYPE/UNIT (e.g. cpu/nanoseconds)`);
  return { type: m[1], unit: m[2] ?? "count" };
}

/** A frame of a folded line, as read once per distinct text. */
interface Frame {
  fn: number;
  line: number;
  inlined: boolean;
}

const ANNOTATION = /_\[[a-z0-9]\]$/;
const PY_SPY = /^(.*) \(([^()]*):(\d+)\)$/;

/**
 * Decodes folded stacks.
 *
 * @throws {ProfileError} naming the line that is not `frames COUNT`.
 */
export function foldedProfile(b: Uint8Array, o: FoldedOptions = {}): Profile {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    throw new ProfileError(`${FORMAT}: not UTF-8 text`);
  }
  if (o.period !== undefined && (!o.sampleType || !(o.period > 0))) {
    throw new ProfileError(
      o.sampleType ? `--period must be a positive number` : "--period needs --sample_type (e.g. cpu/nanoseconds)",
    );
  }
  const st = o.sampleType;
  const withPeriod = st !== undefined && o.period !== undefined;
  const b2 = new ProfileBuilder({
    sampleTypes: withPeriod ? [{ type: "samples", unit: "count" }, st] : [st ?? { type: "samples", unit: "count" }],
    defaultSampleType: "",
    periodType: st,
    period: withPeriod ? o.period! : 0,
    timeNanos: 0n,
    durationNanos: 0,
    comments: [],
    dropFrames: "",
    keepFrames: "",
  });
  const frames = new FrameTable(b2);
  const byText = new Map<string, Frame>();
  const frameOf = (s: string): Frame => {
    let f = byText.get(s);
    if (f === undefined) {
      let name = s, inlined = false;
      const a = ANNOTATION.exec(name);
      if (a) {
        inlined = a[0] === "_[i]";
        name = name.slice(0, -a[0].length);
      }
      const py = PY_SPY.exec(name);
      f = py
        ? { fn: frames.fn(py[1], py[2]), line: Number(py[3]), inlined }
        : { fn: frames.fn(name), line: 0, inlined };
      byText.set(s, f);
    }
    return f;
  };

  const stack: number[] = [];
  const group: [number, number][] = [];
  const values = withPeriod ? [0, 0] : [0];
  let start = 0, lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") continue;
    const sp = Math.max(line.lastIndexOf(" "), line.lastIndexOf("\t"));
    const count = line.slice(sp + 1);
    if (sp <= 0 || !/^\d+$/.test(count)) {
      throw new ProfileError(`${FORMAT}: line ${lineNo} is not "frame;frame;… COUNT" (a whole number at the end)`);
    }
    const n = Number(count);
    if (!Number.isSafeInteger(n)) throw new ProfileError(`${FORMAT}: line ${lineNo}: count ${count} is too large`);
    // Root first in the file; pprof stacks are leaf first, with inlined callees first within a location.
    stack.length = 0;
    group.length = 0;
    for (const s of line.slice(0, sp).trimEnd().split(";")) {
      const f = frameOf(s);
      if (!f.inlined && group.length > 0) {
        stack.push(frames.loc(group.toReversed()));
        group.length = 0;
      }
      group.push([f.fn, f.line]);
    }
    stack.push(frames.loc(group.toReversed()));
    stack.reverse();
    if (withPeriod) {
      values[0] = n;
      values[1] = n * o.period!;
    } else values[0] = n;
    b2.addSample(stack, values, []);
  }
  if (b2.sampleCount === 0) throw new ProfileError(`${FORMAT}: no stacks in the file`);
  return b2.finish();
}
