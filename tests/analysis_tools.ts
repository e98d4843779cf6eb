/**
 * Calling the analysis tools in tests: through a registry, as the MCP server
 * and the CLI do, and the paths of the analysis fixtures.
 */
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import type { NameMode, ToolRegistry } from "../lib/tools/registry.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES } from "./golden.ts";

/** The analysis profiles. */
export const A = FIXTURES + "profiles_analysis/";
/** The shared profiles. */
export const P = FIXTURES + "profiles/";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** Calls a tool and returns its structured content, text and error flag. */
export async function callTool(
  name: string,
  args: Record<string, unknown>,
  o: { mode?: NameMode; registry?: ToolRegistry; sandbox?: Sandbox; handles?: HandleRegistry } = {},
) {
  const handles = o.handles ?? new HandleRegistry();
  const r = await (o.registry ?? createRegistry()).call(name, args, o.mode ?? "default", {
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    sandbox: o.sandbox ?? new Sandbox(undefined, handles),
    handles,
  });
  return { out: r.structuredContent as Json, text: r.content[0].text, isError: r.isError };
}
