/**
 * The in-memory profile model: columnar typed arrays over an interned string
 * table, so a profile with millions of frames costs a few typed arrays rather
 * than an object per sample, location or line.
 *
 * Indices, not ids: every cross reference (sample → location, line → function,
 * location → mapping) is an index into the referenced table. The original
 * protobuf ids are kept for output that prints them (`-raw`).
 *
 * @module
 */

/** A `(type, unit)` pair such as `cpu/nanoseconds`. */
export interface ValueType {
  type: string;
  unit: string;
}

/** One memory mapping (binary or shared library). Few per profile, so objects. */
export interface Mapping {
  id: number;
  start: bigint;
  limit: bigint;
  offset: bigint;
  file: string;
  buildId: string;
  hasFunctions: boolean;
  hasFilenames: boolean;
  hasLineNumbers: boolean;
  hasInlineFrames: boolean;
}

/**
 * A decoded pprof profile.
 *
 * Samples: the values of sample `s` are `values[s * sampleTypes.length + t]`;
 * its stack is `stackLocs[stackStart[s] .. stackStart[s + 1])`, leaf first;
 * its labels are `label*[labelStart[s] .. labelStart[s + 1])`. A label with
 * `labelStr > 0` is a string label, otherwise a numeric one.
 *
 * Locations: the inline frames of location `l` are lines
 * `lineStart[l] .. lineStart[l + 1]`, innermost (callee) first, as in the proto.
 */
export interface Profile {
  /** Interned strings; index 0 is always the empty string. */
  strings: string[];
  sampleTypes: ValueType[];
  defaultSampleType: string;
  periodType: ValueType | undefined;
  period: number;
  /** Nanoseconds since the Unix epoch; bigint because it exceeds 2^53. */
  timeNanos: bigint;
  durationNanos: number;
  comments: string[];
  dropFrames: string;
  keepFrames: string;

  sampleCount: number;
  values: Float64Array;
  stackStart: Uint32Array;
  stackLocs: Uint32Array;
  labelStart: Uint32Array;
  labelKey: Uint32Array;
  labelStr: Uint32Array;
  labelNum: Float64Array;
  labelUnit: Uint32Array;

  locationCount: number;
  locationId: Float64Array;
  /** Mapping index, or -1 when the location has none. */
  locationMapping: Int32Array;
  locationAddress: BigUint64Array;
  locationFolded: Uint8Array;
  lineStart: Uint32Array;
  lineFunction: Uint32Array;
  lineNumber: Float64Array;
  /**
   * Column of each line (profile.proto's `Line.column`, 1-based, 0 unknown), kept only by decoders of formats
   * that record columns (V8 profiles) and written by the encoder; absent elsewhere, meaning all 0.
   */
  lineColumn?: Float64Array;

  functionCount: number;
  functionId: Float64Array;
  functionName: Uint32Array;
  functionSystemName: Uint32Array;
  functionFilename: Uint32Array;
  functionStartLine: Float64Array;

  mappings: Mapping[];
}

/** The label pprof puts on the samples of a `-diff_base` profile; percentages are then of the base. */
export const DIFF_BASE_LABEL = "pprof::base";
