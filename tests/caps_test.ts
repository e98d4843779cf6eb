/**
 * Output caps: streamed truncation equals truncating the whole text, and every
 * text tool's default answer stays under 100 KB on the largest profiles.
 */
import assert from "node:assert/strict";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { truncateChunks, truncateText, utf8Length } from "../lib/tools/truncate.ts";
import { FIXTURES } from "./golden.ts";
import { writeJvmProfile } from "./jvm_profile.ts";
import { mulberry32 } from "../lib/util/random.ts";

Deno.test("utf8Length counts bytes as TextEncoder writes them", () => {
  for (const s of ["", "abc", "é", "€", "😀", "a😀b€", "\ud800", "x\udc00y"]) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});

Deno.test("truncateChunks: the same text and meta as truncateText of the whole, for every strategy", () => {
  const rand = mulberry32(7);
  const words = ["a", "bb", "ccc", "é", "€€", "😀", "runtime.mallocgc", "x".repeat(40)];
  for (let round = 0; round < 3000; round++) {
    const lines = Array.from({ length: Math.floor(rand() * 30) }, () => {
      const n = Math.floor(rand() * 5);
      return Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");
    });
    // Chunks of whole lines, as the reports produce them.
    const chunks: string[] = [];
    for (let i = 0; i < lines.length;) {
      const n = 1 + Math.floor(rand() * 3);
      chunks.push(lines.slice(i, i + n).map((l) => l + "\n").join(""));
      i += n;
    }
    const text = chunks.join("");
    const o = {
      max_lines: rand() < 0.3 ? 0 : Math.floor(rand() * 12),
      max_bytes: rand() < 0.3 ? 0 : Math.floor(rand() * 120),
      truncate_strategy: ["head", "tail", "head_tail"][Math.floor(rand() * 3)],
    };
    const want = truncateText(text, o);
    const label = JSON.stringify({ o, text });
    assert.deepEqual(truncateChunks(chunks, o), want, label);
    const size = () => ({ lines: want.meta.total_lines, bytes: want.meta.total_bytes });
    assert.deepEqual(truncateChunks(chunks, o, size), want, label);
  }
});

Deno.test("truncateChunks: with the size known, a head cut stops reading", () => {
  let read = 0;
  function* chunks() {
    for (let i = 0; i < 1_000_000; i++) {
      read++;
      yield `line ${i}\n`;
    }
  }
  const r = truncateChunks(chunks(), { max_lines: 3 }, () => ({ lines: 1_000_000, bytes: 12_345 }));
  assert.equal(r.text, "line 0\nline 1\nline 2");
  assert.equal(r.meta.total_lines, 1_000_000);
  assert.ok(read < 10, `read ${read} chunks`);
});

/** The size of a tool answer as an MCP client receives it: text content and structured content, as JSON. */
function answerBytes(r: { content: unknown; structuredContent: unknown }): number {
  return utf8Length(JSON.stringify({ content: r.content, structuredContent: r.structuredContent }));
}

const LIMIT = 100_000;

