/**
 * The original profctl's analysis commands in their own forms: `pprof-mcp pprof storylines --profile F …`
 * (one line per storyline, or `{command, result}` with --json) and `pprof-mcp repo services discover
 * [--repo_root .]` (`{command, services}`). Both call the registry's tools.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { type CliCommand, jsonText } from "../command.ts";
import type { FlagSpecs } from "../flags.ts";
import { type CliIO, EXIT } from "../io.ts";
import { callTool } from "./tool_command.ts";

async function call(name: string, args: Record<string, unknown>, io: CliIO): Promise<Record<string, unknown>> {
  const r = await callTool(name, args, io);
  if (r.isError) {
    const e = (r.structuredContent as { error: { message: string; code: string } }).error;
    throw new UserError(e.message, e.code === "INVALID_ARGUMENT" ? "INVALID_ARGUMENT" : "INTERNAL");
  }
  return r.structuredContent;
}

const storylineFlags: FlagSpecs = {
  profile: { type: "string", arg: "FILE", help: "Profile file (required)" },
  n: { type: "integer", default: 4, help: "How many storylines (2-6)" },
  focus: { type: "string", arg: "RE", help: "Only samples through functions matching RE" },
  ignore: { type: "string", arg: "RE", help: "Drop samples through functions matching RE" },
  sample_index: { type: "string", arg: "TYPE", help: "Sample type" },
  repo_root: { type: "string", arg: "DIR", default: ".", help: "Checkout for list evidence (default .)" },
  trim_path: { type: "string", arg: "PREFIX", help: "Prefix to strip from source file names (no default)" },
  repo_prefix: { type: "string", arg: "P", multiple: true, help: "Prefix of your own code (repeatable)" },
  json: { type: "boolean", help: "Print {command, result} as JSON" },
};

/** `pprof storylines`. */
export const storylinesProfctl: CliCommand = {
  name: "pprof storylines",
  summary: "Hot paths: one line per storyline, or {command, result} with --json.",
  usage: "pprof storylines --profile FILE [--n 4] [--focus RE] [--ignore RE] [--repo_root .] " +
    "[--trim_path PREFIX] [--repo_prefix P]... [--json]",
  description: "The original `profctl pprof storylines` (the MCP tool pprof.storylines). --repo_root defaults " +
    "to . here, so -list evidence of your code is collected.",
  flags: storylineFlags,
  async run(v, _p, io) {
    if (typeof v.profile !== "string" || v.profile === "") {
      throw new UserError("pprof storylines: --profile is required");
    }
    const args: Record<string, unknown> = { profile: v.profile, n: v.n };
    for (const k of ["focus", "ignore", "sample_index", "repo_root", "trim_path"]) if (v[k]) args[k] = v[k];
    if (Array.isArray(v.repo_prefix) && v.repo_prefix.length > 0) args.repo_prefix = v.repo_prefix;
    const out = await call("pprof.storylines", args, io) as {
      command: string;
      result: { storylines: { leaf_hotspot: string; cum: string }[] };
    };
    if (v.json) await io.out(jsonText({ command: out.command, result: out.result }));
    else await io.out(out.result.storylines.map((s) => `- ${s.leaf_hotspot} (cum=${s.cum})\n`).join(""));
    return EXIT.OK;
  },
};

/** `repo services discover`. */
export const servicesProfctl: CliCommand = {
  name: "repo services discover",
  summary: "The services of a repository as JSON {command, services}.",
  usage: "repo services discover [--repo_root .]",
  description: "The original `profctl repo services discover` (the MCP tool repo.services.discover): Go main " +
    "packages under cmd/, Node.js and Deno projects.",
  flags: { repo_root: { type: "string", arg: "DIR", default: ".", help: "The repository (default .)" } },
  async run(v, positionals, io) {
    if (positionals.length > 0) throw new UserError(`repo services discover: unexpected argument "${positionals[0]}"`);
    const out = await call("repo.services.discover", { repo_root: v.repo_root }, io);
    await io.out(jsonText({ command: out.command, services: out.services }));
    return EXIT.OK;
  },
};
