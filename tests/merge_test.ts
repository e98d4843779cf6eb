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
import { FIXTURES } from "./golden.ts";

const cpu = FIXTURES + "profiles/cpu.pb.gz";
const cpuAfter = FIXTURES + "profiles/cpu_after.pb.gz";

const sum = (p: { values: Float64Array; sampleTypes: unknown[] }, t: number) =>
  p.values.filter((_, i) => i % p.sampleTypes.length === t).reduce((a, b) => a + b, 0);

Deno.test("merge: totals add up, identical stacks collapse, headers combine", async () => {
  const a = await loadProfile(cpu);
  const b = await loadProfile(cpuAfter);
  const m = mergeProfiles([a, b], [cpu, cpuAfter]);
  assert.equal(sum(m, 1), sum(a, 1) + sum(b, 1));
  assert.ok(m.sampleCount < a.sampleCount + b.sampleCount, "shared stacks are merged");
  assert.equal(m.durationNanos, a.durationNanos + b.durationNanos);
  assert.equal(m.timeNanos, a.timeNanos < b.timeNanos ? a.timeNanos : b.timeNanos);
  const twice = mergeProfiles([a, a]);
  assert.equal(twice.sampleCount, compactProfile(a).sampleCount);
  assert.equal(sum(twice, 0), 2 * sum(a, 0));
});

Deno.test("merge: a profile minus itself is empty", async () => {
  const a = await loadProfile(cpu);
  const diff = combineProfiles([a, scaleProfile(a, [-1, -1])]);
  assert.equal(diff.sampleCount, 0);
});

Deno.test("merge: incompatible profiles give an error naming both files", async () => {
  const heap = FIXTURES + "profiles/heap.pb.gz";
  await assert.rejects(loadSources({ files: [cpu, heap] }), (e: Error) => {
    assert.match(e.message, new RegExp(`cannot combine ${cpu} and ${heap}: incompatible`));
    return true;
  });
  const io = memoryIO();
  assert.equal(await runCli(["merge", "-o", "/tmp/never.pb.gz", cpu, heap], io), 2);
  assert.match(io.stderr, /cannot combine .*cpu\.pb\.gz and .*heap\.pb\.gz/);
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
    // The top of the merged file is the top of the files merged on the fly.
    const a = memoryIO(), b = memoryIO();
    await runCli(["top", out], a);
    await runCli(["top", cpu, cpuAfter], b);
    assert.equal(a.stdout, b.stdout);
    // A write that fails leaves nothing behind.
    const bad = memoryIO();
    assert.equal(await runCli(["merge", "-o", `${dir}/no/such/dir/x.pb.gz`, cpu], bad), 2);
    assert.match(bad.stderr, /cannot write/);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["merged.pb.gz"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
