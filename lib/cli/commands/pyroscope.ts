/**
 * The Pyroscope commands: `pprof-mcp pyroscope types|labels|series|query|compare`, each the registry's tool of the
 * same name (flags from its schema, `--json`, exit 2 on errors), with `--type` for `--profile_type` and `-o` for
 * `--output_path`.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import type { CliCommand } from "../command.ts";
import type { FlagValues } from "../flags.ts";
import { toolCommand } from "./tool_command.ts";

const aliases = { type: "profile_type", o: "output_path" };

const SEL = `--selector '{service_name="x"}'`;

const usages: Record<string, string> = {
  "pyroscope types": "pyroscope types [--url URL] [--from -1h] [--to now] [--json]",
  "pyroscope labels": `pyroscope labels [--url URL] [--name LABEL] [${SEL}] [--from -1h] [--to now] [--json]`,
  "pyroscope series": `pyroscope series [--url URL] --type PROFILE_TYPE_ID ${SEL} [--from -1h] [--to now] ` +
    "[--step 1m] [--group_by LABEL] [--json]",
  "pyroscope query": `pyroscope query [--url URL] --type PROFILE_TYPE_ID ${SEL} [--from -1h] [--to now] -o FILE ` +
    "[--json]",
  "pyroscope compare": "pyroscope compare [--url URL] --type PROFILE_TYPE_ID (--selector S | --before_selector S " +
    "--after_selector S) [--from T --to T | --before_from T --before_to T --after_from T --after_to T] " +
    "[--out_dir DIR] [--json]",
};

function command(name: string, tool: string): CliCommand {
  return toolCommand({ name, tool, aliases, usage: usages[name] });
}

/** The command line writes where it is told: the tool's temporary default is for MCP clients. */
function requireOutput(v: FlagValues): void {
  if (!v.o && !v.output_path) {
    throw new UserError("pyroscope query: give -o FILE, the file to write the merged profile to");
  }
}

/** Every Pyroscope command. */
export const pyroscopeCommands: CliCommand[] = [
  command("pyroscope types", "pyroscope.profile_types"),
  command("pyroscope labels", "pyroscope.labels"),
  command("pyroscope series", "pyroscope.series"),
  toolCommand({
    name: "pyroscope query",
    tool: "pyroscope.profiles.query",
    aliases,
    usage: usages["pyroscope query"],
    check: requireOutput,
  }),
  command("pyroscope compare", "pyroscope.compare"),
];
