/**
 * The analysis tools on the large bigcpu profile (149k samples, 6.6M frames):
 * each whole tool call as a client makes it (reading and decoding the file
 * included), and each analysis alone on the decoded profile. Every tool must
 * answer within 2 s: `deno bench -A bench/analysis_bench.ts`.
 */
import { contentionAnalysis } from "../lib/analysis/contention.ts";
import { goroutineCategorize } from "../lib/analysis/goroutine_categorize.ts";
import { goroutineAnalysis } from "../lib/analysis/goroutines.ts";
import { memorySanity } from "../lib/analysis/memory_sanity.ts";
import { temporalAnalysis } from "../lib/analysis/temporal.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const big = fixtures + "big/bigcpu.pb.gz";
const heapFile = fixtures + "profiles/heap.pb.gz";
const registry = createRegistry();
const handles = new HandleRegistry();
const ctx = {
  signal: new AbortController().signal,
  progress: () => Promise.resolve(),
  sandbox: new Sandbox(undefined, handles),
  handles,
};
const opts = { n: 5, warmup: 1 };

const calls: [string, Record<string, unknown>][] = [
  // The yardstick: the README's pprof.top call on bigcpu (about 1 s on an idle machine).
  ["pprof.top", { profile: big, nodecount: 20 }],
  ["pprof.goroutine_analysis", { profile: big }],
  ["pprof.goroutine_categorize", { profile: big }],
  ["pprof.temporal_analysis", { profile: big }],
  ["pprof.contention_analysis", { profile: big }],
  // bigcpu is a CPU profile: memory_sanity reads it as the CPU profile beside a heap profile.
  ["pprof.memory_sanity", { heap_profile: heapFile, cpu_profile: big }],
];
for (const [name, args] of calls) {
  Deno.bench({
    name: `${name} on bigcpu (load + analysis)`,
    group: "tool call",
    ...opts,
    fn: async () => {
      const r = await registry.call(name, args, "default", ctx);
      if (r.isError) throw new Error(r.content[0].text);
    },
  });
}

const profile = await loadProfile(big);
const heap = await loadProfile(heapFile);
const analyses: [string, () => unknown][] = [
  ["goroutineAnalysis", () => goroutineAnalysis(profile)],
  ["goroutineCategorize", () => goroutineCategorize(profile)],
  ["temporalAnalysis", () => temporalAnalysis(profile)],
  ["contentionAnalysis", () => contentionAnalysis(profile)],
  ["memorySanity (bigcpu as CPU profile)", () => memorySanity({ heap, cpu: profile })],
];
for (const [name, fn] of analyses) {
  Deno.bench({ name: `${name} on bigcpu (decoded)`, group: "analysis", ...opts, fn: () => void fn() });
}
