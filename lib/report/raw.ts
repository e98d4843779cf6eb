/**
 * The `-raw` report: the profile itself, as pprof's `Profile.String()` prints it.
 *
 * @module
 */
import { padStart } from "../format/gofmt.ts";
import { formatGoDuration, formatGoTime } from "../format/gotime.ts";
import type { Report } from "./report.ts";
import { labelVisible } from "../profile/view.ts";

/** A sample of the raw dump; labels keep their order per key. */
export interface RawSample {
  values: number[];
  locations: number[];
  labels: Record<string, string[]>;
  numLabels: Record<string, { value: number; unit: string }[]>;
}

/** One inline frame of a location. */
export interface RawLine {
  function: string;
  systemName: string;
  file: string;
  line: number;
  startLine: number;
}

/** The profile as data, after the report's filters. */
export interface RawReport {
  comments: string[];
  periodType: { type: string; unit: string };
  period: number;
  timeNanos: string;
  durationNanos: number;
  sampleTypes: { type: string; unit: string; default: boolean }[];
  samples: RawSample[];
  locations: { id: number; address: string; mapping?: number; folded: boolean; lines: RawLine[] }[];
  mappings: {
    id: number;
    start: string;
    limit: string;
    offset: string;
    file: string;
    buildId: string;
    flags: string;
  }[];
}

const hex = (v: bigint) => "0x" + v.toString(16);

/** The sample `i` of the report's view. */
function rawSample(r: Report, i: number): RawSample {
  const v = r.view;
  const p = v.profile;
  const stride = p.sampleTypes.length;
  const s = v.samples[i];
  const locations: number[] = [];
  for (let k = v.stackFrom[i]; k < v.stackTo[i]; k++) {
    if (!v.removed[p.stackLocs[k]]) locations.push(p.locationId[p.stackLocs[k]]);
  }
  const labels: RawSample["labels"] = {};
  const numLabels: RawSample["numLabels"] = {};
  for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
    if (!labelVisible(v, j)) continue;
    const key = p.strings[p.labelKey[j]];
    if (p.labelStr[j] !== 0) (labels[key] ??= []).push(p.strings[p.labelStr[j]]);
    else (numLabels[key] ??= []).push({ value: p.labelNum[j], unit: p.strings[p.labelUnit[j]] });
  }
  return { values: Array.from(p.values.subarray(s * stride, (s + 1) * stride)), locations, labels, numLabels };
}

/** The location `l` of the report's view (`fake`: the profile has no mappings, pprof shows one empty). */
function rawLocation(r: Report, l: number, fake: boolean): RawReport["locations"][number] {
  const v = r.view;
  const p = v.profile;
  const m = p.locationMapping[l];
  const lines: RawLine[] = [];
  for (let i = v.lineFrom[l]; i < v.lineTo[l]; i++) {
    const li = v.lines[i];
    const fn = p.lineFunction[li];
    lines.push({
      function: p.strings[p.functionName[fn]],
      systemName: p.strings[p.functionSystemName[fn]],
      file: p.strings[p.functionFilename[fn]],
      line: p.lineNumber[li],
      startLine: p.functionStartLine[fn],
    });
  }
  return {
    id: p.locationId[l],
    address: hex(p.locationAddress[l]),
    mapping: m >= 0 ? p.mappings[m].id : fake ? 1 : undefined,
    folded: p.locationFolded[l] !== 0,
    lines,
  };
}

/** The profile of a prepared report as data, without its samples and locations. */
function rawHead(r: Report): RawReport {
  const p = r.view.profile;
  // Like pprof, a profile without mappings is shown with one empty mapping.
  const fake = p.mappings.length === 0;
  const mappings = fake
    ? [{ id: 1, start: "0x0", limit: "0x0", offset: "0x0", file: "", buildId: "", flags: "" }]
    : p.mappings.map((m) => ({
      id: m.id,
      start: hex(m.start),
      limit: hex(m.limit),
      offset: hex(m.offset),
      file: m.file,
      buildId: m.buildId,
      flags: (m.hasFunctions ? "[FN]" : "") + (m.hasFilenames ? "[FL]" : "") + (m.hasLineNumbers ? "[LN]" : "") +
        (m.hasInlineFrames ? "[IN]" : ""),
    }));
  return {
    comments: p.comments,
    periodType: { type: p.periodType?.type ?? "", unit: p.periodType?.unit ?? "" },
    period: p.period,
    timeNanos: String(p.timeNanos),
    durationNanos: p.durationNanos,
    sampleTypes: p.sampleTypes.map((t) => ({ ...t, default: t.type === p.defaultSampleType })),
    samples: [],
    locations: [],
    mappings,
  };
}

