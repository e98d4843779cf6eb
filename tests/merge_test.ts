/**
 * Merging: pprof's identity rules, the merge command's output (read back by us
 * and, in fixtures/ref_extra, by go tool pprof), clear errors, atomic writes.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { combineProfiles, compactProfile, mergeProfiles, scaleProfile } from "../lib/profile/merge.ts";
import { loadSources } from "../lib/profile/sources.ts";
import type { Profile } from "../lib/profile/model.ts";
import { diffOutputs, FIXTURES, refText } from "./golden.ts";

const cpu = FIXTURES + "profiles/cpu.pb.gz";
const cpuAfter = FIXTURES + "profiles/cpu_after.pb.gz";

const sum = (p: { values: Float64Array; sampleTypes: unknown[] }, t: number) =>
  p.values.filter((_, i) => i % p.sampleTypes.length === t).reduce((a, b) => a + b, 0);

Deno.test("merge: totals add up, identical stacks collapse, headers combine", async () => {
  const a = await loadProfile(cpu);
  const b = await loadProfile(cpuAfter);
  const m = mergeProfiles([a, b], [cpu, cpuAfter]);
  // fixtures/tools/profstat.py: 25.02s and 21.82s of cpu, 13430414196 and 11898443105 ns of duration.
  assert.equal(sum(m, 1), 25_020_000_000 + 21_820_000_000);
  assert.equal(sum(m, 0), 2502 + 2182);
  assert.equal(m.durationNanos, 13_430_414_196 + 11_898_443_105);
  assert.equal(m.timeNanos, a.timeNanos < b.timeNanos ? a.timeNanos : b.timeNanos);
  // go tool pprof -raw cpu.pb.gz cpu_after.pb.gz lists 3787 samples; -raw cpu.pb.gz (once or twice) 2129.
  assert.equal(m.sampleCount, 3787);
  const twice = mergeProfiles([a, a]);
  assert.equal(twice.sampleCount, 2129);
  assert.equal(compactProfile(a).sampleCount, 2129);
  assert.equal(sum(twice, 0), 2 * 2502);
});

Deno.test("merge: a profile minus itself is empty", async () => {
  const a = await loadProfile(cpu);
  const diff = combineProfiles([a, scaleProfile(a, [-1, -1])]);
  assert.equal(diff.sampleCount, 0);
});

Deno.test("merge: incompatible profiles give an error naming both files", async () => {
  const heap = FIXTURES + "profiles/heap.pb.gz";
  const message = `cannot combine ${cpu} and ${heap}: incompatible period types cpu/nanoseconds and space/bytes`;
  await assert.rejects(loadSources({ files: [cpu, heap] }), (e: Error & { code?: string }) => {
    assert.equal(e.message, message);
    assert.equal(e.code, "INVALID_ARGUMENT");
    return true;
  });
  const dir = await Deno.makeTempDir();
  try {
    const io = memoryIO();
    assert.equal(await runCli(["merge", "-o", `${dir}/never.pb.gz`, cpu, heap], io), 2);
    assert.equal(io.stderr, `pprof-mcp: ${message}\n`);
    assert.equal(io.stdout, "");
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("merge command: writes what go tool pprof reads (fixture), atomically", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/merged.pb.gz`;
    const io = memoryIO();
    assert.equal(await runCli(["merge", "-o", out, "--json", cpu, cpuAfter], io), 0, io.stderr);
    assert.deepEqual(JSON.parse(io.stdout).input_count, 2);
    // The committed fixture was written by this command; go tool pprof's outputs for it are in ref_extra.
    const fixture = await loadProfile(FIXTURES + "profiles_extra/cpu_merged.pb.gz");
    assert.deepEqual(await loadProfile(out), fixture);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["merged.pb.gz"]);
    // Our top of the merged file is go tool pprof's top of it (fixtures/ref_extra/cpu_merged), and merging on the
    // fly gives what pprof prints for the two files (ref_extra/cpu/top_merge_two).
    const a = memoryIO(), b = memoryIO();
    assert.equal(await runCli(["top", out], a), 0, a.stderr);
    assert.equal(diffOutputs(a.stdout, refText("ref_extra/cpu_merged/top/stdout.txt")), undefined);
    assert.equal(await runCli(["top", "-nodecount=25", cpuAfter, cpu], b), 0, b.stderr);
    assert.equal(diffOutputs(b.stdout, refText("ref_extra/cpu/top_merge_two/stdout.txt")), undefined);
    // A write that fails leaves nothing behind.
    const bad = memoryIO();
    assert.equal(await runCli(["merge", "-o", `${dir}/no/such/dir/x.pb.gz`, cpu], bad), 2);
    assert.match(bad.stderr, new RegExp(`^pprof-mcp: merge: cannot write ${dir}/no/such/dir/x\\.pb\\.gz: [^\\n]+\\n$`));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["merged.pb.gz"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** `p` with each sample's labels reversed and, when `num`, a numeric label `aaa` (unit `bytes`) put first. */
