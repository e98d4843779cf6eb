/**
 * MCP latency as a client sees it: spawning `pprof-mcp mcp` (with the binary's
 * permission flags) until the answer to `initialize`, unconfined and confined
 * to a base dir, and `pprof.top` calls on fixtures.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BINARY_PERMISSIONS } from "../tests/permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;
const fixtures = new URL("../fixtures/", import.meta.url).pathname;

async function connect(env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", ...BINARY_PERMISSIONS, main, "mcp"],
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", ...env },
      stderr: "pipe",
    }),
  );
  return client;
}

Deno.bench({ name: "spawn server → initialize answered", group: "mcp", n: 10, warmup: 2 }, async () => {
  await (await connect()).close();
});
Deno.bench({ name: "same, confined to PPROF_MCP_BASEDIR (worker)", group: "mcp", n: 10, warmup: 2 }, async () => {
  await (await connect({ PPROF_MCP_BASEDIR: fixtures })).close();
});

const client = await connect();
Deno.bench({ name: "pprof.top on fixtures/profiles/cpu.pb.gz", group: "mcp", n: 20, warmup: 2 }, async () => {
  await client.callTool({ name: "pprof.top", arguments: { profile: fixtures + "profiles/cpu.pb.gz" } });
});
Deno.bench({ name: "pprof.top on bigcpu (149k samples)", group: "mcp", n: 5, warmup: 1 }, async () => {
  await client.callTool({ name: "pprof.top", arguments: { profile: fixtures + "big/bigcpu.pb.gz", nodecount: 20 } });
});
globalThis.addEventListener("unload", () => void client.close());