/** The profile of a prepared report as data. */
export function rawReport(r: Report): RawReport {
  const d = rawHead(r);
  const p = r.view.profile;
  for (let i = 0; i < r.view.samples.length; i++) d.samples.push(rawSample(r, i));
  for (let l = 0; l < p.locationCount; l++) d.locations.push(rawLocation(r, l, p.mappings.length === 0));
  return d;
}

function headLines(d: RawReport): string[] {
  const out = d.comments.map((c) => "Comment: " + c);
  out.push(`PeriodType: ${d.periodType.type} ${d.periodType.unit}`, `Period: ${d.period}`);
  if (d.timeNanos !== "0") out.push("Time: " + formatGoTime(BigInt(d.timeNanos)));
  // pprof prints the duration with "%.4v": its first four characters.
  if (d.durationNanos !== 0) out.push("Duration: " + formatGoDuration(d.durationNanos).slice(0, 4));
  out.push("Samples:", d.sampleTypes.map((t) => `${t.type}/${t.unit}${t.default ? "[dflt]" : ""}`).join(" "));
  return out;
}

const PAD = " ".repeat(16);

function sampleLines(s: RawSample, out: string[]): void {
  out.push(
    s.values.map((v) => " " + padStart(String(v), 10)).join("") + ": " + s.locations.map((l) => `${l} `).join(""),
  );
  const labels = Object.entries(s.labels).map(([k, vs]) => `${k}:[${vs.join(" ")}]`).sort();
  if (labels.length > 0) out.push(PAD + labels.join(" "));
  const nums = Object.entries(s.numLabels).map(([k, vs]) =>
    vs.some((x) => x.unit !== "")
      ? `${k}:[${vs.map((x) => `${x.value} ${x.unit}`).join(" ")}]`
      : `${k}:[${vs.map((x) => x.value).join(" ")}]`
  ).sort();
  if (nums.length > 0) out.push(PAD + nums.join(" "));
}

function locationLines(l: RawReport["locations"][number], out: string[]): void {
  let head = `${padStart(String(l.id), 6)}: ${l.address} ${l.mapping !== undefined ? `M=${l.mapping} ` : ""}${
    l.folded ? "[F] " : ""
  }`;
  if (l.lines.length === 0) out.push(head);
  for (const ln of l.lines) {
    const sys = ln.function !== ln.systemName ? `(${ln.systemName})` : "";
    out.push(`${head}${ln.function} ${ln.file}:${ln.line} s=${ln.startLine}${sys}`);
    head = " ".repeat(13);
  }
}

function mappingLines(d: RawReport): string[] {
  return d.mappings.map((m) => `${m.id}: ${m.start}/${m.limit}/${m.offset} ${m.file} ${m.buildId} ${m.flags}`);
}

/** The text `go tool pprof -raw` prints. */
export function renderRaw(d: RawReport): string {
  const out = headLines(d);
  for (const s of d.samples) sampleLines(s, out);
  out.push("Locations");
  for (const l of d.locations) locationLines(l, out);
  out.push("Mappings", ...mappingLines(d));
  return out.join("\n") + "\n";
}

// Samples or locations per chunk of rawChunks: chunks of some 100 KB.
const BATCH = 1000;

/**
 * {@link renderRaw} of {@link rawReport}, in chunks that end with a newline,
 * made while they are written: no sample or location is kept once printed.
 */
export function* rawChunks(r: Report): Generator<string> {
  const d = rawHead(r);
  const p = r.view.profile;
  let out = headLines(d);
  const flush = () => {
    const text = out.join("\n") + "\n";
    out = [];
    return text;
  };
  for (let i = 0; i < r.view.samples.length; i++) {
    sampleLines(rawSample(r, i), out);
    if (out.length >= BATCH) yield flush();
  }
  out.push("Locations");
  const fake = p.mappings.length === 0;
  for (let l = 0; l < p.locationCount; l++) {
    locationLines(rawLocation(r, l, fake), out);
    if (out.length >= BATCH) yield flush();
  }
  out.push("Mappings", ...mappingLines(d));
  yield flush();
}
