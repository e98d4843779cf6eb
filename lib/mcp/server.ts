/**
 * The MCP server: JSON-RPC over stdio, listing and calling the tools of the
 * registry, with progress notifications and cancellation.
 *
 * @module
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { registerPrompts } from "../prompts/mcp.ts";
import { HandleRegistry } from "../tools/handles.ts";
import { createRegistry } from "../tools/index.ts";
import type { NameMode, ToolRegistry } from "../tools/registry.ts";
import { Sandbox } from "../tools/sandbox.ts";
import { VERSION } from "../version.ts";
import { checkParams } from "./params.ts";
import { StdioTransport } from "./stdio.ts";

/** The instructions, with canonical tool names (the client gets them under its naming mode's names). */
const INSTRUCTIONS =
  "pprof-mcp analyses pprof profiles (Go, Datadog, Node.js…) deterministically: start with pprof.meta or pprof.top, " +
  "then pprof.peek / pprof.list / pprof.focus_paths on the hot functions, pprof.tags for per-tenant or per-endpoint " +
  "views, and pprof.diff_top or pprof.regression_check to compare profiles. Profiles are paths or handles. For a " +
  "service in Datadog (with DD_API_KEY and DD_APP_KEY): datadog.services.search finds its name, " +
  "profiles.download_latest_bundle or datadog.profiles.aggregate fetch profiles as handles, " +
  "datadog.profiles.compare_range compares before and after a change.";

/** The instructions the server gives clients: tool names as `mode` exposes them, and the base dir if there is one. */
export function instructions(registry: ToolRegistry, mode: NameMode, base?: string): string {
  const text = registry.exposeText(INSTRUCTIONS, mode);
  return base ? `${text} Files must be inside ${base}; relative paths are relative to it.` : text;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Creates the MCP server for a registry, naming mode and sandbox. */
export function createServer(registry: ToolRegistry, mode: NameMode, sandbox: Sandbox): Server {
  const server = new Server(
    { name: "pprof-mcp", title: "pprof MCP", version: VERSION },
    { capabilities: { tools: {} }, instructions: instructions(registry, mode, sandbox.base) },
  );
  registerPrompts(server, registry, mode);
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

/** Serves MCP over stdin/stdout in this thread; resolves when the client disconnects and every answer is out. */
export async function serveStdio(opts: { mode: NameMode; confinement: string }): Promise<void> {
  const handles = new HandleRegistry();
  const sandbox = Sandbox.fromEnv(handles);
  const server = createServer(createRegistry(), opts.mode, sandbox);
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  const transport = new StdioTransport({ check: checkParams });
  await server.connect(transport);
  console.error(`pprof-mcp ${VERSION}: serving MCP over stdio; ${opts.confinement}`);
  await closed;
  await transport.flushed();
}
