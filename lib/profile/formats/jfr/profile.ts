/**
 * JFR recordings decoded into one profile whose sample types are the kinds
 * of event a JVM profiler records, each sample carrying the values of its
 * own kind and zeros elsewhere, so `-sample_index` picks the kind:
 *
 * | sample types                          | events                                                     |
 * |---------------------------------------|------------------------------------------------------------|
 * | `samples/count`, `cpu/nanoseconds`    | `jdk.ExecutionSample` (Java code on CPU); time = count × the recording's sampling period |
 * | `native_samples/count`, `native/nanoseconds` | `jdk.NativeMethodSample` (threads in native code), likewise |
 * | `alloc_samples/count`, `alloc_space/bytes` | `jdk.ObjectAllocationSample` (its `weight`: bytes allocated since the thread's previous sample) |
 * | `tlab_allocs/count`, `tlab_space/bytes` | `jdk.ObjectAllocationInNewTLAB` (the new TLAB's size) and `jdk.ObjectAllocationOutsideTLAB` (the object's size) |
 * | `contentions/count`, `delay/nanoseconds` | `jdk.JavaMonitorEnter` (blocked on a monitor) and `jdk.ThreadPark` (parked), their durations |
 *
 * The default is `cpu` when the recording has execution samples. Samples are
 * labelled `thread` (the Java thread's name, else the OS thread's), `event`
 * (the JFR event type), `class` (the allocated object's, the monitor's or
 * the park blocker's class), and, on events that carry them (tracers'
 * contextual events), `span_id`, `local_root_span_id` and `trace_id`.
 * Frames are `package.Class.method` with JFR's line numbers; frames JFR marks
 * `Inlined` become inline frames of the location of their caller.
 *
 * @module
 */
import { ProfileBuilder } from "../../builder.ts";
import type { Profile, ValueType } from "../../model.ts";
import { FrameTable } from "../frames.ts";
import {
  type ChunkHeader,
  chunks,
  Decoder,
  type EventIndex,
  eventsOf,
  indexEvents,
  jfrError,
  type Pools,
  Reader,
  readMetadata,
  readPools,
  StringRef,
  type Type,
  type Value,
} from "./reader.ts";

const SAMPLE_TYPES: ValueType[] = [
  { type: "samples", unit: "count" },
  { type: "cpu", unit: "nanoseconds" },
  { type: "native_samples", unit: "count" },
  { type: "native", unit: "nanoseconds" },
  { type: "alloc_samples", unit: "count" },
  { type: "alloc_space", unit: "bytes" },
  { type: "tlab_allocs", unit: "count" },
  { type: "tlab_space", unit: "bytes" },
  { type: "contentions", unit: "count" },
  { type: "delay", unit: "nanoseconds" },
];

/** How an event kind fills the sample values: the count's index, and how to get the weight (index + 1). */
interface Kind {
  index: number;
  /** The event's weight in the second type's unit. */
  weight(e: EventView): number;
  /** The field holding the label `class`. */
  classField?: string;
}

/** Periods of sampling events, by event type name, from the recording's settings. */
type Periods = Map<string, number>;

const KINDS = new Map<string, Kind>([
  ["jdk.ExecutionSample", { index: 0, weight: (e) => e.period }],
  ["jdk.NativeMethodSample", { index: 2, weight: (e) => e.period }],
  ["jdk.ObjectAllocationSample", { index: 4, weight: (e) => e.num("weight"), classField: "objectClass" }],
  ["jdk.ObjectAllocationInNewTLAB", { index: 6, weight: (e) => e.num("tlabSize"), classField: "objectClass" }],
  ["jdk.ObjectAllocationOutsideTLAB", { index: 6, weight: (e) => e.num("allocationSize"), classField: "objectClass" }],
  ["jdk.JavaMonitorEnter", { index: 8, weight: (e) => e.nanos("duration"), classField: "monitorClass" }],
  ["jdk.ThreadPark", { index: 8, weight: (e) => e.nanos("duration"), classField: "parkedClass" }],
]);

