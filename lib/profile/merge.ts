/**
 * Profile arithmetic with pprof's semantics: merging (identical samples,
 * locations, functions and mappings collapse; all-zero samples disappear),
 * compaction, scaling, unit reconciliation and base-profile labelling.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { scale, unitKind } from "../format/units.ts";
import { type LabelRow, ProfileBuilder } from "./builder.ts";
import type { Profile, ValueType } from "./model.ts";

const U64 = (x: bigint) => BigInt.asUintN(64, x);

function typesText(types: ValueType[]): string {
  return types.map((t) => `${t.type}/${t.unit}`).join(", ");
}

function sameType(a: ValueType | undefined, b: ValueType | undefined): boolean {
  return (a?.type ?? "") === (b?.type ?? "") && (a?.unit ?? "") === (b?.unit ?? "");
}

/** Fails unless `b` has the same period type and sample types as `a`. */
function checkCompatible(a: Profile, b: Profile, nameA: string, nameB: string): void {
  if (!sameType(a.periodType, b.periodType)) {
    throw new UserError(
      `cannot combine ${nameA} and ${nameB}: incompatible period types ` +
        `${typesText([a.periodType ?? { type: "", unit: "" }])} and ${
          typesText([b.periodType ?? { type: "", unit: "" }])
        }`,
    );
  }
  if (a.sampleTypes.length !== b.sampleTypes.length || a.sampleTypes.some((t, i) => !sameType(t, b.sampleTypes[i]))) {
    throw new UserError(
      `cannot combine ${nameA} and ${nameB}: incompatible sample types [${typesText(a.sampleTypes)}] and [${
        typesText(b.sampleTypes)
      }]`,
    );
  }
}

/** The labels of sample `s` grouped by key, in pprof's order: string keys sorted, then numeric keys sorted. */
export function sampleLabels(p: Profile, s: number): LabelRow[] {
  const str = new Map<string, LabelRow[]>();
  const num = new Map<string, LabelRow[]>();
  for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
    const key = p.strings[p.labelKey[j]];
    const isStr = p.labelStr[j] !== 0;
    const group = isStr ? str : num;
    if (!group.has(key)) group.set(key, []);
    group.get(key)!.push(
      isStr ? { key, str: p.strings[p.labelStr[j]] } : { key, num: p.labelNum[j], unit: p.strings[p.labelUnit[j]] },
    );
  }
  const sorted = (m: Map<string, LabelRow[]>) => [...m.keys()].sort().flatMap((k) => m.get(k)!);
  return [...sorted(str), ...sorted(num)];
}

function labelsKey(labels: LabelRow[]): string {
  return labels.map((l) => (l.str !== undefined ? `s${l.key}\0${l.str}` : `n${l.key}\0${l.num}\0${l.unit}`)).join(
    "\u0001",
  );
}

function isZero(p: Profile, s: number): boolean {
  const n = p.sampleTypes.length;
  for (let t = 0; t < n; t++) if (p.values[s * n + t] !== 0) return false;
  return true;
}

/**
 * Merges profiles into one, as pprof's `profile.Merge`: headers combined (the
 * earliest time, summed durations, the largest period), identical samples
 * summed, and samples whose values all sum to zero dropped.
 *
 * @param names file names for error messages, parallel to `srcs`
 */
