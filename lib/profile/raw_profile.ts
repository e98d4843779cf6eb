/**
 * A profile as read off the wire, before resolving: the columns the reader
 * (`decode.ts`) fills and the resolver (`resolve.ts`) turns into a `Profile`.
 *
 * @module
 */
import { F64Column, U32Column, U64Column, U8Column } from "./columns.ts";

/** Marks a location id of 2^32 or more in {@link RawProfile.stackIds}; the id is in `bigIds`. */
export const BIG_ID = 0xffffffff;

/** A mapping as read: its strings still indices into the string table. */
export interface RawMapping {
  id: number;
  start: bigint;
  limit: bigint;
  offset: bigint;
  fileX: number;
  buildIdX: number;
  hasFunctions: boolean;
  hasFilenames: boolean;
  hasLineNumbers: boolean;
  hasInlineFrames: boolean;
}

/**
 * A profile as it is on the wire, in columns: references are protobuf ids and
 * strings are string-table indices (numbers, possibly out of range: resolving
 * checks them). Row starts (`stackStart`, `lineStart`…) have one entry per row.
 */
export class RawProfile {
  strings: string[] = [];
  sampleTypes: [number, number][] = [];
  periodType: [number, number] | undefined;
  period = 0;
  timeNanos = 0n;
  durationNanos = 0;
  dropFramesX = 0;
  keepFramesX = 0;
  defaultSampleTypeX = 0;
  commentX: number[] = [];

  values = new F64Column(1 << 16);
  valueStart = new U32Column(1 << 14);
  stackStart = new U32Column(1 << 14);
  stackIds = new U32Column(1 << 18);
  /** Position in `stackIds` → location id >= 2^32. */
  bigIds = new Map<number, number>();
  labelStart = new U32Column(1 << 14);
  labelKey = new U32Column();
  labelStr = new U32Column();
  labelNum = new F64Column();
  labelUnit = new U32Column();

  locId = new F64Column(1 << 12);
  locMappingId = new F64Column(1 << 12);
  locAddress = new U64Column(1 << 12);
  locFolded = new U8Column(1 << 12);
  lineStart = new U32Column(1 << 12);
  lineFunctionId = new F64Column(1 << 12);
  lineNumber = new F64Column(1 << 12);

  fnId = new F64Column(1 << 10);
  fnName = new F64Column(1 << 10);
  fnSystemName = new F64Column(1 << 10);
  fnFilename = new F64Column(1 << 10);
  fnStartLine = new F64Column(1 << 10);

  mappings: RawMapping[] = [];
}
