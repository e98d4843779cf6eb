/**
 * V8 sampling heap profiles (`.heapprofile`: `node --heap-prof`, the
 * inspector's `HeapProfiler.stopSampling`) decoded into a profile of
 * `samples/count` and `space/bytes`.
 *
 * The file is the allocation tree (`head`: a call frame, `selfSize` and
 * `children` per node) of the sampled allocations still live when the
 * profile was taken, and, from newer V8s, the list of those samples
 * (`samples`: node id and size each). `space/bytes` is each node's
 * `selfSize`, V8's estimate of the live bytes allocated there, as Node's
 * pprof exporters report it (`pprof` calls it space/bytes); `samples/count`
 * counts the sampled allocations of the node, when the list is there. The
 * file holds no object counts: V8 keeps them, scaled, but writes only sizes.
 * Samples that name a node missing from the tree (allocations made while
 * the profile was written) are left out.
 *
 * @module
 */
import { ProfileBuilder } from "../builder.ts";
import type { Profile } from "../model.ts";
import { FrameTable } from "./frames.ts";
import { callFrame, frameLocation, isObject, type Json, V8Error } from "./v8_common.ts";

const err = new V8Error("V8 heap profile");

interface Pending {
  node: Json;
  where: string;
  /** Locations of the ancestors, root first, without the (root) node. */
  path: number[];
}

/** Decodes a parsed `.heapprofile`. @throws {ProfileError} when it is malformed. */
export function v8HeapProfile(json: Json): Profile {
  const samples = json.samples === undefined ? undefined : err.array(json, "samples", "profile");
  const b = new ProfileBuilder({
    sampleTypes: [
      ...(samples ? [{ type: "samples", unit: "count" }] : []),
      { type: "space", unit: "bytes" },
    ],
    defaultSampleType: "",
    periodType: { type: "space", unit: "bytes" },
    period: 0, // the sampling interval is not in the file
    timeNanos: 0n,
    durationNanos: 0,
    comments: [],
    dropFrames: "",
    keepFrames: "",
  });
  const frames = new FrameTable(b);

  // Sampled allocations per node id.
  const sampled = new Map<number, number>();
  samples?.forEach((s, i) => {
    if (!isObject(s)) throw err.error(`samples[${i}] is not an object`);
    const id = err.num(s, "nodeId", `samples[${i}]`);
    err.num(s, "size", `samples[${i}]`);
    sampled.set(id, (sampled.get(id) ?? 0) + 1);
  });

  // Depth first without recursion: allocation trees can be thousands of frames deep.
  const todo: Pending[] = [{ node: json.head as Json, where: "head", path: [] }];
  while (todo.length > 0) {
    const { node, where, path } = todo.pop()!;
    const frame = callFrame(err, node, where);
    const root = path.length === 0 && where === "head" && frame.functionName === "(root)";
    const here = root ? path : [...path, frameLocation(frames, frame)];
    const self = node.selfSize === undefined ? 0 : err.num(node, "selfSize", where);
    const id = node.id === undefined ? undefined : err.num(node, "id", where);
    const n = id === undefined ? 0 : sampled.get(id) ?? 0;
    if (self !== 0 || n !== 0) b.addSample(here.toReversed(), samples ? [n, self] : [self], []);
    if (node.children === undefined) continue;
    const children = err.array(node, "children", where);
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (!isObject(c)) throw err.error(`${where}.children[${i}] is not an object`);
      todo.push({ node: c, where: typeof c.id === "number" ? `node ${c.id}` : `child ${i} of ${where}`, path: here });
    }
  }
  return b.finish();
}
