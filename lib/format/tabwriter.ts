/**
 * Go's `text/tabwriter` (space padding, optional right alignment), which
 * pprof's `-tags` report is printed through. Cells are tab-terminated; the
 * text after a line's last tab is not aligned; a line without tabs ends a
 * block of aligned columns.
 *
 * @module
 */
import { runeCount } from "./gofmt.ts";

interface Cell {
  text: string;
  width: number;
}

/** Collects text and aligns it on `flush()`. */
export class TabWriter {
  #minWidth: number;
  #padding: number;
  #alignRight: boolean;
  #lines: Cell[][] = [[]];
  #cell = "";
  #out: string[] = [];
  #widths: number[] = [];

  constructor(opts: { minWidth?: number; padding?: number; alignRight?: boolean } = {}) {
    this.#minWidth = opts.minWidth ?? 0;
    this.#padding = opts.padding ?? 1;
    this.#alignRight = opts.alignRight ?? false;
  }

  /** Adds text; tabs end cells, newlines end lines. */
  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== "\t" && ch !== "\n") continue;
      this.#cell += text.slice(start, i);
      start = i + 1;
      const line = this.#lines[this.#lines.length - 1];
      line.push({ text: this.#cell, width: runeCount(this.#cell) });
      this.#cell = "";
      if (ch === "\n") {
        this.#lines.push([]);
        // A line with a single cell cannot belong to a column block.
        if (line.length === 1) this.#flushLines();
      }
    }
    this.#cell += text.slice(start);
  }

  /** Aligns and returns everything written so far. */
  flush(): string {
    if (this.#cell !== "") {
      this.#lines[this.#lines.length - 1].push({ text: this.#cell, width: runeCount(this.#cell) });
      this.#cell = "";
    }
    this.#flushLines();
    const out = this.#out.join("");
    this.#out = [];
    return out;
  }

  #flushLines(): void {
    this.#format(0, this.#lines.length);
    this.#lines = [[]];
  }

  #format(line0: number, line1: number): void {
    const column = this.#widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= this.#lines[row].length - 1) continue;
      this.#writeLines(line0, row);
      line0 = row;
      let width = this.#minWidth;
      for (; row < line1; row++) {
        const line = this.#lines[row];
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column].width + this.#padding);
      }
      this.#widths.push(width);
      this.#format(line0, row);
      this.#widths.pop();
      line0 = row;
    }
    this.#writeLines(line0, line1);
  }

  #writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.#lines[i];
      line.forEach((c, j) => {
        const pad = j < this.#widths.length ? " ".repeat(Math.max(0, this.#widths[j] - c.width)) : "";
        if (c.text === "") this.#out.push(pad);
        else this.#out.push(this.#alignRight ? pad + c.text : c.text + pad);
      });
      // The last line is the unterminated one being built.
      if (i + 1 < this.#lines.length) this.#out.push("\n");
    }
  }
}