const SPAN_FIELDS: [string, string][] = [
  ["spanId", "span_id"],
  ["localRootSpanId", "local_root_span_id"],
  ["traceId", "trace_id"],
];

/** One decoded event with accessors by field name. */
class EventView {
  readonly type: Type;
  readonly values: Value[];
  readonly chunk: ChunkContext;
  period = 0;

  constructor(type: Type, values: Value[], chunk: ChunkContext) {
    this.type = type;
    this.values = values;
    this.chunk = chunk;
  }

  get(name: string): Value | undefined {
    const i = this.type.index.get(name);
    return i === undefined ? undefined : this.values[i];
  }

  num(name: string): number {
    const v = this.get(name);
    return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : 0;
  }

  /** A duration field in nanoseconds (JFR writes ticks). */
  nanos(name: string): number {
    return Math.round(this.num(name) * 1e9 / this.chunk.ticksPerSecond);
  }
}

/** What the events of one chunk resolve against: its types, pools and caches. */
class ChunkContext {
  readonly types: Map<number, Type>;
  readonly pools: Pools;
  readonly ticksPerSecond: number;
  readonly #byName = new Map<string, Type>();
  readonly #names = new Map<number, string>();
  readonly #stacks = new Map<number, { locs: number[]; key: string }>();
  readonly #frames: FrameTable;

  constructor(types: Map<number, Type>, pools: Pools, h: ChunkHeader, frames: FrameTable) {
    this.types = types;
    this.pools = pools;
    this.ticksPerSecond = Number(h.ticksPerSecond) || 1e9;
    this.#frames = frames;
    for (const t of types.values()) this.#byName.set(t.name, t);
  }

  type(name: string): Type | undefined {
    return this.#byName.get(name);
  }

  /** The constant pool entry `key` of type `name`, as its fields. */
  entry(name: string, key: Value | undefined): Value[] | undefined {
    const t = this.#byName.get(name);
    if (t === undefined || key === undefined || key === null) return undefined;
    const v = this.pools.get(t.id)?.get(Number(key));
    return Array.isArray(v) ? v : undefined;
  }

  field(typeName: string, entry: Value[] | undefined, field: string): Value | undefined {
    const i = this.#byName.get(typeName)?.index.get(field);
    return entry === undefined || i === undefined ? undefined : entry[i];
  }

  /** A string value, resolving `java.lang.String` pool references. */
  str(v: Value | undefined): string | undefined {
    if (typeof v === "string") return v;
    if (v instanceof StringRef) {
      const t = this.#byName.get("java.lang.String");
      const s = t && this.pools.get(t.id)?.get(v.key);
      return typeof s === "string" ? s : undefined;
    }
    return undefined;
  }

  /** The text of a symbol key (`jdk.types.Symbol`). */
  symbol(key: Value | undefined): string | undefined {
    return this.str(this.field("jdk.types.Symbol", this.entry("jdk.types.Symbol", key), "string"));
  }

  /** A class's name with dots (`java.lang.String`, `jfrwork.Workload$Hashing`). */
  className(key: Value | undefined): string | undefined {
    if (key === undefined || key === null) return undefined;
    const k = Number(key);
    let name = this.#names.get(k);
    if (name === undefined) {
      const raw = this.symbol(this.field("java.lang.Class", this.entry("java.lang.Class", key), "name"));
      if (raw === undefined) return undefined;
      name = javaClassName(raw);
      this.#names.set(k, name);
    }
    return name;
  }

  /** The name of a thread key: its Java name, else its OS name. */
  threadName(key: Value | undefined): string | undefined {
    const t = this.entry("java.lang.Thread", key);
    return this.str(this.field("java.lang.Thread", t, "javaName")) ??
      this.str(this.field("java.lang.Thread", t, "osName"));
  }

