/**
 * Command-line flag parsing with Go's conventions, so pprof habits work:
 * `-flag`, `--flag`, `-flag=value`, `--flag value`, `-bool=false`. Built on
 * `node:util` parseArgs after normalising the Go forms.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UserError } from "../errors.ts";

/** A flag a command accepts. */
export interface FlagSpec {
  type: "boolean" | "string" | "integer" | "number";
  help: string;
  /** Shown in help, e.g. "RE" or "N". */
  arg?: string;
  multiple?: boolean;
  default?: boolean | string | number;
  short?: string;
}

/** Flags by name (Go style names with underscores, e.g. `sample_index`). */
export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flag values by name. */
export type FlagValues = Record<string, boolean | string | number | string[] | undefined>;

/** Rewrites Go-style arguments into the forms parseArgs understands. */
function normalise(args: string[], specs: FlagSpecs): string[] {
  const out: string[] = [];
  let rest = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (rest || a === "-" || !a.startsWith("-") || /^-\d/.test(a)) {
      out.push(a);
      continue;
    }
    if (a === "--") {
      rest = true;
      out.push(a);
      continue;
    }
    let s = a.startsWith("--") ? a : a.length > 2 ? "-" + a : a;
    const eq = s.indexOf("=");
    const name = s.slice(2, eq < 0 ? undefined : eq);
    if (specs[name]?.type === "boolean" && eq >= 0) {
      const v = s.slice(eq + 1).toLowerCase();
      if (["true", "1", "t"].includes(v)) s = "--" + name;
      else if (["false", "0", "f"].includes(v)) s = "--no-" + name;
      else {throw new UserError(
          `flag --${name} is a boolean; use --${name} or --${name}=false, not "${s.slice(eq + 1)}"`,
        );}
    }
    // A negative number or relative time after a flag that takes a value is that value (`--index -1`,
    // `--from -30m`), not a flag.
    const type = specs[name]?.type;
    if (eq < 0 && type !== undefined && type !== "boolean" && /^-\d/.test(args[i + 1] ?? "")) s += "=" + args[++i];
    out.push(s);
  }
  return out;
}

/**
 * Parses `args` against `specs`.
 *
 * @param command the command name, for error messages
 * @throws {UserError} for unknown flags, missing or malformed values
 */
export function parseFlags(
  command: string,
  args: string[],
  specs: FlagSpecs,
): { values: FlagValues; positionals: string[] } {
  const options: Record<string, { type: "boolean" | "string"; multiple?: boolean; short?: string }> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type === "boolean" ? "boolean" : "string" };
    if (s.multiple) options[name].multiple = true;
    if (s.short) options[name].short = s.short;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: normalise(args, specs),
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (e) {
    const err = e as { code?: string; message: string };
    const m = /'(-{1,2}[^' ]+)/.exec(err.message);
    const flag = m ? m[1] : "";
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new UserError(
        `${command}: unknown flag ${flag} (run \`pprof-mcp ${command} --help\` for the flags it takes)`,
      );
    }
    if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new UserError(`${command}: flag ${flag} needs a value`);
    }
    throw new UserError(`${command}: ${err.message}`);
  }
  const values: FlagValues = {};
  for (const [name, s] of Object.entries(specs)) {
    const raw = (parsed.values as Record<string, unknown>)[name];
    if (raw === undefined) {
      values[name] = s.default;
      continue;
    }
    if (s.type === "integer" || s.type === "number") {
      const text = String(raw);
      const n = Number(text);
      if (text.trim() === "" || !Number.isFinite(n) || (s.type === "integer" && !Number.isInteger(n))) {
        throw new UserError(
          `${command}: flag --${name} needs ${s.type === "integer" ? "an integer" : "a number"}, got "${text}"`,
        );
      }
      values[name] = n;
    } else values[name] = raw as boolean | string | string[];
  }
  return { values, positionals: parsed.positionals };
}

/** Help text for a set of flags, one per line. */
export function flagHelp(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const arg = s.type === "boolean" ? "" : `=${s.arg ?? (s.type === "integer" ? "N" : "X")}`;
    return [`  --${name}${arg}`, s.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, h]) => f.padEnd(width) + h).join("\n");
}
