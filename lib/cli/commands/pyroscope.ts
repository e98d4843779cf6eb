/**
 * The Pyroscope commands: `pprof-mcp pyroscope types|labels|series|query|compare`, each the registry's tool of the
 * same name (flags from its schema, `--json`, exit 2 on errors), with `--type` for `--profile_type` and `-o` for
 * `--output_path`.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import type { CliCommand } from "../command.ts";
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
  const c = toolCommand({ name, tool, aliases });
  // The command line writes where it is told: the tool's temporary default is for MCP clients.
  const withChecks = (full: CliCommand): CliCommand => ({
    ...full,
    usage: usages[name],
    run(v, positionals, io) {
      if (name === "pyroscope query" && !v.o && !v.output_path) {
        throw new UserError("pyroscope query: give -o FILE, the file to write the merged profile to");
      }
      return full.run(v, positionals, io);
    },
  });
  // The tool's module loads when the command runs: the checks and the usage go on the loaded command.
  let loaded: Promise<CliCommand> | undefined;
  const load = () => (loaded ??= c.load!().then(withChecks));
  return { ...withChecks(c), load, run: async (v, positionals, io) => await (await load()).run(v, positionals, io) };
}

/** Every Pyroscope command. */
export const pyroscopeCommands: CliCommand[] = [
  command("pyroscope types", "pyroscope.profile_types"),
  command("pyroscope labels", "pyroscope.labels"),
  command("pyroscope series", "pyroscope.series"),
  command("pyroscope query", "pyroscope.profiles.query"),
  command("pyroscope compare", "pyroscope.compare"),
];