  /** The locations of a stack trace key, leaf first, and a key that names them across chunks. */
  stack(key: Value | undefined): { locs: number[]; key: string } {
    const k = key === undefined || key === null ? -1 : Number(key);
    let s = this.#stacks.get(k);
    if (s === undefined) {
      s = this.#resolveStack(key);
      this.#stacks.set(k, s);
    }
    return s;
  }

  #resolveStack(key: Value | undefined): { locs: number[]; key: string } {
    const frames = this.field("jdk.types.StackTrace", this.entry("jdk.types.StackTrace", key), "frames");
    const locs: number[] = [];
    if (!Array.isArray(frames)) return { locs, key: "" };
    const frameType = this.type("jdk.types.StackFrame");
    const at = (f: string) => frameType?.index.get(f) ?? -1;
    const [mi, li, ti] = [at("method"), at("lineNumber"), at("type")];
    let group: [number, number][] = [];
    for (const f of frames) {
      if (!Array.isArray(f)) continue;
      const fn = this.#frames.fn(this.#methodName(f[mi]));
      const line = typeof f[li] === "number" && (f[li] as number) > 0 ? f[li] as number : 0;
      group.push([fn, line]);
      // An inlined frame shares the location of its caller, the next frame.
      const type = this.str(this.field("jdk.types.FrameType", this.entry("jdk.types.FrameType", f[ti]), "description"));
      if (type === "Inlined") continue;
      locs.push(this.#frames.loc(group));
      group = [];
    }
    if (group.length > 0) locs.push(this.#frames.loc(group));
    return { locs, key: locs.join(",") };
  }

  #methodName(key: Value | undefined): string {
    const m = this.entry("jdk.types.Method", key);
    const cls = this.className(this.field("jdk.types.Method", m, "type")) ?? "";
    const name = this.symbol(this.field("jdk.types.Method", m, "name")) ?? "(unknown)";
    return cls === "" ? name : `${cls}.${name}`;
  }
}

const PRIMITIVES: Record<string, string> = {
  B: "byte",
  C: "char",
  D: "double",
  F: "float",
  I: "int",
  J: "long",
  S: "short",
  Z: "boolean",
};

/** A JVM class name as Java writes it: `java/lang/String` → `java.lang.String`, `[B` → `byte[]`. */
export function javaClassName(raw: string): string {
  let dims = 0;
  while (raw[dims] === "[") dims++;
  let base = raw.slice(dims);
  if (dims > 0) base = PRIMITIVES[base] ?? (base.startsWith("L") && base.endsWith(";") ? base.slice(1, -1) : base);
  return base.replaceAll("/", ".") + "[]".repeat(dims);
}

/** Parses a JFR timespan setting such as "10 ms" or "20ms" into nanoseconds. */
export function parsePeriod(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)\s*$/.exec(s);
  if (!m) return undefined;
  const unit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9 }[m[2] as "ns"];
  return Math.round(Number(m[1]) * unit);
}

/** The sampling periods the recording's `jdk.ActiveSetting` events give, by event type name. */
function readPeriods(b: Uint8Array, index: EventIndex, ctx: ChunkContext, d: Decoder, periods: Periods): void {
  const setting = ctx.type("jdk.ActiveSetting");
  if (!setting) return;
  for (const r of eventsOf(b, index, setting.id)) {
    const e = new EventView(setting, d.value(r, setting.id) as Value[], ctx);
    if (ctx.str(e.get("name")) !== "period") continue;
    const target = ctx.types.get(e.num("id"))?.name;
    const ns = parsePeriod(ctx.str(e.get("value")) ?? "");
    if (target && KINDS.has(target) && ns !== undefined) periods.set(target, ns);
  }
}

interface Row {
  locs: number[];
  labels: { key: string; str: string }[];
  values: Float64Array;
}

/**
 * Decodes a JFR recording.
 *
 * @throws {ProfileError} naming the format and what is wrong.
 */
