/**
 * pprof.memory_sanity on real heap, goroutine and CPU profiles: heap sizes in
 * kB profiles, growth by allocation site, compression churn, goroutine stacks
 * and RSS against the heap, each naming its culprit with the share go tool
 * pprof gives it; the repository scan reads files itself, inside the sandbox.
 */
import assert from "node:assert/strict";
import { scanRepository } from "../lib/analysis/code_scan.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { assertPrinted, assertShare, refRow, refTop } from "./analysis_ref_tops.ts";
import { A, callTool, type Json, P } from "./analysis_tools.ts";
import { FIXTURES } from "./golden.ts";

const MB = 1 << 20;
const plan = JSON.parse(Deno.readTextFileSync(A + "memzoo_plan.json"));

async function memzoo(extra: Record<string, unknown> = {}) {
  const { out, text, isError } = await callTool("pprof.memory_sanity", {
    heap_profile: A + "memzoo_heap.pb.gz",
    base_heap_profile: A + "memzoo_heap_base.pb.gz",
    goroutine_profile: A + "memzoo_goroutine.pb.gz",
    cpu_profile: A + "memzoo_cpu.pb.gz",
    container_rss_mb: Math.round(plan.vm_rss_mb),
    ...extra,
  });
  assert.equal(isError, false, text);
  return { r: out.result, text };
}

const suspicion = (r: Json, category: string) => r.suspicions.find((s: Json) => s.category === category);

Deno.test("memory_sanity: heap sizes as pprof totals them, kB profiles included", async () => {
  const { r } = await memzoo();
  assertPrinted(r.heap_inuse_mb * MB, refTop("memzoo_heap", "top_si_inuse_space").totalText, "in use");
  assertPrinted(r.heap_alloc_mb * MB, refTop("memzoo_heap", "top_si_alloc_space").totalText, "allocated");
  // The shared heap profile prints kB (69365.48kB): read as 67.74 MB, not missed.
  const heap = (await callTool("pprof.memory_sanity", { heap_profile: P + "heap.pb.gz" })).out.result;
  const inuse = refTop("heap", "top_si_inuse_space", "ref"), alloc = refTop("heap", "top_si_alloc_space", "ref");
  assert.equal(inuse.totalText, "69365.48kB");
  assertPrinted(heap.heap_inuse_mb * MB, inuse.totalText, "heap in use");
  assert.equal(alloc.totalText, "2067494.78kB");
  assertPrinted(heap.heap_alloc_mb * MB, alloc.totalText, "heap allocated, without a duration");
  assert.match(heap.summary, /^Heap in-use: 67\.7MB \| Total allocated: 2019\.0MB\n/);
  assert.equal(heap.goroutine_count, undefined);
  assert.equal(heap.top_inuse[0].function, "main.(*leakyCache).Add");
  assertShare(heap.top_inuse[0].share, (refRow(inuse, "main.(*leakyCache).Add").flat / inuse.total) * 100, "leak");
});

Deno.test("memory_sanity: heap growth by allocation site, against pprof -diff_base", async () => {
  const { r } = await memzoo();
  const diff = refTop("memzoo_heap", "diff_base_inuse_space");
  // With -diff_base pprof shows the change (39229.93kB, every node shown) as a share of the base's total.
  assert.equal(diff.shownText, "39229.93kB");
  assertPrinted(r.heap_growth_mb * MB, diff.shownText, "growth");
  const [top] = r.heap_growth;
  assert.equal(top.function, "main.(*sessionIndex).remember");
  assertPrinted(top.value, refRow(diff, top.function).flatText, "remember's growth");
  assertShare(top.share, (refRow(diff, top.function).flat / diff.shown) * 100, "remember's share of the growth");
  const s = suspicion(r, "Heap Growth");
  assert.equal(s.severity, "high");
  assert.equal(s.confidence, "confirmed");
  assert.match(s.description, /main\.\(\*sessionIndex\)\.remember grew by 29\.80MB \(77\.8% of the growth\)/);
  const f = r.findings.find((f: Json) => f.title.startsWith("Heap Growth"));
  assert.equal(f.evidence.function, "main.(*sessionIndex).remember");
  assert.equal(f.evidence.unit, "bytes");
  assert.deepEqual(f.next_step, {
    tool: "pprof.diff_top",
    arguments: { before: A + "memzoo_heap_base.pb.gz", after: A + "memzoo_heap.pb.gz", sample_index: "inuse_space" },
    why: "every function's change in in-use bytes between the two profiles",
  });
});

