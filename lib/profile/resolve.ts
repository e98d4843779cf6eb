/**
 * The second stage of decoding: turns a {@link RawProfile} (ids and string
 * indices as on the wire) into a {@link Profile} (indices into its own tables,
 * strings resolved), validating as pprof's postDecode and CheckValid do: a
 * dangling reference, a bad string index or a value count that does not match
 * the sample types is an error.
 *
 * @module
 */
import { ProfileError } from "../errors.ts";
import { BIG_ID, type RawProfile } from "./raw_profile.ts";
import type { Mapping, Profile, ValueType } from "./model.ts";

/**
 * Resolves references and validates a profile as read.
 *
 * @throws {ProfileError} naming the first broken reference.
 */
export function resolveProfile(raw: RawProfile): Profile {
  const strings = raw.strings;
  if (strings.length === 0) throw new ProfileError("not a pprof profile: it has no string table");
  if (strings[0] !== "") throw new ProfileError("not a pprof profile: string_table[0] must be the empty string");
  const str = (x: number, what: string): string => {
    if (!(x >= 0 && x < strings.length)) throw badString(x, what, strings.length);
    return strings[x];
  };
  const vt = ([t, u]: [number, number], what: string): ValueType => ({ type: str(t, what), unit: str(u, what) });

  const sampleCount = raw.stackStart.length;
  checkValueCounts(raw, sampleCount);

  const locIds = raw.locId.view();
  const locationCount = locIds.length;
  const locationMapping = resolveMappings(raw, locIds);
  const lineStart = (raw.lineStart.push(raw.lineFunctionId.length), raw.lineStart.compact());
  const lineFunction = resolveLineFunctions(raw, locIds, lineStart);
  const stackLocs = resolveStacks(raw, locIds);
  raw.stackStart.push(stackLocs.length);
  raw.labelStart.push(raw.labelKey.length);

  const labelKey = checkStrings(raw.labelKey.compact(), "a label key", strings.length);
  const labelStr = checkStrings(raw.labelStr.compact(), "a label value", strings.length);
  const labelUnit = checkStrings(raw.labelUnit.compact(), "a label unit", strings.length);
  const fnName = u32Strings(raw.fnName.view(), "a function name", strings.length);
  const fnSystemName = u32Strings(raw.fnSystemName.view(), "a function system name", strings.length);
  const fnFilename = u32Strings(raw.fnFilename.view(), "a function file name", strings.length);

  const mappings: Mapping[] = raw.mappings.map(({ fileX, buildIdX, ...m }) => ({
    ...m,
    file: str(fileX, "a mapping file name"),
    buildId: str(buildIdX, "a mapping build id"),
  }));

  return {
    strings,
    sampleTypes: raw.sampleTypes.map((t) => vt(t, "a sample type")),
    defaultSampleType: str(raw.defaultSampleTypeX, "default_sample_type"),
    periodType: raw.periodType ? vt(raw.periodType, "the period type") : undefined,
    period: raw.period,
    timeNanos: raw.timeNanos,
    durationNanos: raw.durationNanos,
    comments: raw.commentX.map((x) => str(x, "a comment")),
    dropFrames: str(raw.dropFramesX, "drop_frames"),
    keepFrames: str(raw.keepFramesX, "keep_frames"),
    sampleCount,
    values: raw.values.compact(),
    stackStart: raw.stackStart.compact(),
    stackLocs,
    labelStart: raw.labelStart.compact(),
    labelKey,
    labelStr,
    labelNum: raw.labelNum.compact(),
    labelUnit,
    locationCount,
    locationId: raw.locId.compact(),
    locationMapping,
    locationAddress: raw.locAddress.compact(),
    locationFolded: raw.locFolded.compact(),
    lineStart,
    lineFunction,
    lineNumber: raw.lineNumber.compact(),
    functionCount: raw.fnId.length,
    functionId: raw.fnId.compact(),
    functionName: fnName,
    functionSystemName: fnSystemName,
    functionFilename: fnFilename,
    functionStartLine: raw.fnStartLine.compact(),
    mappings,
  };
}

function badString(x: number, what: string, n: number): ProfileError {
  return new ProfileError(`malformed profile: ${what} refers to string ${x}, but the string table has ${n} entries`);
}

