/**
 * The command-line interface: dispatches `pprof-mcp <command> …` to the
 * commands in `lib/cli/commands/`.
 *
 * Start-up cost: this module and everything it imports statically load for
 * every command, `--version` and `--help` included, so they must stay light
 * (no registry, zod, MCP SDK, protobufjs, node:zlib, viz). Adding a command:
 * - a tool as a command: `toolCommand({...})` in the list below; the registry
 *   loads only when the command runs (its summary, when not given, is the
 *   tool's title from lib/cli/commands/tool_titles.ts);
 * - a hand-made command: in its own module, with the heavy modules imported
 *   inside `run` (`await import(...)`), as report.ts and merge.ts do; or, for a
 *   module that is heavy at its top level, `lazyCommand(name, summary, () =>
 *   import(...).then((m) => m.x))` here. tests/cli_lazy_test.ts checks both
 *   (what `--version` loads, and lazy summaries against the loaded commands).
 *
 * @module
 */
import { type CliCommand, lazyCommand, runCommand } from "./lib/cli/command.ts";
import { datadogCommands } from "./lib/cli/commands/datadog.ts";
import { pyroscopeCommands } from "./lib/cli/commands/pyroscope.ts";
import { workflowCommands } from "./lib/cli/commands/workflows.ts";
import { servicesProfctl, storylinesProfctl } from "./lib/cli/commands/analysis_profctl.ts";
import { profctlCommands } from "./lib/cli/commands/profctl.ts";
import { convertCommand } from "./lib/cli/commands/convert.ts";
import { fetchCommand } from "./lib/cli/commands/fetch.ts";
import { mergeCommand } from "./lib/cli/commands/merge.ts";
import { reportCommands } from "./lib/cli/commands/report.ts";
import { toolCommand } from "./lib/cli/commands/tool_command.ts";
import { callCommand, toolsCommand } from "./lib/cli/commands/tools.ts";
import { callgraphCommand, flamegraphCommand } from "./lib/cli/commands/viz.ts";
import { type CliIO, EXIT, OutputClosed } from "./lib/cli/io.ts";
import { VERSION } from "./lib/version.ts";

/** Every CLI command, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  ...reportCommands,
  toolCommand({
    name: "meta",
    tool: "pprof.meta",
    summary: "What a profile is: kind, sample types and totals, period, time, label keys.",
    positionals: ["profile"],
  }),
  toolCommand({
    name: "goroutines",
    tool: "pprof.goroutine_analysis",
    summary: "Goroutine states, wait reasons and potential leaks, with the function each is parked in.",
    positionals: ["profile"],
  }),
  toolCommand({
    name: "goroutine-categories",
    tool: "pprof.goroutine_categorize",
    summary: "Goroutines per category (temporal, grpc, http, database, runtime, sync…).",
    positionals: ["profile"],
    aliases: { preset: "presets" },
  }),
  toolCommand({
    name: "temporal",
    tool: "pprof.temporal_analysis",
    summary: "A Temporal worker's pollers, executing activities and cached workflows.",
    positionals: ["profile"],
  }),
  toolCommand({
    name: "contention",
    tool: "pprof.contention_analysis",
    summary: "Mutex/block profile: delay per lock site, the code behind it, patterns and advice.",
    positionals: ["profile"],
  }),
  toolCommand({
    name: "memory-sanity",
    tool: "pprof.memory_sanity",
    summary: "Why RSS exceeds the Go heap: off-heap memory, churn, goroutine stacks, growth.",
    positionals: ["heap_profile"],
    aliases: {
      base: "base_heap_profile",
      goroutines: "goroutine_profile",
      cpu: "cpu_profile",
      rss: "container_rss_mb",
    },
  }),
  flamegraphCommand,
  callgraphCommand,
  toolCommand({ name: "storylines", tool: "pprof.storylines", positionals: ["profile"] }),
  toolCommand({ name: "alloc-paths", tool: "pprof.alloc_paths", positionals: ["profile"] }),
  toolCommand({ name: "overhead", tool: "pprof.overhead_report", positionals: ["profile"] }),
  toolCommand({ name: "explain-overhead", tool: "pprof.explain_overhead" }),
  toolCommand({ name: "trace-source", tool: "pprof.trace_source", positionals: ["profile", "function"] }),
  toolCommand({ name: "vendor", tool: "pprof.vendor_analyze", positionals: ["profile"] }),
  toolCommand({ name: "detect-repo", tool: "pprof.detect_repo", positionals: ["profile"] }),
  toolCommand({ name: "suggest-fix", tool: "pprof.suggest_fix", positionals: ["profile"] }),
  mergeCommand,
  convertCommand,
  fetchCommand,
  lazyCommand(
    "regression-check",
    "CI gate: fail (exit 1) when a function's flat% or cum%, or its change from a base, exceeds a threshold.",
    async () => (await import("./lib/cli/commands/regression_check.ts")).regressionCheckCommand,
  ),
  toolsCommand,
  callCommand,
  ...profctlCommands,
  ...datadogCommands,
  ...pyroscopeCommands,
  ...workflowCommands,
  storylinesProfctl,
  servicesProfctl,
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

/**
 * Runs the CLI with `args` (without the program name); returns the exit code.
 * A closed standard output ends any command quietly with 0.
 */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(args, io);
  } catch (e) {
    if (e instanceof OutputClosed) return EXIT.OK;
    throw e;
  }
}

async function dispatch(args: string[], io: CliIO): Promise<number> {
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
  const group = commands.filter((c) => c.name.startsWith(args[0] + " "));
  if (group.length > 0) {
    // A group of commands (`pprof top|peek|…`): its help, or its nearest command.
    if (args.length === 1 || ["--help", "-h", "help"].includes(args[1])) {
      const help = groupHelp(args[0], group);
      if (args.length === 1) {
        await io.err(help);
        return EXIT.ERROR;
      }
      await io.out(help);
      return EXIT.OK;
    }
    const sub = group.map((c) => c.name.slice(args[0].length + 1));
    return await unknown(`${args[0]} ${args[1]}`, nearest(args[1], sub).map((n) => `${args[0]} ${n}`), io);
  }
  const top = [...new Set([...commands.map((c) => c.name.split(" ")[0]), "mcp", "help", "version"])];
  return await unknown(args[0], nearest(args[0], top), io);
}

async function unknown(name: string, suggestions: string[], io: CliIO): Promise<number> {
  const hint = suggestions.length ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?)` : "";
  await io.err(`pprof-mcp: unknown command "${name}"${hint}; run \`pprof-mcp --help\`\n`);
  return EXIT.ERROR;
}

function groupHelp(group: string, cs: CliCommand[]): string {
  const names = cs.map((c) => c.name.slice(group.length + 1));
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const list = cs.map((c, i) => `  ${names[i].padEnd(width)}${c.summary}`).join("\n");
  return `pprof-mcp ${group}: ${cs.length} commands.

Usage:
  pprof-mcp ${group} <command> [flags]

Commands:
${list}

Run \`pprof-mcp ${group} <command> --help\` for a command's flags.
`;
}

/**
 * The candidates nearest to `word` by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours), when near enough to be a typo.
 */
export function nearest(word: string, candidates: string[]): string[] {
  const scored = candidates.map((c) => [c, editDistance(word.toLowerCase(), c.toLowerCase())] as const);
  const best = Math.min(...scored.map(([, d]) => d));
  const near = Math.max(1, Math.min(3, Math.floor(word.length / 2)));
  return best <= near ? scored.filter(([, d]) => d === best).map(([c]) => c) : [];
}

/** Optimal string alignment distance: Levenshtein plus transpositions of adjacent characters. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
