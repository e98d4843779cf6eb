/**
 * Decodes uncompressed `profile.proto` bytes into the columnar {@link Profile},
 * in two stages: reading (this module: the wire format into typed-array
 * columns, ids and string indices as they are on the wire) and resolving
 * (`resolve.ts`: ids to indices, string indices to strings, validation).
 *
 * Field numbers come from the schema in `schema.ts`; the bytes are read with
 * the bounds-checked cursor of `wire.ts`, so malformed input of any kind ends
 * in a {@link ProfileError}. Packed varints (location ids, values) are read
 * in loops over the buffer, with no object per value.
 *
 * @module
 */
import { ProfileError } from "../errors.ts";
import type { Profile } from "./model.ts";
import { BIG_ID, type RawMapping, RawProfile } from "./raw_profile.ts";
import { resolveProfile } from "./resolve.ts";
import { FIELD, WIRE_LEN, WIRE_VARINT } from "./fields.ts";
import { expectWire, truncated, Wire } from "./wire.ts";

const { P, S, LB, VT, MP, LC, LN, FN } = FIELD;

const textDecoder = new TextDecoder();

/** Reads the messages of `profile.proto` into a {@link RawProfile}, one method per message type. */
class ProfileReader {
  readonly w: Wire;
  readonly p = new RawProfile();

  constructor(bytes: Uint8Array) {
    this.w = new Wire(bytes);
  }

  read(): RawProfile {
    const w = this.w, p = this.p;
    let o = 0;
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      const wt = tag & 7;
      switch (f) {
        case P.sample:
          o = this.#open(wt, "Profile.sample");
          this.#sample();
          w.leave(o);
          break;
        case P.location:
          o = this.#open(wt, "Profile.location");
          this.#location();
          w.leave(o);
          break;
        case P.function:
          o = this.#open(wt, "Profile.function");
          this.#function();
          w.leave(o);
          break;
        case P.mapping:
          o = this.#open(wt, "Profile.mapping");
          this.#mapping();
          w.leave(o);
          break;
        case P.string_table: {
          expectWire(wt, WIRE_LEN, "Profile.string_table");
          const end = w.lengthEnd("field Profile.string_table");
          p.strings.push(textDecoder.decode(w.buf.subarray(w.pos, end)));
          w.pos = end;
          break;
        }
        case P.sample_type:
          o = this.#open(wt, "Profile.sample_type");
          p.sampleTypes.push(this.#valueType());
          w.leave(o);
          break;
        case P.period_type:
          o = this.#open(wt, "Profile.period_type");
          p.periodType = this.#valueType();
          w.leave(o);
          break;
        case P.time_nanos:
          expectWire(wt, WIRE_VARINT, "Profile.time_nanos");
          if (p.timeNanos !== 0n) throw new ProfileError("concatenated profiles detected (time_nanos set twice)");
          w.varint64();
          p.timeNanos = BigInt.asIntN(64, (BigInt(w.hi) << 32n) | BigInt(w.lo));
          break;
        case P.duration_nanos:
          p.durationNanos = this.#int64(wt, "Profile.duration_nanos");
          break;
        case P.period:
          p.period = this.#int64(wt, "Profile.period");
          break;
        case P.drop_frames:
          p.dropFramesX = this.#int64(wt, "Profile.drop_frames");
          break;
        case P.keep_frames:
          p.keepFramesX = this.#int64(wt, "Profile.keep_frames");
          break;
        case P.comment:
          o = this.#repeated(wt, "Profile.comment");
          if (o < 0) p.commentX.push(w.int64());
          else {
            while (w.more()) p.commentX.push(w.int64());
            w.leave(o);
          }
          break;
        case P.default_sample_type:
          p.defaultSampleTypeX = this.#int64(wt, "Profile.default_sample_type");
          break;
        default:
          w.skip(wt, f);
      }
    }
    return p;
  }

