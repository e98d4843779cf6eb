/**
 * The MCP server: speaks JSON-RPC over stdio and exposes the tools of the
 * registry.
 *
 * @module
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { VERSION } from "./lib/version.ts";

/** Instructions the server gives MCP clients. */
export const INSTRUCTIONS =
  "pprof-mcp downloads profiles from Datadog Continuous Profiler and analyses pprof profiles deterministically " +
  "(top, peek, list, traces, tags, diffs, merges and higher-level analyses).";

/** Creates the MCP server with every registered tool. */
export function createServer(): McpServer {
  return new McpServer({ name: "pprof-mcp", title: "pprof MCP", version: VERSION }, { instructions: INSTRUCTIONS });
}

/** Serves MCP over stdin/stdout until the client disconnects. */
export async function serveStdio(_args: string[]): Promise<void> {
  const server = createServer();
  await server.connect(new StdioServerTransport());
  console.error("pprof-mcp: serving MCP over stdio");
}
