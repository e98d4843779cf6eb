/**
 * Launches the MCP server (`pprof-mcp mcp`).
 *
 * With `PPROF_MCP_BASEDIR` set, the server runs inside a Worker whose Deno
 * permissions allow reading and writing only inside the base dir, underneath
 * the tools' own path checks (which also resolve symlinks, which Deno's
 * permission checks do not). Such a worker needs Deno's unstable worker
 * options, and Deno ends the process (exit 70) when a worker is created
 * without them, so the worker is made only when something shows they are on;
 * otherwise the server runs with its path checks and says how to have Deno
 * confine it. The server itself is loaded only in the thread that serves.
 *
 * @module
 */
import { UserError } from "./lib/errors.ts";
import { mcpHelp, parseMcpArgs } from "./lib/mcp/options.ts";
import { resolveBaseDir } from "./lib/tools/basedir.ts";
import type { NameMode } from "./lib/tools/registry.ts";

/** What the worker is told: how to serve. */
interface ServeOptions {
  mode: NameMode;
  /** How files are confined, for the start-up line on stderr. */
  confinement: string;
}

async function serveStdio(opts: ServeOptions): Promise<void> {
  const server = await import("./lib/mcp/server.ts");
  await server.serveStdio(opts);
}

/** Where the system keeps its time zone files (as Go looks for them), readable by the confined worker. */
const ZONE_FILES = ["/etc/localtime", "/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"];

/** The programs the dev-cluster tools run (kubectl port-forward, git checkout, tilt get), by name. */
const LOCAL_PROGRAMS = ["kubectl", "git", "tilt"];

/**
 * Of the dev-cluster tools' programs, those this process may run: the confined worker may run exactly these, by
 * name (a worker cannot be given more than its parent has).
 */
function runnablePrograms(): string[] {
  return LOCAL_PROGRAMS.filter((command) => {
    try {
      return Deno.permissions.querySync({ name: "run", command }).state === "granted";
    } catch {
      return false;
    }
  });
}

/** The config file of the dev-cluster tools (`PPROF_MCP_LOCAL_CONFIG`), which the confined worker may read. */
function localConfigFile(): string[] {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "PPROF_MCP_LOCAL_CONFIG" }).state !== "granted") return [];
    const file = Deno.env.get("PPROF_MCP_LOCAL_CONFIG")?.trim() ?? "";
    return file === "" ? [] : [file];
  } catch {
    return [];
  }
}

/**
 * Worker options that let it read and write only inside `dirs` (network and environment as the process), and run
 * only kubectl, git and tilt, where the process may.
 */
export function confinedWorkerOptions(dirs: string[]): WorkerOptions {
  // The time zone database may be read too (profile times print Go's zone names, CET rather than GMT+1); the
  // tools' own path checks still keep every argument inside the base dir. The dev-cluster tools check their paths
  // (out_dir, the git checkout) the same way before they run a program.
  const read = [...dirs, ...ZONE_FILES, ...localConfigFile()];
  const programs = runnablePrograms();
  const run = programs.length > 0 ? programs : false;
  const permissions = { read, write: dirs, net: "inherit", env: "inherit", run, ffi: false };
  // Deno's `deno.permissions` worker option is not in the standard WorkerOptions type.
  return { deno: { permissions } } as unknown as WorkerOptions;
}

/**
 * The import-map entry that deno.json declares next to `"unstable":
 * ["worker-options"]`: when it resolves, that deno.json is the configuration
 * in force, and with it the unstable worker options.
 */
export const UNSTABLE_CONFIG_MARKER = "@pprof-mcp/unstable-worker-options";

const ALL_PERMISSIONS = ["read", "write", "net", "env", "run", "ffi", "sys"] as const;

/**
 * The Deno flags of this process (those before the script), from /proc on
 * Linux. Deno lets only a process with every permission read it (without
 * them it would refuse or prompt), so this is undefined otherwise.
 */
function denoFlags(): string[] | undefined {
  if (Deno.build.os !== "linux") return undefined;
  if (ALL_PERMISSIONS.some((name) => Deno.permissions.querySync({ name }).state !== "granted")) return undefined;
  try {
    const argv = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
    if (argv.at(-1) === "") argv.pop();
    // argv is deno, its subcommand and flags, the script, then Deno.args.
    return argv.slice(1, argv.length - Deno.args.length - 1);
  } catch {
    return undefined;
  }
}