function relabeled(p: Profile, num: boolean): Profile {
  const strings = num ? [...p.strings, "aaa", "bytes"] : p.strings;
  const extra = num ? 1 : 0;
  const n = p.labelKey.length + extra * p.sampleCount;
  const labelStart = new Uint32Array(p.sampleCount + 1);
  const labelKey = new Uint32Array(n), labelStr = new Uint32Array(n), labelUnit = new Uint32Array(n);
  const labelNum = new Float64Array(n);
  let k = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    labelStart[s] = k;
    if (num) {
      labelKey[k] = strings.length - 2;
      labelNum[k] = 1;
      labelUnit[k++] = strings.length - 1;
    }
    for (let j = p.labelStart[s + 1] - 1; j >= p.labelStart[s]; j--, k++) {
      labelKey[k] = p.labelKey[j];
      labelStr[k] = p.labelStr[j];
      labelNum[k] = p.labelNum[j];
      labelUnit[k] = p.labelUnit[j];
    }
  }
  labelStart[p.sampleCount] = k;
  return { ...p, strings, labelStart, labelKey, labelStr, labelNum, labelUnit };
}

/** Each sample's labels as text, in the profile's order. */
const labelTexts = (p: Profile) =>
  Array.from({ length: p.sampleCount }, (_, s) => {
    const rows = [];
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      const key = p.strings[p.labelKey[j]];
      rows.push(
        p.labelStr[j] ? `${key}=${p.strings[p.labelStr[j]]}` : `${key}=${p.labelNum[j]}${p.strings[p.labelUnit[j]]}`,
      );
    }
    return rows.join(" ");
  });

Deno.test("merge: a sample's labels in another order are the same label set, written in pprof's order", async () => {
  // cpu.pb.gz's samples carry two or three string labels each.
  const a = await loadProfile(cpu);
  const reversed = relabeled(a, false);
  const m = mergeProfiles([a, reversed]);
  assert.equal(m.sampleCount, compactProfile(a).sampleCount);
  assert.equal(sum(m, 0), 2 * sum(a, 0));
  assert.deepEqual(labelTexts(mergeProfiles([reversed])), labelTexts(compactProfile(a)));
  // String labels come first, sorted by key, then numeric ones: the numeric label put first goes last.
  const withNum = mergeProfiles([relabeled(a, true), relabeled(reversed, true)]);
  assert.equal(withNum.sampleCount, m.sampleCount);
  assert.deepEqual(labelTexts(withNum), labelTexts(m).map((t) => `${t} aaa=1bytes`.trimStart()));
  const keys = labelTexts(m).find((t) => t.split(" ").length > 2)!.split(" ").map((r) => r.split("=")[0]);
  assert.deepEqual(keys, [...keys].sort());
});
