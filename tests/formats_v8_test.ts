/**
 * V8 profiles made by `node --cpu-prof` and `node --heap-prof`
 * (fixtures/formats/node.cpuprofile, node.heapprofile): their numbers checked
 * against sums computed here from the JSON itself, and their malformed forms
 * refused with one line naming the file and the format.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { ProfileError } from "../lib/errors.ts";
import { encodeProfile } from "../lib/profile/encode.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { messageType } from "../lib/profile/schema.ts";
import type { Profile } from "../lib/profile/model.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { topReport } from "../lib/report/top.ts";

const DIR = new URL("../fixtures/formats/", import.meta.url).pathname;
const CPU = DIR + "node.cpuprofile";
const HEAP = DIR + "node.heapprofile";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Flat and cum per function name, over every node (no trimming), for sample type `index`. */
function byFunction(p: Profile, index: string): Map<string, { flat: number; cum: number }> {
  const cfg = { ...defaultConfig(), sampleIndex: index, nodeFraction: 0, edgeFraction: 0, nodeCount: 0 };
  const top = topReport(newReport(p, "top", cfg));
  return new Map(top.rows.map((r) => [r.name, { flat: r.flat, cum: r.cum }]));
}

/** The name Node's pprof exporters give a call frame. */
function frameName(f: Json): string {
  if (f.functionName !== "") return f.functionName;
  const line = f.lineNumber + 1, col = f.columnNumber + 1;
  return line <= 0 ? "(anonymous)" : `(anonymous:L#${line}:C#${col})`;
}

function addTo(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

Deno.test("V8 CPU profile: self and total time per function are the sums of the ticks' time deltas", async () => {
  const json = JSON.parse(await Deno.readTextFile(CPU));
  const p = await loadProfile(CPU);
  assert.deepEqual(p.sampleTypes, [{ type: "samples", unit: "count" }, { type: "wall", unit: "nanoseconds" }]);

  // From the JSON: tick i lasts timeDeltas[i + 1] µs, the last until endTime; its stack is its node's ancestry.
  const byId = new Map<number, Json>(json.nodes.map((n: Json) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of json.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const n = json.samples.length;
  let last = json.startTime;
  for (const d of json.timeDeltas) last += d;
  const selfNs = new Map<string, number>(), cumNs = new Map<string, number>(), ticks = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const us = i + 1 < n ? json.timeDeltas[i + 1] : json.endTime - last;
    const leaf = byId.get(json.samples[i]);
    addTo(selfNs, frameName(leaf.callFrame), us * 1000);
    addTo(ticks, frameName(leaf.callFrame), 1);
    const onStack = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
      const name = frameName(byId.get(id).callFrame);
      if (name !== "(root)") onStack.add(name);
    }
    for (const name of onStack) addTo(cumNs, name, us * 1000);
  }

  const wall = byFunction(p, "wall"), counts = byFunction(p, "samples");
  assert.equal(wall.size, cumNs.size, "one row per function on any stack");
  for (const [name, cum] of cumNs) {
    assert.equal(wall.get(name)?.cum, cum, `cum of ${name}`);
    assert.equal(wall.get(name)?.flat, selfNs.get(name) ?? 0, `flat of ${name}`);
    assert.equal(counts.get(name)?.flat, ticks.get(name) ?? 0, `ticks of ${name}`);
  }
  // The workload's hot functions and V8's pseudo-frames are there, under the names Node's exporters use.
  for (const name of ["hashRounds", "sortRecords", "buildReport", "(idle)", "(garbage collector)", "(program)"]) {
    assert.ok(wall.has(name), name);
  }
  assert.ok(wall.get("hashRounds")!.flat > 0.15 * p.durationNanos, "hashRounds burns a good part of the run");
  assert.equal(p.durationNanos, (json.endTime - json.startTime) * 1000);
});

Deno.test("V8 CPU profile: locations carry the script, 1-based line and column", async () => {
  const p = await loadProfile(CPU);
  const fn = p.strings.indexOf("hashRounds");
  const f = p.functionName.findIndex((s) => s === fn);
  assert.ok(p.strings[p.functionFilename[f]].endsWith("/fixtures/nodework_formats/workload.js"));
  const line = p.lineFunction.findIndex((x) => x === f);
  // `function hashRounds(n) {` is line 27 of workload.js; V8 says line 26, column 19 (0-based).
  const source = Deno.readTextFileSync(new URL("../fixtures/nodework_formats/workload.js", import.meta.url));
  const want = source.split("\n").findIndex((l) => l.startsWith("function hashRounds(")) + 1;
  assert.equal(p.lineNumber[line], want);
  assert.equal(p.lineColumn?.[line], "function hashRounds".length + 1);
  // The encoder writes the columns as profile.proto's Line.column, for the pprof readers that show them.
  const decoded = messageType("Profile").toObject(messageType("Profile").decode(encodeProfile(p)), { longs: Number });
  const loc = decoded.location.find((l: Json) => l.line[0].function_id === p.functionId[f]);
  assert.deepEqual(loc.line, [{ function_id: p.functionId[f], line: want, column: 20 }]);
});

Deno.test("V8 heap profile: space per function is the sum of selfSize, samples the sampled allocations", async () => {
  const json = JSON.parse(await Deno.readTextFile(HEAP));
  const p = await loadProfile(HEAP);
  assert.deepEqual(p.sampleTypes, [{ type: "samples", unit: "count" }, { type: "space", unit: "bytes" }]);
  const ids = new Set<number>();
  const self = new Map<string, number>(), cum = new Map<string, number>();
  const walk = (node: Json, above: string[]) => {
    ids.add(node.id);
    const name = frameName(node.callFrame);
    const path = name === "(root)" ? above : [...above, name];
    addTo(self, name, node.selfSize);
    for (const f of new Set(path)) addTo(cum, f, node.selfSize);
    for (const c of node.children) walk(c, path);
  };
  walk(json.head, []);
  const space = byFunction(p, "space");
  for (const [name, v] of cum) {
    if (v === 0) continue;
    assert.equal(space.get(name)?.cum, v, `cum of ${name}`);
    assert.equal(space.get(name)?.flat, self.get(name), `flat of ${name}`);
  }
  const samples = byFunction(p, "samples");
  const total = [...samples.values()].reduce((s, r) => s + r.flat, 0);
  assert.equal(total, json.samples.filter((s: Json) => ids.has(s.nodeId)).length);
  // What the workload keeps live: strings from String.prototype.repeat under retainBlobs, and list nodes.
  assert.ok(space.get("retainNodes")!.flat > 2e6);
  assert.ok(space.get("retainBlobs")!.cum > 3e6);
});

Deno.test("V8 profiles: read gzipped too, and told apart by content, not by name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/cpu.pb.gz`, gzipSync(await Deno.readFile(CPU)));
    await Deno.copyFile(HEAP, `${dir}/profile.cpuprofile`);
    assert.deepEqual(await loadProfile(`${dir}/cpu.pb.gz`), await loadProfile(CPU));
    assert.deepEqual(await loadProfile(`${dir}/profile.cpuprofile`), await loadProfile(HEAP));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function refusal(text: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".cpuprofile" });
  try {
    await Deno.writeTextFile(path, text);
    await loadProfile(path);
  } catch (e) {
    assert.ok(e instanceof ProfileError, String(e));
    assert.ok(e.message.startsWith(path + ": "), e.message);
    assert.ok(!e.message.includes("\n"), e.message);
    return e.message.slice(path.length + 2);
  } finally {
    await Deno.remove(path);
  }
  throw new Error(`not refused: ${text.slice(0, 80)}`);
}

