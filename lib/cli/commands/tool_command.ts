/**
 * A CLI subcommand made from a registered tool: its flags come from the
 * tool's input schema, and it runs through the registry, so validation, the
 * sandbox and the result are the same as over MCP. Prints the tool's text by
 * default and its structured result with `--json`.
 *
 * The registry (every tool, zod, the schemas) loads only when a tool command
 * runs or shows its help: `toolCommand` itself needs nothing but the command's
 * name and summary, so `pprof-mcp --help` and the report commands start
 * without it. A command without a `summary` shows the tool's title from
 * `tool_titles.ts` (tests/cli_lazy_test.ts checks that table against the
 * registry).
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import type { ToolDef, ToolRegistry, ToolResult } from "../../tools/registry.ts";
import type { JsonSchema } from "../../tools/schema.ts";
import { type CliCommand, jsonText } from "../command.ts";
import type { FlagSpec, FlagSpecs, FlagValues } from "../flags.ts";
import { type CliIO, EXIT } from "../io.ts";
import { toolTitles } from "./tool_titles.ts";

/** How a tool appears on the command line. */
export interface ToolCommandOptions {
  /** Words that select the command, e.g. "datadog profiles list". */
  name: string;
  /** The canonical tool name. */
  tool: string;
  /** Help line; default: the tool's title. */
  summary?: string;
  /** Argument names filled, in order, from positional arguments (e.g. ["profile"]). */
  positionals?: string[];
  /** Extra flag names for arguments: `{ out: "out_dir" }` makes `--out DIR` set `out_dir`. */
  aliases?: Record<string, string>;
  /** The exit code of a successful result (default 0), e.g. 1 for a failed check. */
  exitCode?(structured: Record<string, unknown>): number;
  /** Usage line; default: the command, its positionals and the tool's required arguments. */
  usage?: string;
  /**
   * Checks of the flag values before the tool is called (a `UserError` is exit 2), e.g. an output file the command
   * line must name although the tool has a default for MCP clients.
   */
  check?(v: FlagValues): void;
}

let shared: Promise<ToolRegistry> | undefined;
function registry(): Promise<ToolRegistry> {
  return (shared ??= import("../../tools/index.ts").then((m) => m.createRegistry()));
}

function flagOf(name: string, s: JsonSchema): FlagSpec | undefined {
  const help = (s.description as string | undefined) ?? name;
  const branches = (s.anyOf as JsonSchema[] | undefined) ?? [s];
  const types = branches.map((b) => b.type);
  if (types.includes("array")) return { type: "string", multiple: true, arg: "VALUE", help: `${help} (repeatable)` };
  const t = types[0];
  if (t === "boolean") return { type: "boolean", help };
  if (t === "integer") return { type: "integer", help };
  if (t === "number") return { type: "number", arg: "X", help };
  if (t === "string") {
    const choices = Array.isArray(s.enum) ? (s.enum as string[]).join("|") : "VALUE";
    return { type: "string", arg: choices, help };
  }
  return undefined; // objects: only through `pprof-mcp call`
}

/** The tool's arguments from parsed flags and positionals. */
function argsOf(o: ToolCommandOptions, props: Record<string, JsonSchema>, v: FlagValues, positionals: string[]) {
  const args: Record<string, unknown> = {};
  for (const key of Object.keys(props)) if (v[key] !== undefined) args[key] = v[key];
  for (const [alias, key] of Object.entries(o.aliases ?? {})) if (v[alias] !== undefined) args[key] = v[alias];
  const names = o.positionals ?? [];
  if (positionals.length > names.length && !(names.length > 0 && isList(props[names.at(-1)!]))) {
    throw new UserError(
      `${o.name}: unexpected argument "${positionals[names.length]}" (run \`pprof-mcp ${o.name} --help\`)`,
    );
  }
  names.forEach((key, i) => {
    if (i >= positionals.length) return;
    const last = i === names.length - 1;
    args[key] = last && isList(props[key]) ? positionals.slice(i) : positionals[i];
  });
  return args;
}

