/**
 * The analysis tools of issue 10 (part B) on the large bigcpu profile, each called through the registry as a
 * client calls it (reading and decoding the file included): `deno bench -A bench/analysis_b_bench.ts`. Each must
 * answer within 2 s.
 */
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const big = fixtures + "big/bigcpu.pb.gz";
const registry = createRegistry();

const calls: [string, Record<string, unknown>][] = [
  ["pprof.storylines", { profile: big }],
  ["pprof.alloc_paths", { profile: big }],
  ["pprof.overhead_report", { profile: big }],
  ["pprof.explain_overhead", { profile: big, category: "Runtime/GC" }],
  ["pprof.detect_repo", { profile: big, search_roots: [fixtures] }],
  ["pprof.trace_source", { profile: big, function: "evalCondition", repo_root: fixtures }],
  ["pprof.vendor_analyze", { profile: big, repo_root: fixtures }],
  ["pprof.suggest_fix", { profile: big, issue: "allocation_hot_spot" }],
  ["repo.services.discover", { repo_root: fixtures + "gen" }],
];

for (const [name, args] of calls) {
  Deno.bench({
    name: `${name} bigcpu`,
    group: "analysis",
    n: 5,
    warmup: 1,
    async fn() {
      const handles = new HandleRegistry();
      const r = await registry.call(name, args, "default", {
        signal: new AbortController().signal,
        progress: () => Promise.resolve(),
        sandbox: new Sandbox(undefined, handles),
        handles,
      });
      if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
    },
  });
}
