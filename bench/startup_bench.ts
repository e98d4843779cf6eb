/**
 * The fixed cost and the repeat calls: the CLI's cold start (`--version`, and
 * `top` on a small profile) as separate processes with the binary's
 * permission flags, and a second `pprof.top` call on bigcpu, answered from the
 * decoded-profile cache (`lib/profile/cache.ts`).
 *
 *   deno bench -A bench/startup_bench.ts
 *
 * @module
 */
import { profileCache } from "../lib/profile/cache.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";

const root = new URL("..", import.meta.url).pathname;
const fixtures = root + "fixtures/";
const perms = (JSON.parse(Deno.readTextFileSync(root + "deno.json")).tasks.compile as string)
  .match(/--(allow|unstable)-\S+/g)!;

async function cli(...args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, root + "main.ts", ...args],
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`pprof-mcp ${args.join(" ")} failed`);
}

Deno.bench({ name: "pprof-mcp --version", group: "cold start", n: 10 }, async () => await cli("--version"));
Deno.bench({ name: "pprof-mcp --help", group: "cold start", n: 10 }, async () => await cli("--help"));
Deno.bench(
  { name: "pprof-mcp top cpu.pb.gz", group: "cold start", n: 10 },
  async () => await cli("top", fixtures + "profiles/cpu.pb.gz"),
);

const registry = createRegistry();
const handles = new HandleRegistry();
const ctx = {
  signal: new AbortController().signal,
  progress: async () => {},
  sandbox: new Sandbox(undefined, handles),
  handles,
};
const bigcpu = fixtures + "big/bigcpu.pb.gz";
async function top(): Promise<void> {
  const r = await registry.call("pprof.top", { profile: bigcpu }, "default", ctx);
  if (r.isError) throw new Error(r.content[0].text);
}

Deno.bench({ name: "pprof.top on bigcpu, first call", group: "repeat calls", n: 3, warmup: 0 }, async (b) => {
  profileCache().clear();
  b.start();
  await top();
  b.end();
});
Deno.bench({ name: "pprof.top on bigcpu, second call (cache hit)", group: "repeat calls", n: 5 }, async (b) => {
  await top(); // fills the cache
  b.start();
  await top();
  b.end();
});
