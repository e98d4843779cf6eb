/**
 * Interning of the functions and locations of profiles decoded from other
 * profilers' formats, which name frames by text (function, file, line)
 * rather than by address: one function per distinct name and file, one
 * location per distinct frame, ids in order of first use.
 *
 * @module
 */
import type { ProfileBuilder } from "../builder.ts";

/** Functions and locations of a {@link ProfileBuilder}, interned by their text. */
export class FrameTable {
  #b: ProfileBuilder;
  #functions = new Map<string, number>();
  #locations = new Map<string, number>();

  constructor(b: ProfileBuilder) {
    this.#b = b;
  }

  /** The index of the function named `name` in `file` (its system name the same), added on first use. */
  fn(name: string, file = "", startLine = 0): number {
    const key = `${name}\0${file}\0${startLine}`;
    let f = this.#functions.get(key);
    if (f === undefined) this.#functions.set(key, f = this.#b.addFunction(name, name, file, startLine));
    return f;
  }

  /**
   * The index of the location of `lines` (function index, line, column; innermost first, more than one for
   * inlined frames), added on first use; it has no mapping or address.
   */
  loc(lines: [number, number, number?][]): number {
    const key = lines.map(([f, l, c]) => `${f}:${l}:${c ?? 0}`).join(",");
    let l = this.#locations.get(key);
    if (l === undefined) this.#locations.set(key, l = this.#b.addLocation(-1, 0n, false, lines));
    return l;
  }

  /** The location of a single frame: function `fn` at `line` (and `column`). */
  frame(fn: number, line = 0, column = 0): number {
    return this.loc([[fn, line, column]]);
  }
}
