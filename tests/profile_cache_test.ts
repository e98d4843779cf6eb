/**
 * The decoded-profile cache of repeat tool calls: hits while a file is
 * unchanged, a new decode when it changes (or was modified too recently to
 * tell), least recently used entries evicted past the budget.
 */
import assert from "node:assert/strict";
import { profileBytes, ProfileCache } from "../lib/profile/cache.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { FIXTURES } from "./golden.ts";

const past = (s: number) => new Date(Date.now() - s * 1000);

async function copy(dir: string, name: string, from: string, age = 60): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.copyFile(FIXTURES + "profiles/" + from, path);
  await Deno.utime(path, past(age), past(age));
  return path;
}

Deno.test("profile cache: an unchanged file is decoded once; a rewritten one again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cache = new ProfileCache(1 << 30);
    const path = await copy(dir, "p.pb.gz", "cpu.pb.gz");
    const a = await cache.load(path);
    assert.equal(await cache.load(path), a);
    assert.equal(await cache.load(`${dir}/./p.pb.gz`), a, "the same file by another path");
    assert.deepEqual([cache.hits, cache.misses], [2, 1]);
    // Another profile at the same path, with an old timestamp of its own: read again.
    await Deno.copyFile(FIXTURES + "profiles/heap.pb.gz", path);
    await Deno.utime(path, past(30), past(30));
    const b = await cache.load(path);
    assert.notEqual(b, a);
    assert.deepEqual(b.sampleTypes.map((t) => t.type), (await loadProfile(path)).sampleTypes.map((t) => t.type));
    assert.equal(b.sampleTypes[0].type, "alloc_objects");
    assert.equal(cache.size, 1);
    // Modified just now: its timestamps cannot tell the next rewrite apart, so it is not kept.
    await Deno.copyFile(FIXTURES + "profiles/cpu.pb.gz", path);
    const c = await cache.load(path);
    assert.notEqual(await cache.load(path), c);
    assert.equal(cache.size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profile cache: the budget evicts the least recently used; 0 keeps nothing; errors pass through", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [cpu, after, heap] = await Promise.all([
      copy(dir, "cpu.pb.gz", "cpu.pb.gz"),
      copy(dir, "after.pb.gz", "cpu_after.pb.gz"),
      copy(dir, "heap.pb.gz", "heap.pb.gz"),
    ]);
    const sizes = await Promise.all([cpu, after, heap].map(async (f) => profileBytes(await loadProfile(f))));
    const cache = new ProfileCache(sizes[0] + sizes[1] + sizes[2] - 1);
    const first = await cache.load(cpu);
    await cache.load(after);
    assert.equal(await cache.load(cpu), first, "cpu is now the most recently used");
    await cache.load(heap); // over budget: `after` goes
    assert.equal(cache.size, 2);
    assert.ok(cache.used <= cache.budget);
    assert.equal(await cache.load(cpu), first);
    const misses = cache.misses;
    await cache.load(after);
    assert.equal(cache.misses, misses + 1);

    const off = new ProfileCache(0);
    assert.notEqual(await off.load(cpu), await off.load(cpu));
    await assert.rejects(cache.load(`${dir}/missing.pb.gz`), /missing\.pb\.gz: no such file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reports of one shared profile: each configuration gets its own graph, as from a fresh decode", async () => {
  const { defaultConfig } = await import("../lib/report/config.ts");
  const { newReport } = await import("../lib/report/report.ts");
  const { renderTop, topReport } = await import("../lib/report/top.ts");
  const { renderTree, treeReport } = await import("../lib/report/tree.ts");
  const { compileRE2 } = await import("../lib/regex/re2.ts");
  const file = FIXTURES + "profiles/cpu.pb.gz";
  const shared = await loadProfile(file);
  const configs = [{}, { nodeCount: 5 }, { sort: "cum" as const }, { focus: "runtime" }, {}, { nodeCount: 5 }];
  for (const c of configs) {
    const cfg = { ...defaultConfig(), ...c };
    const fresh = await loadProfile(file);
    assert.equal(
      renderTop(topReport(newReport(shared, "top", cfg))),
      renderTop(topReport(newReport(fresh, "top", cfg))),
    );
    const peek = (p: typeof shared, re: string) => {
      try {
        return renderTree(treeReport(newReport(p, "peek", cfg), compileRE2(re, "peek")));
      } catch (e) {
        return String(e);
      }
    };
    for (const re of ["mallocgc", "runtime\\.", "nosuchfunction"]) {
      assert.equal(peek(shared, re), peek(fresh, re), `peek ${re} ${JSON.stringify(c)}`);
    }
  }
});
