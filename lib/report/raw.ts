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

/** The profile of a prepared report as data. */
export function rawReport(r: Report): RawReport {
  const v = r.view;
  const p = v.profile;
  const stride = p.sampleTypes.length;
  const samples: RawSample[] = [];
  for (let i = 0; i < v.samples.length; i++) {
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
    samples.push({ values: Array.from(p.values.subarray(s * stride, (s + 1) * stride)), locations, labels, numLabels });
  }
  // Like pprof, a profile without mappings is shown with one empty mapping.
  const fake = p.mappings.length === 0;
  const locations: RawReport["locations"] = [];
  for (let l = 0; l < p.locationCount; l++) {
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
    locations.push({
      id: p.locationId[l],
      address: hex(p.locationAddress[l]),
      mapping: m >= 0 ? p.mappings[m].id : fake ? 1 : undefined,
      folded: p.locationFolded[l] !== 0,
      lines,
    });
  }
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
    samples,
    locations,
    mappings,
  };
}

/** The text `go tool pprof -raw` prints. */
export function renderRaw(d: RawReport): string {
  const out = d.comments.map((c) => "Comment: " + c);
  out.push(`PeriodType: ${d.periodType.type} ${d.periodType.unit}`, `Period: ${d.period}`);
  if (d.timeNanos !== "0") out.push("Time: " + formatGoTime(BigInt(d.timeNanos)));
  // pprof prints the duration with "%.4v": its first four characters.
  if (d.durationNanos !== 0) out.push("Duration: " + formatGoDuration(d.durationNanos).slice(0, 4));
  out.push("Samples:", d.sampleTypes.map((t) => `${t.type}/${t.unit}${t.default ? "[dflt]" : ""}`).join(" "));
  const pad = " ".repeat(16);
  for (const s of d.samples) {
    out.push(
      s.values.map((v) => " " + padStart(String(v), 10)).join("") + ": " + s.locations.map((l) => `${l} `).join(""),
    );
    const labels = Object.entries(s.labels).map(([k, vs]) => `${k}:[${vs.join(" ")}]`).sort();
    if (labels.length > 0) out.push(pad + labels.join(" "));
    const nums = Object.entries(s.numLabels).map(([k, vs]) =>
      vs.some((x) => x.unit !== "")
        ? `${k}:[${vs.map((x) => `${x.value} ${x.unit}`).join(" ")}]`
        : `${k}:[${vs.map((x) => x.value).join(" ")}]`
    ).sort();
    if (nums.length > 0) out.push(pad + nums.join(" "));
  }
  out.push("Locations");
  for (const l of d.locations) {
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
  out.push("Mappings");
  for (const m of d.mappings) out.push(`${m.id}: ${m.start}/${m.limit}/${m.offset} ${m.file} ${m.buildId} ${m.flags}`);
  return out.join("\n") + "\n";
}