Deno.test("memory_sanity: compression churn, each sample counted once, with the caller that makes the writers", async () => {
  const { r } = await memzoo();
  const group = (measure: string) => r.groups.find((g: Json) => g.group === "compression" && g.measure === measure);
  const alloc = group("alloc_space"), cpu = group("cpu");
  const ref = refTop("memzoo_heap", "focus_compression_alloc_space");
  assertShare(alloc.share, (ref.shown / ref.total) * 100, "compression's share of allocations");
  assert.equal(alloc.top_function, "compress/flate.NewWriter");
  assert.equal(alloc.app_caller, "main.archiveReport");
  const refCpu = refTop("memzoo_cpu", "focus_compression");
  assertShare(cpu.share, (refCpu.shown / refCpu.total) * 100, "compression's share of CPU");
  const s = suspicion(r, "Compression Buffers");
  assert.equal(s.confidence, "likely");
  assert.match(
    s.evidence,
    /^compress\/flate\.NewWriter accounts for 89\.3% of allocated bytes, called from main\.archiveReport; high churn/,
  );
  // The shared heap profile: the archive compressor, 46.2% of allocations.
  const heap = (await callTool("pprof.memory_sanity", { heap_profile: P + "heap.pb.gz" })).out.result;
  const refHeap = refTop("heap", "focus_compression_alloc_space");
  const h = heap.groups.find((g: Json) => g.group === "compression" && g.measure === "alloc_space");
  assertShare(h.share, (refHeap.shown / refHeap.total) * 100, "heap.pb.gz compression");
  assert.equal(h.app_caller, "main.compressForArchive");
  for (const g of [...r.groups, ...heap.groups]) assert.ok(g.share <= 100, `${g.group} ${g.measure}: ${g.share}`);
});

Deno.test("memory_sanity: goroutine stacks and RSS against the heap", async () => {
  const { r, text } = await memzoo();
  assert.equal(r.goroutine_count, plan.goroutines);
  assert.equal(r.goroutine_count, refTop("memzoo_goroutine", "top").total);
  const stacks = suspicion(r, "Goroutine Stacks");
  assert.equal(stacks.severity, "high");
  assert.match(stacks.evidence, /12000 \(100\.0%\) are parked in main\.\(\*subscriber\)\.wait \(chan receive\)/);
  const rss = suspicion(r, "RSS/Heap Mismatch");
  assert.equal(rss.severity, "high");
  const gap = Math.round(plan.vm_rss_mb) - r.heap_inuse_mb;
  assert.ok(gap > 500);
  assert.match(rss.evidence, new RegExp(`gap ${gap.toFixed(0)}MB$`));
  assert.match(r.summary, /\| Goroutines: 12001\nFound 4 potential issues \(3 confirmed, 1 likely, 0 suspected\)$/);
  assert.deepEqual(r.findings.map((f: Json) => f.severity), ["high", "high", "high", "medium", "info"]);
  assert.match(text, /^Heap in-use: 76\.6MB/);
  // The goroutine count of a real goroutine profile (the original read 0).
  const gw = (await callTool("pprof.memory_sanity", {
    heap_profile: P + "heap.pb.gz",
    goroutine_profile: P + "goroutine.pb.gz",
  }))
    .out.result;
  assert.equal(gw.goroutine_count, 688);
  const small = (await callTool("pprof.memory_sanity", { heap_profile: P + "heap.pb.gz", container_rss_mb: 500 })).out
    .result;
  assert.equal(suspicion(small, "RSS/Heap Mismatch"), undefined, "500 MB RSS over a 68 MB heap is within 500 MB");
});

Deno.test("memory_sanity: every profile argument takes handles, and the sandbox confines them", async () => {
  const handles = new HandleRegistry();
  const cpu = handles.register({ path: A + "memzoo_cpu.pb.gz", type: "cpu" }).id;
  const heap = handles.register({ path: A + "memzoo_heap.pb.gz", type: "heap" }).id;
  const { out, isError, text } = await callTool("pprof.memory_sanity", { heap_profile: heap, cpu_profile: cpu }, {
    handles,
  });
  assert.equal(isError, false, text);
  assert.ok(out.result.groups.some((g: Json) => g.measure === "cpu"), "the CPU profile was read through its handle");
  const sandbox = new Sandbox(A, handles);
  for (const field of ["cpu_profile", "goroutine_profile", "base_heap_profile", "repo_root"]) {
    const r = await callTool("pprof.memory_sanity", { heap_profile: "memzoo_heap.pb.gz", [field]: P + "cpu.pb.gz" }, {
      sandbox,
      handles,
    });
    assert.equal(r.isError, true, field);
    assert.equal(r.out.error.code, "INVALID_ARGUMENT");
    assert.equal(r.out.error.details.field, field);
    assert.match(r.out.error.message, /is outside base dir/);
  }
  const notHeap = await callTool("pprof.memory_sanity", { heap_profile: P + "cpu.pb.gz" });
  assert.equal(notHeap.isError, true);
  assert.equal(
    notHeap.out.error.message,
    `${P}cpu.pb.gz: not a heap profile (sample types: samples, cpu); ` +
      "memory_sanity needs inuse_space",
  );
});