function isList(s: JsonSchema | undefined): boolean {
  return !!s && (s.type === "array" || ((s.anyOf as JsonSchema[] | undefined) ?? []).some((b) => b.type === "array"));
}

/**
 * A CLI command that calls a tool of the registry. Its flags, usage and
 * description come from the registry when the command runs (`load`).
 */
export function toolCommand(o: ToolCommandOptions): CliCommand {
  let loaded: Promise<CliCommand> | undefined;
  const load = () => (loaded ??= registry().then((r) => fullToolCommand(o, r)));
  return {
    name: o.name,
    summary: o.summary ?? toolTitles[o.tool] ?? o.tool,
    usage: o.usage ?? `${o.name} [flags]`,
    flags: {},
    load,
    async run(v, positionals, io) {
      return await (await load()).run(v, positionals, io);
    },
  };
}

function fullToolCommand(o: ToolCommandOptions, registry: ToolRegistry): CliCommand {
  const def: ToolDef | undefined = registry.tools.find((t) => t.name === o.tool);
  if (!def) throw new Error(`toolCommand: no tool ${o.tool}`);
  const schema = registry.schemas(def).input;
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const flags: FlagSpecs = {};
  for (const [key, s] of Object.entries(props)) {
    const f = flagOf(key, s);
    if (f) flags[key] = f;
  }
  for (const [alias, key] of Object.entries(o.aliases ?? {})) {
    if (flags[key]) flags[alias] = { ...flags[key], help: `Same as --${key}` };
  }
  flags.json = { type: "boolean", help: "Print the structured result as JSON instead of text" };
  const required = new Set((schema.required ?? []) as string[]);
  const pos = (o.positionals ?? []).map((p) => (isList(props[p]) ? `${p.toUpperCase()}...` : p.toUpperCase()));
  const req = [...required].filter((k) => !(o.positionals ?? []).includes(k)).map((k) => `--${k} ${k.toUpperCase()}`);
  return {
    name: o.name,
    summary: o.summary ?? def.title,
    usage: o.usage ?? [o.name, ...pos, ...req, "[flags]"].join(" "),
    description: `The MCP tool ${def.name}: ${def.description}`,
    flags,
    async run(v, positionals, io) {
      o.check?.(v);
      const result = await callTool(def.name, argsOf(o, props, v, positionals), io);
      await printResult(result, !!v.json, io);
      if (result.isError) return EXIT.ERROR;
      return o.exitCode?.(result.structuredContent) ?? EXIT.OK;
    },
  };
}

/** Calls a tool as the CLI does: this process's sandbox, progress on a terminal's stderr, Ctrl-C cancels. */
export async function callTool(name: string, args: unknown, io: CliIO): Promise<ToolResult> {
  const [r, { HandleRegistry }, { Sandbox }] = await Promise.all([
    registry(),
    import("../../tools/handles.ts"),
    import("../../tools/sandbox.ts"),
  ]);
  const handles = new HandleRegistry();
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onInterrupt);
    listening = true;
  } catch {
    // not available (e.g. no permission or platform): Ctrl-C ends the process as usual
  }
  // Progress is one line rewritten in place, on a terminal only: a pipe or a log gets the result alone.
  const terminal = io.errIsTerminal?.() ?? false;
  let shown = false;
  try {
    return await r.call(name, args, "default", {
      signal: controller.signal,
      progress: async (done, total, message) => {
        if (!terminal) return;
        shown = true;
        await io.err(`\r${message ?? ""} (${done}/${total ?? "?"})\x1b[K`);
      },
      sandbox: Sandbox.fromEnv(handles),
      handles,
    });
  } finally {
    if (shown) await io.err("\r\x1b[K");
    if (listening) Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

async function printResult(result: ToolResult, json: boolean, io: CliIO): Promise<void> {
  const { contentText } = await import("../../tools/registry.ts");
  if (json) await io.out(jsonText(result.structuredContent));
  else if (!result.isError) await io.out(contentText(result) + "\n");
  if (result.isError) await io.err(`pprof-mcp: ${result.content[0].text.split("\n")[0]}\n`);
}