/** Every sample has one value per sample type. */
function checkValueCounts(raw: RawProfile, sampleCount: number): void {
  const nTypes = raw.sampleTypes.length;
  if (nTypes === 0 && sampleCount > 0) throw new ProfileError("malformed profile: samples but no sample types");
  raw.valueStart.push(raw.values.length);
  const vs = raw.valueStart.view();
  for (let s = 0; s < sampleCount; s++) {
    const n = vs[s + 1] - vs[s];
    if (n !== nTypes) {
      throw new ProfileError(
        `malformed profile: sample ${s} has ${n} values but the profile has ${nTypes} sample types`,
      );
    }
  }
}

/** Each location's mapping index, or -1 for none. */
function resolveMappings(raw: RawProfile, locIds: Float64Array): Int32Array {
  const mappingIndex = indexById(raw.mappings.map((m) => m.id), "mapping");
  const out = new Int32Array(locIds.length);
  const mids = raw.locMappingId.view();
  for (let l = 0; l < locIds.length; l++) {
    const mid = mids[l];
    if (mid === 0) {
      out[l] = -1;
      continue;
    }
    const mi = mappingIndex(mid);
    if (mi < 0) {
      throw new ProfileError(`malformed profile: location id ${locIds[l]} refers to unknown mapping id ${mid}`);
    }
    out[l] = mi;
  }
  return out;
}

/** Each line's function index. */
function resolveLineFunctions(raw: RawProfile, locIds: Float64Array, lineStart: Uint32Array): Uint32Array {
  const functionIndex = indexById(raw.fnId.view(), "function");
  const lfid = raw.lineFunctionId.view();
  const out = new Uint32Array(lfid.length);
  for (let l = 0; l < locIds.length; l++) {
    for (let i = lineStart[l]; i < lineStart[l + 1]; i++) {
      const fid = lfid[i];
      const fi = fid === 0 ? -1 : functionIndex(fid);
      if (fi < 0) {
        throw new ProfileError(
          fid === 0
            ? `malformed profile: location id ${locIds[l]} has a line without a function`
            : `malformed profile: location id ${locIds[l]} refers to unknown function id ${fid}`,
        );
      }
      out[i] = fi;
    }
  }
  return out;
}

/** The samples' location ids turned into location indices. */
function resolveStacks(raw: RawProfile, locIds: Float64Array): Uint32Array {
  const locationIndex = indexById(locIds, "location");
  const stackLocs = raw.stackIds.compact();
  for (let i = 0; i < stackLocs.length; i++) {
    const id = stackLocs[i] === BIG_ID ? raw.bigIds.get(i) ?? BIG_ID : stackLocs[i];
    const li = locationIndex(id);
    if (li < 0) {
      const s = upperBound(raw.stackStart.view(), i) - 1;
      throw new ProfileError(`malformed profile: sample ${s} refers to unknown location id ${id}`);
    }
    stackLocs[i] = li;
  }
  return stackLocs;
}

/** Fails on the first index outside the string table. */
function checkStrings<C extends Float64Array | Uint32Array>(col: C, what: string, n: number): C {
  for (let i = 0; i < col.length; i++) {
    const x = col[i];
    if (!(x >= 0 && x < n)) throw badString(x, what, n);
  }
  return col;
}

function u32Strings(col: Float64Array, what: string, n: number): Uint32Array {
  return Uint32Array.from(checkStrings(col, what, n));
}

/** First index whose value is greater than `x` in a non-decreasing array. */
function upperBound(a: Uint32Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Builds an id → index lookup, rejecting the reserved id 0 and duplicates.
 * Ids are usually 1..n in order, which needs no table at all.
 */
function indexById(ids: ArrayLike<number>, what: string): (id: number) => number {
  const n = ids.length;
  let dense = true;
  for (let i = 0; i < n; i++) {
    if (ids[i] !== i + 1) {
      dense = false;
      break;
    }
  }
  if (dense) return (id) => (id >= 1 && id <= n && id === Math.floor(id) ? id - 1 : -1);
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (id === 0) throw new ProfileError(`malformed profile: found ${what} with reserved id 0`);
    if (map.has(id)) throw new ProfileError(`malformed profile: multiple ${what}s with id ${id}`);
    map.set(id, i);
  }
  return (id) => map.get(id) ?? -1;
}
