/**
 * pprof.alloc_paths names the planted allocation sites and retention with pprof's numbers: churn in heap and
 * allocs (alloc_space), the leaking cache (inuse_space), one helper reached through three callers with the
 * exact shares allocpaths planted (MemProfileRate 1), growing slices and maps, and a Node.js heap leak.
 */
import assert from "node:assert/strict";
import { amount, P, ref, result, row } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const path = (out: Any, site: string) => {
  const p = out.result.paths.find((x: Any) => x.alloc_site === site);
  assert.ok(p, `path ${site}`);
  return p;
};

for (const [name, profile, set] of [["heap", P.heap, "ref"], ["allocs", P.allocs, "ref"]] as const) {
  Deno.test(`alloc_paths ${name}: gzip writers churn, the leaky cache holds 70% of the in-use heap`, async () => {
    const out = await result("pprof.alloc_paths", { profile });
    const r = out.result;
    assert.equal(r.sample_type, "alloc_space");
    const alloc = ref(set, name, "top_si_alloc_space");
    const inuse = ref(set, name, "top_si_inuse_space");
    const first = r.paths[0];
    assert.equal(first.alloc_site, "compress/flate.NewWriter");
    assert.equal(first.alloc_bytes, amount(row(alloc, "compress/flate.NewWriter").flat));
    assert.equal(`${first.alloc_pct.toFixed(2)}%`, row(alloc, "compress/flate.NewWriter").flat_pct);
    assert.equal(first.first_app_frame, "main.compressForArchive");
    assert.match(first.source_location, /^gen\/cmd\/ingestd\/main\.go:\d+$/);
    const cache = path(out, "main.(*leakyCache).Add");
    assert.equal(`${cache.inuse_pct.toFixed(2)}%`, row(inuse, "main.(*leakyCache).Add").flat_pct);
    assert.ok(Math.abs(cache.inuse_bytes - amount(row(inuse, "main.(*leakyCache).Add").flat)) < 10);
    assert.ok(cache.retained_pct > 95, `kept ${cache.retained_pct}`);
    const leak = out.findings[0];
    assert.equal(leak.severity, "high");
    assert.equal(leak.evidence.function, "main.(*leakyCache).Add");
    assert.match(leak.title, /holds 70\.6% of the in-use heap \(47\.81MB\).*only grows/);
    // heap's default type is inuse_space, which pprof.list shows; allocs' is alloc_space, so peek is told the type.
    assert.deepEqual(
      [leak.next_step.tool, leak.next_step.arguments.sample_index],
      name === "heap" ? ["pprof.list", undefined] : ["pprof.peek", "inuse_space"],
    );
    // readChunk's sub-slices keep whole 64 KiB chunks alive: 22% in use, all it allocated.
    assert.equal(`${path(out, "main.readChunk").inuse_pct.toFixed(2)}%`, row(inuse, "main.readChunk").flat_pct);
  });
}

Deno.test("alloc_paths heap_paths: one helper, three callers with the planted 50/30/20 split (pprof -peek)", async () => {
  const out = await result("pprof.alloc_paths", { profile: P.heapPaths });
  const buf = out.result.paths[0];
  assert.equal(buf.alloc_site, "main.newRecordBuf");
  assert.equal(buf.alloc_bytes, 6000 * 2048);
  const peek = ref("ref_culprits", "heap_paths", "peek_newrecordbuf_alloc");
  for (
    const [caller, bytes, pct] of [
      ["main.(*importer).importCSV", 3000 * 2048, 50],
      ["main.(*reporter).render", 1800 * 2048, 30],
      ["main.(*webhook).deliver", 1200 * 2048, 20],
    ] as const
  ) {
    const c = buf.callers.find((x: Any) => x.function === caller);
    assert.equal(c.bytes, bytes, caller);
    assert.equal(c.pct, pct, caller);
    assert.match(peek, new RegExp(`${bytes}B ${pct}\\.00% \\|   ${caller.replace(/[.*()]/g, "\\$&")}`));
  }
  assert.match(out.findings[0].title, /importCSV \(50% of it\), main\.\(\*reporter\)\.render \(30% of it\)/);
  // The slice and the map that only grow: the largest in-use sites, with doubling allocation sizes.
  const inuse = ref("ref_culprits", "heap_paths", "top_si_inuse_space");
  for (const site of ["main.(*eventLog).Append", "main.(*userIndex).Put"]) {
    const p = path(out, site);
    assert.equal(`${p.inuse_pct.toFixed(2)}%`, row(inuse, site).flat_pct, site);
    assert.ok(p.growth && p.growth.steps >= 3, `${site} grows`);
    const f = out.findings.find((x: Any) => x.evidence.function === site && /in-use heap/.test(x.title));
    assert.match(f.title, /a slice or map that keeps growing/);
  }
  assert.equal(path(out, "main.(*eventLog).Append").growth.largest, 6656 * 48);
});

Deno.test("alloc_paths group_by_source: grouped by your code", async () => {
  const out = await result("pprof.alloc_paths", { profile: P.heap, group_by_source: true });
  const top = ref("ref", "heap", "top_si_alloc_space");
  const first = out.result.paths[0];
  assert.equal(first.alloc_site, "main.compressForArchive");
  assert.equal(`${first.alloc_pct.toFixed(2)}%`, row(top, "main.compressForArchive").cum_pct);
});

Deno.test("alloc_paths node_heap: the audit trail that grows, in Node.js", async () => {
  const out = await result("pprof.alloc_paths", { profile: P.nodeHeap });
  const top = ref("ref", "node_heap", "top");
  assert.equal(out.result.sample_type, "inuse_space");
  const [a, b] = out.result.paths;
  assert.equal(a.alloc_site, "runHeapPhase");
  assert.ok(Math.abs(a.alloc_bytes - amount(row(top, "runHeapPhase").flat)) < 10);
  assert.equal(`${a.alloc_pct.toFixed(2)}%`, row(top, "runHeapPhase").flat_pct);
  assert.equal(b.alloc_site, "recordAudit");
  assert.equal(`${b.alloc_pct.toFixed(2)}%`, row(top, "recordAudit").flat_pct);
  assert.match(a.source_location, /nodework\/workload\.js:\d+$/);
  assert.match(out.findings[0].title, /^runHeapPhase holds 62\.0% of the live heap \(19\.99MB\)/);
  assert.deepEqual(out.warnings, ["alloc_space not found; using inuse_space"]);
});

Deno.test("alloc_paths: repo_prefix marks your code and filters nothing (the original dropped other code)", async () => {
  const out = await result("pprof.alloc_paths", { profile: P.heap, repo_prefix: "github.com/nobody/else" });
  assert.ok(out.result.paths.length >= 5);
  assert.equal(out.result.app_code.source, "repo_prefix");
  assert.equal(out.result.paths[0].first_app_frame, undefined);
  const few = await result("pprof.alloc_paths", { profile: P.heap, min_percent: 10, max_paths: 2 });
  // Two by alloc_space, plus the sites holding much of the in-use heap.
  assert.deepEqual(few.result.paths.map((p: Any) => p.alloc_site), [
    "compress/flate.NewWriter",
    "main.decodeEvents",
    "main.(*leakyCache).Add",
    "main.readChunk",
  ]);
});
