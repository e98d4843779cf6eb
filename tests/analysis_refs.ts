/**
 * Helpers for the analysis tests: `go tool pprof` reference outputs of `fixtures/ref*` (the share a -focus
 * shows, top and peek rows) and calls of registered tools as a client makes them.
 */
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import type { ToolResult } from "../lib/tools/registry.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES } from "./golden.ts";

export { FIXTURES };

/** The stdout of a reference view, e.g. `ref("ref_culprits", "cpu_obs", "top_cum_n40")`. */
export function ref(set: string, profile: string, view: string): string {
  return Deno.readTextFileSync(`${FIXTURES}${set}/${profile}/${view}/stdout.txt`);
}

/** The value and percentage of a report's "Showing nodes accounting for X, P% of T total" line. */
export function showing(text: string): { value: string; pct: string; total: string } {
  const m = /Showing nodes accounting for (\S+), (\S+) of (\S+) total/.exec(text);
  if (!m) throw new Error("no 'Showing nodes' line");
  return { value: m[1], pct: m[2], total: m[3] };
}

/** A row of a pprof -top table. */
export interface RefRow {
  flat: string;
  flat_pct: string;
  sum_pct: string;
  cum: string;
  cum_pct: string;
  name: string;
}

/** The rows of a -top table. */
export function topRows(text: string): RefRow[] {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => /^\s*flat\s+flat%\s+sum%\s+cum\s+cum%/.test(l));
  return lines.slice(at + 1).filter((l) => l.trim() !== "").map((l) => {
    const f = l.trim().split(/\s+/);
    return { flat: f[0], flat_pct: f[1], sum_pct: f[2], cum: f[3], cum_pct: f[4], name: f.slice(5).join(" ") };
  });
}

/** The row of `name` in a -top table (without an " (inline)" suffix). */
export function row(text: string, name: string): RefRow {
  const r = topRows(text).find((x) => x.name.replace(/ \((?:partial-)?inline\)$/, "") === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
}

/** Nanoseconds or bytes of a pprof value text: `4.07s`, `1665.32ms`, `48952.93kB`, `15360kB`, `312B`. */
export function amount(text: string): number {
  const m = /^(-?[\d.]+)(ns|us|ms|s|mins|hrs|B|kB|MB|GB|TB)?$/.exec(text);
  if (!m) throw new Error(`not a value: ${text}`);
  const f: Record<string, number> = {
    ns: 1,
    us: 1e3,
    ms: 1e6,
    s: 1e9,
    mins: 60e9,
    hrs: 3600e9,
    B: 1,
    kB: 1024,
    MB: 1024 ** 2,
    GB: 1024 ** 3,
    TB: 1024 ** 4,
  };
  return Number(m[1]) * (m[2] ? f[m[2]] : 1);
}

/** Calls a registered tool as the MCP server does (default naming, optional base dir). */
export async function callTool(
  name: string,
  args: Record<string, unknown>,
  base?: string,
  mode: "default" | "codex" = "default",
): Promise<ToolResult> {
  const handles = new HandleRegistry();
  return await createRegistry().call(name, args, mode, {
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    sandbox: new Sandbox(base, handles),
    handles,
  });
}

/** The structured result of a successful call (throws with the error text otherwise). */
// deno-lint-ignore no-explicit-any
export async function result(name: string, args: Record<string, unknown>, base?: string): Promise<any> {
  const r = await callTool(name, args, base);
  if (r.isError) throw new Error(r.content[0].text);
  return r.structuredContent;
}

/** Profile paths. */
export const P = {
  cpuObs: `${FIXTURES}profiles/cpu_obs.pb.gz`,
  deeprec: `${FIXTURES}profiles/cpu_deeprec.pb.gz`,
  cpu: `${FIXTURES}profiles/cpu.pb.gz`,
  heap: `${FIXTURES}profiles/heap.pb.gz`,
  allocs: `${FIXTURES}profiles/allocs.pb.gz`,
  nodeHeap: `${FIXTURES}profiles/node_heap.pb.gz`,
  nodeCpu: `${FIXTURES}profiles/node_cpu.pb.gz`,
  bigcpu: `${FIXTURES}big/bigcpu.pb.gz`,
  shop: `${FIXTURES}profiles_culprits/cpu_shop.pb.gz`,
  nodeObs: `${FIXTURES}profiles_culprits/node_obs_cpu.pb.gz`,
  heapPaths: `${FIXTURES}profiles_culprits/heap_paths.pb.gz`,
  allocsPaths: `${FIXTURES}profiles_culprits/allocs_paths.pb.gz`,
  shopRepo: `${FIXTURES}gen/cmd/shopd`,
};

/** The folders of fixtures/gen/cmd whose own .go files say `package main` (shopd is a module of its own). */
export function genCommands(): string[] {
  const root = `${FIXTURES}gen/cmd/`;
  return [...Deno.readDirSync(root)].filter((d) => d.isDirectory).map((d) => d.name).filter((name) =>
    [...Deno.readDirSync(root + name)].some((f) =>
      f.isFile && f.name.endsWith(".go") && /^package main$/m.test(Deno.readTextFileSync(`${root}${name}/${f.name}`))
    )
  ).sort();
}
