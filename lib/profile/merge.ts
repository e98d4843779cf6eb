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

const noType: ValueType = { type: "", unit: "" };

/**
 * Fails, naming both files, unless `b`'s period type and sample types match
 * `a`'s under `match` (exact equality to merge, unit compatibility to scale).
 */
function checkCompatible(
  a: Profile,
  b: Profile,
  nameA: string,
  nameB: string,
  match: (x: ValueType, y: ValueType) => boolean = sameType,
): void {
  if (!match(a.periodType ?? noType, b.periodType ?? noType)) {
    throw new UserError(
      `cannot combine ${nameA} and ${nameB}: incompatible period types ` +
        `${typesText([a.periodType ?? noType])} and ${typesText([b.periodType ?? noType])}`,
    );
  }
  if (a.sampleTypes.length !== b.sampleTypes.length || a.sampleTypes.some((t, i) => !match(t, b.sampleTypes[i]))) {
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

/** A 53-bit hash of a sample's merged locations and label set, for the sample index. */
function sampleHash(locs: number[], labelSet: number): number {
  let h1 = 0x811c9dc5 ^ labelSet, h2 = 0x01000193 + labelSet;
  for (const l of locs) {
    h1 = Math.imul(h1 ^ l, 0x01000193);
    h2 = Math.imul(h2 + l, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/**
 * Merges profiles one at a time, as pprof's `profile.Merge` does all at once:
 * headers combined (the earliest time, summed durations, the largest period),
 * identical samples, locations, functions and mappings collapsed, all-zero
 * samples dropped. Profiles in compatible but different units (ms and ns)
 * are brought to the finer unit first, as pprof's ScaleProfiles does.
 *
 * Memory stays proportional to the merged result plus one input.
 */
export class ProfileMerger {
  #b: ProfileBuilder | undefined;
  #first: Profile | undefined;
  #firstName = "";
  #units: string[] = [];
  #periodUnit = "";
  #timeNanos = 0n;
  #durationNanos = 0;
  #period = 0;
  #defaultSampleType = "";
  #comments: string[] = [];
  #mappingByKey = new Map<string, number>();
  #functions = new Map<string, Map<string, number[]>>(); // name → file → merged functions
  #locations = new Map<number, number[]>(); // hash → merged locations
  #locLo: number[] = [];
  #locHi: number[] = [];
  #labelSets = new Map<string, number>();
  #sampleLabelSet: number[] = [];
  #sampleByHash = new Map<number, number>();
  #sampleByKey = new Map<string, number>(); // only for hash collisions
  #count = 0;
  // The profile being added, and what its mappings, functions and locations became.
  #src: Profile | undefined;
  #mapped = new Map<number, { m: number; offset: bigint }>();
  #fnMap: Int32Array = new Int32Array(0);
  #locMap: Int32Array = new Int32Array(0);
  #addr32: Uint32Array = new Uint32Array(0);
  // Scratch rows for #mapLocation.
  #fns: number[] = [];
  #lineNos: number[] = [];

  /** Adds a profile; `name` is used in error messages. */
  add(src: Profile, name = `profile #${this.#count + 1}`): void {
    if (!this.#first) {
      this.#first = src;
      this.#firstName = name;
      this.#units = src.sampleTypes.map((t) => t.unit);
      this.#periodUnit = src.periodType?.unit ?? "";
      this.#b = new ProfileBuilder({
        sampleTypes: src.sampleTypes.map((t) => ({ ...t })),
        defaultSampleType: "",
        periodType: src.periodType && { ...src.periodType },
        period: 0,
        timeNanos: 0n,
        durationNanos: 0,
        comments: [],
        dropFrames: src.dropFrames,
        keepFrames: src.keepFrames,
      });
    } else {
      checkCompatible(this.#first, src, this.#firstName, name, compatibleUnits);
      src = this.#reconcileUnits(src);
    }
    this.#count++;
    if (this.#timeNanos === 0n || src.timeNanos < this.#timeNanos) this.#timeNanos = src.timeNanos;
    this.#durationNanos += src.durationNanos;
    if (this.#period === 0 || this.#period < src.period) this.#period = src.period;
    for (const c of src.comments) if (!this.#comments.includes(c)) this.#comments.push(c);
    if (this.#defaultSampleType === "") this.#defaultSampleType = src.defaultSampleType;
    this.#addSamples(src);
  }

  /** The merged profile. The merger must not be used afterwards. */
  finish(): Profile {
    if (!this.#b || !this.#first) throw new UserError("no profiles to merge");
    const merged = this.#b.finish({
      sampleTypes: this.#first.sampleTypes.map((t, i) => ({ type: t.type, unit: this.#units[i] })),
      periodType: this.#first.periodType && { ...this.#first.periodType, unit: this.#periodUnit },
      timeNanos: this.#timeNanos,
      durationNanos: this.#durationNanos,
      period: this.#period,
      comments: this.#comments,
      defaultSampleType: this.#defaultSampleType,
    });
    for (let s = 0; s < merged.sampleCount; s++) {
      if (isZero(merged, s)) return mergeProfiles([merged]);
    }
    compacted.add(merged);
    return merged;
  }

  /** Brings `src` and the merged result to the finer of their units, per sample type and for the period. */
  #reconcileUnits(src: Profile): Profile {
    const b = this.#b!;
    const n = this.#units.length;
    const ratios = src.sampleTypes.map((t, i) => {
      const [toOurs] = scale(1, t.unit, this.#units[i]);
      if (t.unit === this.#units[i] || toOurs >= 1) return toOurs;
      // The new profile is finer: rescale what was merged so far instead.
      const [up] = scale(1, this.#units[i], t.unit);
      for (let k = i; k < b.values.length; k += n) b.values.data[k] = goRound(b.values.data[k] * up);
      this.#units[i] = t.unit;
      return 1;
    });
    let out = scaleProfile(
      { ...src, sampleTypes: src.sampleTypes.map((t, i) => ({ ...t, unit: this.#units[i] })) },
      ratios,
    );
    const unit = src.periodType?.unit ?? "";
    if (src.periodType && unit !== this.#periodUnit) {
      if (scale(1, unit, this.#periodUnit)[0] >= 1) {
        out = { ...out, period: Math.trunc(scale(src.period, unit, this.#periodUnit)[0]) };
      } else {
        this.#period = Math.trunc(scale(this.#period, this.#periodUnit, unit)[0]);
        this.#periodUnit = unit;
      }
      out = { ...out, periodType: { ...src.periodType, unit: this.#periodUnit } };
    }
    return out;
  }

  #addSamples(src: Profile): void {
    const b = this.#b!;
    const nTypes = src.sampleTypes.length;
    this.#src = src;
    this.#mapped.clear();
    this.#fnMap = new Int32Array(src.functionCount).fill(-1);
    this.#locMap = new Int32Array(src.locationCount).fill(-1);
    // Addresses as 32-bit halves, to key and compare locations without BigInts.
    this.#addr32 = new Uint32Array(src.locationAddress.buffer, src.locationAddress.byteOffset, src.locationCount * 2);

    if (b.mappings.length === 0 && src.mappings.length > 0) this.#mapMapping(0);
    const locs: number[] = [];
    for (let s = 0; s < src.sampleCount; s++) {
      if (isZero(src, s)) continue;
      locs.length = 0;
      for (let k = src.stackStart[s]; k < src.stackStart[s + 1]; k++) locs.push(this.#mapLocation(src.stackLocs[k]));
      const labels = sampleLabels(src, s);
      const labelsText = labelsKey(labels);
      let labelSet = this.#labelSets.get(labelsText);
      if (labelSet === undefined) this.#labelSets.set(labelsText, labelSet = this.#labelSets.size);
      const values = src.values.subarray(s * nTypes, (s + 1) * nTypes);
      const hash = sampleHash(locs, labelSet);
      const existing = this.#findSample(hash, locs, labelSet);
      if (existing !== undefined) {
        for (let t = 0; t < nTypes; t++) b.values.data[existing * nTypes + t] += values[t];
      } else {
        this.#indexSample(b.addSample(locs, values, labels), hash, locs, labelSet);
      }
    }
    this.#src = undefined;
  }

  /** The merged mapping of the current source's mapping `mi`, and the address shift into it. */
  #mapMapping(mi: number): { m: number; offset: bigint } {
    let info = this.#mapped.get(mi);
    if (info) return info;
    const b = this.#b!;
    const m = this.#src!.mappings[mi];
    let size = U64(m.limit - m.start);
    size = U64(size + 0xfffn);
    size -= size % 0x1000n;
    const key = `${size}\0${m.offset}\0${m.buildId !== "" ? m.buildId : m.file}`;
    const existing = this.#mappingByKey.get(key);
    if (existing !== undefined) info = { m: existing, offset: b.mappings[existing].start - m.start };
    else {
      const { id: _id, ...rest } = m;
      const idx = b.addMapping(rest);
      this.#mappingByKey.set(key, idx);
      info = { m: idx, offset: 0n };
    }
    this.#mapped.set(mi, info);
    return info;
  }

  /** The merged function of the current source's function `f`. */
  #mapFunction(f: number): number {
    if (this.#fnMap[f] >= 0) return this.#fnMap[f];
    const b = this.#b!;
    const src = this.#src!;
    const name = src.strings[src.functionName[f]];
    const sys = src.strings[src.functionSystemName[f]];
    const file = src.strings[src.functionFilename[f]];
    const start = src.functionStartLine[f];
    let byFile = this.#functions.get(name);
    if (!byFile) this.#functions.set(name, byFile = new Map());
    let candidates = byFile.get(file);
    if (!candidates) byFile.set(file, candidates = []);
    let idx = candidates.find((c) =>
      b.strings[b.functionSystemName.data[c]] === sys && b.functionStartLine.data[c] === start
    );
    if (idx === undefined) {
      idx = b.addFunction(name, sys, file, start);
      candidates.push(idx);
    }
    return this.#fnMap[f] = idx;
  }

  /** The merged location of the current source's location `l`. */
  #mapLocation(l: number): number {
    if (this.#locMap[l] >= 0) return this.#locMap[l];
    const b = this.#b!;
    const src = this.#src!;
    const fns = this.#fns, lineNos = this.#lineNos;
    const srcMapping = src.locationMapping[l];
    const info = srcMapping >= 0 ? this.#mapMapping(srcMapping) : undefined;
    let lo = this.#addr32[2 * l], hi = this.#addr32[2 * l + 1];
    if (info && info.offset !== 0n) {
      const a = U64(src.locationAddress[l] + info.offset);
      lo = Number(a & 0xffffffffn);
      hi = Number(a >> 32n);
    }
    fns.length = lineNos.length = 0;
    for (let i = src.lineStart[l]; i < src.lineStart[l + 1]; i++) {
      fns.push(this.#mapFunction(src.lineFunction[i]));
      lineNos.push(src.lineNumber[i]);
    }
    const folded = src.locationFolded[l];
    // pprof keys a location by its address relative to its mapping; within one
    // merged mapping that is the same as keying by (address, mapping).
    const m = info ? info.m : -1;
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + m + 2, 0x85ebca77) ^ folded;
    for (let i = 0; i < fns.length; i++) {
      h = Math.imul(h ^ fns[i], 0x01000193);
      h = Math.imul(h ^ lineNos[i], 0x5bd1e995);
    }
    const bucket = this.#locations.get(h);
    let idx = -1;
    if (bucket) {
      for (const c of bucket) {
        if (this.#sameLocation(c, lo, hi, m, folded, fns, lineNos)) {
          idx = c;
          break;
        }
      }
    }
    if (idx < 0) {
      const address = (BigInt(hi) << 32n) | BigInt(lo);
      idx = b.addLocation(m, address, folded !== 0, fns.map((fn, i) => [fn, lineNos[i]]));
      this.#locLo[idx] = lo;
      this.#locHi[idx] = hi;
      if (bucket) bucket.push(idx);
      else this.#locations.set(h, [idx]);
    }
    return this.#locMap[l] = idx;
  }

  #sameLocation(c: number, lo: number, hi: number, m: number, folded: number, fns: number[], lines: number[]): boolean {
    const b = this.#b!;
    if (this.#locLo[c] !== lo || this.#locHi[c] !== hi) return false;
    if (b.locationMapping[c] !== m || b.locationFolded.data[c] !== folded) return false;
    const from = b.lineStart.data[c];
    const to = c + 1 < b.lineStart.length ? b.lineStart.data[c + 1] : b.lineFunction.length;
    if (to - from !== fns.length) return false;
    for (let i = 0; i < fns.length; i++) {
      if (b.lineFunction.data[from + i] !== fns[i] || b.lineNumber.data[from + i] !== lines[i]) return false;
    }
    return true;
  }

  #sameSample(s: number, locs: number[], labelSet: number): boolean {
    const b = this.#b!;
    if (this.#sampleLabelSet[s] !== labelSet) return false;
    const start = b.stackStart.data[s];
    const end = s + 1 < b.stackStart.length ? b.stackStart.data[s + 1] : b.stackLocs.length;
    if (end - start !== locs.length) return false;
    for (let i = 0; i < locs.length; i++) if (b.stackLocs.data[start + i] !== locs[i]) return false;
    return true;
  }

  #findSample(hash: number, locs: number[], labelSet: number): number | undefined {
    const s = this.#sampleByHash.get(hash);
    if (s === undefined || this.#sameSample(s, locs, labelSet)) return s;
    return this.#sampleByKey.get(`${labelSet}|${locs.join(",")}`);
  }

  #indexSample(s: number, hash: number, locs: number[], labelSet: number): void {
    this.#sampleLabelSet[s] = labelSet;
    if (!this.#sampleByHash.has(hash)) this.#sampleByHash.set(hash, s);
    else this.#sampleByKey.set(`${labelSet}|${locs.join(",")}`, s);
  }
}

/**
 * Merges profiles of the same types and units into one (pprof's `profile.Merge`).
 *
 * @param names file names for error messages, parallel to `srcs`
 */
export function mergeProfiles(srcs: Profile[], names: string[] = []): Profile {
  if (srcs.length === 0) throw new UserError("no profiles to merge");
  const name = (i: number) => names[i] ?? `profile #${i + 1}`;
  for (let i = 1; i < srcs.length; i++) checkCompatible(srcs[0], srcs[i], name(0), name(i));
  const m = new ProfileMerger();
  srcs.forEach((p, i) => m.add(p, name(i)));
  return m.finish();
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

/** pprof's combineProfiles: profiles in compatible units merged into one. */
export function combineProfiles(profiles: Profile[], names: string[] = []): Profile {
  const m = new ProfileMerger();
  profiles.forEach((p, i) => m.add(p, names[i]));
  return m.finish();
}
