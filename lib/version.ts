/** The pprof-mcp version, reported by `--version` and the MCP server identity. */
export const VERSION = "0.1.0";
