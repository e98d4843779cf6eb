/**
 * pprof-mcp's single entry point: `pprof-mcp mcp` serves MCP over stdio;
 * anything else is the command-line interface.
 *
 * @module
 */
import { runCli } from "./cli.ts";
import { processIO } from "./lib/cli/io.ts";

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "mcp") {
    // Loaded on demand so that CLI runs do not pay for the MCP SDK.
    const { serveStdio } = await import("./mcp.ts");
    await serveStdio(args.slice(1));
  } else {
    Deno.exit(await runCli(args, processIO));
  }
}
