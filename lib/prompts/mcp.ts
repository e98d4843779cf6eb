/**
 * The workflow guides on an MCP server: the `prompts` capability and the `prompts/list` and `prompts/get`
 * handlers, in one call so the server module only has to make it.
 *
 * @module
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  type GetPromptRequest,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import type { NameMode, ToolRegistry } from "../tools/registry.ts";
import { listPrompts, PromptArgumentError, PROMPTS, renderPrompt } from "./prompts.ts";

/** Declares the prompts capability and answers prompts/list and prompts/get (call before connecting). */
export function registerPrompts(server: Server, registry: ToolRegistry, mode: NameMode): void {
  server.registerCapabilities({ prompts: {} });
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: listPrompts(registry, mode) }));
  server.setRequestHandler(GetPromptRequestSchema, (req: GetPromptRequest) => {
    const def = PROMPTS.find((p) => p.name === req.params.name);
    if (!def) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `unknown prompt "${req.params.name}"; prompts/list gives ${PROMPTS.map((p) => p.name).join(", ")}`,
      );
    }
    try {
      return renderPrompt(def, req.params.arguments ?? {}, registry, mode);
    } catch (e) {
      if (e instanceof PromptArgumentError) {
        throw new McpError(ErrorCode.InvalidParams, `prompt ${def.name}: ${e.message}`);
      }
      throw e;
    }
  });
}
