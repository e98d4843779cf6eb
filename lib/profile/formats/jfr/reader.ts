/**
 * Reading Java Flight Recorder files: chunks, the metadata that describes
 * their types, constant pools, and events decoded by those descriptions.
 *
 * A recording is one or more chunks. A chunk starts with a 68-byte header
 * (magic `FLR\0`, version, chunk size, offsets of the last constant pool and
 * of the metadata, start time, duration, start ticks, ticks per second, big
 * endian), then events, each `size, type id, fields…`. Type 0 is the
 * metadata event: a string table and a tree of elements (`metadata` → `class`
 * → `field`, with attributes such as `id`, `name`, `class`, `constantPool`,
 * `dimension`). Type 1 is a constant pool event: for each pool, a type id and
 * `key, value` entries; fields marked `constantPool` hold such a key. Since
 * version 2, integers (short, char, int, long) are LEB128 varints of up to 9
 * bytes (the ninth holds 8 bits), bytes and booleans one byte, float and
 * double big-endian IEEE; strings start with an encoding byte (0 null, 1
 * empty, 2 constant pool key, 3 UTF-8, 4 char varints, 5 Latin-1).
 *
 * Every read is bounded by the chunk, and every count by the bytes left, so
 * a broken file gives a {@link ProfileError}, never a crash or a hang.
 *
 * @module
 */
import { ProfileError } from "../../../errors.ts";

/** The JFR format's name in error messages. */
export const JFR = "JFR recording";

/** Whether `b` starts with the magic of a JFR chunk. */
export function isJfr(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x46 && b[1] === 0x4c && b[2] === 0x52 && b[3] === 0; // "FLR\0"
}

/** An error naming the format and, where known, the byte offset. */
export function jfrError(what: string, at?: number): ProfileError {
  return new ProfileError(`${JFR}: ${what}${at === undefined ? "" : ` (at byte ${at})`}`);
}

/** A decoded value: primitives, strings, a struct's field values in declaration order, or an array. */
export type Value = number | bigint | boolean | string | null | StringRef | Value[];

/** A string held in the `java.lang.String` constant pool, resolved on use. */
export class StringRef {
  readonly key: number;
  constructor(key: number) {
    this.key = key;
  }
}

/** A field of a type, as the metadata describes it. */
export interface Field {
  name: string;
  typeId: number;
  /** The field holds a constant pool key of its type. */
  constantPool: boolean;
  /** The field is an array (dimension 1). */
  array: boolean;
}

/** A type of the metadata: a primitive (by name), a struct, or an event (super type `jdk.jfr.Event`). */
export interface Type {
  id: number;
  name: string;
  superType: string;
  fields: Field[];
  /** Field index by name. */
  index: Map<string, number>;
}

const MAX_DEPTH = 64;

/** A cursor over a chunk's bytes that never reads past `end`. */
export class Reader {
  readonly b: Uint8Array;
  readonly dv: DataView;
  pos: number;
  end: number;

  constructor(b: Uint8Array, pos: number, end: number) {
    this.b = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.pos = pos;
    this.end = end;
  }

