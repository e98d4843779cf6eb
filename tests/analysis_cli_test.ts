/**
 * The analysis commands of the CLI (goroutines, goroutine-categories,
 * temporal, contention, memory-sanity) and the analysis tools over MCP:
 * readable text by default, the tool's result with --json, one-line errors
 * with exit 2, and next steps named for the client.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { A, type Json, P } from "./analysis_tools.ts";
import { startServer } from "./mcp_client.ts";

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("cli: goroutines, goroutine-categories and temporal print findings first", async () => {
  const g = await cli("goroutines", A + "leakzoo_goroutine.pb.gz");
  assert.equal(g.code, 0, g.err);
  assert.match(
    g.out,
    /^3160 goroutines in 2 states, 6 potential leaks\n\n- \[high\] 1200 goroutines \(38\.0%\) blocked in chan receive in main\.\(\*notifier\)\.waitForAck\n {4}next: pprof\.focus_paths /,
  );
  assert.match(g.out, /\nWait reasons:\n +1200 +38\.0% +chan receive\n/);
  const c = await cli("goroutine-categories", A + "workerpool_goroutine.pb.gz", "--preset", "temporal");
  assert.equal(c.code, 0, c.err);
  assert.match(c.out, /\n +250 +58\.1% +temporal_workflow_cached +\(main\.OrderWorkflow: 150\)\n/);
  const t = await cli("temporal", A + "workerpool_goroutine.pb.gz");
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /^430 goroutines: 66 activities executing, 250 workflow coroutines cached\n/);
  assert.match(t.out, /\nActivities:\n +48 +ChargeCustomer \(network IO\)\n/);
});

Deno.test("cli: contention and memory-sanity; --json is the tool's result", async () => {
  const c = await cli("contention", A + "lockzoo_mutex.pb.gz", "--json");
  assert.equal(c.code, 0, c.err);
  const r = JSON.parse(c.out).result;
  assert.equal(r.profile_type, "mutex");
  assert.equal(r.by_lock_site[0].top_waiters[0].function, "main.(*auditLog).record");
  const m = await cli(
    "memory-sanity",
    A + "memzoo_heap.pb.gz",
    "--base",
    A + "memzoo_heap_base.pb.gz",
    "--goroutines",
    A + "memzoo_goroutine.pb.gz",
    "--rss",
    "900",
  );
  assert.equal(m.code, 0, m.err);
  assert.match(m.out, /^Heap in-use: 76\.6MB \| Total allocated: 1386\.8MB \| Goroutines: 12001\n/);
  assert.match(
    m.out,
    /\n- \[high\] RSS\/Heap Mismatch \(confirmed\): container RSS 900MB, in-use heap 76\.6MB, gap 823MB\n/,
  );
});

Deno.test("cli: bad input is one line on stderr and exit 2", async () => {
  const missing = await cli("goroutines", A + "nosuch.pb.gz");
  assert.equal(missing.code, 2);
  assert.equal(missing.err.trim().split("\n").length, 1, missing.err);
  assert.match(missing.err, /nosuch\.pb\.gz/);
  const notHeap = await cli("memory-sanity", P + "cpu.pb.gz");
  assert.equal(notHeap.code, 2);
  assert.equal(
    notHeap.err,
    `pprof-mcp: ${P}cpu.pb.gz: not a heap profile (sample types: samples, cpu); ` +
      "memory_sanity needs inuse_space\n",
  );
  const badType = await cli("contention", P + "mutex.pb.gz", "--profile_type", "spinlock");
  assert.equal(badType.code, 2);
  const badRoot = await cli("memory-sanity", A + "memzoo_heap.pb.gz", "--repo_root", P + "heap.pb.gz");
  assert.equal(badRoot.code, 2);
  assert.match(badRoot.err, /repo_root ".*heap\.pb\.gz" is not a directory/);
});

Deno.test("mcp: the analysis tools over stdio, with next steps under codex names", async () => {
  const client = await startServer({ args: ["--tool-name-mode=codex"] });
  try {
    const names = (await client.listTools()).tools.map((t: { name: string }) => t.name);
    for (
      const n of [
        "pprof_memory_sanity",
        "pprof_goroutine_analysis",
        "pprof_goroutine_categorize",
        "pprof_temporal_analysis",
        "pprof_contention_analysis",
      ]
    ) {
      assert.ok(names.includes(n), n);
    }
    const r = await client.callTool({
      name: "pprof_contention_analysis",
      arguments: { profile: A + "lockzoo_block.pb.gz" },
    });
    const out = r.structuredContent as Json;
    assert.equal(out.result.findings[0].evidence.function, "main.(*orderStore).loadOrder");
    assert.equal(out.result.findings[0].next_step.tool, "pprof_peek");
    const g = await client.callTool({
      name: "pprof_goroutine_analysis",
      arguments: { profile: P + "goroutine.pb.gz" },
    });
    assert.equal((g.structuredContent as Json).result.findings[0].next_step.tool, "pprof_focus_paths");
    const m = await client.callTool({
      name: "pprof_memory_sanity",
      arguments: { heap_profile: A + "memzoo_heap.pb.gz", base_heap_profile: A + "memzoo_heap_base.pb.gz" },
    });
    const steps = (m.structuredContent as Json).result.findings.map((f: Json) => f.next_step?.tool);
    assert.ok(steps.includes("pprof_diff_top") && steps.includes("pprof_peek"), steps.join());
  } finally {
    await client.close();
  }
});
