/**
 * What V8's CPU and heap profiles share: their call frames, which become
 * functions and locations as Node's pprof exporters name them, and errors
 * that name the format.
 *
 * @module
 */
import { ProfileError } from "../../errors.ts";
import type { FrameTable } from "./frames.ts";

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** Whether `v` is a JSON object (not an array or null). */
export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Errors of one V8 format, naming it. */
export class V8Error {
  readonly format: string;
  constructor(format: string) {
    this.format = format;
  }

  /** A ProfileError naming the format. */
  error(what: string): ProfileError {
    return new ProfileError(`${this.format}: ${what}`);
  }

  /** `v[key]` as a finite number, or the error naming `where`. */
  num(v: Json, key: string, where: string): number {
    const x = v[key];
    if (typeof x !== "number" || !Number.isFinite(x)) throw this.error(`${where}.${key} is not a number`);
    return x;
  }

  /** `v[key]` as an array, or the error naming `where`. */
  array(v: Json, key: string, where: string): unknown[] {
    const x = v[key];
    if (!Array.isArray(x)) throw this.error(`${where}.${key} is not a list`);
    return x;
  }
}

/** The call frame V8 attributes time or memory to. */
export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, -1 when unknown (pseudo-frames such as `(program)`). */
  lineNumber: number;
  columnNumber: number;
}

/** The `callFrame` of a node, checked. */
export function callFrame(err: V8Error, node: Json, where: string): CallFrame {
  const f = node.callFrame;
  if (!isObject(f)) throw err.error(`${where}.callFrame is missing`);
  const functionName = f.functionName ?? "", url = f.url ?? "";
  if (typeof functionName !== "string") throw err.error(`${where}.callFrame.functionName is not a string`);
  if (typeof url !== "string") throw err.error(`${where}.callFrame.url is not a string`);
  const lineNumber = f.lineNumber ?? -1, columnNumber = f.columnNumber ?? -1;
  if (typeof lineNumber !== "number" || typeof columnNumber !== "number") {
    throw err.error(`${where}.callFrame has a line or column that is not a number`);
  }
  return { functionName, url, lineNumber, columnNumber };
}

/**
 * The location of a call frame, as Node's pprof exporters (`pprof` and
 * `@datadog/pprof`) name it: the function by name and script (`file://`
 * dropped), an anonymous function as `(anonymous:L#line:C#column)`, the line
 * and column 1-based (V8's are 0-based). V8's pseudo-frames keep their names,
 * as `pprof` keeps them: `(program)`, `(idle)`, `(garbage collector)`
 * (`@datadog/pprof` drops the first and renames the last).
 */
export function frameLocation(frames: FrameTable, f: CallFrame): number {
  const file = f.url.startsWith("file://") ? f.url.slice("file://".length) : f.url;
  const line = f.lineNumber >= 0 ? Math.floor(f.lineNumber) + 1 : 0;
  const column = f.columnNumber >= 0 ? Math.floor(f.columnNumber) + 1 : 0;
  let name = f.functionName;
  if (name === "") {
    name = line === 0 ? "(anonymous)" : column === 0 ? `(anonymous:L#${line})` : `(anonymous:L#${line}:C#${column})`;
  }
  return frames.frame(frames.fn(name, file), line, column);
}
