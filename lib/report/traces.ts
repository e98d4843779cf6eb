/**
 * The `-traces` report: every sample's stack with its labels and value.
 *
 * @module
 */
import { padStart } from "../format/gofmt.ts";
import { autoLabel } from "../format/units.ts";
import { formatValue, profileLabels, type Report, reportFrames } from "./report.ts";
import { labelVisible } from "../profile/view.ts";

const SEPARATOR = "-----------+-------------------------------------------------------";

/** The labels of a sample under one key; numeric values are printed with their unit. */
export interface TraceLabel {
  key: string;
  values: string[];
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

/** A traces report. */
export interface TracesReport {
  labels: string[];
  traces: Trace[];
}

function sampleLabels(r: Report, s: number): TraceLabel[] {
  const p = r.profile;
  const byKey = new Map<string, TraceLabel>();
  for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
    if (!labelVisible(r.view, j)) continue;
    const key = p.strings[p.labelKey[j]];
    const numeric = p.labelStr[j] === 0;
    const value = numeric ? autoLabel(p.labelNum[j], r.numLabelUnits.get(key) ?? key) : p.strings[p.labelStr[j]];
    const id = (numeric ? "n" : "s") + key;
    if (!byKey.has(id)) byKey.set(id, { key, values: [], numeric });
    byKey.get(id)!.values.push(value);
  }
  return [...byKey.values()];
}

/** Computes the traces of a prepared report. */
export function tracesReport(r: Report): TracesReport {
  const v = r.view;
  const p = v.profile;
  const frames = reportFrames(r);
  const names = frames.table.names;
  const stride = p.sampleTypes.length;
  const traces: Trace[] = [];
  for (let i = 0; i < v.samples.length; i++) {
    const s = v.samples[i];
    const stack: Trace["frames"] = [];
    for (let k = v.stackFrom[i]; k < v.stackTo[i]; k++) {
      const loc = p.stackLocs[k];
      if (v.removed[loc]) continue;
      const last = frames.start[loc + 1] - 1;
      for (let j = frames.start[loc]; j <= last; j++) stack.push({ name: names[frames.nodes[j]], inline: j !== last });
    }
    if (stack.length === 0) continue;
    let value = p.values[s * stride + r.sampleIndex];
    const div = r.meanIndex === undefined ? 0 : p.values[s * stride + r.meanIndex];
    if (div !== 0) value = Math.trunc(value / div);
    traces.push({ value, valueText: formatValue(r, value), labels: sampleLabels(r, s), frames: stack });
  }
  return { labels: profileLabels(r), traces };
}

/** The text `go tool pprof -traces` prints. */
export function renderTraces(t: TracesReport): string {
  const out = [...t.labels];
  const lines = (ls: TraceLabel[]) => ls.map((l) => `${padStart(l.key, 10)}:  ${l.values.join(" ")}`).sort();
  for (const trace of t.traces) {
    out.push(SEPARATOR);
    out.push(...lines(trace.labels.filter((l) => !l.numeric)), ...lines(trace.labels.filter((l) => l.numeric)));
    trace.frames.forEach((f, n) =>
      out.push(`${padStart(n === 0 ? trace.valueText : "", 10)}   ${f.name}${f.inline ? " (inline)" : ""}`)
    );
  }
  out.push(SEPARATOR);
  return out.join("\n") + "\n";
}
