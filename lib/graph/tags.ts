/**
 * Node tags of a call graph (pprof's `LabelTags` and `NumericTags`): per node,
 * the weight of each label set and of each numeric `bytes` label value, flat
 * and cumulative, as the graph views draw them as nodelets.
 *
 * @module
 */
import { compareStrings } from "../format/gofmt.ts";
import { DIFF_BASE_LABEL } from "../profile/model.ts";
import { labelVisible, type ProfileView } from "../profile/view.ts";
import type { FrameNodes } from "./nodes.ts";
import type { ValueOptions } from "./graph.ts";

/** One tag: a label set (`key:value` lines) or a numeric label value, with its weights. */
export interface Tag {
  name: string;
  /** The numeric label's unit; "" for label sets. */
  unit: string;
  /** The numeric label's raw value. */
  value: number;
  flat: number;
  flatDiv: number;
  cum: number;
  cumDiv: number;
}

/** The tags of one node. */
export interface NodeTags {
  /** Label-set tags by name. */
  labels: Map<string, Tag>;
  /** Numeric tags by the label set of their samples ("" for samples without labels), then by name. */
  numeric: Map<string, Map<string, Tag>>;
}

/** A tag's flat value, divided for mean reports. */
export function tagFlat(t: Tag): number {
  return t.flatDiv === 0 ? t.flat : Math.trunc(t.flat / t.flatDiv);
}

/** A tag's cumulative value, divided for mean reports. */
export function tagCum(t: Tag): number {
  return t.cumDiv === 0 ? t.cum : Math.trunc(t.cum / t.cumDiv);
}

/** Sorts tags as pprof does: by |cum| (unless `flat`), then |flat|, then name. */
export function sortTags(ts: Tag[], flat: boolean): Tag[] {
  return ts.sort((a, b) => {
    if (!flat && a.cum !== b.cum) return Math.abs(b.cum) - Math.abs(a.cum);
    if (a.flat !== b.flat) return Math.abs(b.flat) - Math.abs(a.flat);
    return compareStrings(a.name, b.name);
  });
}

/** A tag key: the label-set tag of a label set, or a numeric tag (its printed value) under a label set. */
interface TagKey {
  /** The label set ("" for none). */
  labels: string;
  numeric: boolean;
  name: string;
  unit: string;
}

/** The tag keys of every kept sample of a view, with the raw numeric value beside each. */
export interface SampleKeys {
  keys: TagKey[];
  /** Keys of kept sample i: `key[start[i] .. start[i + 1])`. */
  start: Uint32Array;
  key: Int32Array;
  value: Float64Array;
}

/**
 * The tag keys of the samples of `v`, numeric values named by `formatTag`.
 * A sample's label-set tag is its visible `key:value` labels, sorted and
 * joined by `\n` (a DOT line break); each `bytes` label adds a numeric tag.
 */