Deno.test("memory_sanity: the repository scan confirms compression churn with the culprit's own source line", async () => {
  const without = await memzoo();
  assert.ok(without.r.warnings.some((w: string) => w.startsWith("pass repo_root")));
  const { r } = await memzoo({ repo_root: FIXTURES + "gen" });
  const s = suspicion(r, "Compression Buffers");
  assert.equal(s.confidence, "confirmed");
  const src = Deno.readTextFileSync(FIXTURES + "gen/cmd/memzoo/main.go").split("\n");
  const line = src.findIndex((l) => l.includes("gzip.NewWriter(&buf)")) + 1;
  assert.ok(s.evidence.endsWith(`; CODE FOUND: cmd/memzoo/main.go:${line}`), s.evidence);
  const files = r.code_findings.map((c: Json) => `${c.file}:${c.line}`);
  assert.ok(files.includes(`cmd/memzoo/main.go:${line}`), files.join());
  assert.ok(r.code_findings.every((c: Json) => c.category === "Compression" && !c.is_vendor));
  assert.ok(!r.warnings.some((w: string) => w.startsWith("pass repo_root")));
});

Deno.test("scanRepository: reads .go files itself, skips vendor/node_modules/links/large files, stops at its limits", async () => {
  const dir = await Deno.makeTempDir();
  const outside = await Deno.makeTempDir();
  try {
    const write = async (rel: string, text: string) => {
      await Deno.mkdir(`${dir}/${rel.slice(0, rel.lastIndexOf("/"))}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${rel}`, text);
    };
    await write("cmd/app/main.go", 'package main\n\nfunc open() {\n\tdb.Exec("PRAGMA temp_store = MEMORY")\n}\n');
    await write("internal/arch/zip.go", "package arch\n\n// zw := gzip.NewWriter(w)\nvar x = zstd.NewWriter(nil)\n");
    await write("vendor/github.com/x/y/y.go", "package y\nfunc f() { zstd.NewReader(nil) }\n");
    await write("node_modules/pkg/gen.go", "package pkg\nvar z = gzip.NewWriter(nil)\n");
    await write(".git/hooks/h.go", "package h\nvar z = gzip.NewWriter(nil)\n");
    await write("cmd/app/notes.txt", "gzip.NewWriter(\n");
    await write("big/big.go", "// " + "x".repeat(1 << 20) + "\nvar z = gzip.NewWriter(nil)\n");
    await Deno.writeTextFile(`${outside}/secret.go`, "package s\nvar z = gzip.NewWriter(nil)\n");
    await Deno.symlink(outside, `${dir}/linked`);
    await Deno.symlink(`${outside}/secret.go`, `${dir}/cmd/app/secret.go`);
    const all = new Set(["SQLite", "Compression"] as const);
    const r = await scanRepository(dir, { categories: all });
    assert.deepEqual(r.findings.map((f) => [f.category, f.file, f.line]), [
      ["SQLite", "cmd/app/main.go", 4],
      ["Compression", "internal/arch/zip.go", 3],
      ["Compression", "internal/arch/zip.go", 4],
    ]);
    assert.equal(r.files_scanned, 2);
    assert.equal(r.files_skipped, 1, "the file over 1 MiB");
    assert.equal(r.findings[0].snippet, 'db.Exec("PRAGMA temp_store = MEMORY")');
    const v = await scanRepository(dir, { categories: all, includeVendor: true });
    assert.deepEqual(v.findings.map((f) => [f.file, f.is_vendor]), [
      ["cmd/app/main.go", false],
      ["internal/arch/zip.go", false],
      ["internal/arch/zip.go", false],
      ["node_modules/pkg/gen.go", false],
      ["vendor/github.com/x/y/y.go", true],
    ]);
    const only = await scanRepository(dir, { categories: new Set(["SQLite"] as const) });
    assert.deepEqual(only.findings.map((f) => f.category), ["SQLite"]);
    const few = await scanRepository(dir, { categories: all, maxFiles: 1 });
    assert.equal(few.stopped_by, "max_files");
    assert.equal(few.files_scanned, 1);
    const bytes = await scanRepository(dir, { categories: all, maxTotalBytes: 60 });
    assert.equal(bytes.stopped_by, "max_total_bytes");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
