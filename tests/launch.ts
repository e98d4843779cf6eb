/**
 * What every launch of the MCP server must do, whatever the command line:
 * list the tools, answer `pprof.meta` on a profile inside the base dir (its
 * sample types and total as `go tool pprof` reads them), refuse a profile
 * outside it, and say on stderr how it confines files.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { createRegistry } from "../lib/tools/index.ts";
import { FIXTURES } from "./golden.ts";
import { type LaunchOptions, startLoggedServer } from "./mcp_client.ts";

/** A working directory (not the checkout) holding a base dir with heap.pb.gz. */
export async function launchDirs(): Promise<{ cwd: string; base: string }> {
  const cwd = await Deno.makeTempDir({ prefix: "pprof-mcp-launch-" });
  const base = `${cwd}/profiles`;
  await Deno.mkdir(base);
  await Deno.copyFile(FIXTURES + "profiles/heap.pb.gz", `${base}/heap.pb.gz`);
  return { cwd, base };
}

/** One documented way to start the server, and the confinement it must report. */
export interface Launch {
  name: string;
  opts: LaunchOptions;
  /** Matches the server's stderr. */
  stderr: RegExp;
}

/** Sample types of heap.pb.gz as `go tool pprof -raw` lists them (its `Samples:` header line). */
export function goSampleTypes(): { type: string; unit: string }[] {
  const raw = Deno.readTextFileSync(FIXTURES + "ref/heap/raw/stdout.txt").split("\n");
  return raw[raw.indexOf("Samples:") + 1].trim().split(/\s+/).map((t) => {
    const [type, unit] = t.split("/");
    return { type, unit };
  });
}

/** The inuse_space total `go tool pprof -top` prints for heap.pb.gz, e.g. "69365.48kB". */
export function goInuseTotal(): string {
  const top = Deno.readTextFileSync(FIXTURES + "ref/heap/top/stdout.txt");
  return /% of (\S+) total/.exec(top)![1];
}

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: { text: string }[] };

async function check(client: Client, stderr: () => string, launch: Launch): Promise<void> {
  const tools = ((await client.listTools()).tools as { name: string }[]).map((t) => t.name);
  assert.deepEqual(tools, createRegistry().tools.map((t) => t.name).sort(), launch.name);

  const meta = await client.callTool({ name: "pprof.meta", arguments: { profile: "heap.pb.gz" } }) as Result;
  assert.equal(meta.isError, false, `${launch.name}: ${meta.content[0]?.text}`);
  const result = (meta.structuredContent as { result: Record<string, unknown> }).result;
  const types = result.sample_types as { type: string; unit: string }[];
  assert.deepEqual(types.map(({ type, unit }) => ({ type, unit })), goSampleTypes(), launch.name);
  const totals = result.totals as { type: string; total: number }[];
  const inuse = totals.find((t) => t.type === "inuse_space")!.total;
  assert.equal(`${(inuse / 1024).toFixed(2)}kB`, goInuseTotal(), launch.name);

  const outside = await client.callTool({
    name: "pprof.meta",
    arguments: { profile: FIXTURES + "profiles/heap.pb.gz" },
  }) as Result;
  assert.equal(outside.isError, true, launch.name);
  const error = (outside.structuredContent as { error: { code: string; message: string } }).error;
  assert.equal(error.code, "INVALID_ARGUMENT", launch.name);
  assert.match(error.message, /is outside base dir/, launch.name);

  assert.match(stderr(), launch.stderr, launch.name);
}

/** Starts every launch at once (each server once), then checks each; stops them all. */
export async function checkLaunches(t: Deno.TestContext, launches: Launch[]): Promise<void> {
  const started = await Promise.allSettled(launches.map((l) => startLoggedServer(l.opts)));
  try {
    for (const [i, launch] of launches.entries()) {
      await t.step(launch.name, async () => {
        const s = started[i];
        if (s.status === "rejected") throw new Error(`${launch.name} did not start: ${s.reason}`);
        await check(s.value.client, s.value.stderr, launch);
      });
    }
  } finally {
    for (const s of started) if (s.status === "fulfilled") await s.value.client.close();
  }
}
