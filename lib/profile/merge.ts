/**
 * Profile arithmetic with pprof's semantics: merging (identical samples,
 * locations, functions and mappings collapse; all-zero samples disappear),
 * compaction, scaling, unit reconciliation and base-profile labelling.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { scale, unitKind } from "../format/units.ts";
import { ProfileBuilder } from "./builder.ts";
import type { Profile, ValueType } from "./model.ts";
import { U32Column } from "./columns.ts";
import { IdTable, mix32 } from "./id_table.ts";

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
  a: Pick<Profile, "sampleTypes" | "periodType">,
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

function isZero(p: Profile, s: number): boolean {
  const n = p.sampleTypes.length;
  for (let t = 0; t < n; t++) if (p.values[s * n + t] !== 0) return false;
  return true;
}

/** One step of murmur3's body: mixes the 32-bit value `k` into the running hash `h`. */
function step(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** What the merger keeps of the first profile: what later ones must be compatible with. */
type Header = Pick<Profile, "sampleTypes" | "periodType">;

/**
 * Merges profiles one at a time, as pprof's `profile.Merge` does all at once:
 * headers combined (the earliest time, summed durations, the largest period),
 * identical samples, locations, functions and mappings collapsed, all-zero
 * samples dropped. Profiles in compatible but different units (ms and ns)
 * are brought to the finer unit first, as pprof's ScaleProfiles does.
 *
 * Memory stays proportional to the merged result plus one input. Adding an
 * input maps its strings, mappings, functions and locations to merged ones
 * once (typed arrays indexed by the input's own indices); each sample then
 * costs a hash of its merged location ids and a probe of a typed hash table,
 * and its label set is looked up once per distinct set of the input.
 */
export class ProfileMerger {
  #b: ProfileBuilder | undefined;
  #first: Header | undefined;
  #firstName = "";
  #units: string[] = [];
  #periodUnit = "";
  #timeNanos = 0n;
  #durationNanos = 0;
  #period = 0;
  #defaultSampleType = "";
  #comments: string[] = [];
  #count = 0;
  // Indexes of the merged rows.
  #mappingByKey = new Map<string, number>();
  #functions = new IdTable(4096);
  #locations = new IdTable(16384);
  #locLo: number[] = [];
  #locHi: number[] = [];
  // Label sets: their rows in pprof's order (string labels by key, then numeric ones), in merged string ids.
  #labelSets = new IdTable(1024);
  #setStart: number[] = [];
  #setEnd: number[] = [];
  #setKey: number[] = [];
  #setStr: number[] = [];
  #setNum: number[] = [];
  #setUnit: number[] = [];
  #emptyLabels = -1;
  #samples = new IdTable(1 << 16);
  #sampleLabelSet = new U32Column(1 << 16);
  // The profile being added, and what its strings, mappings, functions and locations became.
  #src: Profile | undefined;
  #strMap: Int32Array = new Int32Array(0);
  #mapMap: Int32Array = new Int32Array(0);
  #mapOffset: bigint[] = [];
  #mapShifted: Uint8Array = new Uint8Array(0);
  #fnMap: Int32Array = new Int32Array(0);
  #locMap: Int32Array = new Int32Array(0);
  #addr32: Uint32Array = new Uint32Array(0);
  // The input's distinct label sets: a sample of the input holding it, its merged label set and its merged rows.
  #rawLabels = new IdTable(16);
  #rawSample: number[] = [];
  #rawSet: number[] = [];
  #order: number[] = [];
  // The previous input's strings and what they became: inputs of one program mostly list them alike.
  #prevStrings: string[] = [];
  #prevStrMap: Int32Array = new Int32Array(0);
  // Scratch rows.
  #stack = new Uint32Array(256);
  #fns = new Uint32Array(16);
  #lineNos = new Float64Array(16);

  /** Adds a profile; `name` is used in error messages. */
  add(src: Profile, name = `profile #${this.#count + 1}`): void {
    if (!this.#first) {
      this.#first = { sampleTypes: src.sampleTypes.map((t) => ({ ...t })), periodType: src.periodType };
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
    this.#strMap = new Int32Array(src.strings.length).fill(-1);
    this.#mapMap = new Int32Array(src.mappings.length).fill(-1);
    this.#mapOffset = new Array<bigint>(src.mappings.length).fill(0n);
    this.#mapShifted = new Uint8Array(src.mappings.length);
    this.#fnMap = new Int32Array(src.functionCount).fill(-1);
    this.#locMap = new Int32Array(src.locationCount).fill(-1);
    // Addresses as 32-bit halves, to key and compare locations without BigInts.
    this.#addr32 = new Uint32Array(src.locationAddress.buffer, src.locationAddress.byteOffset, src.locationCount * 2);
    this.#rawLabels = new IdTable(256);
    this.#rawSample.length = this.#rawSet.length = 0;

    if (b.mappings.length === 0 && src.mappings.length > 0) this.#mapMapping(0);
    const { stackStart, stackLocs, labelStart, values } = src;
    const locMap = this.#locMap, table = this.#samples, sampleSet = this.#sampleLabelSet;
    for (let s = 0; s < src.sampleCount; s++) {
      let zero = true;
      for (let t = 0; t < nTypes; t++) {
        if (values[s * nTypes + t] !== 0) {
          zero = false;
          break;
        }
      }
      if (zero) continue;
      const from = stackStart[s], n = stackStart[s + 1] - from;
      if (this.#stack.length < n) this.#stack = new Uint32Array(2 * n);
      const stack = this.#stack;
      let h = n;
      for (let i = 0; i < n; i++) {
        const l = stackLocs[from + i];
        let ml = locMap[l];
        if (ml < 0) ml = this.#mapLocation(l);
        stack[i] = ml;
        // FNV-1a over the ids: cheap per frame; the final mix32 spreads it.
        h = Math.imul(h ^ ml, 0x01000193);
      }
      // After the locations, as pprof's order of first appearance interns the label strings after the frames'.
      const raw = labelStart[s] === labelStart[s + 1] ? -1 : this.#rawLabelsOf(s);
      const set = raw >= 0 ? this.#rawSet[raw] : this.#emptyLabels >= 0 ? this.#emptyLabels : this.#emptyLabelSet();
      h = mix32(step(h, set));
      let found = -1;
      for (let slot = table.first(h);; slot = table.next(slot)) {
        const c = table.slots[slot];
        if (c < 0) break;
        if (table.hashOf(c) === h && sampleSet.data[c] === set && this.#sameStack(c, stack, n)) {
          found = c;
          break;
        }
      }
      if (found >= 0) {
        const into = b.values.data;
        for (let t = 0; t < nTypes; t++) into[found * nTypes + t] += values[s * nTypes + t];
        continue;
      }
      // A new sample, appended to the builder's columns as ProfileBuilder.addSample does.
      const id = b.stackStart.length;
      b.stackStart.push(b.stackLocs.length);
      b.stackLocs.reserve(n);
      b.stackLocs.data.set(stack.subarray(0, n), b.stackLocs.length);
      b.stackLocs.length += n;
      b.values.reserve(nTypes);
      b.values.data.set(values.subarray(s * nTypes, (s + 1) * nTypes), b.values.length);
      b.values.length += nTypes;
      b.labelStart.push(b.labelKey.length);
      const r0 = this.#setStart[set], nl = this.#setEnd[set] - r0;
      if (nl > 0) {
        // Written straight into the columns: Column.push is shared by every column type, so it is slow when hot.
        b.labelKey.reserve(nl);
        b.labelStr.reserve(nl);
        b.labelNum.reserve(nl);
        b.labelUnit.reserve(nl);
        const at = b.labelKey.length;
        const keys = b.labelKey.data, strs = b.labelStr.data, nums = b.labelNum.data, units = b.labelUnit.data;
        for (let r = 0; r < nl; r++) {
          keys[at + r] = this.#setKey[r0 + r];
          strs[at + r] = this.#setStr[r0 + r];
          nums[at + r] = this.#setNum[r0 + r];
          units[at + r] = this.#setUnit[r0 + r];
        }
        b.labelKey.length =
          b.labelStr.length =
          b.labelNum.length =
          b.labelUnit.length =
            at + nl;
      }
      sampleSet.push(set);
      table.add(id, h);
    }
    this.#prevStrings = src.strings;
    this.#prevStrMap = this.#strMap;
    this.#src = undefined;
  }

  #sameStack(c: number, stack: Uint32Array, n: number): boolean {
    const b = this.#b!;
    const start = b.stackStart.data[c];
    const end = c + 1 < b.stackStart.length ? b.stackStart.data[c + 1] : b.stackLocs.length;
    if (end - start !== n) return false;
    const locs = b.stackLocs.data;
    for (let i = 0; i < n; i++) if (locs[start + i] !== stack[i]) return false;
    return true;
  }

  #emptyLabelSet(): number {
    this.#order.length = 0;
    return this.#emptyLabels = this.#labelSet(this.#src!);
  }

  /** The current input's label set of sample `s` (which has labels): found, or made from its labels. */
  #rawLabelsOf(s: number): number {
    const src = this.#src!;
    const { labelStart, labelKey, labelStr, labelNum, labelUnit } = src;
    const from = labelStart[s], to = labelStart[s + 1];
    let h = to - from;
    for (let j = from; j < to; j++) {
      h = step(step(step(step(h, labelKey[j]), labelStr[j]), labelNum[j] | 0), labelUnit[j]);
    }
    h = mix32(h);
    const table = this.#rawLabels;
    for (let slot = table.first(h);; slot = table.next(slot)) {
      const c = table.slots[slot];
      if (c < 0) break;
      if (table.hashOf(c) !== h) continue;
      const o = this.#rawSample[c], oFrom = labelStart[o];
      if (labelStart[o + 1] - oFrom !== to - from) continue;
      let same = true;
      for (let j = from, k = oFrom; j < to; j++, k++) {
        if (
          labelKey[j] !== labelKey[k] || labelStr[j] !== labelStr[k] || labelNum[j] !== labelNum[k] ||
          labelUnit[j] !== labelUnit[k]
        ) {
          same = false;
          break;
        }
      }
      if (same) return c;
    }
    // Not seen in this input: its labels in pprof's order (string labels, then numeric ones, each group sorted
    // by key, stable within a key: pprof's order), then the merged set of those.
    const order = this.#order;
    order.length = 0;
    for (let j = from; j < to; j++) {
      const isStr = labelStr[j] !== 0;
      const key = src.strings[labelKey[j]];
      let i = order.length;
      order.push(j);
      while (i > 0) {
        const p = order[i - 1], pStr = labelStr[p] !== 0;
        if (pStr === isStr ? src.strings[labelKey[p]] <= key : pStr) break;
        order[i] = p;
        i--;
      }
      order[i] = j;
    }
    const id = this.#rawSample.length;
    this.#rawSample.push(s);
    this.#rawSet.push(this.#labelSet(src));
    table.add(id, h);
    return id;
  }

  /**
   * The merged label set of the current input's label rows in `#order`, added if new; its strings are interned
   * in the order ProfileBuilder.addSample interns a sample's labels.
   */
  #labelSet(src: Profile): number {
    const order = this.#order;
    const start = this.#setKey.length;
    let h = order.length;
    for (const j of order) {
      const k = this.#str(src.labelKey[j]);
      const isStr = src.labelStr[j] !== 0;
      const v = isStr ? this.#str(src.labelStr[j]) : 0;
      const num = isStr ? 0 : src.labelNum[j];
      const u = isStr ? 0 : this.#str(src.labelUnit[j]);
      this.#setKey.push(k);
      this.#setStr.push(v);
      this.#setNum.push(num);
      this.#setUnit.push(u);
      h = step(step(step(step(h, k), v), num | 0), u);
    }
    h = mix32(h);
    const end = this.#setKey.length;
    const table = this.#labelSets;
    for (let slot = table.first(h);; slot = table.next(slot)) {
      const c = table.slots[slot];
      if (c < 0) break;
      if (table.hashOf(c) !== h || this.#setEnd[c] - this.#setStart[c] !== end - start) continue;
      let same = true;
      for (let a = this.#setStart[c], r = start; r < end; a++, r++) {
        const x = this.#setNum[a], y = this.#setNum[r];
        if (
          this.#setKey[a] !== this.#setKey[r] || this.#setStr[a] !== this.#setStr[r] ||
          this.#setUnit[a] !== this.#setUnit[r] || (x !== y && (x === x || y === y))
        ) {
          same = false;
          break;
        }
      }
      if (same) {
        // Known: the rows just written go again.
        this.#setKey.length =
          this.#setStr.length =
          this.#setNum.length =
          this.#setUnit.length =
            start;
        return c;
      }
    }
    const id = this.#setStart.length;
    this.#setStart.push(start);
    this.#setEnd.push(end);
    table.add(id, h);
    return id;
  }

  /** The merged string of the current input's string `i`. */
  #str(i: number): number {
    let m = this.#strMap[i];
    if (m >= 0) return m;
    const s = this.#src!.strings[i];
    m = i < this.#prevStrMap.length && this.#prevStrMap[i] >= 0 && this.#prevStrings[i] === s
      ? this.#prevStrMap[i]
      : this.#b!.str(s);
    return this.#strMap[i] = m;
  }

  /** The merged mapping of the current input's mapping `mi`; its address shift into it goes to #mapOffset. */
  #mapMapping(mi: number): number {
    if (this.#mapMap[mi] >= 0) return this.#mapMap[mi];
    const b = this.#b!;
    const m = this.#src!.mappings[mi];
    let size = U64(m.limit - m.start);
    size = U64(size + 0xfffn);
    size -= size % 0x1000n;
    const key = `${size}\0${m.offset}\0${m.buildId !== "" ? m.buildId : m.file}`;
    let idx = this.#mappingByKey.get(key);
    if (idx !== undefined) {
      this.#mapOffset[mi] = b.mappings[idx].start - m.start;
      this.#mapShifted[mi] = this.#mapOffset[mi] !== 0n ? 1 : 0;
    } else {
      const { id: _id, ...rest } = m;
      idx = b.addMapping(rest);
      this.#mappingByKey.set(key, idx);
    }
    return this.#mapMap[mi] = idx;
  }

  /** The merged function of the current input's function `f`. */
  #mapFunction(f: number): number {
    if (this.#fnMap[f] >= 0) return this.#fnMap[f];
    const b = this.#b!;
    const src = this.#src!;
    // Interned in ProfileBuilder.addFunction's order; strings of a known function are interned already.
    const name = this.#str(src.functionName[f]);
    const sys = this.#str(src.functionSystemName[f]);
    const file = this.#str(src.functionFilename[f]);
    const start = src.functionStartLine[f];
    const h = mix32(step(step(step(step(0, name), sys), file), start | 0));
    const table = this.#functions;
    let idx = -1;
    for (let slot = table.first(h);; slot = table.next(slot)) {
      const c = table.slots[slot];
      if (c < 0) break;
      if (
        table.hashOf(c) === h && b.functionName.data[c] === name && b.functionSystemName.data[c] === sys &&
        b.functionFilename.data[c] === file && b.functionStartLine.data[c] === start
      ) {
        idx = c;
        break;
      }
    }
    if (idx < 0) {
      idx = b.addFunction(b.strings[name], b.strings[sys], b.strings[file], start);
      table.add(idx, h);
    }
    return this.#fnMap[f] = idx;
  }

  /** The merged location of the current input's location `l`. */
  #mapLocation(l: number): number {
    if (this.#locMap[l] >= 0) return this.#locMap[l];
    const b = this.#b!;
    const src = this.#src!;
    const srcMapping = src.locationMapping[l];
    const m = srcMapping >= 0 ? this.#mapMapping(srcMapping) : -1;
    let lo = this.#addr32[2 * l], hi = this.#addr32[2 * l + 1];
    if (m >= 0 && this.#mapShifted[srcMapping] !== 0) {
      const a = U64(src.locationAddress[l] + this.#mapOffset[srcMapping]);
      lo = Number(a & 0xffffffffn);
      hi = Number(a >> 32n);
    }
    const lineFrom = src.lineStart[l], n = src.lineStart[l + 1] - lineFrom;
    if (this.#fns.length < n) {
      this.#fns = new Uint32Array(2 * n);
      this.#lineNos = new Float64Array(2 * n);
    }
    const fns = this.#fns, lineNos = this.#lineNos;
    for (let i = 0; i < n; i++) {
      fns[i] = this.#mapFunction(src.lineFunction[lineFrom + i]);
      lineNos[i] = src.lineNumber[lineFrom + i];
    }
    const folded = src.locationFolded[l];
    // pprof keys a location by its address relative to its mapping; within one
    // merged mapping that is the same as keying by (address, mapping).
    let h = step(step(step(step(0, lo), hi), m + 2), folded);
    for (let i = 0; i < n; i++) h = step(step(h, fns[i]), lineNos[i] | 0);
    h = mix32(h);
    const table = this.#locations;
    let idx = -1;
    for (let slot = table.first(h);; slot = table.next(slot)) {
      const c = table.slots[slot];
      if (c < 0) break;
      if (table.hashOf(c) === h && this.#sameLocation(c, lo, hi, m, folded, n)) {
        idx = c;
        break;
      }
    }
    if (idx < 0) {
      const address = (BigInt(hi) << 32n) | BigInt(lo);
      const lines: [number, number][] = [];
      for (let i = 0; i < n; i++) lines.push([fns[i], lineNos[i]]);
      idx = b.addLocation(m, address, folded !== 0, lines);
      this.#locLo[idx] = lo;
      this.#locHi[idx] = hi;
      table.add(idx, h);
    }
    return this.#locMap[l] = idx;
  }

  /** Whether merged location `c` is the one of these fields and the lines in #fns and #lineNos. */
  #sameLocation(c: number, lo: number, hi: number, m: number, folded: number, n: number): boolean {
    const b = this.#b!;
    const fns = this.#fns, lines = this.#lineNos;
    if (this.#locLo[c] !== lo || this.#locHi[c] !== hi) return false;
    if (b.locationMapping[c] !== m || b.locationFolded.data[c] !== folded) return false;
    const from = b.lineStart.data[c];
    const to = c + 1 < b.lineStart.length ? b.lineStart.data[c + 1] : b.lineFunction.length;
    if (to - from !== n) return false;
    for (let i = 0; i < n; i++) {
      if (b.lineFunction.data[from + i] !== fns[i] || b.lineNumber.data[from + i] !== lines[i]) return false;
    }
    return true;
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
