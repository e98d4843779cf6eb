/**
 * The permission flags the compiled binary gets, read from the `compile` task
 * in deno.json so tests run the program exactly as it ships.
 */
const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));

/** `--allow-…` and `--unstable-…` flags of `deno task compile`. */
export const BINARY_PERMISSIONS: string[] = (config.tasks.compile as string).match(/--(allow|unstable)-\S+/g) ?? [];

/** Runs `deno` (the one running the tests) with arguments; returns code, stdout and stderr. */
export async function runDeno(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: opts.cwd,
    env: { NO_COLOR: "1", ...opts.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