export function sampleKeys(
  v: ProfileView,
  formatTag: (value: number, unit: string) => string,
  unit: string,
): SampleKeys {
  const p = v.profile;
  const bytesKey = p.strings.indexOf("bytes");
  const baseKey = p.strings.indexOf(DIFF_BASE_LABEL);
  const keys: TagKey[] = [];
  const ids = new Map<string, number>();
  const intern = (labels: string, numeric: boolean, name: string) => {
    const k = `${numeric ? "n" : "l"}${labels}\0${name}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = keys.push({ labels, numeric, name, unit: numeric ? unit : "" }) - 1;
      ids.set(k, id);
    }
    return id;
  };
  const start = new Uint32Array(v.samples.length + 1);
  const key: number[] = [];
  const value: number[] = [];
  const numNames = new Map<number, string>();
  const parts: string[] = [];
  const nums: number[] = [];
  for (let i = 0; i < v.samples.length; i++) {
    const s = v.samples[i];
    parts.length = 0;
    nums.length = 0;
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (!labelVisible(v, j)) continue;
      const k = p.labelKey[j];
      if (p.labelStr[j] !== 0) {
        // The diff base marker is not a label anyone should see as a nodelet.
        if (k !== baseKey) parts.push(p.strings[k] + ":" + p.strings[p.labelStr[j]]);
      } else if (k === bytesKey) nums.push(p.labelNum[j]);
    }
    const labels = parts.length <= 1 ? (parts[0] ?? "") : parts.sort(compareStrings).join("\\n");
    if (labels !== "") {
      key.push(intern(labels, false, labels));
      value.push(0);
    }
    for (const x of nums) {
      let name = numNames.get(x);
      if (name === undefined) numNames.set(x, name = formatTag(x, unit));
      key.push(intern(labels, true, name));
      value.push(x);
    }
    start[i + 1] = key.length;
  }
  return { keys, start, key: Int32Array.from(key), value: Float64Array.from(value) };
}

function hash(n: number, key: number): number {
  const h = Math.imul(n, 0x9e3779b1) ^ Math.imul(key + 1, 0x85ebca77);
  return h ^ (h >>> 15);
}

/**
 * Tag weights per (node, tag key), in columns: the graph of a large labelled
 * profile has millions of them (bigcpu: 2.7M), of which a drawing shows a few
 * per node, so a node's tags become objects only when asked for.
 */
export class NodeTagTable {
  #keys: TagKey[];
  #count = 0;
  #node = new Int32Array(1024);
  #key = new Int32Array(1024);
  #next = new Int32Array(1024);
  #value = new Float64Array(1024);
  /** flat, flatDiv, cum, cumDiv of each entry. */
  #w = new Float64Array(4096);
  #slots = new Int32Array(4096); // entry + 1, 0 = empty
  #mask = 4095;
  #head: Int32Array;
  #cutoff = 0;
  #cache = new Map<number, NodeTags>();

  constructor(keys: TagKey[], nodeCount: number) {
    this.#keys = keys;
    this.#head = new Int32Array(nodeCount).fill(-1);
  }

  /** Adds a sample's weight to the tag `key` of node `n`, flat or cum; `value` is the numeric label's. */
  add(n: number, key: number, value: number, w: number, dw: number, flat: boolean): void {
    const o = this.#entry(n, key, value) * 4 + (flat ? 0 : 2);
    this.#w[o] += w;
    this.#w[o + 1] += dw;
  }

  /** Hides tags whose |flat| and |cum| are both below `cutoff` (pprof's `TrimLowFrequencyTags`). */
  trim(cutoff: number): void {
    if (cutoff === this.#cutoff) return;
    this.#cutoff = cutoff;
    this.#cache.clear();
  }

  /** The tags of node `n` that survive trimming; undefined when it has none. */
  get(n: number): NodeTags | undefined {
    if (n >= this.#head.length || this.#head[n] < 0) return undefined;
    let nt = this.#cache.get(n);
    if (nt) return nt;
    nt = { labels: new Map(), numeric: new Map() };
    for (let e = this.#head[n]; e >= 0; e = this.#next[e]) {
      const k = this.#keys[this.#key[e]];
      const w = this.#w;
      const t: Tag = {
        name: k.name,
        unit: k.unit,
        value: this.#value[e],
        flat: w[e * 4],
        flatDiv: w[e * 4 + 1],
        cum: w[e * 4 + 2],
        cumDiv: w[e * 4 + 3],
      };
      let m = nt.labels;
      if (k.numeric) {
        const found = nt.numeric.get(k.labels);
        if (found) m = found;
        else nt.numeric.set(k.labels, m = new Map());
      }
      if (Math.abs(t.flat) >= this.#cutoff || Math.abs(t.cum) >= this.#cutoff) m.set(t.name, t);
    }
    this.#cache.set(n, nt);
    return nt;
  }

  #entry(n: number, key: number, value: number): number {
    let i = hash(n, key) & this.#mask;
    for (;;) {
      const e = this.#slots[i] - 1;
      if (e < 0) break;
      if (this.#node[e] === n && this.#key[e] === key) return e;
      i = (i + 1) & this.#mask;
    }
    const e = this.#count++;
    if (e === this.#node.length) this.#grow();
    this.#node[e] = n;
    this.#key[e] = key;
    this.#value[e] = value;
    this.#next[e] = this.#head[n];
    this.#head[n] = e;
    this.#slots[i] = e + 1;
    if (this.#count * 2 > this.#slots.length) this.#rehash();
    return e;
  }

  #grow(): void {
    const cap = this.#node.length * 2;
    const int = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.#node = int(this.#node);
    this.#key = int(this.#key);
    this.#next = int(this.#next);
    const value = new Float64Array(cap);
    value.set(this.#value);
    this.#value = value;
    const w = new Float64Array(cap * 4);
    w.set(this.#w);
    this.#w = w;
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    this.#mask = this.#slots.length - 1;
    for (let e = 0; e < this.#count; e++) {
      let i = hash(this.#node[e], this.#key[e]) & this.#mask;
      while (this.#slots[i] !== 0) i = (i + 1) & this.#mask;
      this.#slots[i] = e + 1;
    }
  }
}

/**
 * The tags of the nodes of the graph of `v` (restricted to `kept` nodes when
 * given), walking the stacks exactly as the graph does: a node's cum tags once
 * per sample, flat tags on the leaf. Only nodes in `only` (when given) get
 * tags, since a drawing reads the tags of its few nodes. `sk` are the
 * samples' tag keys ({@link sampleKeys}). Returns undefined when the samples
 * carry no labels.
 */
export function buildNodeTags(
  v: ProfileView,
  frames: FrameNodes,
  o: ValueOptions,
  sk: SampleKeys,
  kept?: Uint8Array,
  only?: Uint8Array,
): NodeTagTable | undefined {
  if (sk.key.length === 0) return undefined;
  const p = v.profile;
  const table = new NodeTagTable(sk.keys, frames.table.size);
  const stride = p.sampleTypes.length;
  const fNodes = kept ? frames.nodes.map((n) => (n >= 0 && kept[n] ? n : -1)) : frames.nodes;
  const seen = new Uint32Array(frames.table.size);
  const si = o.sampleIndex;
  const mi = o.meanIndex ?? -1;
  for (let i = 0; i < v.samples.length; i++) {
    const from = sk.start[i], to = sk.start[i + 1];
    if (from === to) continue;
    const base = v.samples[i] * stride;
    const w = p.values[base + si];
    const dw = mi < 0 ? 0 : p.values[base + mi];
    if (w === 0 && dw === 0) continue;
    const stamp = i + 1;
    let parent = -1;
    let residual = false;
    for (let k = v.stackTo[i] - 1; k >= v.stackFrom[i]; k--) {
      const loc = p.stackLocs[k];
      if (v.removed[loc] !== 0) continue;
      for (let j = frames.start[loc + 1] - 1; j >= frames.start[loc]; j--) {
        const n = fNodes[j];
        if (n < 0) {
          residual = true;
          continue;
        }
        if (seen[n] !== stamp) {
          seen[n] = stamp;
          if (!only || only[n]) { for (let t = from; t < to; t++) table.add(n, sk.key[t], sk.value[t], w, dw, false); }
        }
        parent = n;
        residual = false;
      }
    }
    if (parent >= 0 && !residual && (!only || only[parent])) {
      for (let t = from; t < to; t++) table.add(parent, sk.key[t], sk.value[t], w, dw, true);
    }
  }
  return table;
}

/** Tags of a node with a flat weight, as pprof counts them toward the node limit of a graph view. */
export function countFlatTags(nt: NodeTags | undefined): number {
  if (!nt) return 0;
  let count = 0;
  for (const t of nt.labels.values()) if (t.flat !== 0) count++;
  for (const m of nt.numeric.values()) for (const t of m.values()) if (t.flat !== 0) count++;
  return count;
}