  #need(n: number): void {
    if (this.pos + n > this.end) {
      throw jfrError("a value runs past the end of its event: the file is damaged or cut off", this.pos);
    }
  }

  u8(): number {
    this.#need(1);
    return this.b[this.pos++];
  }

  /**
   * A varint: a number when below 2^53, else a bigint (64-bit ids, such as
   * span ids, stay exact), read as the unsigned 64 bits the writer stored.
   */
  varint(): number | bigint {
    const b = this.b, end = this.end;
    let pos = this.pos;
    if (pos < end && b[pos] < 0x80) { // the common case: one byte
      this.pos = pos + 1;
      return b[pos];
    }
    let lo = 0, hi = 0; // bits 0..27 and 28..63, each exact in a double
    for (let i = 0; i < 9; i++) {
      if (pos >= end) throw jfrError("a value runs past the end of its event: the file is damaged or cut off", pos);
      const c = b[pos++];
      if (i === 8) {
        hi += c * 268435456; // the ninth byte carries 8 bits: bits 56..63
        break;
      }
      const bits = c & 0x7f;
      if (i < 4) lo += bits << (7 * i);
      else hi += bits * 2 ** (7 * i - 28);
      if (c < 0x80) break;
    }
    this.pos = pos;
    if (hi < 33554432) return hi * 268435456 + lo; // below 2^53
    return (BigInt(hi) << 28n) + BigInt(lo);
  }

  /** A varint that must be a number below 2^53 (sizes, counts, ids, keys). */
  int(what: string): number {
    const at = this.pos;
    const v = this.varint();
    if (typeof v !== "number") throw jfrError(`${what} is out of range`, at);
    return v;
  }

  /** A count of items of at least one byte each: never more than the bytes left. */
  count(what: string): number {
    const at = this.pos;
    const n = this.int(what);
    if (n > this.end - this.pos) throw jfrError(`${what} ${n} is more than the bytes left`, at);
    return n;
  }

  i64(): bigint {
    this.#need(8);
    const v = this.dv.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  f32(): number {
    this.#need(4);
    const v = this.dv.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.#need(8);
    const v = this.dv.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** A string in any of the encodings; a constant pool string as a {@link StringRef}. */
  string(): string | StringRef | null {
    const at = this.pos;
    const enc = this.u8();
    switch (enc) {
      case 0:
        return null;
      case 1:
        return "";
      case 2:
        return new StringRef(this.int("string key"));
      case 3:
      case 5: {
        const n = this.count("string length");
        const bytes = this.b.subarray(this.pos, this.pos + n);
        this.pos += n;
        return enc === 3 ? utf8.decode(bytes) : latin1(bytes);
      }
      case 4: {
        const n = this.count("string length");
        const codes: number[] = new Array(n);
        for (let i = 0; i < n; i++) codes[i] = Number(this.varint()) & 0xffff;
        return String.fromCharCode(...codes);
      }
      default:
        throw jfrError(`unknown string encoding ${enc}`, at);
    }
  }
}

/** A long as Java has it: the varint's 64 bits two's complement, a number when exact. */
function signed64(v: number | bigint): number | bigint {
  if (typeof v === "number") return v;
  const s = BigInt.asIntN(64, v);
  return s >= -(2n ** 53n) && s < 2n ** 53n ? Number(s) : s;
}

const utf8 = new TextDecoder("utf-8");

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/** The header of one chunk. */
export interface ChunkHeader {
  start: number;
  end: number;
  major: number;
  minor: number;
  constantPoolOffset: number;
  metadataOffset: number;
  startNanos: bigint;
  durationNanos: bigint;
  startTicks: bigint;
  ticksPerSecond: bigint;
}

const HEADER_SIZE = 68;

/** Reads the header of the chunk at `start`. */
export function chunkHeader(b: Uint8Array, start: number): ChunkHeader {
  if (b.length - start < HEADER_SIZE) {
    throw jfrError(`the chunk header is cut off: ${b.length - start} of its 68 bytes`, start);
  }
  if (!isJfr(b.subarray(start))) throw jfrError("a chunk does not start with FLR\\0", start);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const major = dv.getUint16(start + 4), minor = dv.getUint16(start + 6);
  if (major !== 2) {
    throw jfrError(`version ${major}.${minor} is not supported (JDK 11 and later write 2.x; JDK 8's 1.x is not read)`);
  }
  const size = dv.getBigInt64(start + 8);
  const cp = dv.getBigInt64(start + 16), meta = dv.getBigInt64(start + 24);
  const left = BigInt(b.length - start);
  if (size < BigInt(HEADER_SIZE) || size > left) {
    throw jfrError(
      size > left
        ? `the chunk claims ${size} bytes but only ${left} are left: the file is truncated`
        : "bad chunk size",
      start,
    );
  }
  if (meta < BigInt(HEADER_SIZE) || meta >= size || cp < 0n || cp >= size) {
    throw jfrError(
      meta === 0n ? "the chunk was not finished (no metadata)" : "bad metadata or constant pool offset",
      start,
    );
  }
  return {
    start,
    end: start + Number(size),
    major,
    minor,
    constantPoolOffset: Number(cp),
    metadataOffset: Number(meta),
    startNanos: dv.getBigInt64(start + 32),
    durationNanos: dv.getBigInt64(start + 40),
    startTicks: dv.getBigInt64(start + 48),
    ticksPerSecond: dv.getBigInt64(start + 56),
  };
}

/** The offsets of every chunk of a recording. */
export function chunks(b: Uint8Array): ChunkHeader[] {
  const out: ChunkHeader[] = [];
  for (let at = 0; at < b.length;) {
    const h = chunkHeader(b, at);
    out.push(h);
    at = h.end;
  }
  return out;
}

interface Element {
  name: string;
  attributes: Map<string, string>;
  children: Element[];
}

/** Reads the metadata event at the chunk's metadata offset into its types, by id. */
export function readMetadata(b: Uint8Array, h: ChunkHeader): Map<number, Type> {
  const at = h.start + h.metadataOffset;
  const r = new Reader(b, at, h.end);
  const size = r.int("metadata size");
  if (size < 1 || at + size > h.end) throw jfrError("the metadata event does not fit in its chunk", at);
  r.end = at + size;
  if (r.int("event type") !== 0) throw jfrError("no metadata event at the chunk's metadata offset", at);
  r.varint(); // start time
  r.varint(); // duration
  r.varint(); // metadata id
  const n = r.count("metadata string count");
  const strings: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = r.string();
    strings[i] = typeof s === "string" ? s : "";
  }
  const str = () => {
    const p = r.pos, i = r.int("metadata string index");
    if (i >= strings.length) throw jfrError(`metadata string ${i} does not exist`, p);
    return strings[i];
  };
  const element = (depth: number): Element => {
    if (depth > MAX_DEPTH) throw jfrError("the metadata is nested too deeply", r.pos);
    const name = str();
    const attributes = new Map<string, string>();
    for (let i = r.count("metadata attribute count"); i > 0; i--) attributes.set(str(), str());
    const children: Element[] = [];
    for (let i = r.count("metadata element count"); i > 0; i--) children.push(element(depth + 1));
    return { name, attributes, children };
  };
  const root = element(0);
  const types = new Map<number, Type>();
  const meta = root.children.find((e) => e.name === "metadata");
  for (const c of meta?.children ?? []) {
    if (c.name !== "class") continue;
    const id = Number(c.attributes.get("id"));
    if (!Number.isSafeInteger(id)) throw jfrError(`a metadata class has the bad id ${c.attributes.get("id")}`);
    const fields: Field[] = c.children.filter((f) => f.name === "field").map((f) => ({
      name: f.attributes.get("name") ?? "",
      typeId: Number(f.attributes.get("class")),
      constantPool: f.attributes.get("constantPool") === "true",
      array: f.attributes.get("dimension") === "1",
    }));
    types.set(id, {
      id,
      name: c.attributes.get("name") ?? "",
      superType: c.attributes.get("superType") ?? "",
      fields,
      index: new Map(fields.map((f, i) => [f.name, i])),
    });
  }
  for (const t of types.values()) {
    for (const f of t.fields) {
      if (!types.has(f.typeId)) throw jfrError(`field ${t.name}.${f.name} has the undefined type ${f.typeId}`);
    }
  }
  return types;
}

