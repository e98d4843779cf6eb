/**
 * The Datadog commands: `pprof-mcp datadog profiles list|pick` (the original's table and pick line, or its JSON
 * with `--json`), `pprof-mcp download` (the original's JSON), and every other Datadog tool as a subcommand made
 * from the tool (`datadog profiles aggregate`, `datadog function_history`…). All of them call the registry's
 * tools, so validation, the sandbox and the results are those of MCP.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import type { ToolResult } from "../../tools/registry.ts";
import type { candidatesTable, pickLine } from "../../tools/datadog/list_pick.ts";
import { type CliCommand, jsonText } from "../command.ts";
import type { FlagSpecs, FlagValues } from "../flags.ts";
import { type CliIO, EXIT } from "../io.ts";
import { callTool, toolCommand } from "./tool_command.ts";

const listFlags: FlagSpecs = {
  service: { type: "string", arg: "S", help: "Datadog service (required)" },
  env: { type: "string", arg: "E", help: "Datadog env (required)" },
  from: { type: "string", arg: "T", help: "Window start: RFC 3339, now, or -30m, -3h, -7d, -2w" },
  to: { type: "string", arg: "T", help: "Window end (default now)" },
  hours: { type: "integer", help: "The last N hours (default 72), when from and to are absent" },
  limit: { type: "integer", help: "Profiles to list (default 50)" },
  site: { type: "string", arg: "SITE", help: "Datadog site (default DD_SITE, else us3.datadoghq.com)" },
  host: { type: "string", arg: "H", help: "Only hosts matching this (wildcards: *prod-usw2a*)" },
  json: { type: "boolean", help: "Print the JSON of the original profctl command" },
};

function args(v: FlagValues, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (v[k] !== undefined) out[k] = v[k];
  return out;
}

/** Prints a failed result as the other commands do (one line; with --json, the error JSON too); exit 2. */
async function failed(r: ToolResult, json: boolean, io: CliIO): Promise<number> {
  if (json) await io.out(jsonText(r.structuredContent));
  await io.err(`pprof-mcp: ${r.content[0].text.split("\n")[0]}\n`);
  return EXIT.ERROR;
}

async function warn(io: CliIO, warnings: string[]): Promise<void> {
  for (const w of warnings) await io.err(`warning: ${w}\n`);
}

type Structured = Record<string, unknown> & { command: string; result: Record<string, unknown> };

const listCommand: CliCommand = {
  name: "datadog profiles list",
  summary: "List a service's Datadog profiles (a table; --json for the original's JSON).",
  usage: "datadog profiles list --service S --env E [--from T] [--to T] [--hours 72] [--limit 50] [--json]",
  description: "The MCP tool datadog.profiles.list. Needs DD_API_KEY and DD_APP_KEY.",
  flags: listFlags,
  async run(v, positionals, io) {
    if (positionals.length > 0) throw new UserError(`datadog profiles list: unexpected argument "${positionals[0]}"`);
    const r = await callTool("datadog.profiles.list", args(v, Object.keys(listFlags).filter((k) => k !== "json")), io);
    if (r.isError) return await failed(r, !!v.json, io);
    const s = r.structuredContent as Structured;
    const candidates = s.result.candidates as Parameters<typeof candidatesTable>[0];
    if (v.json) await io.out(jsonText({ command: s.command, result: s.result, candidates }));
    else {
      const { candidatesTable } = await import("../../tools/datadog/list_pick.ts");
      await io.out(candidatesTable(candidates));
      await warn(io, s.result.warnings as string[]);
      if (typeof s.hint === "string") await io.err(`${s.hint}\n`);
    }
    return EXIT.OK;
  },
};

const pickFlags: FlagSpecs = {
  ...listFlags,
  strategy: {
    type: "string",
    arg: "latest|oldest|closest_to_ts|manual_index|most_samples|anomaly",
    help: "How to choose (default latest)",
  },
  target_ts: { type: "string", arg: "T", help: "For closest_to_ts: the time" },
  index: { type: "integer", default: -1, help: "Pick the candidate at this position (>= 0 overrides --strategy)" },
  json: { type: "boolean", help: "Print the JSON of the original profctl command" },
};

