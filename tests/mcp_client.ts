/**
 * Starts `pprof-mcp mcp` the way an MCP client config runs it (`deno run` with
 * the binary's permission flags) and connects the SDK's own Client to it.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BINARY_PERMISSIONS } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

/**
 * A connected client; `close()` stops the server. `permissions` replaces the
 * binary's flags, `program` runs another entry (e.g. the bundle), `cwd` is the
 * server's working directory.
 */
export async function startServer(
  opts: { env?: Record<string, string>; args?: string[]; permissions?: string[]; program?: string; cwd?: string } = {},
): Promise<Client> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "TZ", "NO_COLOR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...(opts.permissions ?? BINARY_PERMISSIONS), opts.program ?? main, "mcp", ...(opts.args ?? [])],
    env: { ...env, ...opts.env },
    stderr: "pipe",
    cwd: opts.cwd,
  });
  const client = new Client({ name: "pprof-mcp-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}
