/**
 * V8 CPU profiles (`.cpuprofile`: `node --cpu-prof`, Chrome DevTools, the
 * inspector's `Profiler.stop`) decoded into a profile of `samples/count` and
 * `wall/nanoseconds`.
 *
 * The file is a tree of `nodes` (a call frame each, children by id), the
 * sampled node of each tick (`samples`) and the microseconds from one tick to
 * the next (`timeDeltas`, the first from `startTime`). Node's pprof exporters
 * (`pprof` 4.0 and `@datadog/pprof` 5.20, `serializeTimeProfile`) give every
 * tick one sampling interval (hit count × interval); here each tick gets the
 * time it actually stood for, as DevTools' timeline draws it: tick i lasts
 * until tick i + 1 (`timeDeltas[i + 1]`), the last one until `endTime`. The
 * stack of a tick is its node's path up to, without, the `(root)` node, as
 * the exporters leave it.
 *
 * @module
 */
import { ProfileBuilder } from "../builder.ts";
import type { Profile } from "../model.ts";
import { FrameTable } from "./frames.ts";
import { callFrame, frameLocation, isObject, type Json, V8Error } from "./v8_common.ts";

const err = new V8Error("V8 CPU profile");

/** Decodes a parsed `.cpuprofile`. @throws {ProfileError} when it is malformed. */
export function v8CpuProfile(json: Json): Profile {
  const nodes = err.array(json, "nodes", "profile");
  const samples = err.array(json, "samples", "profile");
  const deltas = err.array(json, "timeDeltas", "profile");
  const startTime = err.num(json, "startTime", "profile");
  const endTime = err.num(json, "endTime", "profile");
  if (samples.length !== deltas.length) {
    throw err.error(`${samples.length} samples but ${deltas.length} timeDeltas; they must pair up`);
  }

  // Node ids → indices, and each node's parent (from `children`, or `parent` as trace events write it).
  const index = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (!isObject(n)) throw err.error(`nodes[${i}] is not an object`);
    const id = err.num(n, "id", `nodes[${i}]`);
    if (index.has(id)) throw err.error(`node id ${id} appears twice`);
    index.set(id, i);
  });
  const nodeIndex = (id: unknown, where: string): number => {
    const i = typeof id === "number" ? index.get(id) : undefined;
    if (i === undefined) throw err.error(`${where} names node ${JSON.stringify(id)}, which is not in nodes`);
    return i;
  };
  const parent = new Int32Array(nodes.length).fill(-1);
  const setParent = (child: number, p: number) => {
    if (parent[child] >= 0 && parent[child] !== p) throw err.error(`node ${(nodes[child] as Json).id} has two parents`);
    parent[child] = p;
  };
  nodes.forEach((n, i) => {
    const node = n as Json;
    if (node.children !== undefined) {
      err.array(node, "children", `nodes[${i}]`).forEach((c) => setParent(nodeIndex(c, `nodes[${i}].children`), i));
    }
    if (node.parent !== undefined) setParent(i, nodeIndex(node.parent, `nodes[${i}].parent`));
  });

  // Tick times: sorted when a delta is negative, as DevTools sorts them.
  const n = samples.length;
  const ticks = new Uint32Array(n);
  const at = new Float64Array(n);
  let t = startTime, sorted = true;
  for (let i = 0; i < n; i++) {
    const d = deltas[i];
    if (typeof d !== "number" || !Number.isFinite(d)) throw err.error(`timeDeltas[${i}] is not a number`);
    t += d;
    at[i] = t;
    ticks[i] = nodeIndex(samples[i], `samples[${i}]`);
    if (d < 0 && i > 0) sorted = false;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (!sorted) order.sort((a, b) => at[a] - at[b] || a - b);

  const count = new Float64Array(nodes.length);
  const wallNs = new Float64Array(nodes.length);
  let wallTotal = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const until = k + 1 < n ? at[order[k + 1]] : Math.max(endTime, at[i]);
    const ns = Math.round((until - at[i]) * 1000);
    count[ticks[i]]++;
    wallNs[ticks[i]] += ns;
    wallTotal += ns;
  }

  const b = new ProfileBuilder({
    sampleTypes: [{ type: "samples", unit: "count" }, { type: "wall", unit: "nanoseconds" }],
    defaultSampleType: "",
    periodType: { type: "wall", unit: "nanoseconds" },
    period: n > 0 ? Math.round(wallTotal / n) : 0,
    timeNanos: 0n, // V8's times count from an arbitrary origin (the machine's uptime), not the epoch
    durationNanos: Math.max(0, Math.round((endTime - startTime) * 1000)),
    comments: [],
    dropFrames: "",
    keepFrames: "",
  });
  const frames = new FrameTable(b);
  const loc = new Int32Array(nodes.length).fill(-1);
  const locationOf = (i: number): number => {
    if (loc[i] < 0) loc[i] = frameLocation(frames, callFrame(err, nodes[i] as Json, `nodes[${i}]`));
    return loc[i];
  };
  const stack: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (count[i] === 0) continue;
    stack.length = 0;
    for (let j = i; j >= 0; j = parent[j]) {
      if (stack.length > nodes.length) throw err.error(`the parents of node ${(nodes[i] as Json).id} form a cycle`);
      if (parent[j] < 0 && isRoot(nodes[j] as Json)) break;
      stack.push(locationOf(j));
    }
    b.addSample(stack, [count[i], wallNs[i]], []);
  }
  return b.finish();
}

function isRoot(node: Json): boolean {
  return isObject(node.callFrame) && node.callFrame.functionName === "(root)";
}
