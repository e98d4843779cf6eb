/**
 * The MCP server over stdio, spawned the way an MCP client config runs it and
 * driven by the SDK's own Client.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BINARY_PERMISSIONS } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

Deno.test("mcp: the server initializes over stdio and identifies itself", async () => {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...BINARY_PERMISSIONS, main, "mcp"],
    stderr: "pipe",
  });
  const client = new Client({ name: "pprof-mcp-test", version: "1.0.0" });
  await client.connect(transport);
  try {
    const info = client.getServerVersion();
    assert.equal(info?.name, "pprof-mcp");
    assert.equal(info?.title, "pprof MCP");
    assert.match(client.getInstructions() ?? "", /pprof/);
  } finally {
    await client.close();
  }
});
