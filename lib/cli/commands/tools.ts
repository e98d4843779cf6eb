/**
 * `pprof-mcp tools` and `pprof-mcp call TOOL --args JSON`: every MCP tool from
 * the command line, through the same registry (validation, sandbox, results).
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { type CliCommand, jsonText } from "../command.ts";
import { EXIT } from "../io.ts";

const modeFlag = {
  "tool-name-mode": { type: "string" as const, arg: "default|codex", help: "Dotted names, or underscores (codex)" },
};

/** `pprof-mcp tools`. */
export const toolsCommand: CliCommand = {
  name: "tools",
  summary: "List the MCP tools (name and title; --json for the full schemas).",
  usage: "tools [--json] [--tool-name-mode=codex]",
  flags: { ...modeFlag, json: { type: "boolean", help: "Print tools/list's JSON: names, schemas, annotations" } },
  async run(v, _p, io) {
    const [{ createRegistry }, { configuredNameMode }] = await Promise.all([
      import("../../tools/index.ts"),
      import("../../tools/registry.ts"),
    ]);
    const tools = createRegistry().list(configuredNameMode(v["tool-name-mode"] as string | undefined));
    if (v.json) await io.out(jsonText({ tools }));
    else {
      const width = Math.max(...tools.map((t) => t.name.length)) + 2;
      await io.out(tools.map((t) => t.name.padEnd(width) + t.title).join("\n") + "\n");
    }
    return EXIT.OK;
  },
};

/** `pprof-mcp call TOOL --args JSON`. */
export const callCommand: CliCommand = {
  name: "call",
  summary: "Call any MCP tool with JSON arguments; prints its structured result.",
  usage: 'call TOOL --args \'{"profile": "cpu.pb.gz"}\' [--text]',
  description: "Arguments are validated and paths confined to PPROF_MCP_BASEDIR exactly as for MCP clients.\n" +
    'Exit code 0 for a result (also "no matches"), 2 for a tool error.',
  flags: {
    ...modeFlag,
    args: { type: "string", arg: "JSON", help: "The tool's arguments as a JSON object (default {})" },
    text: { type: "boolean", help: "Print the text content instead of the structured result" },
  },
  async run(v, positionals, io) {
    if (positionals.length !== 1) throw new UserError("call: give exactly one TOOL (see `pprof-mcp tools`)");
    let args: unknown = {};
    if (v.args !== undefined) {
      try {
        args = JSON.parse(v.args as string);
      } catch (e) {
        throw new UserError(`call: --args is not valid JSON: ${(e as Error).message}`);
      }
    }
    const [{ createRegistry }, { configuredNameMode, contentText }, { HandleRegistry }, { Sandbox }] = await Promise
      .all([
        import("../../tools/index.ts"),
        import("../../tools/registry.ts"),
        import("../../tools/handles.ts"),
        import("../../tools/sandbox.ts"),
      ]);
    const handles = new HandleRegistry();
    const result = await createRegistry().call(
      positionals[0],
      args,
      configuredNameMode(v["tool-name-mode"] as string | undefined),
      {
        signal: new AbortController().signal,
        progress: async (done, total, message) => await io.err(`${message ?? ""} (${done}/${total ?? "?"})\n`),
        sandbox: Sandbox.fromEnv(handles),
        handles,
      },
    );
    await io.out(v.text ? contentText(result) + "\n" : jsonText(result.structuredContent));
    if (result.isError) await io.err(`pprof-mcp: ${result.content[0].text.split("\n")[0]}\n`);
    return result.isError ? EXIT.ERROR : EXIT.OK;
  },
};
