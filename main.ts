/**
 * pprof-mcp's single entry point: `pprof-mcp mcp` serves MCP over stdio;
 * anything else is the command-line interface. The same module is the entry
 * of the confined MCP worker.
 *
 * @module
 */

const isWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";

if (isWorker) {
  const { workerMain } = await import("./mcp.ts");
  workerMain();
} else if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "mcp") {
    // Each mode loads only its own modules (the CLI does not pay for the MCP SDK).
    const { runMcp } = await import("./mcp.ts");
    let code: number;
    try {
      code = await runMcp(args.slice(1), import.meta.url);
    } catch (e) {
      console.error(`pprof-mcp: the MCP server stopped: ${e instanceof Error ? e.message : e}`);
      Deno.exit(1);
    }
    Deno.exit(code);
  } else {
    const [{ runCli }, { processIO }] = await Promise.all([import("./cli.ts"), import("./lib/cli/io.ts")]);
    Deno.exit(await runCli(args, processIO));
  }
}
