/**
 * Shell quoting for the "command" strings reports carry, so a user can paste
 * the equivalent `go tool pprof` invocation into a POSIX shell.
 *
 * @module
 */

const needsQuoting = /[\s"'\\$&;|<>[\]{}()]/;

/** Quotes one argument with single quotes when the shell would otherwise split or expand it. */
export function shellQuote(arg: string): string {
  if (arg === "") return "''";
  if (!needsQuoting.test(arg)) return arg;
  return "'" + arg.replaceAll("'", "'\\''") + "'";
}

/** Joins arguments into one shell-quoted command line. */
export function shellJoin(args: string[]): string {
  return args.map(shellQuote).join(" ");
}
