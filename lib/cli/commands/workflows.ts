/**
 * The workflow commands: `pprof-mcp discover` (pprof.discover, and with `--report` its Markdown report),
 * `pprof-mcp generate-report` (pprof.generate_report over saved `--json` results), and the bundle views
 * `hotspot-summary` and `cross-correlate`. All of them call the registry's tools.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { contentText, type ToolResult } from "../../tools/result.ts";
import { type CliCommand, jsonText } from "../command.ts";
import type { FlagSpecs } from "../flags.ts";
import { type CliIO, EXIT } from "../io.ts";
import { callTool, toolCommand } from "./tool_command.ts";

async function failed(r: ToolResult, json: boolean, io: CliIO): Promise<number> {
  if (json) await io.out(jsonText(r.structuredContent));
  await io.err(`pprof-mcp: ${r.content[0].text.split("\n")[0]}\n`);
  return EXIT.ERROR;
}

/** Writes the report of `inputs` to `path` and says so on stderr. */
async function writeReport(
  inputs: { kind: string; data: Record<string, unknown> }[],
  path: string,
  title: string | undefined,
  io: CliIO,
): Promise<ToolResult> {
  const r = await callTool("pprof.generate_report", { inputs, output_path: path, ...(title ? { title } : {}) }, io);
  if (!r.isError) {
    const s = r.structuredContent as { result: { output_path: string; sections: number } };
    await io.err(`report with ${s.result.sections} sections written to ${s.result.output_path}\n`);
  }
  return r;
}

const discoverFlags: FlagSpecs = {
  service: { type: "string", arg: "S", help: "Datadog service (required)" },
  env: { type: "string", arg: "E", help: "Datadog env (required)" },
  out: { type: "string", arg: "DIR", help: "Folder to download into (default: a new temporary folder)" },
  report: { type: "string", arg: "FILE", help: "Also write the Markdown report of the result to FILE" },
  title: { type: "string", arg: "T", help: "The report's title (default Profiling Report)" },
  hours: { type: "integer", help: "Look for the latest profile in the last N hours (default 72)" },
  profile_id: { type: "string", arg: "P", help: "This profile instead of the latest (with --event_id)" },
  event_id: { type: "string", arg: "E", help: "The event id of --profile_id" },
  dd_site: { type: "string", arg: "SITE", help: "Datadog site (default DD_SITE, else us3.datadoghq.com)" },
  repo_prefix: { type: "string", multiple: true, arg: "P", help: "Package prefix of your code (repeatable)" },
  container_rss_mb: { type: "integer", help: "The container's RSS in MB, for the memory sanity check" },
  json: { type: "boolean", help: "Print the structured result as JSON instead of text" },
};

/** `pprof-mcp discover`. */
export const discoverCommand: CliCommand = {
  name: "discover",
  summary: "Download a service's latest bundle, run every analysis, rank the findings (--report: Markdown).",
  usage: "discover --service S --env E [--out DIR] [--report report.md] [--json]",
  description: "The MCP tool pprof.discover, then (with --report) pprof.generate_report of its result. Needs " +
    "DD_API_KEY and DD_APP_KEY (or d2=true for the local-development cluster).",
  flags: discoverFlags,
  async run(v, positionals, io) {
    if (positionals.length > 0) throw new UserError(`discover: unexpected argument "${positionals[0]}"`);
    if (!v.service || !v.env) throw new UserError("discover requires --service and --env");
    const a: Record<string, unknown> = {};
    for (const k of ["service", "env", "hours", "profile_id", "event_id", "dd_site", "container_rss_mb"]) {
      if (v[k] !== undefined) a[k] = v[k];
    }
    if (v.out !== undefined) a.out_dir = v.out;
    if (Array.isArray(v.repo_prefix) && v.repo_prefix.length > 0) a.repo_prefix = v.repo_prefix;
    const r = await callTool("pprof.discover", a, io);
    if (r.isError) return await failed(r, !!v.json, io);
    await io.out(v.json ? jsonText(r.structuredContent) : contentText(r) + "\n");
    if (typeof v.report === "string" && v.report !== "") {
      const w = await writeReport([{ kind: "discover", data: r.structuredContent }], v.report, v.title as string, io);
      if (w.isError) return await failed(w, false, io);
    }
    return EXIT.OK;
  },
};

/** The kind of a saved result, from its `command` ("pprof discover", "go tool pprof -top …"). */
function kindOf(data: Record<string, unknown>, file: string): string {
  const c = typeof data.command === "string" ? data.command : "";
  if (/^go tool pprof -top\b/.test(c)) return "top";
  const m = /^pprof (\w+)/.exec(c);
  if (!m) throw new UserError(`${file}: not a pprof-mcp --json result (no "command" naming its tool)`);
  return m[1];
}

/** `pprof-mcp generate-report`. */
export const generateReportCommand: CliCommand = {
  name: "generate-report",
  summary: "A Markdown report from saved --json results of discover and the analyses.",
  usage: "generate-report RESULT.json... [--out report.md] [--title T]",
  description: "The MCP tool pprof.generate_report. Each file is the --json output of a pprof-mcp command " +
    "(discover, top, alloc-paths, memory-sanity, overhead, goroutines…); its kind comes from its command. " +
    "Prints the report, or writes it to --out.",
  flags: {
    out: { type: "string", arg: "FILE", help: "Write the report to FILE instead of printing it" },
    title: { type: "string", arg: "T", help: "The report's title (default Profiling Report)" },
  },
  async run(v, positionals, io) {
    if (positionals.length === 0) throw new UserError("generate-report: give at least one RESULT.json");
    const inputs = [];
    for (const file of positionals) {
      let data: unknown;
      try {
        data = JSON.parse(await Deno.readTextFile(file));
      } catch (e) {
        // JSON.parse quotes the text it choked on, newlines included: one line is what the user gets.
        const why = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, " ");
        throw new UserError(`${file}: cannot read a JSON result: ${why}`);
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new UserError(`${file}: not a JSON object`);
      }
      const d = data as Record<string, unknown>;
      inputs.push({ kind: kindOf(d, file), data: d });
    }
    if (typeof v.out === "string" && v.out !== "") {
      const w = await writeReport(inputs, v.out, v.title as string, io);
      return w.isError ? await failed(w, false, io) : EXIT.OK;
    }
    const r = await callTool("pprof.generate_report", {
      inputs,
      max_lines: 0,
      max_bytes: 0,
      ...(v.title ? { title: v.title } : {}),
    }, io);
    if (r.isError) return await failed(r, false, io);
    await io.out((r.structuredContent as { result: { markdown: string } }).result.markdown);
    return EXIT.OK;
  },
};

/** The workflow commands. */
export const workflowCommands: CliCommand[] = [
  discoverCommand,
  generateReportCommand,
  toolCommand({
    name: "hotspot-summary",
    tool: "pprof.hotspot_summary",
    summary: "The top functions of a bundle's CPU, heap and mutex/block profiles, and its goroutine count.",
    positionals: ["bundle"],
  }),
  toolCommand({
    name: "cross-correlate",
    tool: "pprof.cross_correlate",
    summary: "Functions hot in several profiles of a bundle (CPU, allocations, contention).",
    positionals: ["bundle"],
  }),
];