export function jfrProfile(b: Uint8Array): Profile {
  const headers = chunks(b);
  if (headers.length === 0) throw jfrError("no chunks");
  const builder = new ProfileBuilder({
    sampleTypes: SAMPLE_TYPES,
    defaultSampleType: "",
    periodType: SAMPLE_TYPES[1],
    period: 0,
    timeNanos: headers[0].startNanos > 0n ? headers[0].startNanos : 0n,
    durationNanos: 0,
    comments: [],
    dropFrames: "",
    keepFrames: "",
  });
  const frames = new FrameTable(builder);
  const rows = new Map<string, Row>();
  const periods: Periods = new Map();
  const seen = new Set<string>();
  let end = 0n;

  for (const h of headers) {
    const types = readMetadata(b, h);
    const d = new Decoder(types);
    const index = indexEvents(b, h);
    const ctx = new ChunkContext(types, readPools(b, index, d), h, frames);
    readPeriods(b, index, ctx, d, periods);
    // Events in the order of the file, whatever their kind.
    const mine: [number, number, Type, Kind][] = [];
    for (const [name, kind] of KINDS) {
      const t = ctx.type(name);
      if (!t || t.superType !== "jdk.jfr.Event") continue;
      const list = index.get(t.id) ?? [];
      for (let i = 0; i < list.length; i += 2) mine.push([list[i], list[i + 1], t, kind]);
    }
    mine.sort((x, y) => x[0] - y[0]);
    for (const [from, to, type, kind] of mine) {
      const e = new EventView(type, d.value(new Reader(b, from, to), type.id) as Value[], ctx);
      e.period = periods.get(type.name) ?? 0;
      seen.add(type.name);
      const stack = ctx.stack(e.get("stackTrace"));
      const labels: { key: string; str: string }[] = [];
      const thread = ctx.threadName(e.get("sampledThread") ?? e.get("eventThread"));
      if (thread !== undefined) labels.push({ key: "thread", str: thread });
      labels.push({ key: "event", str: type.name });
      const cls = kind.classField && ctx.className(e.get(kind.classField));
      if (cls) labels.push({ key: "class", str: cls });
      for (const [field, key] of SPAN_FIELDS) {
        const v = e.get(field);
        const s = typeof v === "number" || typeof v === "bigint" ? String(v) : ctx.str(v);
        if (s !== undefined && s !== "" && s !== "0") labels.push({ key, str: s });
      }
      const rowKey = stack.key + "\0" + labels.map((l) => l.key + "=" + l.str).join("\0");
      let row = rows.get(rowKey);
      if (!row) rows.set(rowKey, row = { locs: stack.locs, labels, values: new Float64Array(SAMPLE_TYPES.length) });
      row.values[kind.index] += 1;
      row.values[kind.index + 1] += kind.weight(e);
    }
    const chunkEnd = h.startNanos + h.durationNanos;
    if (chunkEnd > end) end = chunkEnd;
  }
  for (const row of rows.values()) builder.addSample(row.locs, row.values, row.labels);
  const execPeriod = periods.get("jdk.ExecutionSample") ?? 0;
  const byDefault = seen.has("jdk.ExecutionSample") ? "cpu" : [
    ["jdk.ObjectAllocationSample", "alloc_space"],
    ["jdk.ObjectAllocationInNewTLAB", "tlab_space"],
    ["jdk.ObjectAllocationOutsideTLAB", "tlab_space"],
    ["jdk.JavaMonitorEnter", "delay"],
    ["jdk.ThreadPark", "delay"],
    ["jdk.NativeMethodSample", "native"],
  ].find(([name]) => seen.has(name))?.[1] ?? "cpu";
  const start = headers[0].startNanos;
  return builder.finish({
    defaultSampleType: byDefault,
    period: execPeriod,
    durationNanos: end > start ? Number(end - start) : 0,
  });
}