Deno.test("V8 profiles: broken files are refused with the format and what is wrong", async () => {
  const cpu = await Deno.readTextFile(CPU);
  assert.match(await refusal(cpu.slice(0, cpu.length / 2)), /^not a valid JSON profile \(V8 \.cpuprofile/);
  const j = JSON.parse(cpu);
  const edit = (f: (x: Json) => void) => {
    const x = structuredClone(j);
    f(x);
    return JSON.stringify(x);
  };
  assert.equal(
    await refusal(edit((x) => x.timeDeltas.pop())),
    `V8 CPU profile: ${j.samples.length} samples but ${j.samples.length - 1} timeDeltas; they must pair up`,
  );
  assert.equal(
    await refusal(edit((x) => delete x.timeDeltas)),
    "V8 CPU profile: profile.timeDeltas is not a list",
  );
  assert.equal(
    await refusal(edit((x) => x.samples[3] = 99999)),
    "V8 CPU profile: samples[3] names node 99999, which is not in nodes",
  );
  assert.equal(
    await refusal(edit((x) => x.timeDeltas[5] = "7")),
    "V8 CPU profile: timeDeltas[5] is not a number",
  );
  assert.match(
    await refusal(edit((x) => x.nodes[1].children = [x.nodes[1].id])),
    /^V8 CPU profile: node \d+ has two parents$/,
  );
  assert.match(
    await refusal(edit((x) => delete x.nodes[4].callFrame)),
    /^V8 CPU profile: nodes\[4\]\.callFrame is missing$/,
  );
  const heap = JSON.parse(await Deno.readTextFile(HEAP));
  heap.head.children[0].selfSize = "big";
  assert.match(await refusal(JSON.stringify(heap)), /^V8 heap profile: node \d+\.selfSize is not a number$/);
  assert.match(await refusal('{"traceEvents": []}'), /^JSON, but not a V8 profile/);
});
