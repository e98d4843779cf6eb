/**
 * `pprof-mcp pprof top --profile FILE …`: the original `profctl pprof top`
 * form, printing `{command, raw, rows, summary}` as JSON.
 *
 * @module
 */
import { loadProfile } from "../../profile/load.ts";
import { defaultConfig } from "../../report/config.ts";
import { newReport } from "../../report/report.ts";
import { renderTop, textRows, topReport } from "../../report/top.ts";
import { UserError } from "../../errors.ts";
import { shellJoin } from "../../util/shell.ts";
import { type CliCommand, jsonText } from "../command.ts";
import { EXIT } from "../io.ts";

/** `go tool pprof` arguments equivalent to a top request, for the "command" field. */
export function pprofTopArgs(o: {
  profile: string;
  binary?: string;
  cum?: boolean;
  nodecount?: number;
  focus?: string;
  ignore?: string;
  sample_index?: string;
}): string[] {
  const args = ["go", "tool", "pprof", "-top"];
  if (o.cum) args.push("-cum");
  if (o.nodecount) args.push("-nodecount", String(o.nodecount));
  if (o.focus) args.push("-focus", o.focus);
  if (o.ignore) args.push("-ignore", o.ignore);
  if (o.sample_index) args.push("-sample_index", o.sample_index);
  if (o.binary) args.push(o.binary);
  args.push(o.profile);
  return args;
}

/** The `pprof top` command. */
export const profctlTopCommand: CliCommand = {
  name: "pprof top",
  summary: "Top functions as JSON {command, raw, rows, summary} (the original profctl form).",
  usage: "pprof top --profile FILE [--cum] [--nodecount N] [--focus RE] [--ignore RE] [--sample_index X]",
  description: "--binary is accepted for compatibility; profiles are read as already symbolized.",
  flags: {
    profile: { type: "string", arg: "FILE", help: "Profile file (required)" },
    binary: { type: "string", arg: "FILE", help: "Binary (accepted, not needed)" },
    cum: { type: "boolean", help: "Sort by cumulative weight" },
    nodecount: { type: "integer", help: "Show at most N nodes" },
    focus: { type: "string", arg: "RE", help: "Only samples with a frame matching RE" },
    ignore: { type: "string", arg: "RE", help: "Drop samples with a frame matching RE" },
    sample_index: { type: "string", arg: "X", help: "Sample type (name or index)" },
  },
  async run(v, _positionals, io) {
    const profilePath = (v.profile as string | undefined) ?? "";
    if (profilePath === "") throw new UserError("pprof top: --profile is required");
    const cfg = defaultConfig();
    if (v.cum) cfg.sort = "cum";
    if (v.nodecount) cfg.nodeCount = v.nodecount as number;
    cfg.focus = (v.focus as string | undefined) ?? "";
    cfg.ignore = (v.ignore as string | undefined) ?? "";
    cfg.sampleIndex = (v.sample_index as string | undefined) ?? "";
    const top = topReport(newReport(await loadProfile(profilePath), "top", cfg));
    const args = pprofTopArgs({ ...v, profile: profilePath } as Parameters<typeof pprofTopArgs>[0]);
    await io.out(jsonText({ command: shellJoin(args), raw: renderTop(top), ...textRows(top) }));
    return EXIT.OK;
  },
};
