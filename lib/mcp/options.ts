/**
 * The command line of `pprof-mcp mcp`: its flags, the environment variables
 * it reads, and its help. Bad values are errors, not silently the default.
 *
 * @module
 */
import { flagHelp, parseFlags } from "../cli/flags.ts";
import { UserError } from "../errors.ts";
import type { NameMode } from "../tools/registry.ts";
import { VERSION } from "../version.ts";

const FLAGS = {
  "tool-name-mode": {
    type: "string",
    arg: "MODE",
    help: "default: dotted tool names (pprof.top); codex: pprof_top (for Codex)",
  },
  help: { type: "boolean", short: "h", help: "print this help (also -h)" },
} as const;

/** `pprof-mcp mcp --help`. */
export function mcpHelp(): string {
  return `pprof-mcp ${VERSION} mcp: serves the pprof tools (\`pprof-mcp tools\` lists them) to an MCP client over
stdio: JSON-RPC, one message a line on stdin and stdout; log lines go to stderr. It speaks MCP 2025-era
sessions (initialize, protocol versions up to 2025-11-25) and 2026-07-28 requests (no initialize; server/discover);
the profiles it downloads or makes are listed as resources (resources/list).

Usage: pprof-mcp mcp [--tool-name-mode=default|codex]

Flags:
${flagHelp(FLAGS)}

Environment:
  PPROF_MCP_BASEDIR         confine every file the tools read or write to this directory (symlinks
                            resolved); relative paths in tool arguments are relative to it
  PPROF_MCP_TOOL_NAME_MODE  default or codex, as --tool-name-mode (the flag wins)
  DD_API_KEY, DD_APP_KEY    Datadog keys, for the datadog.* and profiles.* tools
  DD_SITE                   Datadog site (default us3.datadoghq.com)
  PPROF_MCP_DD_BASE_URL     send every Datadog call to this URL instead (a test double, a proxy)
  PPROF_MCP_DD_MAX_RETRIES, PPROF_MCP_DD_RPS, PPROF_MCP_DD_BURST, PPROF_MCP_DD_*_TIMEOUT, PPROF_MCP_DD_BACKOFF
                            retries, rate limit and timeouts of Datadog calls (see the README)
  PPROF_MCP_LOCAL_CONFIG    JSON settings of d2.profiles.download and pprof.branch_impact (namespace,
                            label, port, token, Tilt resources); PPROF_MCP_K8S_* override them (README)
  PPROF_MCP_MAX_DOWNLOAD_BYTES  cap on a profile fetched from a server (default 256MiB)

Run with Deno, \`deno run --allow-read=DIR --allow-write=DIR --allow-env --allow-net main.ts mcp\`
also has Deno itself confine the server to DIR. d2.profiles.download and pprof.branch_impact run kubectl,
git and tilt: add --allow-run=kubectl,git,tilt.

Example client config (Claude Desktop's claude_desktop_config.json):
  {"mcpServers": {"pprof": {"command": "pprof-mcp", "args": ["mcp"], "env": {"PPROF_MCP_BASEDIR": "/Users/me/profiles"}}}}
Claude Code:
  claude mcp add pprof -e PPROF_MCP_BASEDIR=$HOME/profiles -- pprof-mcp mcp
  (add -e DD_API_KEY=… -e DD_APP_KEY=… for the Datadog tools)
`;
}

/** What `pprof-mcp mcp` was asked to do. */
export type McpOptions = { help: true } | { help: false; mode: NameMode };

function mode(value: string, where: string): NameMode {
  const v = value.trim().toLowerCase();
  if (v === "default" || v === "codex") return v;
  throw new UserError(`${where} must be default or codex, not "${value}"`);
}

/**
 * Parses the arguments after `mcp` and the naming mode's environment
 * variable (used when the flag is absent; a bad value is an error either way).
 *
 * @throws {UserError} for unknown flags, arguments, and naming modes other than default and codex
 */
export function parseMcpArgs(args: string[], env: { toolNameMode?: string }): McpOptions {
  const { values, positionals } = parseFlags("mcp", args, FLAGS);
  if (values.help) return { help: true };
  if (positionals.length > 0) {
    throw new UserError(`mcp: unexpected argument "${positionals[0]}" (run \`pprof-mcp mcp --help\`)`);
  }
  const fromEnv = (env.toolNameMode ?? "").trim() === ""
    ? undefined
    : mode(env.toolNameMode!, "PPROF_MCP_TOOL_NAME_MODE");
  const flag = values["tool-name-mode"];
  if (typeof flag === "string") return { help: false, mode: mode(flag, "mcp: --tool-name-mode") };
  return { help: false, mode: fromEnv ?? "default" };
}
