/**
 * Decodes uncompressed `profile.proto` bytes into the columnar {@link Profile}.
 *
 * A protobufjs `Reader` is the cursor; field numbers come from the schema in
 * `schema.ts`. Packed 64-bit varints (location ids, values) are read by a
 * small loop over the reader's buffer, because protobufjs would hand back a
 * `Long` object per value and a large profile has millions of them.
 *
 * Validation follows `go tool pprof`: a dangling reference, a bad string index
 * or a value count that does not match the sample types is an error.
 *
 * @module
 */
import protobuf from "protobufjs";
import { ProfileError } from "../errors.ts";
import { F64Column, U32Column, U64Column, U8Column } from "./columns.ts";
import type { Mapping, Profile, ValueType } from "./model.ts";
import { FIELD, WIRE_LEN, WIRE_VARINT } from "./schema.ts";

const { P, S, LB, VT, MP, LC, LN, FN } = FIELD;
const TWO32 = 4294967296;
const MISSING = 0xffffffff;

type Reader = protobuf.Reader;

function truncated(): ProfileError {
  return new ProfileError("truncated protobuf data (unexpected end of input)");
}

// The two 32-bit halves of the last varint read by readVarint.
let lo = 0;
let hi = 0;

function readVarint(r: Reader): void {
  const buf = r.buf;
  let pos = r.pos;
  let b = buf[pos++];
  lo = b & 0x7f;
  hi = 0;
  if (b >= 0x80) {
    b = buf[pos++];
    lo |= (b & 0x7f) << 7;
    if (b >= 0x80) {
      b = buf[pos++];
      lo |= (b & 0x7f) << 14;
      if (b >= 0x80) {
        b = buf[pos++];
        lo |= (b & 0x7f) << 21;
        if (b >= 0x80) {
          b = buf[pos++];
          lo = (lo | ((b & 0x0f) << 28)) >>> 0;
          hi = (b & 0x70) >>> 4;
          let shift = 3;
          while (b >= 0x80) {
            if (shift > 31) throw new ProfileError("malformed varint (more than 10 bytes)");
            b = buf[pos++];
            hi |= (b & 0x7f) << shift;
            shift += 7;
          }
          hi >>>= 0;
        }
      }
    }
  }
  if (pos > r.len) throw truncated();
  r.pos = pos;
}

/** Reads an unsigned varint as a number (exact below 2^53). */
function uvarint(r: Reader): number {
  const buf = r.buf;
  const b = buf[r.pos];
  if (b < 0x80 && r.pos < r.len) {
    r.pos++;
    return b;
  }
  readVarint(r);
  return hi * TWO32 + lo;
}

/** Reads a two's-complement int64 varint as a number (exact below 2^53 in magnitude). */
function svarint(r: Reader): number {
  const buf = r.buf;
  const b = buf[r.pos];
  if (b < 0x80 && r.pos < r.len) {
    r.pos++;
    return b;
  }
  readVarint(r);
  return (hi | 0) * TWO32 + lo;
}

function bigVarint(r: Reader): bigint {
  readVarint(r);
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

function tagOf(r: Reader): number {
  const t = r.uint32();
  if (r.pos > r.len) throw truncated();
  return t;
}

/** Reads a length prefix and returns the end offset of the delimited bytes. */
function delimitedEnd(r: Reader): number {
  const n = r.uint32();
  const end = r.pos + n;
  if (end > r.len) throw truncated();
  return end;
}

function skip(r: Reader, wireType: number, field: number): void {
  if (wireType > 5 || wireType === 3 || wireType === 4) {
    throw new ProfileError(`not a pprof profile: invalid protobuf wire type ${wireType} for field ${field}`);
  }
  try {
    r.skipType(wireType);
  } catch {
    throw truncated();
  }
  if (r.pos > r.len) throw truncated();
}

function expectWire(actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new ProfileError(`not a pprof profile: field ${what} has wire type ${actual}, expected ${expected}`);
  }
}