export function mergeProfiles(srcs: Profile[], names: string[] = []): Profile {
  if (srcs.length === 0) throw new UserError("no profiles to merge");
  const name = (i: number) => names[i] ?? `profile #${i + 1}`;
  for (let i = 1; i < srcs.length; i++) checkCompatible(srcs[0], srcs[i], name(0), name(i));

  let timeNanos = 0n, durationNanos = 0, period = 0;
  let defaultSampleType = "";
  const comments: string[] = [];
  for (const s of srcs) {
    if (timeNanos === 0n || s.timeNanos < timeNanos) timeNanos = s.timeNanos;
    durationNanos += s.durationNanos;
    if (period === 0 || period < s.period) period = s.period;
    for (const c of s.comments) if (!comments.includes(c)) comments.push(c);
    if (defaultSampleType === "") defaultSampleType = s.defaultSampleType;
  }
  const first = srcs[0];
  const b = new ProfileBuilder({
    sampleTypes: first.sampleTypes.map((t) => ({ ...t })),
    defaultSampleType,
    periodType: first.periodType && { ...first.periodType },
    period,
    timeNanos,
    durationNanos,
    comments,
    dropFrames: first.dropFrames,
    keepFrames: first.keepFrames,
  });
  const nTypes = first.sampleTypes.length;
  const mappingByKey = new Map<string, number>();
  const functionByKey = new Map<string, number>();
  const locationByKey = new Map<string, number>();
  const sampleByKey = new Map<string, number>();

  for (const src of srcs) {
    const mapped = new Map<number, { m: number; offset: bigint }>();
    const fnMap = new Int32Array(src.functionCount).fill(-1);
    const locMap = new Int32Array(src.locationCount).fill(-1);

    const mapMapping = (mi: number) => {
      let info = mapped.get(mi);
      if (info) return info;
      const m = src.mappings[mi];
      let size = U64(m.limit - m.start);
      size = U64(size + 0xfffn);
      size -= size % 0x1000n;
      const key = `${size}\0${m.offset}\0${m.buildId !== "" ? m.buildId : m.file}`;
      const existing = mappingByKey.get(key);
      if (existing !== undefined) info = { m: existing, offset: b.mappings[existing].start - m.start };
      else {
        const { id: _id, ...rest } = m;
        const idx = b.addMapping(rest);
        mappingByKey.set(key, idx);
        info = { m: idx, offset: 0n };
      }
      mapped.set(mi, info);
      return info;
    };
    const mapFunction = (f: number) => {
      if (fnMap[f] >= 0) return fnMap[f];
      const name = src.strings[src.functionName[f]];
      const sys = src.strings[src.functionSystemName[f]];
      const file = src.strings[src.functionFilename[f]];
      const start = src.functionStartLine[f];
      const key = `${start}\0${name}\0${sys}\0${file}`;
      let idx = functionByKey.get(key);
      if (idx === undefined) {
        idx = b.addFunction(name, sys, file, start);
        functionByKey.set(key, idx);
      }
      fnMap[f] = idx;
      return idx;
    };
    const mapLocation = (l: number) => {
      if (locMap[l] >= 0) return locMap[l];
      const srcMapping = src.locationMapping[l];
      const info = srcMapping >= 0 ? mapMapping(srcMapping) : undefined;
      const address = U64(src.locationAddress[l] + (info?.offset ?? 0n));
      const lines: [number, number][] = [];
      for (let i = src.lineStart[l]; i < src.lineStart[l + 1]; i++) {
        lines.push([mapFunction(src.lineFunction[i]), src.lineNumber[i]]);
      }
      const folded = src.locationFolded[l] !== 0;
      const rel = info ? U64(address - b.mappings[info.m].start) : address;
      const key = `${rel}\0${info ? info.m + 1 : 0}\0${folded ? 1 : 0}\0${lines.join(";")}`;
      let idx = locationByKey.get(key);
      if (idx === undefined) {
        idx = b.addLocation(info?.m ?? -1, address, folded, lines);
        locationByKey.set(key, idx);
      }
      locMap[l] = idx;
      return idx;
    };

    if (b.mappings.length === 0 && src.mappings.length > 0) mapMapping(0);
    const locs: number[] = [];
    for (let s = 0; s < src.sampleCount; s++) {
      if (isZero(src, s)) continue;
      locs.length = 0;
      for (let k = src.stackStart[s]; k < src.stackStart[s + 1]; k++) locs.push(mapLocation(src.stackLocs[k]));
      const labels = sampleLabels(src, s);
      const key = locs.join(",") + "|" + labelsKey(labels);
      const values = src.values.subarray(s * nTypes, (s + 1) * nTypes);
      const existing = sampleByKey.get(key);
      if (existing !== undefined) {
        for (let t = 0; t < nTypes; t++) b.values.data[existing * nTypes + t] += values[t];
      } else {
        sampleByKey.set(key, b.addSample(locs, values, labels));
      }
    }
  }
  const merged = b.finish();
  for (let s = 0; s < merged.sampleCount; s++) {
    if (isZero(merged, s)) return mergeProfiles([merged]);
  }
  compacted.add(merged);
  return merged;
}

