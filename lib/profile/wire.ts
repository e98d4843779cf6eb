/**
 * A bounds-checked protobuf wire-format cursor for the decoder: every read
 * stays inside the current message and fails with a {@link ProfileError} (never
 * a RangeError or a read past the end) on truncated or malformed input.
 *
 * Varints are read into numbers (exact below 2^53) or, for the few 64-bit
 * fields that need every bit (addresses, time), into two 32-bit halves; no
 * `Long` or BigInt per value on the hot paths.
 *
 * @module
 */
import { ProfileError } from "../errors.ts";
import { WIRE_LEN, WIRE_VARINT } from "./fields.ts";

// Fixed-size wire types: no pprof field uses them, but a reader must skip them.
const WIRE_I64 = 1;
const WIRE_I32 = 5;

const TWO32 = 4294967296;

/** The error for input that ends inside a field. */
export function truncated(what = "a field"): ProfileError {
  return new ProfileError(`truncated protobuf data: the input ends inside ${what} (is the file cut off?)`);
}

/** A cursor over protobuf bytes; `end` is the end of the message being read. */
export class Wire {
  readonly buf: Uint8Array;
  pos = 0;
  end: number;
  /** Low and high 32 bits of the last {@link varint64}. */
  lo = 0;
  hi = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.end = buf.length;
  }

  /** True while the current message has bytes left. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads an unsigned varint as a number (exact below 2^53). */
  varint(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return this.hi * TWO32 + this.lo;
  }

  /** Reads a two's-complement int64 varint as a number (exact below 2^53 in magnitude). */
  int64(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return (this.hi | 0) * TWO32 + this.lo;
  }

  /** Reads a varint into {@link lo} and {@link hi}. */
  varint64(): void {
    const buf = this.buf, end = this.end;
    let pos = this.pos;
    let lo = 0, hi = 0, b = 0x80;
    // The first four bytes fill 28 bits of `lo`.
    for (let shift = 0; shift < 28 && b >= 0x80; shift += 7) {
      if (pos >= end) throw truncated("a varint");
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
    }
    if (b >= 0x80) {
      // The fifth byte: 4 bits of `lo`, 3 of `hi`.
      if (pos >= end) throw truncated("a varint");
      b = buf[pos++];
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x70) >>> 4;
      for (let shift = 3; b >= 0x80; shift += 7) {
        if (shift > 31) throw new ProfileError("malformed protobuf: a varint longer than 10 bytes");
        if (pos >= end) throw truncated("a varint");
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
      }
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.pos = pos;
  }

  /** Reads a varint as an unsigned 64-bit bigint. */
  uint64(): bigint {
    this.varint64();
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Reads a length prefix; returns where the delimited bytes end. `what` names them in errors. */
  lengthEnd(what: string): number {
    const n = this.varint();
    if (n > this.end - this.pos) throw truncated(what);
    return this.pos + n;
  }

  /**
   * Enters a length-delimited field, e.g. the message `name`; returns the outer
   * end to pass to {@link leave}.
   */
  enter(name: string): number {
    const n = this.varint();
    if (n > this.end - this.pos) throw truncated(`field ${name}`);
    const end = this.pos + n;
    const outer = this.end;
    this.end = end;
    return outer;
  }

  /** Leaves a message entered with {@link enter}, skipping nothing: the reader must have read it all. */
  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  /** Skips a field of an unknown or ignored number. */
  skip(wireType: number, field: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_I64:
        return this.#advance(8);
      case WIRE_LEN:
        this.pos = this.lengthEnd(`field ${field}`);
        return;
      case WIRE_I32:
        return this.#advance(4);
      default:
        throw new ProfileError(`not a pprof profile: invalid protobuf wire type ${wireType} for field ${field}`);
    }
  }

  #advance(n: number): void {
    if (this.end - this.pos < n) throw truncated("a fixed-size field");
    this.pos += n;
  }
}

/** Fails unless a field has the wire type its schema gives it. */
export function expectWire(actual: number, expected: number, what: string): void {
  if (actual !== expected) {
    throw new ProfileError(`not a pprof profile: field ${what} has wire type ${actual}, expected ${expected}`);
  }
}