const pickCommand: CliCommand = {
  name: "datadog profiles pick",
  summary: "Pick one Datadog profile by a strategy (one line; --json for the original's JSON).",
  usage: "datadog profiles pick --service S --env E [--strategy latest] [--target_ts T] [--index N] [--json]",
  description: "The MCP tool datadog.profiles.pick. Needs DD_API_KEY and DD_APP_KEY.",
  flags: pickFlags,
  async run(v, positionals, io) {
    if (positionals.length > 0) throw new UserError(`datadog profiles pick: unexpected argument "${positionals[0]}"`);
    const a = args(v, Object.keys(pickFlags).filter((k) => k !== "json" && k !== "index"));
    if (typeof v.index === "number" && v.index >= 0) a.index = v.index;
    const r = await callTool("datadog.profiles.pick", a, io);
    if (r.isError) return await failed(r, !!v.json, io);
    const s = r.structuredContent as Parameters<typeof pickLine>[0];
    if (v.json) {
      const { command, result } = s;
      await io.out(jsonText({ command, result, profile: result.candidate, warnings: result.warnings }));
    } else {
      const { pickLine } = await import("../../tools/datadog/list_pick.ts");
      await io.out(pickLine(s));
      await warn(io, s.result.warnings);
    }
    return EXIT.OK;
  },
};

const downloadFlags: FlagSpecs = {
  service: { type: "string", arg: "S", help: "Datadog service (required)" },
  env: { type: "string", arg: "E", help: "Datadog env (required)" },
  out: { type: "string", arg: "DIR", help: "Folder to write the files into (required)" },
  hours: { type: "integer", help: "Look for the latest profile in the last N hours (default 72)" },
  profile_id: { type: "string", arg: "P", help: "This profile instead of the latest (with --event_id)" },
  event_id: { type: "string", arg: "E", help: "The event id of --profile_id" },
  dd_site: { type: "string", arg: "SITE", help: "Datadog site (default DD_SITE, else us3.datadoghq.com)" },
  host: { type: "string", arg: "H", help: "Only hosts matching this" },
  json: { type: "boolean", help: "Accepted: the output is always JSON" },
};

const downloadCommand: CliCommand = {
  name: "download",
  summary: "Download a Datadog profile bundle into a folder (prints the original's JSON).",
  usage: "download --service S --env E --out DIR [--profile_id P --event_id E] [--dd_site SITE] [--hours N]",
  description: "The MCP tool profiles.download (Datadog mode): the latest bundle in the window, or the given " +
    "profile, as <service>_<env>_cpu.pprof, … and _metrics.json. Needs DD_API_KEY and DD_APP_KEY.",
  flags: downloadFlags,
  async run(v, positionals, io) {
    if (positionals.length > 0) throw new UserError(`download: unexpected argument "${positionals[0]}"`);
    if (!v.service || !v.env || !v.out) throw new UserError("download requires --service, --env, and --out");
    const a = args(v, ["service", "env", "hours", "profile_id", "event_id", "dd_site", "host"]);
    a.out_dir = v.out;
    const r = await callTool("profiles.download", a, io);
    if (r.isError) return await failed(r, true, io);
    const s = r.structuredContent as Structured;
    await io.out(jsonText({ command: s.command, result: s.result }));
    await warn(io, s.result.warnings as string[]);
    return EXIT.OK;
  },
};

/** The other Datadog tools, as `pprof-mcp <name with dots as spaces>`. */
const toolCommands: CliCommand[] = [
  ["profiles download_latest_bundle", "profiles.download_latest_bundle", { out: "out_dir" }],
  ["datadog profiles aggregate", "datadog.profiles.aggregate", { out: "out_dir" }],
  ["datadog profiles compare_range", "datadog.profiles.compare_range", { out: "out_dir" }],
  ["datadog profiles near_event", "datadog.profiles.near_event", {}],
  ["datadog function_history", "datadog.function_history", {}],
  ["datadog services search", "datadog.services.search", {}],
  ["datadog metrics discover", "datadog.metrics.discover", {}],
  ["datadog metrics_at_timestamp", "datadog.metrics_at_timestamp", {}],
].map(([name, tool, aliases]) =>
  toolCommand({ name: name as string, tool: tool as string, aliases: aliases as Record<string, string> })
);

/** Every Datadog command. */
export const datadogCommands: CliCommand[] = [listCommand, pickCommand, downloadCommand, ...toolCommands];
