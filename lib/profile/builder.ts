/**
 * Builds a columnar {@link Profile} row by row, interning strings, for
 * operations that produce a new profile (merge, compaction, scaling).
 *
 * @module
 */
import { F64Column, U32Column, U64Column, U8Column } from "./columns.ts";
import type { Mapping, Profile, ValueType } from "./model.ts";

/** A label to append to the current sample: a string label, or a number with a unit. */
export interface LabelRow {
  key: string;
  str?: string;
  num?: number;
  unit?: string;
}

/** Header fields of the profile under construction. */
export type ProfileHeader = Pick<
  Profile,
  | "sampleTypes"
  | "defaultSampleType"
  | "periodType"
  | "period"
  | "timeNanos"
  | "durationNanos"
  | "comments"
  | "dropFrames"
  | "keepFrames"
>;

/** Accumulates samples, locations, functions and mappings; `finish()` returns the profile. */
export class ProfileBuilder {
  readonly strings: string[] = [""];
  #index = new Map<string, number>([["", 0]]);
  #header: ProfileHeader;

  values = new F64Column(1 << 12);
  stackStart = new U32Column(1 << 10);
  stackLocs = new U32Column(1 << 14);
  labelStart = new U32Column(1 << 10);
  labelKey = new U32Column();
  labelStr = new U32Column();
  labelNum = new F64Column();
  labelUnit = new U32Column();

  locationId = new F64Column();
  locationMapping: number[] = [];
  locationAddress = new U64Column();
  locationFolded = new U8Column();
  lineStart = new U32Column();
  lineFunction = new U32Column();
  lineNumber = new F64Column();
  lineColumn = new F64Column();
  #hasColumns = false;

  functionId = new F64Column();
  functionName = new U32Column();
  functionSystemName = new U32Column();
  functionFilename = new U32Column();
  functionStartLine = new F64Column();

  mappings: Mapping[] = [];

  constructor(header: ProfileHeader) {
    this.#header = header;
  }

  /** The index of `s` in the new string table. */
  str(s: string): number {
    let i = this.#index.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.#index.set(s, i);
    }
    return i;
  }

  get sampleCount(): number {
    return this.stackStart.length;
  }

  /** Appends a sample; its id-less locations are indices returned by `addLocation`. */
  addSample(locations: ArrayLike<number>, values: ArrayLike<number>, labels: LabelRow[]): number {
    this.stackStart.push(this.stackLocs.length);
    for (let i = 0; i < locations.length; i++) this.stackLocs.push(locations[i]);
    for (let i = 0; i < values.length; i++) this.values.push(values[i]);
    this.labelStart.push(this.labelKey.length);
    for (const l of labels) {
      this.labelKey.push(this.str(l.key));
      this.labelStr.push(l.str === undefined ? 0 : this.str(l.str));
      this.labelNum.push(l.num ?? 0);
      this.labelUnit.push(l.unit === undefined ? 0 : this.str(l.unit));
    }
    return this.stackStart.length - 1;
  }

  /**
   * Appends a location with its lines (function index, line number, and optionally column), innermost first;
   * ids are assigned in order.
   */
  addLocation(mapping: number, address: bigint, folded: boolean, lines: [number, number, number?][]): number {
    const l = this.locationId.length;
    this.locationId.push(l + 1);
    this.locationMapping.push(mapping);
    this.locationAddress.push(address);
    this.locationFolded.push(folded ? 1 : 0);
    this.lineStart.push(this.lineFunction.length);
    for (const [fn, line, column = 0] of lines) {
      this.lineFunction.push(fn);
      this.lineNumber.push(line);
      this.lineColumn.push(column);
      if (column !== 0) this.#hasColumns = true;
    }
    return l;
  }

  /** Appends a function; ids are assigned in order. */
  addFunction(name: string, systemName: string, filename: string, startLine: number): number {
    const f = this.functionId.length;
    this.functionId.push(f + 1);
    this.functionName.push(this.str(name));
    this.functionSystemName.push(this.str(systemName));
    this.functionFilename.push(this.str(filename));
    this.functionStartLine.push(startLine);
    return f;
  }

  /** Appends a mapping; its id becomes its position + 1. */
  addMapping(m: Omit<Mapping, "id">): number {
    this.mappings.push({ ...m, id: this.mappings.length + 1 });
    return this.mappings.length - 1;
  }

  /** The finished profile. The builder must not be used afterwards. */
  finish(overrides: Partial<ProfileHeader> = {}): Profile {
    this.stackStart.push(this.stackLocs.length);
    this.labelStart.push(this.labelKey.length);
    this.lineStart.push(this.lineFunction.length);
    const sampleTypes: ValueType[] = overrides.sampleTypes ?? this.#header.sampleTypes;
    return {
      ...this.#header,
      ...overrides,
      sampleTypes,
      strings: this.strings,
      sampleCount: this.stackStart.length - 1,
      values: this.values.compact(),
      stackStart: this.stackStart.compact(),
      stackLocs: this.stackLocs.compact(),
      labelStart: this.labelStart.compact(),
      labelKey: this.labelKey.compact(),
      labelStr: this.labelStr.compact(),
      labelNum: this.labelNum.compact(),
      labelUnit: this.labelUnit.compact(),
      locationCount: this.locationId.length,
      locationId: this.locationId.compact(),
      locationMapping: Int32Array.from(this.locationMapping),
      locationAddress: this.locationAddress.compact(),
      locationFolded: this.locationFolded.compact(),
      lineStart: this.lineStart.compact(),
      lineFunction: this.lineFunction.compact(),
      lineNumber: this.lineNumber.compact(),
      ...(this.#hasColumns ? { lineColumn: this.lineColumn.compact() } : {}),
      functionCount: this.functionId.length,
      functionId: this.functionId.compact(),
      functionName: this.functionName.compact(),
      functionSystemName: this.functionSystemName.compact(),
      functionFilename: this.functionFilename.compact(),
      functionStartLine: this.functionStartLine.compact(),
      mappings: this.mappings,
    };
  }
}