// Profiles that came out of a merge are already compact.
const compacted = new WeakSet<Profile>();

/** pprof's Compact: a profile merged with itself (duplicates collapse, unused entries go). */
export function compactProfile(p: Profile): Profile {
  return compacted.has(p) ? p : mergeProfiles([p]);
}

/** A copy of `p` keeping only the samples in `keep`, with `values` (stride = sample types). */
function withSamples(p: Profile, keep: number[], values: Float64Array): Profile {
  const n = p.sampleTypes.length;
  const outValues = new Float64Array(keep.length * n);
  const stackStart = new Uint32Array(keep.length + 1);
  const labelStart = new Uint32Array(keep.length + 1);
  let nStack = 0, nLabel = 0;
  for (const s of keep) {
    nStack += p.stackStart[s + 1] - p.stackStart[s];
    nLabel += p.labelStart[s + 1] - p.labelStart[s];
  }
  const stackLocs = new Uint32Array(nStack);
  const labelKey = new Uint32Array(nLabel), labelStr = new Uint32Array(nLabel), labelUnit = new Uint32Array(nLabel);
  const labelNum = new Float64Array(nLabel);
  let k = 0, j = 0;
  keep.forEach((s, i) => {
    outValues.set(values.subarray(s * n, (s + 1) * n), i * n);
    stackStart[i] = k;
    stackLocs.set(p.stackLocs.subarray(p.stackStart[s], p.stackStart[s + 1]), k);
    k += p.stackStart[s + 1] - p.stackStart[s];
    labelStart[i] = j;
    for (let x = p.labelStart[s]; x < p.labelStart[s + 1]; x++, j++) {
      labelKey[j] = p.labelKey[x];
      labelStr[j] = p.labelStr[x];
      labelNum[j] = p.labelNum[x];
      labelUnit[j] = p.labelUnit[x];
    }
  });
  stackStart[keep.length] = k;
  labelStart[keep.length] = j;
  return {
    ...p,
    sampleCount: keep.length,
    values: outValues,
    stackStart,
    stackLocs,
    labelStart,
    labelKey,
    labelStr,
    labelNum,
    labelUnit,
  };
}

/** Go's math.Round: halves away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * pprof's ScaleN: multiplies each sample type's values by its ratio (rounded),
 * dropping samples whose scaled values are all zero. Ratios of 1 change nothing.
 */
export function scaleProfile(p: Profile, ratios: number[]): Profile {
  if (ratios.every((r) => r === 1)) return p;
  const n = p.sampleTypes.length;
  const values = p.values.slice();
  const keep: number[] = [];
  for (let s = 0; s < p.sampleCount; s++) {
    let nonZero = false;
    for (let t = 0; t < n; t++) {
      if (ratios[t] === 1) continue;
      const v = goRound(values[s * n + t] * ratios[t]);
      values[s * n + t] = v;
      if (v !== 0) nonZero = true;
    }
    if (nonZero) keep.push(s);
  }
  return withSamples(p, keep, values);
}

/** Scales `p` so that each sample type's total equals that of `base` (pprof's -normalize). */
export function normalizeProfile(p: Profile, base: Profile, name: string, baseName: string): Profile {
  checkCompatible(p, base, name, baseName);
  const n = p.sampleTypes.length;
  const sums = (q: Profile) => {
    const out = new Array<number>(n).fill(0);
    for (let i = 0; i < q.values.length; i++) out[i % n] += q.values[i];
    return out;
  };
  const baseVals = sums(base);
  const srcVals = sums(p);
  return scaleProfile(p, baseVals.map((b, i) => (srcVals[i] === 0 ? 0 : b / srcVals[i])));
}

