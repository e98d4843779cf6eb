/**
 * JFR recordings made by Java 17 (fixtures/formats/java.jfr with profile
 * settings, java_tlab.jfr with the TLAB allocation events on too; see
 * fixtures/README.md): per event type, the counts and weights per top frame,
 * per method on the stack, per thread and per class equal those of
 * `jfr print --json` (digested by formats/jfr_digest.py into
 * *.jfr.digest.json); several chunks; the sample types and the default;
 * broken recordings refused with what is wrong.
 */
import assert from "node:assert/strict";
import { ProfileError } from "../lib/errors.ts";
import { javaClassName } from "../lib/profile/formats/jfr/profile.ts";
import { loadProfile, parseProfile } from "../lib/profile/load.ts";
import type { Profile } from "../lib/profile/model.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { topReport } from "../lib/report/top.ts";

const DIR = new URL("../fixtures/formats/", import.meta.url).pathname;
const FILES = ["java.jfr", "java_tlab.jfr"];

type Pair = [number, number];
interface Digest {
  count: number;
  weight: number;
  leaf: Record<string, Pair>;
  on_stack: Record<string, Pair>;
  thread: Record<string, Pair>;
  class: Record<string, Pair>;
}

/** The sample type index of each event's count (its weight is the next one). */
const INDEX: Record<string, number> = {
  "jdk.ExecutionSample": 0,
  "jdk.NativeMethodSample": 2,
  "jdk.ObjectAllocationSample": 4,
  "jdk.ObjectAllocationInNewTLAB": 6,
  "jdk.ObjectAllocationOutsideTLAB": 6,
  "jdk.JavaMonitorEnter": 8,
  "jdk.ThreadPark": 8,
};

function digest(file: string): Record<string, Digest> {
  return JSON.parse(Deno.readTextFileSync(DIR + file + ".digest.json"));
}

/** The same tallies as the digest, from our decoded profile: one event type's samples, by its `event` label. */
function tally(p: Profile, event: string, period: number): Digest {
  const n = p.sampleTypes.length, at = INDEX[event];
  const out: Digest = { count: 0, weight: 0, leaf: {}, on_stack: {}, thread: {}, class: {} };
  const add = (m: Record<string, Pair>, k: string, c: number, w: number) => {
    const v = m[k] ??= [0, 0];
    v[0] += c;
    v[1] += w;
  };
  const fnName = (line: number) => p.strings[p.functionName[p.lineFunction[line]]];
  for (let s = 0; s < p.sampleCount; s++) {
    const label = (key: string) => {
      for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
        if (p.strings[p.labelKey[j]] === key) return p.strings[p.labelStr[j]];
      }
      return undefined;
    };
    if (label("event") !== event) continue;
    const count = p.values[s * n + at];
    // The digest weighs sampling events 1 each; we weigh them a sampling period each.
    const weight = period > 0 ? p.values[s * n + at + 1] / period : p.values[s * n + at + 1];
    out.count += count;
    out.weight += weight;
    const locs = Array.from(p.stackLocs.subarray(p.stackStart[s], p.stackStart[s + 1]));
    if (locs.length > 0) add(out.leaf, fnName(p.lineStart[locs[0]]), count, weight);
    const names = new Set<string>();
    for (const l of locs) for (let i = p.lineStart[l]; i < p.lineStart[l + 1]; i++) names.add(fnName(i));
    for (const f of names) add(out.on_stack, f, count, weight);
    const thread = label("thread"), cls = label("class");
    if (thread !== undefined) add(out.thread, thread, count, weight);
    if (cls !== undefined) add(out.class, cls, count, weight);
  }
  return out;
}

const PERIOD: Record<string, number> = { "jdk.ExecutionSample": 10_000_000, "jdk.NativeMethodSample": 20_000_000 };

for (const file of FILES) {
  Deno.test(`JFR ${file}: every event's count and weight by method, stack, thread and class is jfr print's`, async () => {
    const p = await loadProfile(DIR + file);
    const want = digest(file);
    for (const [event, d] of Object.entries(want)) {
      const got = tally(p, event, PERIOD[event] ?? 0);
      const classes = Object.fromEntries(Object.entries(d.class).map(([c, v]) => [javaClassName(c), v]));
      assert.deepEqual(got, { ...d, class: classes }, event);
    }
    // The recording has each kind the workload makes.
    for (const e of Object.keys(INDEX)) {
      if (file === "java.jfr" && e.includes("TLAB")) continue;
      assert.ok(want[e]?.count > 0, `${file} has ${e}`);
    }
  });
}

