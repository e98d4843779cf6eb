/**
 * The MCP server: JSON-RPC over stdio, listing and calling the tools of the
 * registry, with progress notifications and cancellation.
 *
 * @module
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import process from "node:process";
import { HandleRegistry } from "../tools/handles.ts";
import { createRegistry } from "../tools/index.ts";
import type { NameMode, ToolRegistry } from "../tools/registry.ts";
import { Sandbox } from "../tools/sandbox.ts";
import { VERSION } from "../version.ts";

/** Instructions the server gives MCP clients. */
export const INSTRUCTIONS =
  "pprof-mcp analyses pprof profiles (Go, Datadog, Node.js…) deterministically: start with pprof.meta or pprof.top, " +
  "then pprof.peek / pprof.list / pprof.focus_paths on the hot functions, pprof.tags for per-tenant or per-endpoint " +
  "views, and pprof.diff_top or pprof.regression_check to compare profiles. Profiles are paths or handles.";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Creates the MCP server for a registry, naming mode and sandbox. */
export function createServer(registry: ToolRegistry, mode: NameMode, sandbox: Sandbox): Server {
  const server = new Server(
    { name: "pprof-mcp", title: "pprof MCP", version: VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: registry.list(mode) }));
  server.setRequestHandler(CallToolRequestSchema, async (req: CallToolRequest, extra: Extra) => {
    const token = req.params._meta?.progressToken;
    const progress = async (done: number, total?: number, message?: string) => {
      if (token === undefined) return;
      await extra.sendNotification({
        method: "notifications/progress",
        params: {
          progressToken: token,
          progress: done,
          ...(total !== undefined ? { total } : {}),
          ...(message ? { message } : {}),
        },
      });
    };
    return await registry.call(req.params.name, req.params.arguments, mode, {
      signal: extra.signal,
      progress,
      sandbox,
      handles: sandbox.handles,
    });
  });
  return server;
}

/** Serves MCP over stdin/stdout in this thread; resolves when the client disconnects. */
export async function serveStdio(opts: { mode: NameMode; confinement: string }): Promise<void> {
  const handles = new HandleRegistry();
  const server = createServer(createRegistry(), opts.mode, Sandbox.fromEnv(handles));
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  // The SDK's stdio transport does not notice the client closing stdin.
  process.stdin.once("end", () => void server.close());
  await server.connect(new StdioServerTransport());
  console.error(`pprof-mcp ${VERSION}: serving MCP over stdio; ${opts.confinement}`);
  await closed;
}
