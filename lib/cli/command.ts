/**
 * The shape of a CLI subcommand, and the runner that gives every command
 * `--help`, flag parsing and uniform error handling.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { MAX_PROFILE_BYTES_ENV, parseByteSize, setMaxProfileBytes } from "../profile/limits.ts";
import { flagHelp, type FlagSpecs, type FlagValues, parseFlags } from "./flags.ts";
import { type CliIO, EXIT } from "./io.ts";

/** A CLI subcommand. */
export interface CliCommand {
  /** Words that select the command, e.g. "top" or "pprof top". */
  name: string;
  summary: string;
  /** Usage line after "pprof-mcp ", e.g. "top FILE... [flags]". */
  usage: string;
  /** Extra help text shown after the usage line. */
  description?: string;
  flags: FlagSpecs;
  /** Rewrites the arguments before flags are parsed (e.g. to give a flag several values). */
  args?(args: string[]): string[];
  run(values: FlagValues, positionals: string[], io: CliIO): Promise<number>;
  /**
   * The full command, for commands that load their modules only when they run
   * or show their help (see cli.ts): `name` and `summary` are known up front,
   * `usage`, `flags` and `run` come from the loaded command.
   */
  load?(): Promise<CliCommand>;
}

/**
 * A command whose module loads only when it runs or shows its help: for
 * command modules that are heavy at their top level. `name` and `summary`
 * must be the loaded command's (tests/cli_lazy_test.ts checks every lazy
 * command of cli.ts against what it loads).
 */
export function lazyCommand(name: string, summary: string, loader: () => Promise<CliCommand>): CliCommand {
  let loaded: Promise<CliCommand> | undefined;
  const load = () => (loaded ??= loader());
  return {
    name,
    summary,
    usage: `${name} [flags]`,
    flags: {},
    load,
    async run(v, positionals, io) {
      return await (await load()).run(v, positionals, io);
    },
  };
}

/** The flag every command has. */
export const helpFlag: FlagSpecs = { help: { type: "boolean", short: "h", help: "Show this help" } };

/** The cap on a profile's decompressed size, for every command that reads profiles. */
const limitFlag: FlagSpecs = {
  "max-profile-bytes": {
    type: "string",
    arg: "SIZE",
    help: `Refuse profiles that decompress to more than SIZE (default 1GiB, or ${MAX_PROFILE_BYTES_ENV})`,
  },
};

/** `--help` text of a command. */
export function commandHelp(c: CliCommand): string {
  const desc = c.description ? `\n${c.description.trim()}\n` : "";
  return `${c.summary}\n\nUsage: pprof-mcp ${c.usage}\n${desc}\nFlags:\n${
    flagHelp({ ...c.flags, ...limitFlag, ...helpFlag })
  }\n`;
}

/** Parses flags, handles --help, runs the command and turns user errors into exit code 2. */
export async function runCommand(command: CliCommand, args: string[], io: CliIO): Promise<number> {
  const c = command.load ? await command.load() : command;
  const wantsJson = args.includes("--json") || args.includes("-json");
  try {
    const given = c.args ? c.args(args) : args;
    const { values, positionals } = parseFlags(c.name, given, { ...c.flags, ...limitFlag, ...helpFlag });
    if (values.help) {
      await io.out(commandHelp(c));
      return EXIT.OK;
    }
    const limit = values["max-profile-bytes"] as string | undefined;
    if (limit !== undefined) setMaxProfileBytes(parseByteSize(limit, "--max-profile-bytes"));
    return await c.run(values, positionals, io);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    if (wantsJson) {
      const details = Object.keys(e.details).length ? { details: e.details } : {};
      await io.out(JSON.stringify({ error: { message: e.message, code: e.code, ...details } }, null, 2) + "\n");
    }
    await io.err(`pprof-mcp: ${e.message}\n`);
    return EXIT.ERROR;
  } finally {
    setMaxProfileBytes(undefined);
  }
}

/** Fails with a usage error unless exactly `n` positional arguments were given. */
export function requirePositionals(c: CliCommand, positionals: string[], min: number, what: string): void {
  if (positionals.length < min) {
    throw new UserError(`${c.name}: missing ${what} (usage: pprof-mcp ${c.usage})`);
  }
}

/** Pretty JSON as the CLI prints it: 2-space indent and a trailing newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** A value that is iterated, not held: streamed as a JSON array. */
function isLazy(v: unknown): v is Iterable<unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Symbol.iterator in v;
}

/**
 * {@link jsonText} of `value`, in pieces, where any iterable that is not an
 * array (a generator of traces, say) is written as an array as it is read, so
 * a report of millions of items never becomes one string.
 */
export function* jsonChunks(value: unknown, indent = ""): Generator<string> {
  yield* jsonPieces(value, indent);
  if (indent === "") yield "\n";
}

function* jsonPieces(value: unknown, indent: string): Generator<string> {
  const inner = indent + "  ";
  if (isLazy(value)) {
    let first = true;
    for (const item of value) {
      yield (first ? "[\n" : ",\n") + inner;
      yield* jsonPieces(item === undefined ? null : item, inner);
      first = false;
    }
    yield first ? "[]" : "\n" + indent + "]";
    return;
  }
  if (typeof value !== "object" || value === null || !hasLazy(value)) {
    yield (JSON.stringify(value, null, 2) ?? "null").replaceAll("\n", "\n" + indent);
    return;
  }
  const entries = Array.isArray(value)
    ? value.map((v) => [undefined, v === undefined ? null : v] as const)
    : Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) {
    yield Array.isArray(value) ? "[]" : "{}";
    return;
  }
  let first = true;
  for (const [k, v] of entries) {
    yield (first ? (Array.isArray(value) ? "[\n" : "{\n") : ",\n") + inner +
      (k === undefined ? "" : JSON.stringify(k) + ": ");
    yield* jsonPieces(v, inner);
    first = false;
  }
  yield "\n" + indent + (Array.isArray(value) ? "]" : "}");
}

function hasLazy(v: object): boolean {
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    if (isLazy(x) || (typeof x === "object" && x !== null && hasLazy(x))) return true;
  }
  return false;
}
