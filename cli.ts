/**
 * The command-line interface: dispatches `pprof-mcp <command> …` to the
 * commands in `lib/cli/commands/`.
 *
 * @module
 */
import { type CliCommand, runCommand } from "./lib/cli/command.ts";
import { profctlCommands } from "./lib/cli/commands/profctl.ts";
import { mergeCommand } from "./lib/cli/commands/merge.ts";
import { regressionCheckCommand } from "./lib/cli/commands/regression_check.ts";
import { reportCommands } from "./lib/cli/commands/report.ts";
import { callCommand, toolsCommand } from "./lib/cli/commands/tools.ts";
import { type CliIO, EXIT } from "./lib/cli/io.ts";
import { VERSION } from "./lib/version.ts";

/** Every CLI command, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  ...reportCommands,
  mergeCommand,
  regressionCheckCommand,
  toolsCommand,
  callCommand,
  ...profctlCommands,
];

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const list = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n");
  return `pprof-mcp ${VERSION}: pprof profile analysis, as a CLI and an MCP server.

Usage:
  pprof-mcp <command> [arguments] [flags]
  pprof-mcp mcp [--tool-name-mode=default|codex]   serve MCP over stdio

Commands:
${list}

Run \`pprof-mcp <command> --help\` for a command's flags.
Exit codes: 0 success, 1 a regression check failed, 2 bad usage or input.
`;
}

/** Runs the CLI with `args` (without the program name); returns the exit code. */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  if (args.length === 0) {
    await io.err(mainHelp());
    return EXIT.ERROR;
  }
  if (args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    await io.out(mainHelp());
    return EXIT.OK;
  }
  if (args[0] === "--version" || args[0] === "-version" || args[0] === "version") {
    await io.out(`pprof-mcp ${VERSION}\n`);
    return EXIT.OK;
  }
  // Longest match first, so "pprof top" wins over a one-word "pprof".
  const byWords = [...commands].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  for (const c of byWords) {
    const words = c.name.split(" ");
    if (words.every((w, i) => args[i] === w)) return await runCommand(c, args.slice(words.length), io);
  }
  const known = commands.filter((c) => c.name.startsWith(args[0] + " ")).map((c) => c.name);
  const hint = known.length ? ` (did you mean: ${known.join(", ")}?)` : "";
  await io.err(`pprof-mcp: unknown command "${args.slice(0, 2).join(" ")}"${hint}; run \`pprof-mcp --help\`\n`);
  return EXIT.ERROR;
}