  /** Enters an embedded message (checking its wire type); returns what {@link Wire.leave} needs. */
  #open(wt: number, name: string): number {
    expectWire(wt, WIRE_LEN, name);
    return this.w.enter(name);
  }

  #int64(wt: number, what: string): number {
    expectWire(wt, WIRE_VARINT, what);
    return this.w.int64();
  }

  #uint64(wt: number, what: string): number {
    expectWire(wt, WIRE_VARINT, what);
    return this.w.varint();
  }

  #bool(wt: number, what: string): boolean {
    expectWire(wt, WIRE_VARINT, what);
    return this.w.varint() !== 0;
  }

  #bigUint64(wt: number, what: string): bigint {
    expectWire(wt, WIRE_VARINT, what);
    return this.w.uint64();
  }

  /**
   * Starts a repeated varint field, packed or not: returns the outer end to
   * restore after reading values while {@link Wire.more}, or -1 for one unpacked value.
   */
  #repeated(wt: number, what: string): number {
    if (wt === WIRE_LEN) return this.w.enter(what);
    expectWire(wt, WIRE_VARINT, what);
    return -1;
  }

  #valueType(): [number, number] {
    const w = this.w;
    let type = 0, unit = 0;
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      if (f === VT.type) type = this.#int64(tag & 7, "ValueType.type");
      else if (f === VT.unit) unit = this.#int64(tag & 7, "ValueType.unit");
      else w.skip(tag & 7, f);
    }
    return [type, unit];
  }

  #sample(): void {
    const w = this.w, p = this.p;
    p.stackStart.push(p.stackIds.length);
    p.valueStart.push(p.values.length);
    p.labelStart.push(p.labelKey.length);
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      const wt = tag & 7;
      if (f === S.location_id) {
        const o = this.#repeated(wt, "Sample.location_id");
        if (o < 0) this.#stackId();
        else {
          this.#packedStackIds();
          w.leave(o);
        }
      } else if (f === S.value) {
        const o = this.#repeated(wt, "Sample.value");
        if (o < 0) p.values.push(w.int64());
        else {
          while (w.more()) p.values.push(w.int64());
          w.leave(o);
        }
      } else if (f === S.label) {
        const o = this.#open(wt, "Sample.label");
        this.#label();
        w.leave(o);
      } else w.skip(wt, f);
    }
  }

  #stackId(): void {
    const p = this.p;
    const id = this.w.varint();
    if (id < BIG_ID) p.stackIds.push(id);
    else {
      p.bigIds.set(p.stackIds.length, id);
      p.stackIds.push(BIG_ID);
    }
  }

  /**
   * The packed location ids of one sample: the hottest loop of decoding (one
   * id per frame of every sample), so ids below 2^28 are read in place, into
   * the column's array, without a call per id.
   */
  #packedStackIds(): void {
    const w = this.w, col = this.p.stackIds;
    const buf = w.buf, end = w.end;
    let pos = w.pos;
    col.reserve(end - pos); // at most one id per byte
    const data = col.data;
    let len = col.length;
    while (pos < end) {
      const b0 = buf[pos];
      if (b0 < 0x80) {
        data[len++] = b0;
        pos += 1;
        continue;
      }
      if (pos + 1 < end) {
        const b1 = buf[pos + 1];
        if (b1 < 0x80) {
          data[len++] = (b0 & 0x7f) | (b1 << 7);
          pos += 2;
          continue;
        }
        if (pos + 2 < end) {
          const b2 = buf[pos + 2];
          if (b2 < 0x80) {
            data[len++] = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14);
            pos += 3;
            continue;
          }
          if (pos + 3 < end) {
            const b3 = buf[pos + 3];
            if (b3 < 0x80) {
              data[len++] = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | ((b2 & 0x7f) << 14) | (b3 << 21);
              pos += 4;
              continue;
            }
          }
        }
      }
      // Longer ids, and a varint cut off by the end of the run: the careful reader.
      w.pos = pos;
      col.length = len;
      this.#stackId();
      pos = w.pos;
      len = col.length;
    }
    col.length = len;
    w.pos = pos;
  }

  #label(): void {
    const w = this.w, p = this.p;
    let key = 0, str = 0, num = 0, unit = 0;
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      const wt = tag & 7;
      if (f === LB.key) key = this.#int64(wt, "Label.key");
      else if (f === LB.str) str = this.#int64(wt, "Label.str");
      else if (f === LB.num) num = this.#int64(wt, "Label.num");
      else if (f === LB.num_unit) unit = this.#int64(wt, "Label.num_unit");
      else w.skip(wt, f);
    }
    // Like pprof, a label with neither a string nor a number/unit carries nothing.
    if (str === 0 && num === 0 && unit === 0) return;
    p.labelKey.push(key);
    p.labelStr.push(str);
    p.labelNum.push(str !== 0 ? 0 : num);
    p.labelUnit.push(str !== 0 ? 0 : unit);
  }

  #location(): void {
    const w = this.w, p = this.p;
    let id = 0, mappingId = 0, address = 0n, folded = 0;
    p.lineStart.push(p.lineFunctionId.length);
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      const wt = tag & 7;
      if (f === LC.id) id = this.#uint64(wt, "Location.id");
      else if (f === LC.mapping_id) mappingId = this.#uint64(wt, "Location.mapping_id");
      else if (f === LC.address) address = this.#bigUint64(wt, "Location.address");
      else if (f === LC.line) {
        const o = this.#open(wt, "Location.line");
        this.#line();
        w.leave(o);
      } else if (f === LC.is_folded) folded = this.#bool(wt, "Location.is_folded") ? 1 : 0;
      else w.skip(wt, f);
    }
    p.locId.push(id);
    p.locMappingId.push(mappingId);
    p.locAddress.push(address);
    p.locFolded.push(folded);
  }

  #line(): void {
    const w = this.w;
    let fid = 0, line = 0;
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      if (f === LN.function_id) fid = this.#uint64(tag & 7, "Line.function_id");
      else if (f === LN.line) line = this.#int64(tag & 7, "Line.line");
      else w.skip(tag & 7, f);
    }
    this.p.lineFunctionId.push(fid);
    this.p.lineNumber.push(line);
  }

  #function(): void {
    const w = this.w, p = this.p;
    let id = 0, name = 0, systemName = 0, filename = 0, startLine = 0;
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      const wt = tag & 7;
      if (f === FN.id) id = this.#uint64(wt, "Function.id");
      else if (f === FN.name) name = this.#int64(wt, "Function.name");
      else if (f === FN.system_name) systemName = this.#int64(wt, "Function.system_name");
      else if (f === FN.filename) filename = this.#int64(wt, "Function.filename");
      else if (f === FN.start_line) startLine = this.#int64(wt, "Function.start_line");
      else w.skip(wt, f);
    }
    p.fnId.push(id);
    p.fnName.push(name);
    p.fnSystemName.push(systemName);
    p.fnFilename.push(filename);
    p.fnStartLine.push(startLine);
  }

  #mapping(): void {
    const w = this.w;
    const m: RawMapping = {
      id: 0,
      start: 0n,
      limit: 0n,
      offset: 0n,
      fileX: 0,
      buildIdX: 0,
      hasFunctions: false,
      hasFilenames: false,
      hasLineNumbers: false,
      hasInlineFrames: false,
    };
    while (w.more()) {
      const tag = w.varint();
      const f = fieldOf(tag);
      const wt = tag & 7;
      if (f === MP.id) m.id = this.#uint64(wt, "Mapping.id");
      else if (f === MP.memory_start) m.start = this.#bigUint64(wt, "Mapping.memory_start");
      else if (f === MP.memory_limit) m.limit = this.#bigUint64(wt, "Mapping.memory_limit");
      else if (f === MP.file_offset) m.offset = this.#bigUint64(wt, "Mapping.file_offset");
      else if (f === MP.filename) m.fileX = this.#int64(wt, "Mapping.filename");
      else if (f === MP.build_id) m.buildIdX = this.#int64(wt, "Mapping.build_id");
      else if (f === MP.has_functions) m.hasFunctions = this.#bool(wt, "Mapping.has_functions");
      else if (f === MP.has_filenames) m.hasFilenames = this.#bool(wt, "Mapping.has_filenames");
      else if (f === MP.has_line_numbers) m.hasLineNumbers = this.#bool(wt, "Mapping.has_line_numbers");
      else if (f === MP.has_inline_frames) m.hasInlineFrames = this.#bool(wt, "Mapping.has_inline_frames");
      else w.skip(wt, f);
    }
    this.p.mappings.push(m);
  }
}