/**
 * Why Deno's unstable worker options are known to be on in this process, or
 * undefined when nothing shows it: a binary built by `deno task compile`
 * (which passes the flag), the project's deno.json in force, or the flag on
 * the command line of a process with every permission (`-A`). A flag given
 * with narrower permissions cannot be seen: such a process gets the path
 * checks only, and is told how to have Deno confine it.
 */
export function workerOptionsEvidence(): string | undefined {
  if (Deno.build.standalone) return "compiled binary";
  try {
    import.meta.resolve(UNSTABLE_CONFIG_MARKER);
    return "deno.json";
  } catch {
    // not our configuration
  }
  if (denoFlags()?.includes("--unstable-worker-options")) return "--unstable-worker-options";
  return undefined;
}

/** Serves MCP from a Worker allowed to read and write only inside `base`; resolves when the server stops. */
export async function serveConfined(opts: ServeOptions, base: string, entry: string): Promise<void> {
  const dirs = [base];
  try {
    const real = Deno.realPathSync(base);
    if (real !== base) dirs.push(real);
  } catch {
    // a base dir that does not exist yet: the tools report it on use
  }
  const worker = new Worker(entry, { type: "module", ...confinedWorkerOptions(dirs) });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (e) => {
        if (e.data === "closed") resolve();
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
      worker.postMessage({ opts, base });
    });
  } finally {
    worker.terminate();
  }
}

function broadFileAccess(): boolean {
  return Deno.permissions.querySync({ name: "read" }).state === "granted" ||
    Deno.permissions.querySync({ name: "write" }).state === "granted";
}

/** The path of the running script, for the command line we suggest. */
function scriptPath(): string {
  const main = new URL(Deno.mainModule);
  return main.protocol === "file:" ? decodeURIComponent(main.pathname) : Deno.mainModule;
}

/**
 * Runs `pprof-mcp mcp` with the arguments after `mcp`; returns the exit code
 * (0 when the client disconnected, 2 for bad flags or environment). Serves
 * confined to `PPROF_MCP_BASEDIR` when it is set: a process started with
 * scoped `--allow-read`/`--allow-write` is already confined by Deno and
 * serves directly, one with broad access serves from a confined worker.
 */
export async function runMcp(args: string[], entry: string): Promise<number> {
  let mode: NameMode;
  try {
    const parsed = parseMcpArgs(args, { toolNameMode: Deno.env.get("PPROF_MCP_TOOL_NAME_MODE") });
    if (parsed.help) {
      await Deno.stdout.write(new TextEncoder().encode(mcpHelp()));
      return 0;
    }
    mode = parsed.mode;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`pprof-mcp: ${e.message}`);
    return 2;
  }
  const base = resolveBaseDir(Deno.env.get("PPROF_MCP_BASEDIR"));
  if (base === undefined) {
    await serveStdio({ mode, confinement: "no base dir (PPROF_MCP_BASEDIR is not set)" });
    return 0;
  }
  if (!broadFileAccess()) {
    await serveStdio({ mode, confinement: `files confined to ${base} (path checks; Deno permissions of the process)` });
    return 0;
  }
  const evidence = workerOptionsEvidence();
  if (evidence !== undefined) {
    const confinement = `files confined to ${base} (path checks; Deno permissions of a worker, ${evidence})`;
    await serveConfined({ mode, confinement }, base, entry);
    return 0;
  }
  console.error(
    `pprof-mcp: Deno itself cannot confine the server to ${base}: its worker needs --unstable-worker-options, ` +
      `which nothing shows is on. For Deno to confine it, start it with ` +
      `deno run --allow-read=${base} --allow-write=${base} --allow-env --allow-net ${scriptPath()} mcp ` +
      "(or add --unstable-worker-options).",
  );
  await serveStdio({ mode, confinement: `files confined to ${base} (path checks only)` });
  return 0;
}

/** The confined worker's side: wait for the options, serve, report when done. */
export function workerMain(): void {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent) => void) | null;
    postMessage(m: unknown): void;
  };
  scope.onmessage = async (e: MessageEvent) => {
    scope.onmessage = null;
    Deno.env.set("PPROF_MCP_BASEDIR", e.data.base);
    await serveStdio(e.data.opts);
    scope.postMessage("closed");
  };
}