/** Calls `each` for every value of a repeated varint field, packed or not. */
function readRepeatedVarint(r: Reader, wireType: number, each: (r: Reader) => void): void {
  if (wireType === WIRE_LEN) {
    const end = delimitedEnd(r);
    const saved = r.len;
    r.len = end;
    while (r.pos < end) each(r);
    r.len = saved;
  } else {
    expectWire(wireType, WIRE_VARINT, "repeated varint");
    each(r);
  }
}

const textDecoder = new TextDecoder();

/**
 * Decodes raw (uncompressed) profile.proto bytes.
 *
 * @throws {ProfileError} when the bytes are not a valid pprof profile.
 */
export function decodeProfile(bytes: Uint8Array): Profile {
  if (bytes.length === 0) throw new ProfileError("empty file, not a pprof profile");
  const r = protobuf.Reader.create(bytes);
  const strings: string[] = [];
  const sampleTypes: [number, number][] = [];
  let periodType: [number, number] | undefined;
  let period = 0;
  let timeNanos = 0n;
  let durationNanos = 0;
  let dropFramesX = 0;
  let keepFramesX = 0;
  let defaultSampleTypeX = 0;
  const commentX: number[] = [];

  // Samples.
  const values = new F64Column(1 << 16);
  const valueStart = new U32Column(1 << 14);
  const stackStart = new U32Column(1 << 14);
  const stackIds = new U32Column(1 << 18);
  const bigIds = new Map<number, number>(); // position in stackIds -> id >= 2^32
  const labelStart = new U32Column(1 << 14);
  const labelKey = new U32Column();
  const labelStr = new U32Column();
  const labelNum = new F64Column();
  const labelUnit = new U32Column();

  // Locations and lines.
  const locId = new F64Column(1 << 12);
  const locMappingId = new F64Column(1 << 12);
  const locAddress = new U64Column(1 << 12);
  const locFolded = new U8Column(1 << 12);
  const lineStart = new U32Column(1 << 12);
  const lineFunctionId = new F64Column(1 << 12);
  const lineNumber = new F64Column(1 << 12);

  // Functions.
  const fnId = new F64Column(1 << 10);
  const fnName = new F64Column(1 << 10);
  const fnSystemName = new F64Column(1 << 10);
  const fnFilename = new F64Column(1 << 10);
  const fnStartLine = new F64Column(1 << 10);

  const mappings: (Mapping & { fileX: number; buildIdX: number })[] = [];

  const pushStackId = (rr: Reader) => {
    const id = uvarint(rr);
    if (id < MISSING) stackIds.push(id);
    else {
      bigIds.set(stackIds.length, id);
      stackIds.push(MISSING);
    }
  };
  const pushValue = (rr: Reader) => values.push(svarint(rr));
  const pushComment = (rr: Reader) => commentX.push(svarint(rr));

  const readValueType = (end: number): [number, number] => {
    let type = 0;
    let unit = 0;
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      if (f === VT.type) type = svarint(r);
      else if (f === VT.unit) unit = svarint(r);
      else skip(r, tag & 7, f);
    }
    return [type, unit];
  };

  const readLabel = (end: number) => {
    let key = 0, str = 0, num = 0, unit = 0;
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      if (f === LB.key) key = svarint(r);
      else if (f === LB.str) str = svarint(r);
      else if (f === LB.num) num = svarint(r);
      else if (f === LB.num_unit) unit = svarint(r);
      else skip(r, tag & 7, f);
    }
    // Like pprof, a label with neither a string nor a number/unit carries nothing.
    if (str === 0 && num === 0 && unit === 0) return;
    labelKey.push(key);
    labelStr.push(str);
    labelNum.push(str !== 0 ? 0 : num);
    labelUnit.push(str !== 0 ? 0 : unit);
  };

  const readSample = (end: number) => {
    stackStart.push(stackIds.length);
    valueStart.push(values.length);
    labelStart.push(labelKey.length);
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      const wt = tag & 7;
      if (f === S.location_id) readRepeatedVarint(r, wt, pushStackId);
      else if (f === S.value) readRepeatedVarint(r, wt, pushValue);
      else if (f === S.label) {
        expectWire(wt, WIRE_LEN, "Sample.label");
        const e = delimitedEnd(r);
        readLabel(e);
      } else skip(r, wt, f);
    }
  };

  const readLine = (end: number) => {
    let fid = 0;
    let line = 0;
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      if (f === LN.function_id) fid = uvarint(r);
      else if (f === LN.line) line = svarint(r);
      else skip(r, tag & 7, f);
    }
    lineFunctionId.push(fid);
    lineNumber.push(line);
  };

  const readLocation = (end: number) => {
    let id = 0, mappingId = 0, address = 0n, folded = 0;
    lineStart.push(lineFunctionId.length);
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      const wt = tag & 7;
      if (f === LC.id) id = uvarint(r);
      else if (f === LC.mapping_id) mappingId = uvarint(r);
      else if (f === LC.address) address = bigVarint(r);
      else if (f === LC.line) {
        expectWire(wt, WIRE_LEN, "Location.line");
        readLine(delimitedEnd(r));
      } else if (f === LC.is_folded) folded = uvarint(r) ? 1 : 0;
      else skip(r, wt, f);
    }
    locId.push(id);
    locMappingId.push(mappingId);
    locAddress.push(address);
    locFolded.push(folded);
  };

  const readFunction = (end: number) => {
    let id = 0, name = 0, systemName = 0, filename = 0, startLine = 0;
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      if (f === FN.id) id = uvarint(r);
      else if (f === FN.name) name = svarint(r);
      else if (f === FN.system_name) systemName = svarint(r);
      else if (f === FN.filename) filename = svarint(r);
      else if (f === FN.start_line) startLine = svarint(r);
      else skip(r, tag & 7, f);
    }
    fnId.push(id);
    fnName.push(name);
    fnSystemName.push(systemName);
    fnFilename.push(filename);
    fnStartLine.push(startLine);
  };

  const readMapping = (end: number) => {
    const m = {
      id: 0,
      start: 0n,
      limit: 0n,
      offset: 0n,
      file: "",
      buildId: "",
      fileX: 0,
      buildIdX: 0,
      hasFunctions: false,
      hasFilenames: false,
      hasLineNumbers: false,
      hasInlineFrames: false,
    };
    while (r.pos < end) {
      const tag = tagOf(r);
      const f = tag >>> 3;
      if (f === MP.id) m.id = uvarint(r);
      else if (f === MP.memory_start) m.start = bigVarint(r);
      else if (f === MP.memory_limit) m.limit = bigVarint(r);
      else if (f === MP.file_offset) m.offset = bigVarint(r);
      else if (f === MP.filename) m.fileX = svarint(r);
      else if (f === MP.build_id) m.buildIdX = svarint(r);
      else if (f === MP.has_functions) m.hasFunctions = uvarint(r) !== 0;
      else if (f === MP.has_filenames) m.hasFilenames = uvarint(r) !== 0;
      else if (f === MP.has_line_numbers) m.hasLineNumbers = uvarint(r) !== 0;
      else if (f === MP.has_inline_frames) m.hasInlineFrames = uvarint(r) !== 0;
      else skip(r, tag & 7, f);
    }
    mappings.push(m);
  };

  const message = (wt: number, name: string, read: (end: number) => void) => {
    expectWire(wt, WIRE_LEN, name);
    const end = delimitedEnd(r);
    const saved = r.len;
    r.len = end;
    read(end);
    r.len = saved;
    if (r.pos !== end) throw new ProfileError(`not a pprof profile: malformed ${name} message`);
  };

  while (r.pos < r.len) {
    const tag = tagOf(r);
    const f = tag >>> 3;
    const wt = tag & 7;
    switch (f) {
      case P.sample:
        message(wt, "Sample", readSample);
        break;
      case P.location:
        message(wt, "Location", readLocation);
        break;
      case P.function:
        message(wt, "Function", readFunction);
        break;
      case P.mapping:
        message(wt, "Mapping", readMapping);
        break;
      case P.string_table: {
        expectWire(wt, WIRE_LEN, "string_table");
        const end = delimitedEnd(r);
        strings.push(textDecoder.decode(r.buf.subarray(r.pos, end)));
        r.pos = end;
        break;
      }
      case P.sample_type:
        message(wt, "ValueType", (end) => sampleTypes.push(readValueType(end)));
        break;
      case P.period_type:
        message(wt, "ValueType", (end) => periodType = readValueType(end));
        break;
      case P.time_nanos:
        expectWire(wt, WIRE_VARINT, "time_nanos");
        if (timeNanos !== 0n) {
          throw new ProfileError("concatenated profiles detected (time_nanos set twice)");
        }
        readVarint(r);
        timeNanos = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
        break;
      case P.duration_nanos:
        expectWire(wt, WIRE_VARINT, "duration_nanos");
        durationNanos = svarint(r);
        break;
      case P.period:
        expectWire(wt, WIRE_VARINT, "period");
        period = svarint(r);
        break;
      case P.drop_frames:
        expectWire(wt, WIRE_VARINT, "drop_frames");
        dropFramesX = svarint(r);
        break;
      case P.keep_frames:
        expectWire(wt, WIRE_VARINT, "keep_frames");
        keepFramesX = svarint(r);
        break;
      case P.comment:
        readRepeatedVarint(r, wt, pushComment);
        break;
      case P.default_sample_type:
        expectWire(wt, WIRE_VARINT, "default_sample_type");
        defaultSampleTypeX = svarint(r);
        break;
      default:
        skip(r, wt, f);
    }
  }
  if (r.pos !== r.len) throw truncated();

  // --- Resolve references and validate, as pprof's postDecode/CheckValid do.
  if (strings.length === 0) {
    throw new ProfileError("not a pprof profile: it has no string table");
  }
  if (strings[0] !== "") {
    throw new ProfileError("not a pprof profile: string_table[0] must be the empty string");
  }
  const str = (x: number, what: string): string => {
    if (!(x >= 0 && x < strings.length)) {
      throw new ProfileError(
        `malformed profile: ${what} refers to string ${x}, but the string table has ${strings.length} entries`,
      );
    }
    return strings[x];
  };
  const checkStrings = (col: Float64Array | Uint32Array, what: string) => {
    for (let i = 0; i < col.length; i++) {
      const x = col[i];
      if (!(x >= 0 && x < strings.length)) str(x, what);
    }
  };
  const vt = ([t, u]: [number, number], what: string): ValueType => ({ type: str(t, what), unit: str(u, what) });

  const sampleCount = stackStart.length;
  const nTypes = sampleTypes.length;
  if (nTypes === 0 && sampleCount > 0) throw new ProfileError("malformed profile: samples but no sample types");
  valueStart.push(values.length);
  const vs = valueStart.view();
  for (let s = 0; s < sampleCount; s++) {
    const n = vs[s + 1] - vs[s];
    if (n !== nTypes) {
      throw new ProfileError(
        `malformed profile: sample ${s} has ${n} values but the profile has ${nTypes} sample types`,
      );
    }
  }

  const mappingIndex = indexById(mappings.map((m) => m.id), "mapping");
  const fnIds = fnId.view();
  const functionIndex = indexById(fnIds, "function");
  const locIds = locId.view();
  const locationIndex = indexById(locIds, "location");

  const locationCount = locIds.length;
  const locationMapping = new Int32Array(locationCount);
  const mids = locMappingId.view();
  for (let l = 0; l < locationCount; l++) {
    const mid = mids[l];
    if (mid === 0) {
      locationMapping[l] = -1;
      continue;
    }
    const mi = mappingIndex(mid);
    if (mi < 0) {
      throw new ProfileError(`malformed profile: location id ${locIds[l]} refers to unknown mapping id ${mid}`);
    }
    locationMapping[l] = mi;
  }

  lineStart.push(lineFunctionId.length);
  const ls = lineStart.compact();
  const lfid = lineFunctionId.view();
  const lineFunction = new Uint32Array(lfid.length);
  for (let l = 0; l < locationCount; l++) {
    for (let i = ls[l]; i < ls[l + 1]; i++) {
      const fid = lfid[i];
      const fi = fid === 0 ? -1 : functionIndex(fid);
      if (fi < 0) {
        throw new ProfileError(
          fid === 0
            ? `malformed profile: location id ${locIds[l]} has a line without a function`
            : `malformed profile: location id ${locIds[l]} refers to unknown function id ${fid}`,
        );
      }
      lineFunction[i] = fi;
    }
  }

  const stackLocs = stackIds.compact();
  for (let i = 0; i < stackLocs.length; i++) {
    const id = stackLocs[i] === MISSING ? bigIds.get(i) ?? MISSING : stackLocs[i];
    const li = locationIndex(id);
    if (li < 0) {
      const s = upperBound(stackStart.view(), i) - 1;
      throw new ProfileError(`malformed profile: sample ${s} refers to unknown location id ${id}`);
    }
    stackLocs[i] = li;
  }
  stackStart.push(stackLocs.length);
  labelStart.push(labelKey.length);

  const labelKeys = labelKey.compact();
  const labelStrs = labelStr.compact();
  const labelUnits = labelUnit.compact();
  checkStrings(labelKeys, "a label key");
  checkStrings(labelStrs, "a label value");
  checkStrings(labelUnits, "a label unit");
  const fnNames = toU32(fnName.view(), "a function name", checkStrings);
  const fnSys = toU32(fnSystemName.view(), "a function system name", checkStrings);
  const fnFiles = toU32(fnFilename.view(), "a function file name", checkStrings);

  const finalMappings: Mapping[] = mappings.map(({ fileX, buildIdX, ...m }) => ({
    ...m,
    file: str(fileX, "a mapping file name"),
    buildId: str(buildIdX, "a mapping build id"),
  }));

  return {
    strings,
    sampleTypes: sampleTypes.map((t) => vt(t, "a sample type")),
    defaultSampleType: str(defaultSampleTypeX, "default_sample_type"),
    periodType: periodType ? vt(periodType, "the period type") : undefined,
    period,
    timeNanos,
    durationNanos,
    comments: commentX.map((x) => str(x, "a comment")),
    dropFrames: str(dropFramesX, "drop_frames"),
    keepFrames: str(keepFramesX, "keep_frames"),
    sampleCount,
    values: values.compact(),
    stackStart: stackStart.compact(),
    stackLocs,
    labelStart: labelStart.compact(),
    labelKey: labelKeys,
    labelStr: labelStrs,
    labelNum: labelNum.compact(),
    labelUnit: labelUnits,
    locationCount,
    locationId: locId.compact(),
    locationMapping,
    locationAddress: locAddress.compact(),
    locationFolded: locFolded.compact(),
    lineStart: ls,
    lineFunction,
    lineNumber: lineNumber.compact(),
    functionCount: fnIds.length,
    functionId: fnId.compact(),
    functionName: fnNames,
    functionSystemName: fnSys,
    functionFilename: fnFiles,
    functionStartLine: fnStartLine.compact(),
    mappings: finalMappings,
  };
}

function toU32(
  col: Float64Array,
  what: string,
  check: (c: Float64Array, what: string) => void,
): Uint32Array {
  check(col, what);
  return Uint32Array.from(col);
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
