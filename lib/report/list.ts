/**
 * The `-list` report: source lines of matching functions, annotated with flat
 * and cum weight, with source files found the way pprof finds them.
 *
 * @module
 */
import { compareStrings, padStart } from "../format/gofmt.ts";
import { percentage } from "../format/units.ts";
import { nodeInfoString } from "../graph/nodes.ts";
import { splitList, trimPath } from "../util/gopath.ts";
import { formatValue, type Report, reportFrames, reportGraph } from "./report.ts";
import { noMatches } from "./tree.ts";
import type { GoRegexp } from "../regex/re2.ts";
import { dirname, isAbsolute, join } from "node:path";

const MARGIN = 5; // lines shown before the first and after the last sampled line

/** Reads source files once each, looking them up like pprof's sourceReader. */
class SourceReader {
  #searchPath: string;
  #trimPath: string;
  #allowed: (path: string) => boolean;
  #files = new Map<string, string[] | Error>();

  constructor(searchPath: string, trim: string, allowed: (path: string) => boolean) {
    this.#searchPath = searchPath;
    this.#trimPath = trim;
    this.#allowed = allowed;
  }

  /** The lines of `path` (1-based; index 0 unused), or the error that prevented reading it. */
  lines(path: string): string[] | Error {
    let lines = this.#files.get(path);
    if (lines === undefined) {
      try {
        const text = Deno.readTextFileSync(this.#locate(path));
        lines = ["", ...text.split("\n")];
        if (text.endsWith("\n")) lines.pop();
        lines = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
      } catch (e) {
        lines = e instanceof Error ? e : new Error(String(e));
      }
      this.#files.set(path, lines);
    }
    return lines;
  }

  #locate(path: string): string {
    path = trimPath(path, this.#trimPath, this.#searchPath);
    if (isAbsolute(path)) {
      if (!this.#allowed(path)) throw new Error(`${path} is outside the directories sources may be read from`);
      return path;
    }
    for (let dir of splitList(this.#searchPath)) {
      for (;;) {
        const candidate = join(dir, path);
        try {
          if (this.#allowed(candidate) && Deno.statSync(candidate).isFile) return candidate;
        } catch {
          // keep looking in the parent directories
        }
        const parent = dirname(dir);
        if (parent === dir) break;
        dir = parent;
      }
    }
    throw new Error(`could not find file ${path} on path ${this.#searchPath}`);
  }
}

/** One annotated source line. */
export interface ListLine {
  line: number;
  flat: number;
  cum: number;
  text: string;
}

/** The listing of one function in one source file. */
export interface Routine {
  function: string;
  /** Empty when the profile has no source information for the function. */
  file: string;
  flat: number;
  cum: number;
  /** Why the source could not be shown. */
  error?: string;
  lines: ListLine[];
}

/** A list report. */
export interface ListReport {
  total: number;
  routines: Routine[];
}

/**
 * The source listing of the functions whose name matches `symbol`. Sources are
 * searched in `cfg.sourcePath` (default: the working directory); `allowed`
 * can rule files out (a sandbox).
 *
 * @throws {UserError} "no matches found for regexp" when no function matches
 */
export function listReport(
  r: Report,
  symbol: GoRegexp,
  symbolText = symbol.source,
  allowed: (path: string) => boolean = () => true,
): ListReport {
  const g = reportGraph(r, reportFrames(r, true));
  const infos = g.frames.table.infos;
  const byName = new Map<string, number[]>();
  for (const n of g.nodes) {
    const name = infos[n].name;
    if (!symbol.test(name)) continue;
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name)!.push(n);
  }
  if (byName.size === 0) throw noMatches(symbolText);
  const byInfo = (a: number, b: number) => compareStrings(nodeInfoString(infos[a]), nodeInfoString(infos[b]));
  const functions = [...byName.values()].map((ns) => ns[0]).sort((a, b) =>
    compareStrings(infos[a].name, infos[b].name) || byInfo(a, b)
  );
  const reader = new SourceReader(r.cfg.sourcePath !== "" ? r.cfg.sourcePath : Deno.cwd(), r.cfg.trimPath, allowed);
  const routines: Routine[] = [];

  for (const fn of functions) {
    const name = infos[fn].name;
    const byFile = new Map<string, number[]>();
    for (const n of byName.get(name)!) {
      const file = infos[n].file;
      if (file === "") continue;
      if (!byFile.has(file)) byFile.set(file, []);
      byFile.get(file)!.push(n);
    }
    if (byFile.size === 0) {
      routines.push({ function: name, file: "", flat: 0, cum: 0, lines: [] });
      continue;
    }
    const files = [...byFile.values()].map((ns) => ns[0]).sort((a, b) =>
      compareStrings(infos[a].file, infos[b].file) || infos[a].startLine - infos[b].startLine || byInfo(a, b)
    );
    for (const first of files) {
      const file = infos[first].file;
      const nodes = byFile.get(file)!;
      const routine: Routine = { function: name, file, flat: 0, cum: 0, lines: [] };
      routines.push(routine);
      for (const n of nodes) {
        routine.flat += g.flat[n];
        routine.cum += g.cum[n];
      }
      const lines = reader.lines(file);
      if (lines instanceof Error) {
        routine.error = lines.message;
        continue;
      }
      // The range pprof shows: from the function start (or 5 lines before the
      // first sampled line) to 5 lines after, widened by the other nodes.
      const head = infos[nodes[0]];
      let start = head.startLine !== 0 ? head.startLine : head.lineno - MARGIN;
      let end = head.lineno + MARGIN;
      const perLine = new Map<number, [number, number]>();
      for (const n of nodes) {
        const { lineno, startLine } = infos[n];
        const nodeStart = startLine !== 0 ? startLine : lineno - MARGIN;
        const nodeEnd = lineno + MARGIN;
        if (nodeStart < start) start = nodeStart;
        else if (nodeEnd > end) end = nodeEnd;
        const [f, c] = perLine.get(lineno) ?? [0, 0];
        perLine.set(lineno, [f + g.flat[n], c + g.cum[n]]);
      }
      for (let ln = Math.max(start, 1); ln <= end && ln < lines.length; ln++) {
        const [flat, cum] = perLine.get(ln) ?? [0, 0];
        routine.lines.push({ line: ln, flat, cum, text: lines[ln] });
      }
    }
  }
  return { total: r.total, routines };
}

/** The text `go tool pprof -list` prints. */
export function renderList(r: Report, l: ListReport): string {
  const dot = (v: number) => (v === 0 ? "." : formatValue(r, v));
  const out = [`Total: ${formatValue(r, l.total)}`];
  for (const rt of l.routines) {
    if (rt.file === "") {
      out.push(`No source information for ${rt.function}`);
      continue;
    }
    out.push(`ROUTINE ======================== ${rt.function} in ${rt.file}`);
    out.push(
      `${padStart(formatValue(r, rt.flat), 10)} ${padStart(formatValue(r, rt.cum), 10)} (flat, cum) ${
        percentage(rt.cum, l.total)
      } of Total`,
    );
    if (rt.error !== undefined) out.push(` Error: ${rt.error}`);
    for (const ln of rt.lines) {
      out.push(`${padStart(dot(ln.flat), 10)} ${padStart(dot(ln.cum), 10)} ${padStart(String(ln.line), 6)}:${ln.text}`);
    }
  }
  return out.join("\n") + "\n";
}