/**
 * The field number of a tag (tags above 2^32 are legal varints, so no `>>> 3`
 * alone). Field 0 does not exist in protobuf: such a tag means the bytes are
 * not protobuf (a run of zeros, a legacy header), so it fails at once rather
 * than being skipped byte after byte.
 */
function fieldOf(tag: number): number {
  if (tag < 8) throw new ProfileError(`not a pprof profile: invalid protobuf field number 0 (tag byte ${tag})`);
  return tag <= 0xffffffff ? tag >>> 3 : Math.floor(tag / 8);
}

/**
 * Reads raw profile.proto bytes into columns, without resolving references.
 *
 * @throws {ProfileError} when the bytes are not well-formed protobuf of the profile schema.
 */
export function readProfile(bytes: Uint8Array): RawProfile {
  if (bytes.length === 0) throw new ProfileError("empty file, not a pprof profile");
  const r = new ProfileReader(bytes);
  const p = r.read();
  if (r.w.pos !== bytes.length) throw truncated();
  return p;
}

/**
 * Decodes raw (uncompressed) profile.proto bytes.
 *
 * @throws {ProfileError} when the bytes are not a valid pprof profile.
 */
export function decodeProfile(bytes: Uint8Array): Profile {
  return resolveProfile(readProfile(bytes));
}
