/**
 * Append-only typed-array columns, for building a columnar profile when the
 * final row count is not known in advance (decoding, merging).
 *
 * @module
 */

type TypedArray = Uint32Array | Float64Array | Uint8Array | BigUint64Array;
type Ctor<A extends TypedArray> = { new (n: number): A };

/** A growable column over a typed array; `view()` returns the filled prefix. */
class Column<A extends TypedArray, V> {
  #ctor: Ctor<A>;
  data: A;
  length = 0;

  constructor(ctor: Ctor<A>, capacity = 1024) {
    this.#ctor = ctor;
    this.data = new ctor(Math.max(16, capacity));
  }

  /** Appends one value. */
  push(v: V): void {
    if (this.length === this.data.length) this.#grow(this.length + 1);
    (this.data as unknown as V[])[this.length++] = v;
  }

  /** Makes room for at least `n` more values without reallocating. */
  reserve(n: number): void {
    if (this.length + n > this.data.length) this.#grow(this.length + n);
  }

  /** The filled part. Shares memory with the column. */
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }

  /** A right-sized copy of the filled part, so the spare capacity can be freed. */
  compact(): A {
    return this.data.slice(0, this.length) as A;
  }

  #grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new this.#ctor(cap);
    (next as unknown as { set(a: A): void }).set(this.data);
    this.data = next;
  }
}

/** Growable Uint32Array column. */
export class U32Column extends Column<Uint32Array, number> {
  constructor(capacity?: number) {
    super(Uint32Array, capacity);
  }
}

/** Growable Float64Array column. */
export class F64Column extends Column<Float64Array, number> {
  constructor(capacity?: number) {
    super(Float64Array, capacity);
  }
}

/** Growable Uint8Array column. */
export class U8Column extends Column<Uint8Array, number> {
  constructor(capacity?: number) {
    super(Uint8Array, capacity);
  }
}

/** Growable BigUint64Array column. */
export class U64Column extends Column<BigUint64Array, bigint> {
  constructor(capacity?: number) {
    super(BigUint64Array, capacity);
  }
}