Deno.test("every tool's default answer stays under 100 KB on the largest profiles", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const jvm = `${dir}/jvm.pb.gz`, jvm2 = `${dir}/jvm2.pb.gz`;
    await writeJvmProfile(jvm, { samples: 30_000, functions: 8_000, seed: 1 });
    await writeJvmProfile(jvm2, { samples: 30_000, functions: 8_000, seed: 2 });
    const big = FIXTURES + "big/bigcpu.pb.gz", cpu = FIXTURES + "profiles/cpu.pb.gz";
    // The default call of every tool, with the arguments that ask for the most (regexps matching everything).
    const calls: Record<string, (p: string, other: string) => Record<string, unknown>> = {
      "pprof.top": (profile) => ({ profile }),
      "pprof.peek": (profile) => ({ profile, regex: "." }),
      "pprof.list": (profile) => ({ profile, function: "." }),
      "pprof.traces_head": (profile) => ({ profile }),
      "pprof.focus_paths": (profile) => ({ profile, function: "." }),
      "pprof.tags": (profile) => ({ profile }),
      "pprof.meta": (profile) => ({ profile }),
      "pprof.diff_top": (before, after) => ({ before, after }),
      "pprof.regression_check": (profile) => ({ profile, checks: [{ function: ".", metric: "cum_pct", max: 100 }] }),
      "pprof.baseline_update": (profile) => ({ profile, baseline_path: `${dir}/baselines.json` }),
      "pprof.merge": (a, b) => ({ profiles: [a, b], output_path: `${dir}/merged-${crypto.randomUUID()}.pb.gz` }),
      "pprof.convert": (profile) => ({ profile, output_path: `${dir}/converted-${crypto.randomUUID()}.pb.gz` }),
      "pprof.memory_sanity": (profile) => ({ heap_profile: FIXTURES + "profiles/heap.pb.gz", cpu_profile: profile }),
      "pprof.goroutine_analysis": (profile) => ({ profile, min_leak_count: 1, max_leaks: 50 }),
      "pprof.goroutine_categorize": (profile) => ({ profile }),
      "pprof.temporal_analysis": (profile) => ({ profile }),
      "pprof.contention_analysis": (profile) => ({ profile, max_sites: 100 }),
      "pprof.flamegraph": (profile) => ({ profile, min_pct: 0.001 }),
      "pprof.callgraph": (profile) => ({ profile, output_path: `${dir}/graph-${crypto.randomUUID()}.dot` }),
      "pprof.branch_impact.plan": () => ({
        service: "svc",
        out_dir: `${dir}/impact`,
        repo_dir: repo,
        before_ref: "HEAD",
      }),
      "pprof.storylines": (profile) => ({ profile, n: 6, repo_root: FIXTURES }),
      "pprof.alloc_paths": (profile) => ({ profile, min_percent: 0.01, max_paths: 30 }),
      "pprof.overhead_report": (profile) => ({ profile }),
      "pprof.explain_overhead": (profile) => ({ profile, category: "Runtime/GC" }),
      "pprof.detect_repo": (profile) => ({ profile, search_roots: [FIXTURES] }),
      "pprof.trace_source": (profile) => ({
        profile,
        function: ".",
        repo_root: FIXTURES,
        max_depth: 40,
        context_lines: 20,
      }),
      "pprof.vendor_analyze": (profile) => ({ profile, min_pct: 0.01 }),
      "pprof.suggest_fix": (profile) => ({ profile, issue: "allocation_hot_spot", repo_root: FIXTURES + "gen" }),
      "repo.services.discover": () => ({ repo_root: FIXTURES }),
      "pprof.hotspot_summary": (profile) => ({
        bundle: [profile, FIXTURES + "profiles/heap.pb.gz", FIXTURES + "profiles/mutex.pb.gz"],
        nodecount: 100,
      }),
      "pprof.cross_correlate": (profile) => ({
        bundle: [profile, FIXTURES + "profiles/heap.pb.gz", FIXTURES + "profiles/mutex.pb.gz"],
        nodecount: 100,
      }),
      "pprof.generate_report": (profile) => ({
        inputs: [{ kind: "notes", data: { profile, blob: "x".repeat(300_000) } }],
      }),
    };
    // The plan reads a git repository: one commit is enough.
    const repo = `${dir}/repo`;
    await Deno.mkdir(repo);
    for (
      const args of [["init", "-q"], [
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
      ]]
    ) {
      assert.ok((await new Deno.Command("git", { args, cwd: repo, stdout: "null", stderr: "null" }).output()).success);
    }
    const registry = createRegistry();
    // The Datadog tools answer from Datadog, and the local tools from a server or a cluster, not from a profile:
    // tests/datadog_mcp_test.ts and tests/local_*_test.ts check their answers.
    const names = registry.tools.filter((d) => !d.annotations.openWorldHint).map((d) => d.name);
    assert.deepEqual(names.filter((n) => !(n in calls)), [], "every tool has a default call here");
    for (const [profile, other] of [[big, cpu], [jvm, jvm2]]) {
      for (const name of names) {
        await t.step(`${name} on ${profile.split("/").pop()}`, async () => {
          const handles = new HandleRegistry();
          const r = await registry.call(name, calls[name](profile, other), "default", {
            signal: new AbortController().signal,
            progress: () => Promise.resolve(),
            sandbox: new Sandbox(undefined, handles),
            handles,
          });
          assert.equal(r.isError, false, r.content[0].text);
          const size = answerBytes(r);
          assert.ok(size < LIMIT, `${name}: ${size} bytes`);
          const out = r.structuredContent as { raw_meta?: { truncated: boolean; hint?: string } };
          if (out.raw_meta?.truncated) {
            assert.match(out.raw_meta.hint ?? "", /pass a larger max_/, `${name}: says how to get more`);
            assert.match(r.content[0].text, /\[Cut to the first part by max_/, `${name}: the text says it was cut`);
          }
        });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
