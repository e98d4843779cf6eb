/**
 * Every tool pprof-mcp offers, in one registry.
 *
 * @module
 */
import { diffTopTool } from "./pprof/diff_top.ts";
import { listTool } from "./pprof/list.ts";
import { mergeTool } from "./pprof/merge_tool.ts";
import { metaTool } from "./pprof/meta_tool.ts";
import { peekTool } from "./pprof/peek.ts";
import { regressionCheckTool } from "./pprof/regression_check.ts";
import { tagsTool } from "./pprof/tags.ts";
import { topTool } from "./pprof/top.ts";
import { focusPathsTool, tracesHeadTool } from "./pprof/traces.ts";
import { type ToolDef, ToolRegistry } from "./registry.ts";

/** A registry holding every tool. */
export function createRegistry(): ToolRegistry {
  const r = new ToolRegistry();
  const tools = [
    topTool,
    peekTool,
    listTool,
    tracesHeadTool,
    tagsTool,
    metaTool,
    mergeTool,
    focusPathsTool,
    diffTopTool,
    regressionCheckTool,
  ] as unknown as ToolDef[];
  for (const t of tools) r.add(t);
  return r;
}
