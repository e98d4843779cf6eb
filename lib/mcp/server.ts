/**
 * The MCP server: JSON-RPC over stdio, listing and calling the tools of the
 * registry, with progress notifications and cancellation, and the profiles
 * it holds (its handles) as resources.
 *
 * @module
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type ReadResourceRequest,
  ReadResourceRequestSchema,
  type ServerCapabilities,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { registerPrompts } from "../prompts/mcp.ts";
import { HandleRegistry } from "../tools/handles.ts";
import { createRegistry } from "../tools/index.ts";
import type { NameMode, ToolRegistry } from "../tools/registry.ts";
import { Sandbox } from "../tools/sandbox.ts";
import { VERSION } from "../version.ts";
import { EraTransport, META, type ServerDescription } from "./era.ts";
import { checkParams } from "./params.ts";
import { listProfiles, METADATA_MIME, profileMetadata, UnknownResourceError } from "./resources.ts";
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

/** -32002, resources/read's "not found" until 2025-11-25 (later revisions use -32602). */
const RESOURCE_NOT_FOUND = -32002;

/** Who the server is, in `initialize` and `server/discover` answers and (2026 era) every result's `_meta`. */
export const SERVER_INFO = { name: "pprof-mcp", title: "pprof MCP", version: VERSION };

/** What the server offers, to both eras: `initialize` and `server/discover` tell the same. */
export const CAPABILITIES: ServerCapabilities = { tools: {}, resources: { listChanged: true }, prompts: {} };

/** What `server/discover` answers for a registry, naming mode and sandbox. */
export function describeServer(registry: ToolRegistry, mode: NameMode, sandbox: Sandbox): ServerDescription {
  return {
    serverInfo: SERVER_INFO,
    capabilities: CAPABILITIES,
    instructions: instructions(registry, mode, sandbox.base),
  };
}

/** Creates the MCP server for a registry, naming mode and sandbox. */
export function createServer(registry: ToolRegistry, mode: NameMode, sandbox: Sandbox): Server {
  const { capabilities, instructions } = describeServer(registry, mode, sandbox);
  const server = new Server(SERVER_INFO, { capabilities, instructions });
  registerPrompts(server, registry, mode);
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: registry.list(mode) }));
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: listProfiles(sandbox.handles, sandbox) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [] }));
  server.setRequestHandler(ReadResourceRequestSchema, (req: ReadResourceRequest) => {
    const uri = req.params.uri;
    try {
      const meta = profileMetadata(sandbox.handles, sandbox, uri);
      return { contents: [{ uri, mimeType: METADATA_MIME, text: JSON.stringify(meta, null, 2) }] };
    } catch (e) {
      if (!(e instanceof UnknownResourceError)) throw e;
      const modern = req.params._meta?.[META.protocolVersion] !== undefined;
      throw new McpError(modern ? ErrorCode.InvalidParams : RESOURCE_NOT_FOUND, e.message, { uri });
    }
  });
  // A 2025-era client hears of new profiles once its session is initialized (2026-era clients through
  // subscriptions/listen, see era.ts).
  let initialized = false;
  server.oninitialized = () => (initialized = true);
  sandbox.handles.onRegister(() => {
    if (initialized) void server.sendResourceListChanged().catch(() => {});
  });
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
      handles: sandbox.handles.forTool(registry.find(req.params.name, mode)?.name ?? req.params.name),
    });
  });
  return server;
}

/** Serves MCP over stdin/stdout in this thread; resolves when the client disconnects and every answer is out. */
export async function serveStdio(opts: { mode: NameMode; confinement: string }): Promise<void> {
  const handles = new HandleRegistry();
  const sandbox = Sandbox.fromEnv(handles);
  const registry = createRegistry();
  const server = createServer(registry, opts.mode, sandbox);
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  const stdio = new StdioTransport({ check: checkParams });
  const transport = new EraTransport(stdio, describeServer(registry, opts.mode, sandbox));
  handles.onRegister(() => void transport.resourcesChanged().catch(() => {}));
  await server.connect(transport);
  console.error(`pprof-mcp ${VERSION}: serving MCP over stdio; ${opts.confinement}`);
  await closed;
  await stdio.flushed();
}