/** Sets label `key` to `value` on every sample, replacing any value it had. */
export function setLabel(p: Profile, key: string, value: string): Profile {
  const strings = [...p.strings];
  const intern = (s: string) => {
    const i = strings.indexOf(s);
    return i >= 0 ? i : strings.push(s) - 1;
  };
  const k = intern(key);
  const v = intern(value);
  const labelStart = new Uint32Array(p.sampleCount + 1);
  const keys: number[] = [], strs: number[] = [], nums: number[] = [], units: number[] = [];
  for (let s = 0; s < p.sampleCount; s++) {
    labelStart[s] = keys.length;
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (p.labelKey[j] === k && p.labelStr[j] !== 0) continue;
      keys.push(p.labelKey[j]);
      strs.push(p.labelStr[j]);
      nums.push(p.labelNum[j]);
      units.push(p.labelUnit[j]);
    }
    keys.push(k);
    strs.push(v);
    nums.push(0);
    units.push(0);
  }
  labelStart[p.sampleCount] = keys.length;
  return {
    ...p,
    strings,
    labelStart,
    labelKey: Uint32Array.from(keys),
    labelStr: Uint32Array.from(strs),
    labelNum: Float64Array.from(nums),
    labelUnit: Uint32Array.from(units),
  };
}

/** pprof's compatibleValueTypes: same type (ignoring a plural "s") and units of one family. */
function compatibleUnits(a: ValueType, b: ValueType): boolean {
  if (a.type.replace(/s$/, "") !== b.type.replace(/s$/, "")) return false;
  if (a.unit === b.unit) return true;
  const kind = unitKind(a.unit);
  return kind !== undefined && kind === unitKind(b.unit);
}

/** The finest of compatible value types (pprof's CommonValueType); undefined for fewer than two. */
function commonValueType(ts: ValueType[], what: string): ValueType | undefined {
  if (ts.length <= 1) return undefined;
  let min = ts[0];
  for (const t of ts.slice(1)) {
    if (!compatibleUnits(min, t)) {
      throw new UserError(`${what}: incompatible types ${min.type}/${min.unit} and ${t.type}/${t.unit}`);
    }
    if (scale(1, t.unit, min.unit)[0] < 1) min = t;
  }
  return { ...min };
}

/**
 * Brings profiles to common units (the finest unit of each sample type), as
 * pprof does before merging: a profile in ms merges with one in ns.
 */
export function scaleToCommonUnits(profiles: Profile[]): Profile[] {
  const periodType = commonValueType(
    profiles.map((p) => p.periodType).filter((t): t is ValueType => t !== undefined),
    "period type",
  );
  const n = profiles[0].sampleTypes.length;
  for (const p of profiles.slice(1)) {
    if (p.sampleTypes.length !== n) {
      throw new UserError(`inconsistent samples type count: ${n} != ${p.sampleTypes.length}`);
    }
  }
  const common = Array.from(
    { length: n },
    (_, i) => commonValueType(profiles.map((p) => p.sampleTypes[i]), "sample types"),
  );
  return profiles.map((p) => {
    let q = p;
    if (p.periodType && periodType) {
      q = {
        ...q,
        period: Math.trunc(scale(p.period, p.periodType.unit, periodType.unit)[0]),
        periodType: { ...p.periodType, unit: periodType.unit },
      };
    }
    const ratios = p.sampleTypes.map((st, i) => (common[i] ? scale(1, st.unit, common[i]!.unit)[0] : 1));
    const sampleTypes = p.sampleTypes.map((st, i) => (common[i] ? { ...st, unit: common[i]!.unit } : st));
    return scaleProfile({ ...q, sampleTypes }, ratios);
  });
}

/** pprof's combineProfiles: common units, then merge. */
export function combineProfiles(profiles: Profile[], names: string[] = []): Profile {
  return mergeProfiles(scaleToCommonUnits(profiles), names);
}
