/**
 * The original `profctl pprof …` commands (`pprof-mcp pprof top|peek|list|
 * traces_head|diff_top|meta`), printing the same JSON as the original CLI.
 * They call the same handlers as the MCP tools, loaded when a command runs.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { type CliCommand, jsonText } from "../command.ts";
import type { FlagSpecs, FlagValues } from "../flags.ts";
import { EXIT } from "../io.ts";
import { optionFlags } from "../report_flags.ts";

const binary: FlagSpecs = {
  binary: { type: "string", arg: "FILE", help: "Binary (accepted; profiles are read as symbolized)" },
};
const profile: FlagSpecs = { profile: { type: "string", arg: "FILE", help: "Profile file (required)" } };
const topFlags: FlagSpecs = optionFlags(["cum", "nodecount", "focus", "ignore", "sample_index"]);

function required(v: FlagValues, cmd: string, ...names: string[]): string[] {
  return names.map((n) => {
    const s = v[n];
    if (typeof s !== "string" || s === "") throw new UserError(`${cmd}: --${n} is required`);
    return s;
  });
}

type Args = Record<string, string | number | boolean | undefined>;

function profctl(
  name: string,
  summary: string,
  usage: string,
  flags: FlagSpecs,
  run: (v: FlagValues) => Promise<unknown>,
): CliCommand {
  return {
    name: `pprof ${name}`,
    summary,
    usage: `pprof ${name} ${usage}`,
    description: "Prints the JSON of the original `profctl pprof " + name + "` command.",
    flags,
    async run(v, _p, io) {
      const out = await run(v);
      await io.out(typeof out === "string" ? out : jsonText(out));
      return EXIT.OK;
    },
  };
}

/** The profctl-compatible commands. */
export const profctlCommands: CliCommand[] = [
  profctl(
    "top",
    "Top functions as JSON {command, raw, rows, summary}.",
    "--profile FILE [--cum] [--nodecount N] [--focus RE] [--ignore RE] [--sample_index X]",
    { ...profile, ...binary, ...topFlags },
    async (v) => {
      const [path] = required(v, "pprof top", "profile");
      const { command, raw, rows, summary } = await (await import("../../tools/pprof/top.ts")).pprofTop({
        ...(v as Args),
        profile: path,
        ...(await import("../../tools/pprof/args.ts")).NO_LIMITS,
      });
      return { command, raw, rows, summary };
    },
  ),
  profctl(
    "peek",
    "Callers and callees of functions matching a regexp, as JSON {command, raw}.",
    "--profile FILE --regex RE",
    { ...profile, ...binary, regex: { type: "string", arg: "RE", help: "Functions to show (required)" } },
    async (v) => {
      const [path, regex] = required(v, "pprof peek", "profile", "regex");
      const binary = v.binary as string | undefined;
      const { command, raw } = await (await import("../../tools/pprof/peek.ts")).pprofPeek({
        profile: path,
        regex,
        binary,
        ...(await import("../../tools/pprof/args.ts")).NO_LIMITS,
      });
      return { command, raw };
    },
  ),
  profctl(
    "list",
    "Annotated source of functions matching a regexp, as JSON {command, raw}.",
    "--profile FILE --function RE [--repo_root DIR] [--trim_path PREFIX]",
    {
      ...profile,
      ...binary,
      function: { type: "string", arg: "RE", help: "Functions to list (required)" },
      repo_root: { type: "string", arg: "DIR", default: ".", help: "Where sources are (default .)" },
      trim_path: { type: "string", arg: "PREFIX", help: "Path prefix to strip from source file names" },
    },
    async (v) => {
      const [path, fn] = required(v, "pprof list", "profile", "function");
      const { command, raw } = await (await import("../../tools/pprof/list.ts")).pprofList({
        ...(v as Args),
        profile: path,
        function: fn,
        ...(await import("../../tools/pprof/args.ts")).NO_LIMITS,
      });
      return { command, raw };
    },
  ),
  profctl(
    "traces_head",
    "The first lines of the traces report, as JSON {command, raw, total_lines, truncated}.",
    "--profile FILE [--lines N]",
    { ...profile, ...binary, lines: { type: "integer", default: 200, help: "Lines to keep (at most 500)" } },
    async (v) => {
      const [path] = required(v, "pprof traces_head", "profile");
      const { command, raw, total_lines, truncated } = await (await import("../../tools/pprof/traces.ts"))
        .pprofTracesHead({
          profile: path,
          lines: v.lines as number,
          max_bytes: 0,
        });
      return { command, raw, total_lines, truncated };
    },
  ),
  profctl(
    "diff_top",
    "Top of two profiles and the change of every function, as JSON.",
    "--before FILE --after FILE [--cum] [--nodecount N] [--focus RE] [--ignore RE] [--sample_index X]",
    {
      before: { type: "string", arg: "FILE", help: "Profile before the change (required)" },
      after: { type: "string", arg: "FILE", help: "Profile after the change (required)" },
      ...binary,
      ...topFlags,
    },
    async (v) => {
      const [before, after] = required(v, "pprof diff_top", "before", "after");
      const { commands, before: b, after: a, deltas } = await (await import("../../tools/pprof/diff_top.ts"))
        .pprofDiffTop({
          ...(v as Args),
          before,
          after,
          ...(await import("../../tools/pprof/args.ts")).NO_LIMITS,
        });
      return { commands, before: b, after: a, deltas };
    },
  ),
  profctl(
    "meta",
    "Profile metadata: kind, sample types, totals, time, label keys.",
    "--profile FILE [--json]",
    { ...profile, json: { type: "boolean", help: "Print {command, result} as JSON" } },
    async (v) => {
      const [path] = required(v, "pprof meta", "profile");
      const meta = await (await import("../../tools/pprof/meta_tool.ts")).pprofMeta({ profile: path });
      return v.json ? meta : `profile: ${meta.result.profile_path}\nkind: ${meta.result.detected_profile_kind}\n`;
    },
  ),
];
