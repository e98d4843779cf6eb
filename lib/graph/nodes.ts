/**
 * Graph nodes: what a node stands for at a given granularity (function, file,
 * line, address), its printable name, and the node of every frame of a view.
 *
 * @module
 */
import type { ProfileView } from "../profile/view.ts";
import { goBase, goClean, trimPath } from "../util/gopath.ts";

/** How finely frames are grouped into nodes. */
export type Granularity = "functions" | "filefunctions" | "files" | "lines" | "addresses";

/** The identity of a node, as pprof's `graph.NodeInfo`. */
export interface NodeInfo {
  name: string;
  origName: string;
  address: bigint;
  file: string;
  startLine: number;
  lineno: number;
  objfile: string;
}

/** Options that decide which frames share a node. */
export interface NodeOptions {
  granularity: Granularity;
  /** Keep only the outermost frame of each location (`-noinlines`). */
  noInlines: boolean;
  /** Keep binary names in nodes (raw, list, disassembly reports). */
  objNames: boolean;
  /** `-trim_path` and `-source_path`, applied to file names. */
  trimPath: string;
  sourcePath: string;
}

/** pprof's printable node name: `[address] [name] [file[:line] | [binary] | <unknown>]`. */
export function printableName(i: NodeInfo): string {
  const parts: string[] = [];
  if (i.address !== 0n) parts.push(i.address.toString(16).padStart(16, "0"));
  if (i.name !== "") parts.push(i.name);
  if (i.lineno !== 0) parts.push(`${i.file}:${i.lineno}`);
  else if (i.file !== "") parts.push(i.file);
  else if (i.name !== "") {
    // the name says it all
  } else if (i.objfile !== "") parts.push(`[${goBase(i.objfile)}]`);
  else parts.push("<unknown>");
  return parts.join(" ");
}

/** Go's `fmt.Sprint` of a NodeInfo, pprof's last-resort sort key. */
export function nodeInfoString(i: NodeInfo): string {
  return `{${i.name} ${i.origName} ${i.address} ${i.file} ${i.startLine} ${i.lineno} ${i.objfile}}`;
}

/** Interns node infos: equal infos share one node id. */
export class NodeTable {
  readonly infos: NodeInfo[] = [];
  readonly names: string[] = [];
  #ids = new Map<string, number>();

  /** The id of the node for `info`, created on first use. */
  intern(info: NodeInfo): number {
    const key =
      `${info.name}\0${info.origName}\0${info.address}\0${info.file}\0${info.startLine}\0${info.lineno}\0${info.objfile}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.infos.length;
      this.infos.push(info);
      this.names.push(printableName(info));
      this.#ids.set(key, id);
    }
    return id;
  }

  get size(): number {
    return this.infos.length;
  }
}

/**
 * The node of every frame of a view: frames of location `l` are
 * `nodes[start[l] .. start[l + 1])`, innermost first. A location without
 * inline frames gets one node for its address/binary.
 */
export interface FrameNodes {
  table: NodeTable;
  start: Uint32Array;
  nodes: Int32Array;
}

/** Maps every remaining frame of `v` to a node at the granularity of `o`. */
export function frameNodes(v: ProfileView, o: NodeOptions): FrameNodes {
  const p = v.profile;
  const table = new NodeTable();
  const withName = o.granularity !== "files";
  const withFile = o.granularity !== "functions";
  const withLine = o.granularity === "lines" || o.granularity === "addresses";
  const withAddress = o.granularity === "addresses";
  const fileNames = new Map<number, string>();
  const fileOf = (x: number): string => {
    let f = fileNames.get(x);
    if (f === undefined) {
      const raw = trimPath(p.strings[x], o.trimPath, o.sourcePath);
      f = raw === "" ? "" : goClean(raw);
      fileNames.set(x, f);
    }
    return f;
  };
  const objfileOf = (l: number) => {
    const m = p.locationMapping[l];
    return m < 0 ? "" : p.mappings[m].file;
  };
  // Nodes depend on the function only, unless lines or addresses matter.
  const perFunction = !withLine && !withAddress;
  const fnCache = perFunction ? new Int32Array(p.functionCount).fill(-1) : undefined;

  const lineNode = (l: number, li: number): number => {
    const fn = p.lineFunction[li];
    const cached = fnCache?.[fn] ?? -1;
    if (cached >= 0) return cached;
    const name = withName ? p.strings[p.functionName[fn]] : "";
    const keepObj = o.objNames || name === "";
    const id = table.intern({
      name,
      origName: "",
      address: withAddress ? p.locationAddress[l] : 0n,
      file: withFile ? fileOf(p.functionFilename[fn]) : "",
      startLine: keepObj ? p.functionStartLine[fn] : 0,
      lineno: withLine ? p.lineNumber[li] : 0,
      objfile: keepObj ? objfileOf(l) : "",
    });
    // A per-function node must not depend on the location's binary.
    if (fnCache && !keepObj) fnCache[fn] = id;
    return id;
  };

  const nLoc = p.locationCount;
  const start = new Uint32Array(nLoc + 1);
  let total = 0;
  for (let l = 0; l < nLoc; l++) {
    start[l] = total;
    if (v.removed[l]) continue;
    const n = v.lineTo[l] - v.lineFrom[l];
    total += n === 0 ? 1 : o.noInlines ? 1 : n;
  }
  start[nLoc] = total;
  const nodes = new Int32Array(total);
  for (let l = 0; l < nLoc; l++) {
    if (v.removed[l]) continue;
    const from = v.lineFrom[l];
    const to = v.lineTo[l];
    let k = start[l];
    if (from === to) {
      nodes[k] = table.intern({
        name: "",
        origName: "",
        address: withAddress ? p.locationAddress[l] : 0n,
        file: "",
        startLine: 0,
        lineno: 0,
        objfile: objfileOf(l),
      });
    } else if (o.noInlines) {
      nodes[k] = lineNode(l, v.lines[to - 1]);
    } else {
      for (let i = from; i < to; i++) nodes[k++] = lineNode(l, v.lines[i]);
    }
  }
  return { table, start, nodes };
}