/** The constant pools of a chunk: by type id, value by key. */
export type Pools = Map<number, Map<number, Value>>;

/** Decodes values of the metadata's types from a reader. */
export class Decoder {
  readonly types: Map<number, Type>;

  constructor(types: Map<number, Type>) {
    this.types = types;
  }

  /** A value of type `typeId`. */
  value(r: Reader, typeId: number, depth = 0): Value {
    const t = this.types.get(typeId)!;
    switch (t.name) {
      case "boolean":
        return r.u8() !== 0;
      case "byte":
        return (r.u8() << 24) >> 24;
      case "char":
        return Number(BigInt.asUintN(16, BigInt(r.varint())));
      case "short":
        return Number(BigInt.asIntN(16, BigInt(r.varint())));
      case "int": {
        const v = r.varint();
        return typeof v === "number" ? v | 0 : Number(BigInt.asIntN(32, v));
      }
      case "long":
        return signed64(r.varint());
      case "float":
        return r.f32();
      case "double":
        return r.f64();
      case "java.lang.String":
        return r.string();
    }
    if (depth > MAX_DEPTH) throw jfrError(`type ${t.name} nests itself`, r.pos);
    const out: Value[] = new Array(t.fields.length);
    for (let i = 0; i < t.fields.length; i++) out[i] = this.field(r, t.fields[i], depth + 1);
    return out;
  }

  /** A field's value: a constant pool key, an array, or a value. */
  field(r: Reader, f: Field, depth: number): Value {
    if (f.array) {
      const n = r.count(`length of ${f.name}`);
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = f.constantPool ? r.varint() : this.value(r, f.typeId, depth);
      return out;
    }
    return f.constantPool ? r.varint() : this.value(r, f.typeId, depth);
  }
}

/** The events of a chunk by type id: where each starts and ends. */
export type EventIndex = Map<number, number[]>;

/** Finds every event of a chunk, checking that each fits, and lists them by type as `[start, end]` pairs. */
export function indexEvents(b: Uint8Array, h: ChunkHeader): EventIndex {
  const index: EventIndex = new Map();
  const r = new Reader(b, h.start + HEADER_SIZE, h.end);
  for (let at = r.pos; at < h.end; at = r.pos) {
    const size = r.int("event size");
    if (size < 2 || at + size > h.end) throw jfrError(`an event of ${size} bytes does not fit in its chunk`, at);
    const typeId = r.int("event type");
    let list = index.get(typeId);
    if (!list) index.set(typeId, list = []);
    list.push(r.pos, at + size);
    r.pos = at + size;
  }
  return index;
}

/** Readers over the fields of the events of one type. */
export function* eventsOf(b: Uint8Array, index: EventIndex, typeId: number): Generator<Reader> {
  const list = index.get(typeId) ?? [];
  for (let i = 0; i < list.length; i += 2) yield new Reader(b, list[i], list[i + 1]);
}

/** Reads every constant pool event of a chunk. */
export function readPools(b: Uint8Array, index: EventIndex, d: Decoder): Pools {
  const pools: Pools = new Map();
  for (const r of eventsOf(b, index, 1)) {
    const at = r.pos;
    r.varint(); // start time
    r.varint(); // duration
    r.varint(); // delta to the previous constant pool
    r.u8(); // flush / checkpoint type
    for (let n = r.count("constant pool count"); n > 0; n--) {
      const p = r.pos;
      const type = r.int("constant pool type");
      if (!d.types.has(type)) throw jfrError(`a constant pool has the undefined type ${type}`, p);
      let pool = pools.get(type);
      if (!pool) pools.set(type, pool = new Map());
      for (let k = r.count("constant pool size"); k > 0; k--) {
        const key = r.varint();
        pool.set(Number(key), d.value(r, type));
      }
    }
    if (r.pos !== r.end) throw jfrError("a constant pool event's size does not match its content", at);
  }
  return pools;
}