Deno.test("JFR: sample types, the default cpu, periods from the recording's settings, times from the chunk", async () => {
  const p = await loadProfile(DIR + "java.jfr");
  assert.deepEqual(p.sampleTypes.map((t) => `${t.type}/${t.unit}`), [
    "samples/count",
    "cpu/nanoseconds",
    "native_samples/count",
    "native/nanoseconds",
    "alloc_samples/count",
    "alloc_space/bytes",
    "tlab_allocs/count",
    "tlab_space/bytes",
    "contentions/count",
    "delay/nanoseconds",
  ]);
  assert.equal(p.defaultSampleType, "cpu");
  assert.deepEqual(p.periodType, { type: "cpu", unit: "nanoseconds" });
  assert.equal(p.period, 10_000_000, "settings=profile samples Java code every 10 ms");
  assert.ok(p.timeNanos > 1_700_000_000_000_000_000n, "the chunk's start, in nanoseconds since the epoch");
  assert.ok(p.durationNanos > 4e9 && p.durationNanos < 10e9, `${p.durationNanos}`);

  // Each kind is there to pick with -sample_index, in its own place in the workload.
  const top = (index: string) => {
    const cfg = { ...defaultConfig(), sampleIndex: index };
    return topReport(newReport(p, "top", cfg)).rows[0].name;
  };
  assert.equal(top("cpu"), "jfrwork.Workload$Hashing.mix");
  assert.equal(top("native"), "java.util.zip.Deflater.deflateBytesBytes");
  assert.equal(top("alloc_space"), "jfrwork.Workload$Allocating.makeBuffers");
  const delay = topReport(newReport(p, "top", { ...defaultConfig(), sampleIndex: "delay" })).rows.map((r) => r.name);
  assert.ok(delay.includes("jfrwork.Workload$Ledger.post"));
  assert.ok(delay.includes("jfrwork.Workload$Inventory.reserve"));
});

Deno.test("JFR: a recording of several chunks reads as the sum of its chunks", () => {
  const [a, b] = FILES.map((f) => Deno.readFileSync(DIR + f));
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  const p = parseProfile(both);
  const [da, db] = FILES.map(digest);
  for (const event of new Set([...Object.keys(da), ...Object.keys(db)])) {
    const got = tally(p, event, PERIOD[event] ?? 0);
    assert.equal(got.count, (da[event]?.count ?? 0) + (db[event]?.count ?? 0), event);
    assert.equal(got.weight, (da[event]?.weight ?? 0) + (db[event]?.weight ?? 0), event);
  }
});

Deno.test("JFR: class names as Java writes them", () => {
  assert.equal(javaClassName("java/lang/String"), "java.lang.String");
  assert.equal(javaClassName("[B"), "byte[]");
  assert.equal(javaClassName("[[J"), "long[][]");
  assert.equal(javaClassName("[Ljava/lang/Object;"), "java.lang.Object[]");
  assert.equal(javaClassName("jfrwork/Workload$Sorting$Row"), "jfrwork.Workload$Sorting$Row");
});

async function refusal(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jfr" });
  try {
    await Deno.writeFile(path, bytes);
    await loadProfile(path);
  } catch (e) {
    assert.ok(e instanceof ProfileError, String(e));
    assert.ok(e.message.startsWith(path + ": JFR recording: "), e.message);
    assert.ok(!e.message.includes("\n"), e.message);
    return e.message.slice(path.length + 2);
  } finally {
    await Deno.remove(path);
  }
  throw new Error("not refused");
}

Deno.test("JFR: truncated and broken recordings are refused with what is wrong", async () => {
  const jfr = Deno.readFileSync(DIR + "java.jfr");
  assert.equal(
    await refusal(jfr.slice(0, 40)),
    "JFR recording: the chunk header is cut off: 40 of its 68 bytes (at byte 0)",
  );
  assert.match(
    await refusal(jfr.slice(0, 100_000)),
    /^JFR recording: the chunk claims 298047 bytes but only 100000 are left: the file is truncated \(at byte 0\)$/,
  );
  const v1 = jfr.slice();
  v1[5] = 1; // version 1.x
  assert.match(await refusal(v1), /^JFR recording: version 1\.\d+ is not supported/);
  // Damage inside: the metadata's strings, a constant pool, events. Each is an error, never a crash.
  const dv = new DataView(jfr.buffer, jfr.byteOffset);
  const meta = Number(dv.getBigInt64(24));
  const cp = Number(dv.getBigInt64(16));
  for (const at of [meta + 12, meta + 40, cp + 3, cp + 30, 68, 200, 5000]) {
    const broken = jfr.slice();
    for (let i = 0; i < 8; i++) broken[at + i] = 0xff;
    let message: string | undefined;
    try {
      parseProfile(broken);
    } catch (e) {
      assert.ok(e instanceof ProfileError, `damage at ${at}: ${e}`);
      message = e.message;
    }
    if (message !== undefined) assert.match(message, /^JFR recording: /);
  }
});
