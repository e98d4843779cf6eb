/**
 * Where `PPROF_MCP_BASEDIR` points. Kept apart from the sandbox so that the MCP
 * launcher can resolve it without loading the tools.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { goClean } from "../util/gopath.ts";

/** The base dir a `PPROF_MCP_BASEDIR` value names: absolute and cleaned, or undefined when unset or blank. */
export function resolveBaseDir(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim() ?? "";
  return trimmed === "" ? undefined : goClean(isAbsolute(trimmed) ? trimmed : join(Deno.cwd(), trimmed));
}
